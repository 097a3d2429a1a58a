"""Solve a week: the lexicographic objective in three stages, over independent parts of it.

`solve(week)` is the optimiser's one entry point. The week is split into parts
that share no venue, instructor or client (each solved on its own, the time
shared by size), and each part is solved in stages exactly as the spec's "best":
most priority places, then (keeping that many) most preference points, then
(keeping both) fewest teaching minutes. An open timetable starts from a quick
timetable on a coarse hourly grid: most of the search happens there, where
neighbourhoods are under a third of the size and solve that much faster; its best plan
is handed to the full-grid model, which refines it. A previous plan given as
`hint` is used the same way.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from solver.bound import BoundsInBackground
from solver.candidates import Slot, candidate_slots
from solver.domain import Allocation, Objective, Plan, Session, Week
from solver.explain import explain_unplaced
from solver.lns import improve
from solver.model import Solution, WeekModel, build_model
from solver.reformers import assign_reformers

log = logging.getLogger("solver")

STAGES = ("priority_places", "preference_points", "teaching_minutes")
COARSE_GRID_MINUTES = 60
# Of a part's time on an open timetable, the share for the hourly timetable, and of
# that the share for its first whole-week solve (the rest is neighbourhood search).
# Measured on studio.json (60 s, seeds 0-2, without the MIP bound beside it): 85% on
# the hourly grid gave 671 places on average, 70% gave 663, and 15% with no search 633.
COARSE_SHARE = 0.85
COARSE_FIRST_SHARE = 0.12
# Of level 1's time on the full grid, the share for the whole-week model (which
# proves CP-SAT's bound); the rest goes to neighbourhood search, which finds better plans.
FULL_MODEL_SHARE = 0.15
# Below this many seconds for a week, the MIP bound is left out. HiGHS needs about 20 s
# beside the search for the root LP of studio.json; a single 30 s solve there proved
# 716-736 with it (CP-SAT's bound 1229) and kept its places (654 on average, 655
# without), but the what-if sweep runs its 30 s solves two at a time, where the extra
# process cost places (the seven points' mean fell from 709 to 690).
MIP_BOUND_MIN_SECONDS = 35.0


class NoPlanError(RuntimeError):
    """The week has no plan keeping every hard rule (or none was found in the time given)."""


@dataclass(frozen=True)
class Progress:
    """An improving solution: which stage (objective level), its value and bound, when."""

    stage: str
    objective: float
    bound: float
    seconds: float


ProgressCallback = Callable[[Progress], None]


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Logs each improving solution and passes it to the caller's callback, with the
    bound `bound_of` makes of CP-SAT's."""

    def __init__(
        self,
        stage: str,
        started: float,
        on_progress: ProgressCallback | None,
        bound_of: Callable[[float], float],
    ):
        super().__init__()
        self.stage, self.started, self.on_progress = stage, started, on_progress
        self.bound_of = bound_of

    def on_solution_callback(self) -> None:
        progress = Progress(
            self.stage,
            self.objective_value,
            self.bound_of(self.best_objective_bound),
            time.monotonic() - self.started,
        )
        log.info(
            "%s: %g (bound %g) at %.1fs",
            progress.stage,
            progress.objective,
            progress.bound,
            progress.seconds,
        )
        if self.on_progress is not None:
            self.on_progress(progress)


@dataclass
class _Settings:
    workers: int
    seed: int
    started: float
    on_progress: ProgressCallback | None
    # The best bound on the current part's priority places proven beside the search.
    proven: Callable[[], int | None] = lambda: None

    def level_one_bound(self, bound: float) -> float:
        """A bound on level 1, tightened by what has been proven beside the search."""
        proven = self.proven()
        return bound if proven is None else min(bound, proven)

    def configure(self, solver: cp_model.CpSolver) -> None:
        p = solver.parameters
        p.num_workers = self.workers
        p.random_seed = self.seed
        p.linearization_level = 2
        # CP-SAT's presolve weakens the linear relaxation of the allocation (measured:
        # fixed timetables that the plain model proves at once stall 10% above the
        # optimum with it), and the model is already small.
        p.cp_model_presolve = False

    def solver(self, seconds: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        self.configure(solver)
        solver.parameters.max_time_in_seconds = max(seconds, 0.05)
        return solver

    def run(
        self,
        wm: WeekModel,
        stage: str,
        seconds: float,
        bound_of: Callable[[float], float] | None = None,
    ) -> tuple[cp_model.CpSolver, int]:
        """Solve the model as it stands; the progress of level 1 shows the best proven bound."""
        if bound_of is None:
            bound_of = self.level_one_bound if stage == STAGES[0] else (lambda bound: bound)
        solver = self.solver(seconds)
        status = solver.solve(wm.model, _Reporter(stage, self.started, self.on_progress, bound_of))
        return solver, status

    def improve(
        self,
        wm: WeekModel,
        best: Solution,
        bound: int,
        seconds: float,
        stage: str = STAGES[0],
    ) -> Solution:
        """Level 1 improved by neighbourhood search, each improvement reported."""

        def report(solution: Solution, value: int) -> None:
            seconds = time.monotonic() - self.started
            proven = self.level_one_bound(bound)
            log.info("%s: %d (bound %d) at %.1fs", stage, value, proven, seconds)
            if self.on_progress is not None:
                self.on_progress(Progress(stage, value, proven, seconds))

        return improve(
            wm,
            best,
            lambda solution: solution.objective.priority_places,
            seconds,
            self.configure,
            seed=self.seed,
            on_improvement=report,
        )


@dataclass
class _PartResult:
    solution: Solution | None
    bound: int
    optimal: bool
    later: bool = False  # levels 2 and 3 proven, given level 1's value


def solve(
    week: Week,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    hint: Plan | None = None,
) -> Plan:
    """The best plan found for `week` within `time_limit` seconds (see the module docstring).

    Raises `NoPlanError` when the pinned sessions and places cannot all be kept, or
    when no plan was found in time and an empty plan would break rule 11.
    """
    started = time.monotonic()
    settings = _Settings(workers, seed, started, on_progress)
    # Room to assign reformers and explain what is unplaced before the limit.
    search_limit = time_limit - min(0.05 * time_limit, 0.5 + len(week.clients) / 1000)
    parts = split_week(week)
    mip = _mip_bounds_in_background(week, parts, time_limit, started + search_limit)
    sizes = [max(1, len(p.clients)) for p in parts]
    results: list[_PartResult] = []
    try:
        for n, part in enumerate(parts):
            left = search_limit - (time.monotonic() - started)
            share = left * sizes[n] / sum(sizes[n:])
            if len(parts) > 1:
                log.info(
                    "part %d of %d: %d venue(s), %s seconds",
                    n + 1,
                    len(parts),
                    len(part.venues),
                    f"{share:.1f}",
                )
            if mip is not None:
                settings.proven = lambda n=n: mip.latest(n)
            results.append(_solve_part(part, share, settings, hint))
    finally:
        proven = mip.results() if mip is not None else [None] * len(parts)
    results = [_with_mip_bound(r, p) for r, p in zip(results, proven, strict=True)]
    plan = _plan_of(week, [r.solution for r in results if r.solution is not None])
    plan = replace(
        plan,
        bound=sum(r.bound for r in results),
        status="OPTIMAL" if all(r.optimal for r in results) else "FEASIBLE",
        solve_seconds=time.monotonic() - started,
    )
    return replace(plan, unplaced=explain_unplaced(week, plan))


def _solve_part(week: Week, seconds: float, settings: _Settings, hint: Plan | None) -> _PartResult:
    """One independent part of the week, staged level by level."""
    started = time.monotonic()
    extra = _keys_of(hint) if hint is not None else ()
    slots = candidate_slots(week, step=week.grid_minutes, extra=extra)
    wm = build_model(week, slots)
    log.info("model: %d candidate sessions, %d possible places", len(wm.slots), len(wm.placed))
    first = None
    if hint is not None:
        first = _solution_from_plan(wm, hint)
    elif not week.only_pinned_sessions and len(slots) > len(week.pinned_sessions):
        first = _coarse_solution(week, wm, seconds * COARSE_SHARE, settings)
    if first is not None:
        wm.hint(first)
    return _solve_levels(week, wm, first if hint is None else None, settings, started, seconds)


def _with_mip_bound(result: _PartResult, proven: int | None) -> _PartResult:
    """A part's result with the bound HiGHS proved, where that is tighter."""
    if proven is None or proven >= result.bound:
        return result
    log.info("%s: bound %d proven by HiGHS", STAGES[0], proven)
    places = result.solution.objective.priority_places if result.solution else -1
    # Levels 2 and 3 were proven given level 1's value, so a proven level 1 makes them best.
    optimal = result.optimal or (places >= proven and result.later)
    return _PartResult(result.solution, proven, optimal, result.later)


def _solve_levels(
    week: Week,
    wm: WeekModel,
    fallback: Solution | None,
    settings: _Settings,
    started: float,
    seconds: float,
) -> _PartResult:
    """The spec's three levels in turn on the part's model (a coarse timetable as fallback)."""
    priority, points, minutes = wm.levels()

    def left() -> float:
        return seconds - (time.monotonic() - started)

    wm.model.maximize(priority)
    stage_one = left() * (0.7 if week.only_pinned_sessions else 0.9)
    whole = stage_one if week.only_pinned_sessions else stage_one * FULL_MODEL_SHARE
    stage_one_started = time.monotonic()
    solver, status = settings.run(wm, STAGES[0], whole)
    if status == cp_model.UNKNOWN and fallback is None and whole < stage_one:
        # Nothing to improve yet: the whole model keeps the rest of level 1's time.
        spent = time.monotonic() - stage_one_started
        solver, status = settings.run(wm, STAGES[0], stage_one - spent)
    if status == cp_model.INFEASIBLE:
        raise NoPlanError("the pinned sessions and places cannot all be kept with every hard rule")
    optimal = status == cp_model.OPTIMAL
    # A coarse timetable is a solution of this model; a previous plan is only a hint.
    best = wm.read(solver) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else fallback
    if best is None:
        if week.pinned_sessions or week.pinned_allocations:
            raise NoPlanError("no plan keeping the pinned sessions was found in the time given")
        return _PartResult(None, upper_bound(status, solver.best_objective_bound, wm), False)
    bound = upper_bound(status, solver.best_objective_bound, wm)
    if not optimal:
        spent = time.monotonic() - stage_one_started
        best = settings.improve(wm, best, bound, stage_one - spent)
    wm.model.add(priority >= best.objective.priority_places)
    later_levels_proven = True
    for stage, expr, sense, share in (
        (STAGES[1], points, "max", 0.5),
        (STAGES[2], minutes, "min", 1.0),
    ):
        wm.hint(best)
        if sense == "max":
            wm.model.maximize(expr)
        else:
            wm.model.minimize(expr)
        solver, status = settings.run(wm, stage, left() * share)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            later_levels_proven = False
            break
        best = wm.read(solver)
        later_levels_proven = later_levels_proven and status == cp_model.OPTIMAL
        value = int(round(solver.objective_value))
        # Keep what this level reached while the next one is optimised.
        wm.model.add(expr >= value if sense == "max" else expr <= value)
    level_one = optimal or best.objective.priority_places >= bound
    return _PartResult(best, bound, level_one and later_levels_proven, later_levels_proven)


def _mip_bounds_in_background(
    week: Week, parts: list[Week], seconds: float, deadline: float
) -> BoundsInBackground | None:
    """Start the MIP bounds of an open week worth the spare core, where processes can."""
    if week.only_pinned_sessions or seconds < MIP_BOUND_MIN_SECONDS:
        return None
    try:
        return BoundsInBackground(parts, deadline)
    except (AssertionError, OSError) as exc:  # e.g. inside a daemonic worker process
        log.info("no MIP bound: %s", exc)
        return None


def upper_bound(status: int, bound: float, wm: WeekModel) -> int:
    """The solve's proven bound, or the places clients could take at most if that is lower.

    A solve stopped before its first solution (UNKNOWN) reports a bound of 0, which
    proves nothing.
    """
    most = demand_bound(wm)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and math.isfinite(bound):
        return min(most, int(math.floor(bound + 1e-6)))
    return most


def demand_bound(wm: WeekModel) -> int:
    """Priority places if every client got every place their candidate sessions allow.

    Per want, no more than `per_week` nor than the sessions that could hold them; per
    client, no more than `max_per_day` on each day they have a session to go to.
    """
    total = 0
    for c, slots in wm.slots_of_client.items():
        client = wm.clients[c]
        wanted = sum(
            min(want.per_week, sum(s.class_type.id in want.class_types for s in slots))
            for want in client.wants
        )
        days = len({s.day for s in slots})
        total += client.priority * min(wanted, days * client.max_per_day)
    return total


def _coarse_solution(
    week: Week, wm: WeekModel, seconds: float, settings: _Settings
) -> Solution | None:
    """Level 1 on starts every hour, solved and then improved by neighbourhood search:
    a good timetable, quickly, for the full model to refine."""
    started = time.monotonic()
    step = week.grid_minutes * max(1, round(COARSE_GRID_MINUTES / week.grid_minutes))
    coarse = build_model(week, candidate_slots(week, step=step))
    priority, _, _ = coarse.levels()
    coarse.model.maximize(priority)
    stage = "coarse " + STAGES[0]
    # The hourly model's own bound says nothing of the week's.
    most = demand_bound(wm)
    solver, status = settings.run(
        coarse, stage, seconds * COARSE_FIRST_SHARE, lambda _: settings.level_one_bound(most)
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = coarse.read(solver)
    if status != cp_model.OPTIMAL:
        left = seconds - (time.monotonic() - started)
        found = settings.improve(coarse, found, most, left, stage)
    by_key = {s.key: s for s in wm.slots}
    running = [by_key[s.key] for s in found.running if s.key in by_key]
    if len(running) != len(found.running):
        return None
    ids = {s.id: by_key[s.key].id for s in found.running}
    return Solution(
        running,
        {ids[sid]: i for sid, i in found.teacher.items()},
        {ids[sid]: cs for sid, cs in found.clients.items()},
        found.objective,
    )


def _keys_of(plan: Plan) -> list[tuple[str, str, int]]:
    return [(s.class_type, s.room, s.start) for s in plan.sessions]


def _solution_from_plan(wm: WeekModel, plan: Plan) -> Solution:
    """A previous plan read as a solution of this model, as far as it still fits."""
    by_key = {s.key: s for s in wm.slots}
    running: list[Slot] = []
    teacher: dict[str, str] = {}
    slot_of: dict[str, Slot] = {}
    for session in plan.sessions:
        slot = wm.slot_by_id.get(session.id)
        if slot is None or slot.pinned is None:
            slot = by_key.get((session.class_type, session.room, session.start))
        if slot is None or session.instructor not in slot.instructors or slot.id in teacher:
            continue
        running.append(slot)
        teacher[slot.id] = session.instructor
        slot_of[session.id] = slot
    clients: dict[str, list[str]] = defaultdict(list)
    for a in plan.allocations:
        slot = slot_of.get(a.session)
        if slot is not None and (a.client, slot.id) in wm.placed:
            clients[slot.id].append(a.client)
    return Solution(running, teacher, dict(clients), Objective())


def _plan_of(week: Week, solutions: list[Solution]) -> Plan:
    """The plan the solutions make: sessions, and places with each client's own reformer."""
    clients = week.client_by_id
    fixed: dict[str, dict[str, str]] = defaultdict(dict)
    for a in week.pinned_allocations:
        if a.reformer is not None:
            fixed[a.session][a.client] = a.reformer
    sessions: list[Session] = []
    allocations: list[Allocation] = []
    points = 0
    for solution in solutions:
        for slot in sorted(solution.running, key=lambda s: (s.start, s.room.id, s.id)):
            instructor = solution.teacher[slot.id]
            sessions.append(
                Session(
                    slot.id,
                    slot.class_type.id,
                    slot.venue,
                    slot.room.id,
                    slot.start,
                    slot.end,
                    instructor,
                )
            )
            inside = sorted(solution.clients.get(slot.id, ()))
            given: dict[str, str] = {}
            if slot.class_type.uses_reformers:
                matched = assign_reformers(
                    slot.room, [clients[c] for c in inside], fixed.get(slot.id)
                )
                if matched is None:
                    raise NoPlanError(f"no reformer for every client of {slot.id}")
                given = matched
            for c in inside:
                allocations.append(Allocation(c, slot.id, given.get(c)))
                points += slot.venue in clients[c].prefers_venues
                points += instructor in clients[c].prefers_instructors
    objective = Objective(
        sum(clients[a.client].priority for a in allocations),
        points,
        sum(s.end - s.start for s in sessions),
    )
    return Plan(sessions=tuple(sessions), allocations=tuple(allocations), objective=objective)


def split_week(week: Week) -> list[Week]:
    """The week's independent parts: venues joined by an instructor or a client who can go
    to both, with their rooms, instructors, clients and pinned sessions and places."""
    parent = {v.id: v.id for v in week.venues}

    def root(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    def join(venues: list[str]) -> None:
        known = [v for v in venues if v in parent]
        for v in known[1:]:
            parent[root(v)] = root(known[0])

    for i in week.instructors:
        join(sorted({v for w in i.availability for v in w.venues}))
    for c in week.clients:
        join(list(c.venues))
    rooms = week.rooms
    venue_of = {p.id: rooms[p.room].venue for p in week.pinned_sessions}
    # Pinned sessions and places hold even where they break the venues' ties.
    for p in week.pinned_sessions:
        teacher = week.instructor_by_id[p.instructor]
        join([venue_of[p.id], *(v for w in teacher.availability for v in w.venues)])
    for a in week.pinned_allocations:
        join([venue_of[a.session], *week.client_by_id[a.client].venues])
    groups: dict[str, list[str]] = defaultdict(list)
    for v in week.venues:
        groups[root(v.id)].append(v.id)
    if len(groups) <= 1:
        return [week]
    parts = []
    for venue_ids in groups.values():
        inside = set(venue_ids)
        pinned = tuple(p for p in week.pinned_sessions if rooms[p.room].venue in inside)
        pinned_ids = {p.id for p in pinned}
        parts.append(
            replace(
                week,
                venues=tuple(v for v in week.venues if v.id in inside),
                instructors=tuple(
                    i
                    for i in week.instructors
                    if any(v in inside for w in i.availability for v in w.venues)
                    or any(p.instructor == i.id for p in pinned)
                ),
                clients=tuple(
                    c
                    for c in week.clients
                    if set(c.venues) & inside
                    or any(
                        a.client == c.id for a in week.pinned_allocations if a.session in pinned_ids
                    )
                ),
                pinned_sessions=pinned,
                pinned_allocations=tuple(
                    a for a in week.pinned_allocations if a.session in pinned_ids
                ),
            )
        )
    return parts
