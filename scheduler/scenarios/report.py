"""The figures a scenario is judged by, measured from a week and a plan.

`measure(week, plan, prices)` gives one plain dict (JSON-ready) of key figures:
priority places; clients fully, partly and not served; places and fill rate by
venue, class type and time of day; reformer utilisation; instructor minutes;
unplaced demand by reason; weekly revenue where class types carry prices.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from scheduler.formats.plan import plan_to_json
from scheduler.scenarios.changes import apply_changes
from scheduler.scenarios.document import Scenario, parse_scenario, scenario_to_json, set_path
from scheduler.tasks.pool import ON_THIS_MACHINE, Finished, Pool, run_tasks
from solver.baselines.fcfs import fcfs_plan
from solver.checker import check_plan
from solver.domain import MINUTES_PER_DAY, STOPPED_BY_CLOCK, Plan, Week

RESULT_FORMAT = "reformer-scenario-result/1"
SWEEP_FORMAT = "reformer-sweep/1"

# When a class starts, as the studio says it: before noon, before five, after.
TIMES_OF_DAY = (("morning", 0), ("afternoon", 12 * 60), ("evening", 17 * 60))

# The figures a sweep can plot, with the words the charts use for them.
KPI_LABELS: dict[str, str] = {
    "priority_places": "Priority places",
    "places": "Places",
    "clients_fully_served": "Clients fully served",
    "clients_not_served": "Clients not served",
    "fill_rate": "Fill rate",
    "reformer_utilisation": "Reformer utilisation",
    "teaching_minutes": "Teaching minutes",
    "unplaced_places": "Places wanted but not given",
    "revenue": "Weekly revenue",
}


# Explanations name each class ("Tuesday 18:00 Reformer at Hitchin is full"); a report
# groups them by kind, in the owner's words. Each unmet want counts under its first reason.
REASON_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), label)
    for pattern, label in (
        (r"(is|are) full(,|:|$)", "the classes in their hours are full"),
        (r"intro 1-2-1", "an intro 1-2-1 must come first"),
        (r"^you already have \d+ class", "already at their classes-a-day limit"),
        (r"^it clashes with your other class", "it clashes with their other classes"),
        (r"reformer (is )?free in", "no reformer with what they need is free"),
        (r"^no .*reformer at your venues$", "no reformer with what they need at their venues"),
        (r"free place for you$", "a class that fits has a free place (solver out of time)"),
        (r"class could run for you", "a class could run for them (solver out of time)"),
        (
            r"^no .*class at your venues during your hours$",
            "no such class at their venues and hours",
        ),
        (r"not offered at your level", "the class is not offered at their level"),
        (r"needs GP clearance$", "it needs GP clearance"),
        (r"need at least \d+ clients to run$", "too few clients for a class to run"),
        (r"^your venues are closed", "their venues are closed in their hours"),
        (r"^no instructor is available", "no instructor available at their venues and hours"),
        (r"^the instructors available", "the instructors are teaching other classes then"),
        (r"^the rooms at your venues are taken", "the rooms are taken by other classes"),
        (r"^no room at your venues can hold", "no room at their venues can hold the class"),
    )
)


def reason_kind(reason: str) -> str:
    """The kind of an explanation, in the owner's words (the reason itself if unknown)."""
    return next((label for pattern, label in REASON_KINDS if pattern.search(reason)), reason)


def time_of_day(start: int) -> str:
    """`morning`, `afternoon` or `evening` for a session starting at this minute of the week."""
    minute = start % MINUTES_PER_DAY
    name = TIMES_OF_DAY[0][0]
    for label, begins in TIMES_OF_DAY:
        if minute >= begins:
            name = label
    return name


def measure(week: Week, plan: Plan, prices: Mapping[str, float] | None = None) -> dict:
    """Every key figure of `plan` for `week`; unplaced demand by the reasons the plan gives."""
    prices = prices or {}
    unplaced = plan.unplaced
    clients = week.client_by_id
    types = week.class_type_by_id
    rooms = week.rooms
    sessions = {s.id: s for s in plan.sessions}
    taken: Counter[str] = Counter(a.session for a in plan.allocations)

    places_by: dict[str, dict[str, list[int]]] = {
        "venue": defaultdict(lambda: [0, 0]),
        "class_type": defaultdict(lambda: [0, 0]),
        "time_of_day": defaultdict(lambda: [0, 0]),
    }
    instructor_minutes: Counter[str] = Counter({i.id: 0 for i in week.instructors})
    reformer_minutes_used = 0
    for s in plan.sessions:
        capacity = week.capacity(types[s.class_type], rooms[s.room])
        for key, value in (
            ("venue", s.venue),
            ("class_type", s.class_type),
            ("time_of_day", time_of_day(s.start)),
        ):
            places_by[key][value][0] += taken[s.id]
            places_by[key][value][1] += capacity
        instructor_minutes[s.instructor] += s.end - s.start
        if types[s.class_type].uses_reformers:
            reformer_minutes_used += taken[s.id] * (s.end - s.start)

    wanted: Counter[str] = Counter()
    for c in week.clients:
        wanted[c.id] = sum(w.per_week for w in c.wants)
    got: Counter[str] = Counter(a.client for a in plan.allocations)
    fully = sum(1 for c, n in wanted.items() if n and got[c] >= n)
    not_served = sum(1 for c, n in wanted.items() if n and got[c] == 0)
    partly = sum(1 for c, n in wanted.items() if n) - fully - not_served

    by_reason: Counter[str] = Counter()
    for u in unplaced:
        by_reason[reason_kind(u.reasons[0]) if u.reasons else "no reason given"] += u.missing
    total_places = sum(taken.values())
    total_capacity = sum(v[1] for v in places_by["venue"].values())
    revenue = None
    if prices:
        revenue = round(
            sum(prices.get(sessions[a.session].class_type, 0.0) for a in plan.allocations), 2
        )
    return {
        "status": plan.status,
        "priority_places": sum(clients[a.client].priority for a in plan.allocations),
        "fairness_points": sum(clients[a.client].missed_weeks for a in plan.allocations),
        "bound": plan.bound,
        "preference_points": plan.objective.preference_points,
        "teaching_minutes": sum(s.end - s.start for s in plan.sessions),
        "sessions": len(plan.sessions),
        "places": total_places,
        "places_wanted": sum(wanted.values()),
        "fill_rate": _rate(total_places, total_capacity),
        "clients_fully_served": fully,
        "clients_partly_served": partly,
        "clients_not_served": not_served,
        "by_venue": _table(places_by["venue"], [v.id for v in week.venues]),
        "by_class_type": _table(places_by["class_type"], [c.id for c in week.class_types]),
        "by_time_of_day": _table(places_by["time_of_day"], [name for name, _ in TIMES_OF_DAY]),
        "reformer_utilisation": _rate(reformer_minutes_used, _reformer_minutes_open(week)),
        "instructor_minutes": dict(sorted(instructor_minutes.items())),
        "unplaced_places": sum(u.missing for u in unplaced),
        "unplaced_by_reason": dict(by_reason.most_common()),
        "revenue": revenue,
    }


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _table(rows: Mapping[str, list[int]], order: list[str]) -> dict[str, dict]:
    """Places, capacity and fill rate per key, in the week's order, every key listed."""
    return {
        key: {
            "places": rows[key][0] if key in rows else 0,
            "capacity": rows[key][1] if key in rows else 0,
            "fill_rate": _rate(*rows[key]) if key in rows else 0.0,
        }
        for key in order
    }


def _reformer_minutes_open(week: Week) -> int:
    """Reformer-minutes on offer: each reformer in service, for every open minute of its venue."""
    total = 0
    for venue in week.venues:
        open_minutes = sum(w.end - w.start for w in venue.open)
        total += open_minutes * sum(len(r.reformers_in_service) for r in venue.rooms)
    return total


# --- running a scenario and sweeping a parameter ---------------------------------------------


ProgressCallback = Callable[[float, str], None]


@dataclass(frozen=True)
class Outcome:
    """One week solved: the optimiser's plan and FCFS booking on the same timetable, measured."""

    optimiser: dict
    fcfs: dict
    plan: Plan


def solve_and_measure(
    week: Week,
    prices: Mapping[str, float] | None = None,
    *,
    time_limit: float,
    workers: int = 1,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    hint: Plan | None = None,
) -> Outcome:
    """Solve `week` (from `hint`, a plan of a week like it, if given), check the plan, book it
    FCFS on the optimiser's timetable, measure both.

    `on_progress(fraction of the time limit used, latest figures)` follows the solve.
    A plan that breaks a hard rule raises `BrokenPlanError` naming every broken rule.
    """
    from solver.solve import DEFAULT_OPTIONS, solve  # CP-SAT loads only when something is solved

    started = time.monotonic()

    def progress(p: Any) -> None:
        if on_progress is not None:
            used = min(1.0, (time.monotonic() - started) / max(time_limit, 0.001))
            on_progress(used, f"{p.stage.replace('_', ' ')} {p.objective:g} (bound {p.bound:g})")

    # A comparison rests on the linear relaxation's bound: the same in every run.
    options = replace(DEFAULT_OPTIONS, mip_after_lp=False)
    plan = solve(
        week,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=progress,
        hint=hint,
        options=options,
    )
    fcfs = fcfs_plan(week, timetable=plan.sessions)
    for name, p in (("optimiser", plan), ("FCFS", fcfs)):
        violations = check_plan(week, p)
        if violations:
            raise BrokenPlanError([f"{name}: rule {v.rule}: {v.message}" for v in violations])
    return Outcome(
        optimiser=measure(week, plan, prices),
        fcfs=measure(week, fcfs, prices),
        plan=plan,
    )


def certainty(base: Mapping[str, Any], changed: Mapping[str, Any]) -> dict:
    """How sure the change in priority places is, from both plans and their proven bounds.

    The best plans of the two weeks differ by at least `changed places - base bound`
    and at most `changed bound - base places`. The difference is certain when one
    plan beats the other week's bound; otherwise it is within what the optimiser
    can tell in the time it had.
    """
    lowest = changed["priority_places"] - base["bound"]
    highest = changed["bound"] - base["priority_places"]
    difference = changed["priority_places"] - base["priority_places"]
    if lowest > 0:
        words = f"certainly better: at least {lowest} more priority places than any base plan"
    elif highest < 0:
        words = f"certainly worse: at least {-highest} fewer priority places than the base plan"
    elif lowest == highest == 0:
        words = "certainly the same: both plans are proven best"
    else:
        words = (
            f"within what the optimiser can tell: the best plans differ by {lowest:+d} to "
            f"{highest:+d} priority places"
        )
    return {
        "difference": difference,
        "lowest": lowest,
        "highest": highest,
        "certain": lowest > 0 or highest < 0 or lowest == highest == 0,
        "words": words,
    }


class BrokenPlanError(RuntimeError):
    """A plan broke a hard rule; `errors` lists each broken rule."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Base:
    """What a comparison starts from: the studio's own plan of the base week, or none
    (then the base is solved once and reused), with the words that say which."""

    plan: Plan | None = None
    source: str = "solved for this comparison"


def measured_as_it_is(week: Week, plan: Plan, prices: Mapping[str, float] | None) -> Outcome | None:
    """`plan` measured in `week` as it is, beside FCFS on its timetable; None where it
    breaks a rule of `week`."""
    if check_plan(week, plan):
        return None
    fcfs = fcfs_plan(week, timetable=plan.sessions)
    return Outcome(measure(week, plan, prices), measure(week, fcfs, prices), plan)


def base_outcome(
    base_week: Week,
    base: Base,
    prices: Mapping[str, float] | None,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    on_progress: ProgressCallback | None = None,
) -> tuple[Outcome, str]:
    """The base week's outcome: its own plan measured as it is where it has one that
    keeps every rule, else a plan solved now; and the words that say which."""
    measured = measured_as_it_is(base_week, base.plan, prices) if base.plan else None
    if measured is not None:
        return measured, base.source
    outcome = solve_and_measure(
        base_week,
        prices,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=on_progress,
        hint=base.plan,
    )
    if base.plan is not None:
        return outcome, f"{base.source} no longer keeps every rule: solved again from it"
    return outcome, base.source


def solve_point(
    week: Week, prices: Mapping[str, float] | None, time_limit: float, seed: int, hint: Plan
) -> Outcome:
    """One point of a sweep, solved on one core from `hint` (a task of a `Pool`)."""
    return solve_and_measure(week, prices, time_limit=time_limit, seed=seed, hint=hint)


def _better_of(
    week: Week, prices: Mapping[str, float] | None, solved: Outcome, previous: Plan | None
) -> Outcome:
    """The point's own outcome, or the point before's plan where it keeps every rule of
    this week and gives more priority places (with this week's own bound)."""
    if previous is None:
        return solved
    if previous.objective.priority_places <= solved.plan.objective.priority_places:
        return solved
    plan = replace(
        previous,
        bound=solved.plan.bound,
        status="FEASIBLE",
        solve_seconds=solved.plan.solve_seconds,
        stopped_by_clock=solved.plan.stopped_by_clock,
    )
    return measured_as_it_is(week, plan, prices) or solved


def run_scenario(
    scenario: Scenario,
    base_week: Week,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    base: Base = Base(),
) -> dict:
    """The scenario's week solved from the base plan (repaired to the changed week, so a
    change that only adds capacity never shows fewer priority places), beside the base.

    The base is `base.plan` measured as it is, or else solved first for `time_limit`
    seconds. `on_progress(fraction, what)` follows the solves. The result is a
    JSON-ready `reformer-scenario-result/1` document, its `comparison` saying how
    certain the change is.
    """
    week = apply_changes(base_week, scenario.changes)
    solves = 1 if base.plan is not None else 2

    def stage_progress(stage: str, done: int) -> ProgressCallback:
        def progress(fraction: float, detail: str) -> None:
            if on_progress is not None:
                on_progress((done + fraction) / solves, f"solving the {stage}: {detail}")

        return progress

    base_result, source = base_outcome(
        base_week,
        base,
        scenario.prices,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=stage_progress("base", 0),
    )
    changed = solve_and_measure(
        week,
        scenario.prices,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=stage_progress("scenario", solves - 1),
        hint=base_result.plan,
    )
    if on_progress is not None:
        on_progress(1.0, "done")
    outcomes = {"base": base_result, "scenario": changed}
    warnings = [
        f"the optimiser found no plan for the {stage} in {time_limit:g} s: give it more time"
        for stage, outcome in outcomes.items()
        if _no_plan_found(outcome)
    ]
    warnings += [
        f"the {stage}'s solve was {STOPPED_BY_CLOCK}"
        for stage, outcome in outcomes.items()
        if outcome.plan.stopped_by_clock
    ]
    return {
        "format": RESULT_FORMAT,
        "scenario": scenario_to_json(scenario),
        "week_start": base_week.week_start,
        "time_limit": time_limit,
        "changes": [c.describe() for c in scenario.changes],
        "base_source": source,
        "base": {"optimiser": base_result.optimiser, "fcfs": base_result.fcfs},
        "result": {"optimiser": changed.optimiser, "fcfs": changed.fcfs},
        "comparison": certainty(base_result.optimiser, changed.optimiser),
        "plan": plan_to_json(changed.plan),
        "warnings": warnings,
    }


def _no_plan_found(outcome: Outcome) -> bool:
    """An empty plan though places were wanted: the solver ran out of time, not of room."""
    return not outcome.plan.sessions and outcome.optimiser["places_wanted"] > 0


def sweep(
    document: dict,
    base_week: Week,
    path: str,
    values: list[Any],
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    base: Base = Base(),
    pool: Pool = ON_THIS_MACHINE,
) -> dict:
    """Solve the scenario once for each value put at `path`: each point a task on
    `pool` (one core, the same answer wherever it runs) starting from the base plan.
    A point keeps the plan of the point before it where that still keeps every rule and
    gives more priority places, so they never fall along a sweep that only adds capacity.

    Every value is validated before any solve starts. The base is measured (or
    solved) once; each point carries its comparison with it. The result is a
    JSON-ready `reformer-sweep/1` document with each point's figures, in order.
    """
    scenarios = [parse_scenario(set_path(document, path, value), base_week) for value in values]
    prices = scenarios[0].prices if scenarios else {}
    steps = len(values) + (base.plan is None)
    done = [0]

    def progress(fraction: float, _detail: str) -> None:
        if on_progress is not None:
            solved = min(done[0], len(values))
            on_progress((done[0] + fraction) / steps, f"{solved} of {len(values)} points solved")

    base_result, source = base_outcome(
        base_week,
        base,
        prices,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=progress,
    )
    done[0] = steps - len(values)
    progress(0.0, "")
    weeks = [apply_changes(base_week, scenario.changes) for scenario in scenarios]
    tasks = [
        (w, s.prices, time_limit, seed, base_result.plan)
        for w, s in zip(weeks, scenarios, strict=True)
    ]

    def finished(_task: Finished) -> None:
        done[0] += 1
        progress(0.0, "")

    solved = run_tasks(pool, solve_point, tasks, finished)
    points, previous = [], None
    for value, week, scenario, task in zip(values, weeks, scenarios, solved, strict=True):
        outcome = _better_of(week, scenario.prices, task.result, previous)
        previous = outcome.plan
        points.append(
            {
                "value": value,
                "optimiser": outcome.optimiser,
                "fcfs": outcome.fcfs,
                "comparison": certainty(base_result.optimiser, outcome.optimiser),
                "plan_found": not _no_plan_found(task.result),
                "stopped_by_clock": outcome.plan.stopped_by_clock,
                "ran_on": task.where,
            }
        )
    return {
        "format": SWEEP_FORMAT,
        "scenario": document,
        "week_start": base_week.week_start,
        "path": path,
        "values": list(values),
        "time_limit": time_limit,
        "base_source": source,
        "base": {"optimiser": base_result.optimiser, "fcfs": base_result.fcfs},
        "solved_on": pool.describe(),
        "points": points,
        "warnings": [
            f"the optimiser found no plan for {path} = {p['value']} in {time_limit:g} s"
            for p in points
            if not p["plan_found"]
        ]
        + [
            f"the solve for {path} = {p['value']} was {STOPPED_BY_CLOCK}"
            for p in points
            if p["stopped_by_clock"]
        ],
    }
