"""Large-neighbourhood search over a solved week model.

A full-week model proves a bound but improves its plans slowly. Here the
incumbent is kept everywhere except in a neighbourhood (a day, a venue, a few
days at one venue), which is solved again exactly on a copy of the model with
everything else fixed; the result is kept when it is at least as good. The first
move frees every place but fixes the timetable: the exact allocation of clients
to the sessions already chosen, so the plan is never worse than booking would
make of its own timetable.

Everything here is counted in the search's deterministic work (`Runner`), never in
seconds of the wall clock, so the same incumbent, budget and seed make the same moves.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ortools.sat.python import cp_model

from solver.candidates import Slot
from solver.domain import MINUTES_PER_DAY
from solver.model import Solution, WeekModel

log = logging.getLogger("solver")

# Work (in calibrated seconds) kept for the last move, the exact places on the final timetable.
LAST_MOVE_SECONDS = 1.5


class Runner(Protocol):
    """How the search solves models side by side, each within `seconds` of deterministic
    work, counted as the longest of them."""

    def solve_models(
        self, models: list[cp_model.CpModel], seconds: float
    ) -> list[tuple[cp_model.CpSolver, int]]: ...

    def spent(self) -> float:
        """Work done so far, in calibrated seconds."""
        ...

    def out_of_clock(self) -> bool:
        """Whether the wall clock's safety cap has been reached."""
        ...


@dataclass(frozen=True)
class Neighbourhood:
    """The slots whose sessions, teachers and places may change; `places_only` keeps runs."""

    name: str
    free: frozenset[str]
    places_only: bool = False
    kind: tuple[str, int] | None = None


class Neighbourhoods:
    """Random neighbourhoods of several kinds (every venue on one or two days, one venue on
    one to four days, every venue in the same two or four hours of every day), each kind
    chosen as often as it has paid lately.

    A kind is (every venue or one, how many days), or ("hours", how many); its
    neighbourhood frees every slot at those venues on that many days, or every slot
    starting in that many hours from a start time of day, drawn at random. The hours
    let clients move between days within their usual times: on studio.json (60 s, seeds
    0-4) adding them raised the places from 663 to 673 on average.

    Which kind pays depends on the week (measured on studio.json: a venue on a few days
    gained about ten times more places per second than whole days), so the choice
    adapts: each kind is tried once, then a kind's score is its recent gain per unit of
    deterministic work, and a fifth of the picks are uniform so that no kind is forgotten.
    """

    EXPLORE = 0.2
    MEMORY = 0.3  # weight of the newest move in a kind's score

    def __init__(self, wm: WeekModel, rng: random.Random) -> None:
        self.slots, self.rng = wm.slots, rng
        self.days = sorted({s.day for s in wm.slots})
        self.venues = sorted({s.venue for s in wm.slots})
        kinds = [("every venue", n) for n in range(1, min(2, len(self.days)) + 1)]
        if len(self.venues) > 1:
            kinds += [("one venue", n) for n in range(1, min(4, len(self.days)) + 1)]
        self.times = sorted({s.start % MINUTES_PER_DAY for s in wm.slots})
        if len(self.days) > 1:
            kinds += [("hours", n) for n in (2, 4)]
        self.score: dict[tuple[str, int], float | None] = dict.fromkeys(kinds)

    def pick(self) -> Neighbourhood:
        kinds = list(self.score)
        untried = [k for k in kinds if self.score[k] is None]
        if untried:
            kind = self.rng.choice(untried)
        elif self.rng.random() < self.EXPLORE:
            kind = self.rng.choice(kinds)
        else:
            kind = self.rng.choices(kinds, [(self.score[k] or 0.0) + 1e-3 for k in kinds])[0]
        scope, count = kind
        if scope == "hours":
            t = self.rng.choice(self.times)
            return self._of(
                kind,
                f"{count} hours from {t // 60:02d}:{t % 60:02d} every day",
                lambda s: t <= s.start % MINUTES_PER_DAY < t + 60 * count,
            )
        days = set(self.rng.sample(self.days, count))
        if scope == "every venue":
            return self._of(kind, f"days {sorted(days)}", lambda s: s.day in days)
        v = self.rng.choice(self.venues)
        return self._of(
            kind, f"{v} on days {sorted(days)}", lambda s: s.venue == v and s.day in days
        )

    def record(self, hood: Neighbourhood, gain: int, seconds: float) -> None:
        """What a move of this kind gained, for how much work (in calibrated seconds)."""
        if hood.kind in self.score:
            rate = max(gain, 0) / max(seconds, 0.05)
            old = self.score[hood.kind]
            self.score[hood.kind] = rate if old is None else old + self.MEMORY * (rate - old)

    def _of(self, kind: tuple[str, int], name: str, keep: Callable[[Slot], bool]) -> Neighbourhood:
        return Neighbourhood(name, frozenset(s.id for s in self.slots if keep(s)), kind=kind)


def fixed_timetable(wm: WeekModel) -> Neighbourhood:
    """Every place free, every session and teacher as they are."""
    return Neighbourhood("the places on this timetable", frozenset(wm.slot_by_id), True)


def _fixings(wm: WeekModel, incumbent: Solution, hood: Neighbourhood) -> dict[int, int]:
    """Variable index -> value for everything the neighbourhood keeps.

    Sessions outside the neighbourhood keep running (or not) with their teacher, and
    their places stay fixed, except the places of clients who could join a class of
    the neighbourhood: they may move out of a kept class to make room in a new one,
    which a neighbourhood of whole classes alone would never find.
    """
    running = {s.id for s in incumbent.running}
    movable = {c for sid in hood.free for c in wm.slot_by_id[sid].clients}
    fixed: dict[int, int] = {}
    for s in wm.slots:
        if s.id in hood.free and not hood.places_only:
            continue
        fixed[wm.runs[s.id].Index()] = int(s.id in running)
        for i in s.instructors:
            fixed[wm.teaches[s.id, i].Index()] = int(incumbent.teacher.get(s.id) == i)
        inside = set(incumbent.clients.get(s.id, ()))
        for c in s.clients:
            if s.id not in running or c not in movable:
                fixed[wm.placed[c, s.id].Index()] = int(c in inside)
    return fixed


def neighbourhood_model(
    wm: WeekModel, incumbent: Solution, hood: Neighbourhood
) -> cp_model.CpModel:
    """A copy of the model (its objective and hint as they are) with everything outside
    `hood` fixed as in `incumbent`; `wm.model` itself is left as it was."""
    copy = wm.model.clone()
    variables = copy.Proto().variables
    for index, value in _fixings(wm, incumbent, hood).items():
        domain = variables[index].domain  # a Boolean's domain is [0, 1]
        domain[0] = domain[1] = value
    return copy


def solve_neighbourhoods(
    wm: WeekModel,
    incumbent: Solution,
    hoods: list[Neighbourhood],
    seconds: float,
    runner: Runner,
) -> list[Solution | None]:
    """For each neighbourhood, side by side, the best solution found with everything
    outside it as in `incumbent`, within `seconds` of work (None where none was found)."""
    solved = runner.solve_models([neighbourhood_model(wm, incumbent, h) for h in hoods], seconds)
    found: list[Solution | None] = []
    for hood, (solver, status) in zip(hoods, solved, strict=True):
        log.debug(
            "neighbourhood %s: %s in %.1fs", hood.name, solver.status_name(status), solver.wall_time
        )
        feasible = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        found.append(wm.read(solver) if feasible else None)
    return found


def improve(
    wm: WeekModel,
    incumbent: Solution,
    value: Callable[[Solution], int],
    seconds: float,
    runner: Runner,
    *,
    seed: int = 0,
    on_improvement: Callable[[Solution, int], None] | None = None,
    move_seconds: float = 3.0,
    side_by_side: int = 1,
    most: int | None = None,
) -> Solution:
    """The incumbent improved by neighbourhood moves for about `seconds` of work (ties are
    taken too, so the search drifts across equally good timetables). The search stops
    early when its value reaches `most` (a proven bound), or when the wall clock's
    safety cap is reached.

    Each round solves `side_by_side` neighbourhoods of the same incumbent at once and
    keeps the best (the first of equals), so the rounds are the same however the
    solves finish.
    """
    started = runner.spent()
    hoods = Neighbourhoods(wm, random.Random(seed))
    best, best_value = incumbent, value(incumbent)
    # The first and the last move place everyone anew on the timetable as it stands.
    round_ = [fixed_timetable(wm)]
    while (left := seconds - (runner.spent() - started)) >= 0.2 and not runner.out_of_clock():
        if most is not None and best_value >= most:
            break  # nothing better exists
        last = left < LAST_MOVE_SECONDS + 0.2
        if last:
            round_ = [fixed_timetable(wm)]
        elif hoods.score:
            round_ += [hoods.pick() for _ in range(side_by_side - len(round_))]
        limit = left if last else min(move_seconds, left - LAST_MOVE_SECONDS)
        wm.hint(best)
        move_started = runner.spent()
        solved = solve_neighbourhoods(wm, best, round_, limit, runner)
        work = runner.spent() - move_started
        chosen, chosen_value = None, best_value - 1
        for hood, found in zip(round_, solved, strict=True):
            found_value = value(found) if found is not None else best_value
            hoods.record(hood, found_value - best_value, work)
            if found is not None and found_value > chosen_value:
                chosen, chosen_value, chosen_hood = found, found_value, hood
        if chosen is not None and chosen_value >= best_value:
            if chosen_value > best_value:
                log.info("neighbourhood %s: %d -> %d", chosen_hood.name, best_value, chosen_value)
                if on_improvement is not None:
                    on_improvement(chosen, chosen_value)
            best, best_value = chosen, chosen_value
        if last or not hoods.score:  # no slots, nothing to free
            break
        round_ = []
    return best
