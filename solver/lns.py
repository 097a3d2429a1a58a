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


def neighbourhoods(wm: WeekModel, rng: random.Random) -> Callable[[], Neighbourhood]:
    """A source of random neighbourhoods: one day, two days, or a venue on a few days."""
    days = sorted({s.day for s in wm.slots})
    venues = sorted({s.venue for s in wm.slots})

    def of(name: str, keep: Callable[[Slot], bool]) -> Neighbourhood:
        return Neighbourhood(name, frozenset(s.id for s in wm.slots if keep(s)))

    def pick() -> Neighbourhood:
        kind = rng.random()
        if kind < 0.3 or len(days) < 3:
            d = rng.choice(days)
            return of(f"day {d}", lambda s: s.day == d)
        if kind < 0.4:
            two = set(rng.sample(days, 2))
            return of(f"days {sorted(two)}", lambda s: s.day in two)
        v = rng.choice(venues)
        some = set(rng.sample(days, min(len(days), rng.choice((2, 3)))))
        return of(f"{v} on days {sorted(some)}", lambda s: s.venue == v and s.day in some)

    return pick


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
    rng = random.Random(seed)
    pick = neighbourhoods(wm, rng)
    best, best_value = incumbent, value(incumbent)
    # The first and the last move place everyone anew on the timetable as it stands.
    hood = fixed_timetable(wm)
    while (left := seconds - (time.monotonic() - started)) >= 0.2:
        last = left < LAST_MOVE_SECONDS + 0.2
        if last:
            hood = fixed_timetable(wm)
        limit = left if last else min(move_seconds, left - LAST_MOVE_SECONDS)
        wm.hint(best)
        found = solve_neighbourhood(wm, best, hood, limit, configure)
        if found is not None:
            found_value = value(found)
            if found_value > best_value:
                log.info("neighbourhood %s: %d -> %d", hood.name, best_value, found_value)
                best, best_value = found, found_value
                if on_improvement is not None:
                    on_improvement(best, best_value)
            elif found_value == best_value:
                best = found
        if last:
            break
        hood = pick()
    return best
