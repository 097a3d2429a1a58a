"""Large-neighbourhood search over a solved week model.

A full-week model proves a bound but improves its plans slowly. Here the
incumbent is kept everywhere except in a neighbourhood (a day, a venue, a few
days at one venue), which is solved again exactly on a copy of the model with
everything else fixed; the result is kept when it is at least as good. The first
move frees every place but fixes the timetable: the exact allocation of clients
to the sessions already chosen, so the plan is never worse than booking would
make of its own timetable.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.candidates import Slot
from solver.domain import MINUTES_PER_DAY
from solver.model import Solution, WeekModel

log = logging.getLogger("solver")

# Time kept for the last move, the exact places on the final timetable.
LAST_MOVE_SECONDS = 1.5


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
    adapts: each kind is tried once, then a kind's score is its recent gain per second
    of search, and a fifth of the picks are uniform so that no kind is forgotten.
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
        """What a move of this kind gained, in how long."""
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


def solve_neighbourhood(
    wm: WeekModel,
    incumbent: Solution,
    hood: Neighbourhood,
    seconds: float,
    configure: Callable[[cp_model.CpSolver], None],
) -> Solution | None:
    """The best solution found with everything outside `hood` as in `incumbent`.

    The model's current objective and hint are used; `wm.model` itself is left as it was.
    """
    copy = wm.model.clone()
    variables = copy.Proto().variables
    for index, value in _fixings(wm, incumbent, hood).items():
        domain = variables[index].domain  # a Boolean's domain is [0, 1]
        domain[0] = domain[1] = value
    solver = cp_model.CpSolver()
    configure(solver)
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    status = solver.solve(copy)
    log.debug(
        "neighbourhood %s: %s in %.1fs", hood.name, solver.status_name(status), solver.wall_time
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return wm.read(solver)


def improve(
    wm: WeekModel,
    incumbent: Solution,
    value: Callable[[Solution], int],
    seconds: float,
    configure: Callable[[cp_model.CpSolver], None],
    *,
    seed: int = 0,
    on_improvement: Callable[[Solution, int], None] | None = None,
    move_seconds: float = 3.0,
) -> Solution:
    """The incumbent improved by neighbourhood moves for about `seconds` (ties are taken too,
    so the search drifts across equally good timetables)."""
    started = time.monotonic()
    hoods = Neighbourhoods(wm, random.Random(seed))
    best, best_value = incumbent, value(incumbent)
    # The first and the last move place everyone anew on the timetable as it stands.
    hood = fixed_timetable(wm)
    while (left := seconds - (time.monotonic() - started)) >= 0.2:
        last = left < LAST_MOVE_SECONDS + 0.2
        if last:
            hood = fixed_timetable(wm)
        limit = left if last else min(move_seconds, left - LAST_MOVE_SECONDS)
        wm.hint(best)
        move_started = time.monotonic()
        found = solve_neighbourhood(wm, best, hood, limit, configure)
        found_value = value(found) if found is not None else best_value
        hoods.record(hood, found_value - best_value, time.monotonic() - move_started)
        if found is not None:
            if found_value > best_value:
                log.info("neighbourhood %s: %d -> %d", hood.name, best_value, found_value)
                best, best_value = found, found_value
                if on_improvement is not None:
                    on_improvement(best, best_value)
            elif found_value == best_value:
                best = found
        if last or not hoods.score:  # no slots, nothing to free
            break
        hood = hoods.pick()
    return best
