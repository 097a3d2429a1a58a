"""Solve a week: the lexicographic objective in stages, over independent parts of it.

`solve(week)` is the optimiser's one entry point. The week is split into parts
that share no venue, instructor or client (each solved on its own, the time
shared by size), and each part is solved in stages exactly as the spec's "best"
(`LEVELS`): most priority places, then (keeping that many) most fairness points
(skipped where no client has missed weeks), then most preference points, then
(keeping all three) fewest teaching minutes. An open timetable starts
from a quick timetable on a coarse hourly grid: most of the search happens there,
where neighbourhoods are under a third of the size and solve that much faster; its
best plan is handed to the full-grid model, which refines it. A previous plan
given as `hint` is used the same way, as far as it still fits the week (its
sessions and places naming a room, class type, instructor or client the week
no longer has are ignored), repaired to what still keeps every rule, which the
search never falls below. Each stage's time is a share of what is left
when it starts (`TimeBudget`); the shares are `SolveOptions`.

Reproducible: time here is deterministic work, not the wall clock. Every CP-SAT
solve runs on one worker within a deterministic-time limit, and the work it reports
(in CP-SAT's deterministic seconds, calibrated to wall seconds on an idle core by
`SolveOptions.work_per_second`) is what `WorkClock` counts, so the same week,
options and seed give the same plan whatever else the machine is doing. The wall
clock is only a safety cap (`SolveOptions.clock_cap`): a solve it cuts says so in
`Plan.stopped_by_clock`. The second core, where there is one, proves the MIP bound
beside the search; that bound may tighten with spare time, but never steers it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from ortools.sat.python import cp_model

from solver.bound import BoundsInBackground, lp_bound
from solver.candidates import Slot, candidate_slots
from solver.domain import STOPPED_BY_CLOCK, Allocation, Objective, Plan, Session, Week
from solver.explain import explain_unplaced
from solver.lns import improve
from solver.model import Solution, WeekModel, build_model
from solver.parts import split_week
from solver.reformers import assign_reformers

log = logging.getLogger("solver")


@dataclass(frozen=True)
class Level:
    """A level of the spec's "best": the `Objective` figure, which way is better, the
    level's share of the part's time left when it starts (on an open timetable and on a
    fixed one), and whether a week needs it solved (a level that is 0 in every plan
    costs nothing)."""

    name: str
    sense: Literal["max", "min"]
    share: float
    fixed_share: float
    needed: Callable[[Week], bool] = lambda week: True

    def share_of(self, week: Week) -> float:
        return self.fixed_share if week.only_pinned_sessions else self.share

    def optimise(self, model: cp_model.CpModel, expr: cp_model.LinearExpr) -> None:
        """Make this level the model's objective."""
        if self.sense == "max":
            model.maximize(expr)
        else:
            model.minimize(expr)

    def keep(self, model: cp_model.CpModel, expr: cp_model.LinearExpr, value: int) -> None:
        """Keep what this level reached while the next ones are optimised."""
        model.add(expr >= value if self.sense == "max" else expr <= value)


def _anyone_missed_out(week: Week) -> bool:
    """Whether any client has missed weeks, without which fairness points are always 0."""
    return any(c.missed_weeks for c in week.clients)


LEVELS: tuple[Level, ...] = (
    Level("priority_places", "max", share=0.9, fixed_share=0.7),
    Level("fairness_points", "max", share=0.2, fixed_share=0.2, needed=_anyone_missed_out),
    Level("preference_points", "max", share=0.5, fixed_share=0.5),
    # The last level takes all the time that is left.
    Level("teaching_minutes", "min", share=1.0, fixed_share=1.0),
)
"""The spec's "What best means", in order; level 1 is also bounded and searched by LNS."""


WORK_PER_SECOND = 0.5
"""Calibrated: see `SolveOptions.work_per_second`."""

MODEL_SECONDS_PER_ITEM = 3e-5
"""Seconds of one core to build a model, per variable and constraint (measured: about
2.2e-5 on studio.json, 4.4e-5 on studio-small.json); copying one and loading it
into CP-SAT for a solve is counted as a twentieth of that."""

SECONDS_PER_SOLVE = 1e-3
"""Seconds of one core that every CP-SAT solve costs whatever its model's size (measured:
about 1 ms to copy and solve a neighbourhood of a week of a dozen clients, of which
CP-SAT counts almost nothing), so that a search of tiny moves still ends in time."""


class WorkClock:
    """The deterministic work a solve has done, in calibrated seconds: a clock for
    `TimeBudget` that moves only when CP-SAT reports work done."""

    def __init__(self, work_per_second: float) -> None:
        self.work_per_second = work_per_second
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds

    def add(self, deterministic_time: float) -> None:
        self.seconds += deterministic_time / self.work_per_second

    def charge_model(self, model: cp_model.CpModel, times: float = 1.0) -> None:
        """Count building (or copying) a model as work in proportion to its size."""
        proto = model.Proto()
        self.seconds += (
            times * MODEL_SECONDS_PER_ITEM * (len(proto.variables) + len(proto.constraints))
        )

    def charge_solves(self, count: int) -> None:
        """Count the fixed cost of `count` CP-SAT solves as work."""
        self.seconds += SECONDS_PER_SOLVE * count

    def limit(self, seconds: float) -> float:
        """CP-SAT's deterministic-time limit for `seconds` of work."""
        return max(seconds, 0.01) * self.work_per_second


@dataclass(frozen=True)
class SolveOptions:
    """How a solve spends its time. The defaults are the measured ones; tests pick others."""

    coarse_timetable: bool = True
    """Start an open timetable from a quick one on a coarse grid."""
    coarse_grid_minutes: int = 60
    # Of a part's time on an open timetable, the share for the hourly timetable, and of
    # that the share for its first whole-week solve (the rest is neighbourhood search).
    # Measured on studio.json (60 s, seeds 0-2, without the MIP bound beside it): 85% on
    # the hourly grid gave 671 places on average, 70% gave 663, and 15% with no search 633.
    # With the first solve a local search (60 s of work, seed 0): 6% of it gave 676
    # places (675 and 671 with seeds 1 and 2), 3% gave 660, 12% 672 and 25% 654.
    coarse_share: float = 0.85
    coarse_first_share: float = 0.06
    # Of level 1's time on the full grid of an open timetable, the share for the whole-week
    # model (which proves CP-SAT's bound); the rest goes to neighbourhood search, which
    # finds better plans.
    whole_model_share: float = 0.15
    # Of a part's time, the most the repair of a previous plan (a hint) may take: a small
    # model, everything outside the plan kept out.
    repair_share: float = 0.1
    # CP-SAT's deterministic seconds per wall second of one worker on an idle core of
    # these machines, so that `time_limit` seconds of work take about that long.
    work_per_second: float = WORK_PER_SECOND
    # The wall clock's safety cap on a solve: this many times its time limit, plus the
    # slack (a busy machine may stretch the work; only a machine far slower cuts it).
    clock_cap_factor: float = 5.0
    clock_cap_slack: float = 30.0
    # The MIP bound beside the search may go on for this share of the time limit after
    # the search, where a part has no bound yet (the root LP of a week takes a while).
    bound_grace: float = 1.0
    # After the linear relaxation's bound, tighten it by the MIP. Without, the bound is
    # the relaxation's alone, the same in every run, waited for until the clock's cap
    # (what a comparison of two weeks needs).
    mip_after_lp: bool = True
    # Below this many seconds for a week, no MIP bound is started.
    mip_bound_min_seconds: float = 2.0
    # A week of fewer clients has its linear relaxation proven in this process, before
    # each part's search (a fraction of a second), instead of in a process beside it
    # (which takes a second or two to start).
    bound_process_clients: int = 60

    def clock_cap(self, time_limit: float) -> float:
        """The wall seconds after which a solve of `time_limit` seconds of work is cut."""
        return time_limit * self.clock_cap_factor + self.clock_cap_slack


DEFAULT_OPTIONS = SolveOptions()


@dataclass(frozen=True)
class TimeBudget:
    """A stage's time: `seconds` from `started` on `clock`. It hands out the time of the
    stages within it, each a share of what is left when it starts (so time one stage
    does not use passes to the next) or of the whole."""

    seconds: float
    started: float
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    @classmethod
    def starting_now(
        cls, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> TimeBudget:
        return cls(seconds, clock(), clock)

    @property
    def deadline(self) -> float:
        return self.started + self.seconds

    def left(self) -> float:
        """Seconds left (negative once overrun)."""
        return self.seconds - (self.clock() - self.started)

    def share_of_left(self, share: float) -> TimeBudget:
        """A stage starting now with `share` of the seconds left."""
        return TimeBudget.starting_now(self.left() * share, self.clock)

    def share_of_whole(self, share: float) -> TimeBudget:
        """A stage starting now with `share` of all this budget's seconds (what is spent
        already comes out of the stages after it)."""
        return TimeBudget.starting_now(self.seconds * share, self.clock)


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


def _unchanged(bound: float) -> float:
    return bound


def _rank(run: tuple[cp_model.CpSolver, int], sense: str) -> tuple[int, float]:
    """How good a solve is: proven best first, then found, by its objective's value."""
    solver, status = run
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return (0, 0.0)
    value = solver.objective_value
    return (2 if status == cp_model.OPTIMAL else 1, value if sense == "max" else -value)


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
class _Search:
    """What every CP-SAT solve of one `solve()` shares: its parameters, options, reports,
    the work done and the wall clock's cap."""

    seed: int
    started: float
    on_progress: ProgressCallback | None
    options: SolveOptions
    clock: WorkClock
    wall_deadline: float
    side_by_side: int = 1
    stopped_by_clock: bool = False
    # Prove each part's linear relaxation here, before its search (a small week), rather
    # than in a process beside it.
    relax_in_process: bool = False
    relaxed: list[int | None] = field(default_factory=list)
    # The best bound on the current part's priority places proven beside the search.
    proven: Callable[[], int | None] = lambda: None

    def level_one_bound(self, bound: float) -> float:
        """A bound on level 1, tightened by what has been proven beside the search."""
        proven = self.proven()
        return bound if proven is None else min(bound, proven)

    def spent(self) -> float:
        return self.clock()

    def out_of_clock(self) -> bool:
        return time.monotonic() >= self.wall_deadline

    def solve_models(
        self,
        models: list[cp_model.CpModel],
        seconds: float,
        callback: cp_model.CpSolverSolutionCallback | None = None,
        seeds: list[int] | None = None,
        local_search_first: bool = False,
    ) -> list[tuple[cp_model.CpSolver, int]]:
        """CP-SAT on each model side by side (one thread each), each within `seconds` of
        work and the wall clock's cap; the work counted is the longest solve's.

        Each solve has one worker, as CP-SAT's own parallel search is not reproducible;
        `callback` hears the first model's solutions. With `local_search_first`, the
        first solve is CP-SAT's local search alone (feasibility jump), which finds good
        plans of a whole week far sooner than its tree search: measured on studio.json's
        hourly model, 547 priority places in 4 units of work against 372 in 5.
        """
        solvers = [self._solver(seconds, seed) for seed in seeds or [self.seed] * len(models)]
        solvers[0].parameters.use_ls_only = local_search_first
        statuses: list[int] = [cp_model.UNKNOWN] * len(models)

        def solve_one(n: int) -> None:
            statuses[n] = solvers[n].solve(models[n], callback if n == 0 else None)

        threads = [threading.Thread(target=solve_one, args=(n,)) for n in range(1, len(models))]
        for thread in threads:
            thread.start()
        solve_one(0)
        for thread in threads:
            thread.join()
        self.clock.add(max(s.response_proto.deterministic_time for s in solvers))
        # Copying a model and loading it into CP-SAT cost work that CP-SAT does not count.
        self.clock.charge_model(models[0], times=len(models) / 20)
        self.clock.charge_solves(len(models))
        cut = any(st not in (cp_model.OPTIMAL, cp_model.INFEASIBLE) for st in statuses)
        if cut and self.out_of_clock():
            self.stopped_by_clock = True
        return list(zip(solvers, statuses, strict=True))

    def _solver(self, seconds: float, seed: int) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = 1
        p.random_seed = seed
        p.linearization_level = 2
        # CP-SAT's presolve weakens the linear relaxation of the allocation (measured:
        # fixed timetables that the plain model proves at once stall 10% above the
        # optimum with it), and the model is already small.
        p.cp_model_presolve = False
        p.max_deterministic_time = self.clock.limit(seconds)
        p.max_time_in_seconds = max(self.wall_deadline - time.monotonic(), 0.05)
        return solver

    def run(
        self,
        wm: WeekModel,
        stage: str,
        seconds: float,
        bound_of: Callable[[float], float] = _unchanged,
        sense: Literal["max", "min"] = "max",
        local_search_first: bool = False,
    ) -> tuple[cp_model.CpSolver, int]:
        """Solve the model as it stands, side by side with as many seeds as cores, and
        keep the best (the first of equals); the first's improving solutions are
        reported with `bound_of` their bound."""
        reporter = _Reporter(stage, self.started, self.on_progress, bound_of)
        copies = [wm.model] + [wm.model.clone() for _ in range(self.side_by_side - 1)]
        seeds = [self.seed + n for n in range(self.side_by_side)]
        solved = self.solve_models(copies, seconds, reporter, seeds, local_search_first)
        return max(solved, key=lambda run: _rank(run, sense))

    def improve(
        self, wm: WeekModel, best: Solution, bound: int, seconds: float, stage: str
    ) -> Solution:
        """Level 1 improved by neighbourhood search, each improvement reported."""

        def report(solution: Solution, value: int) -> None:
            seconds = time.monotonic() - self.started
            proven = self.level_one_bound(bound)
            log.info("%s: %d (bound %d) at %.1fs", stage, value, proven, seconds)
            if self.on_progress is not None:
                self.on_progress(Progress(stage, value, proven, seconds))

        # Only bounds proven in this process may stop the search: one proven beside it
        # arrives when the machine's load lets it, and the plan must not depend on that.
        relaxed = [b for b in self.relaxed[-1:] if b is not None and self.relax_in_process]
        most = min([bound, *relaxed])
        return improve(
            wm,
            best,
            lambda solution: solution.objective.priority_places,
            seconds,
            self,
            seed=self.seed,
            on_improvement=report,
            side_by_side=self.side_by_side,
            most=most,
        )


@dataclass
class _PartResult:
    solution: Solution | None
    bound: int
    optimal: bool
    later_proven: bool = False  # the levels after the first proven, given level 1's value


def solve(
    week: Week,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    hint: Plan | None = None,
    options: SolveOptions = DEFAULT_OPTIONS,
) -> Plan:
    """The best plan found for `week` within `time_limit` seconds of work (see the module
    docstring). `workers` is the cores it may use: CP-SAT searches on one, a second
    proves the MIP bound beside it.

    Raises `NoPlanError` when the pinned sessions and places cannot all be kept, or
    when no plan was found in time and an empty plan would break rule 11.
    """
    started = time.monotonic()
    clock = WorkClock(options.work_per_second)
    search = _Search(
        seed,
        started,
        on_progress,
        options,
        clock,
        started + options.clock_cap(time_limit),
        side_by_side=max(1, workers),
    )
    budget = TimeBudget(_search_seconds(week, time_limit), 0.0, clock)
    parts = split_week(week)
    mip = None
    # On one core a comparison still needs its bound: the relaxation goes before the search.
    alone = workers <= 1 and not options.mip_after_lp
    search.relax_in_process = alone or len(week.clients) < options.bound_process_clients
    if workers > 1 and not search.relax_in_process:
        grace = time_limit * options.bound_grace
        bound_deadline = started + (
            time_limit + grace if options.mip_after_lp else options.clock_cap(time_limit)
        )
        mip = _mip_bounds_in_background(week, parts, time_limit, bound_deadline, options)
    sizes = [max(1, len(p.clients)) for p in parts]
    results: list[_PartResult] = []
    try:
        for n, part in enumerate(parts):
            part_budget = budget.share_of_left(sizes[n] / sum(sizes[n:]))
            if len(parts) > 1:
                log.info(
                    "part %d of %d: %d venue(s), %s seconds",
                    n + 1,
                    len(parts),
                    len(part.venues),
                    f"{part_budget.seconds:.1f}",
                )
            if mip is not None:
                search.proven = lambda n=n: mip.latest(n)
            results.append(_solve_part(part, part_budget, search, hint))
    except BaseException:
        if mip is not None:
            mip.stop()
        raise
    proven = search.relaxed if search.relax_in_process else [None] * len(parts)
    if mip is not None:
        proven = mip.results(wait_for_every_part=True)
    results = [_with_mip_bound(r, p) for r, p in zip(results, proven, strict=True)]
    plan = _plan_of(week, [r.solution for r in results if r.solution is not None])
    plan = replace(
        plan,
        bound=sum(r.bound for r in results),
        status="OPTIMAL" if all(r.optimal for r in results) else "FEASIBLE",
        solve_seconds=time.monotonic() - started,
        stopped_by_clock=search.stopped_by_clock,
    )
    if search.stopped_by_clock:
        log.warning(STOPPED_BY_CLOCK)
    return replace(plan, unplaced=explain_unplaced(week, plan))


def _search_seconds(week: Week, time_limit: float) -> float:
    """The time limit less room to assign reformers and explain what is unplaced."""
    return time_limit - min(0.05 * time_limit, 0.5 + len(week.clients) / 1000)


def _solve_part(week: Week, budget: TimeBudget, search: _Search, hint: Plan | None) -> _PartResult:
    """One independent part of the week, staged level by level."""
    extra = _keys_of(hint) if hint is not None else ()
    slots = candidate_slots(week, step=week.grid_minutes, extra=extra)
    wm = build_model(week, slots)
    search.clock.charge_model(wm.model)
    if search.relax_in_process:
        level = LEVELS[0]
        level.optimise(wm.model, wm.levels()[level.name])
        proving = time.monotonic()
        search.relaxed.append(lp_bound(wm.model))
        # The clock's cap guards the search's work: the time HiGHS took is not of it.
        search.wall_deadline += time.monotonic() - proving
    log.info("model: %d candidate sessions, %d possible places", len(wm.slots), len(wm.placed))
    first = None
    if hint is not None:
        first = _repaired(wm, _solution_from_plan(wm, hint), search, budget)
    elif _has_open_timetable(week, slots) and search.options.coarse_timetable:
        first = _coarse_solution(
            week, wm, budget.share_of_whole(search.options.coarse_share), search
        )
    if first is not None:
        wm.hint(first)
    return _solve_levels(week, wm, first, search, budget)


def _repaired(
    wm: WeekModel, previous: Solution, search: _Search, budget: TimeBudget
) -> Solution | None:
    """What of a previous plan still keeps every rule of this week: of its sessions and
    places, the subset with the most priority places (all of them where they still fit).

    The search starts from it and keeps it unless it finds better, so a week that only
    gained capacity or hours never gets fewer priority places than its previous plan.
    None where nothing of it can be kept with the pinned sessions and places.
    """
    running = {s.id for s in previous.running}
    level = LEVELS[0]
    level.optimise(wm.model, wm.levels()[level.name])
    wm.hint(previous)
    subset = wm.model.clone()
    variables = subset.Proto().variables
    for s in wm.slots:
        keep_out = [wm.runs[s.id]] if s.id not in running else []
        keep_out += [wm.teaches[s.id, i] for i in s.instructors if previous.teacher.get(s.id) != i]
        inside = set(previous.clients.get(s.id, ()))
        keep_out += [wm.placed[c, s.id] for c in s.clients if c not in inside]
        for var in keep_out:
            domain = variables[var.Index()].domain  # a Boolean's domain is [0, 1]
            domain[1] = 0
    seconds = budget.seconds * search.options.repair_share
    (solver, status), *_ = search.solve_models([subset], seconds)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    repaired = wm.read(solver)
    log.info(
        "previous plan: %d priority places, %d of them kept",
        previous.objective.priority_places,
        repaired.objective.priority_places,
    )
    return repaired


def _has_open_timetable(week: Week, slots: list[Slot]) -> bool:
    return not week.only_pinned_sessions and len(slots) > len(week.pinned_sessions)


def _with_mip_bound(result: _PartResult, proven: int | None) -> _PartResult:
    """A part's result with the bound HiGHS proved, where that is tighter."""
    if proven is None or proven >= result.bound:
        return result
    log.info("%s: bound %d proven by HiGHS", LEVELS[0].name, proven)
    places = result.solution.objective.priority_places if result.solution else -1
    # The later levels were proven given level 1's value, so a proven level 1 makes them best.
    optimal = result.optimal or (places >= proven and result.later_proven)
    return _PartResult(result.solution, proven, optimal, result.later_proven)


def _solve_levels(
    week: Week,
    wm: WeekModel,
    fallback: Solution | None,
    search: _Search,
    budget: TimeBudget,
) -> _PartResult:
    """The spec's levels in turn on the part's model (a coarse timetable as fallback)."""
    exprs = wm.levels()
    first = LEVELS[0]
    found = _solve_level_one(
        week, wm, exprs[first.name], fallback, search, budget.share_of_left(first.share_of(week))
    )
    if found.solution is None:
        return found
    first.keep(wm.model, exprs[first.name], getattr(found.solution.objective, first.name))
    best, later_proven = _solve_later_levels(week, wm, exprs, found.solution, search, budget)
    level_one = found.optimal or best.objective.priority_places >= found.bound
    return _PartResult(best, found.bound, level_one and later_proven, later_proven)


def _solve_later_levels(
    week: Week,
    wm: WeekModel,
    exprs: dict[str, cp_model.LinearExpr],
    best: Solution,
    search: _Search,
    budget: TimeBudget,
) -> tuple[Solution, bool]:
    """The levels after the first, each keeping what those before reached: the best
    solution, and whether every level was proven."""
    proven = True
    for level in LEVELS[1:]:
        if not level.needed(week):
            continue
        wm.hint(best)
        level.optimise(wm.model, exprs[level.name])
        seconds = budget.left() * level.share_of(week)
        solver, status = search.run(wm, level.name, seconds, sense=level.sense)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return best, False
        best = wm.read(solver)
        proven = proven and status == cp_model.OPTIMAL
        # The model's value, which a plan not proven best may exceed (a preferred
        # teacher's point the solver left unclaimed).
        level.keep(wm.model, exprs[level.name], int(round(solver.objective_value)))
    return best, proven


def _solve_level_one(
    week: Week,
    wm: WeekModel,
    expr: cp_model.LinearExpr,
    fallback: Solution | None,
    search: _Search,
    budget: TimeBudget,
) -> _PartResult:
    """Level 1: the whole-week model for its bound, then (unless proven) neighbourhood search.

    Raises `NoPlanError` when no plan keeps the pinned sessions and places.
    """
    level = LEVELS[0]
    level.optimise(wm.model, expr)
    whole = budget
    if not week.only_pinned_sessions:
        whole = budget.share_of_whole(search.options.whole_model_share)
    solver, status = search.run(wm, level.name, whole.seconds, search.level_one_bound)
    if status == cp_model.UNKNOWN and fallback is None and whole.seconds < budget.seconds:
        # Nothing to improve yet: the whole model keeps the rest of level 1's time.
        solver, status = search.run(wm, level.name, budget.left(), search.level_one_bound)
    if status == cp_model.INFEASIBLE:
        raise NoPlanError("the pinned sessions and places cannot all be kept with every hard rule")
    optimal = status == cp_model.OPTIMAL
    best = wm.read(solver) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else fallback
    if fallback is not None and best is not None and _value(fallback) > _value(best):
        best = fallback  # the search starts from its fallback and never goes below it
    bound = upper_bound(status, solver.best_objective_bound, wm)
    if best is None:
        if week.pinned_sessions or week.pinned_allocations:
            raise NoPlanError("no plan keeping the pinned sessions was found in the time given")
        return _PartResult(None, bound, False)
    if not optimal:
        best = search.improve(wm, best, bound, budget.left(), level.name)
    return _PartResult(best, bound, optimal)


def _value(solution: Solution) -> int:
    return getattr(solution.objective, LEVELS[0].name)


def _mip_bounds_in_background(
    week: Week, parts: list[Week], seconds: float, deadline: float, options: SolveOptions
) -> BoundsInBackground | None:
    """Start the MIP bounds of an open week worth the spare core, where processes can."""
    if week.only_pinned_sessions or seconds < options.mip_bound_min_seconds:
        return None
    try:
        return BoundsInBackground(parts, deadline, mip=options.mip_after_lp)
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
    week: Week, wm: WeekModel, budget: TimeBudget, search: _Search
) -> Solution | None:
    """Level 1 on starts every hour, solved and then improved by neighbourhood search:
    a good timetable, quickly, for the full model to refine."""
    grid = week.grid_minutes
    step = grid * max(1, round(search.options.coarse_grid_minutes / grid))
    coarse = build_model(week, candidate_slots(week, step=step))
    search.clock.charge_model(coarse.model)
    level = LEVELS[0]
    level.optimise(coarse.model, coarse.levels()[level.name])
    stage = "coarse " + level.name
    # The hourly model's own bound says nothing of the week's.
    most = demand_bound(wm)
    solver, status = search.run(
        coarse,
        stage,
        budget.share_of_whole(search.options.coarse_first_share).seconds,
        lambda _: search.level_one_bound(most),
        local_search_first=True,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = coarse.read(solver)
    if status != cp_model.OPTIMAL:
        found = search.improve(coarse, found, most, budget.left(), stage)
    by_key = {s.key: s for s in wm.slots}
    running = [by_key[s.key] for s in found.running if s.key in by_key]
    if len(running) != len(found.running):
        return None
    ids = {s.id: by_key[s.key].id for s in found.running}
    return wm.solution(
        running,
        {ids[sid]: i for sid, i in found.teacher.items()},
        {ids[sid]: cs for sid, cs in found.clients.items()},
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
    return wm.solution(running, teacher, dict(clients))


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
        priority_places=sum(clients[a.client].priority for a in allocations),
        fairness_points=sum(clients[a.client].missed_weeks for a in allocations),
        preference_points=points,
        teaching_minutes=sum(s.end - s.start for s in sessions),
    )
    return Plan(sessions=tuple(sessions), allocations=tuple(allocations), objective=objective)
