"""How a solve is staged: the table of levels, the time budget's arithmetic, the options
passed in, and the objective a model reads back."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest
from ortools.sat.python import cp_model

from solver.candidates import candidate_slots
from solver.checker import check_plan, measure_objective
from solver.domain import Objective
from solver.model import build_model
from solver.solve import DEFAULT_OPTIONS, LEVELS, Level, Progress, SolveOptions, TimeBudget, solve
from tests.builders import client, instructor, venue, want, week


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _three_clients():
    return week(clients=[client(f"c{n}", wants=[want("reformer", 2)]) for n in range(3)])


# The levels


def test_the_levels_are_the_objectives_figures_in_the_specs_order():
    assert [level.name for level in LEVELS] == [f.name for f in fields(Objective)]
    assert [level.sense for level in LEVELS] == ["max", "max", "max", "min"]


def test_the_model_builds_one_expression_per_level():
    w = _three_clients()
    wm = build_model(w, candidate_slots(w, step=w.grid_minutes))
    assert list(wm.levels()) == [level.name for level in LEVELS]


def test_every_level_takes_a_share_of_the_time_left_and_the_last_takes_all():
    for level in LEVELS:
        assert 0 < level.share <= 1 and 0 < level.fixed_share <= 1
    assert LEVELS[-1].share == LEVELS[-1].fixed_share == 1.0


def test_a_level_uses_its_fixed_share_on_a_fixed_timetable():
    level = Level("priority_places", "max", share=0.9, fixed_share=0.7)
    assert level.share_of(week()) == 0.9
    assert level.share_of(replace(week(), only_pinned_sessions=True)) == 0.7


@pytest.mark.parametrize(("sense", "kept"), [("max", 7), ("min", 3)])
def test_a_kept_level_holds_while_the_next_is_optimised(sense, kept):
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    Level("x", sense, 1.0, 1.0).keep(model, x, kept)
    Level("x", "min" if sense == "max" else "max", 1.0, 1.0).optimise(model, x)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.value(x) == kept


# The time budget


def test_a_budget_counts_down_from_its_start_and_may_overrun():
    clock = Clock(100.0)
    budget = TimeBudget.starting_now(10.0, clock)
    assert budget.deadline == 110.0
    clock.now = 102.5
    assert budget.left() == 7.5
    clock.now = 111.0
    assert budget.left() == -1.0


def test_a_stage_takes_a_share_of_what_is_left_when_it_starts():
    clock = Clock(100.0)
    budget = TimeBudget.starting_now(10.0, clock)
    clock.now = 102.0
    stage = budget.share_of_left(0.5)
    assert (stage.seconds, stage.started) == (4.0, 102.0)


def test_time_a_stage_leaves_unused_passes_to_the_next():
    clock = Clock(100.0)
    budget = TimeBudget.starting_now(10.0, clock)
    first = budget.share_of_left(0.5)
    clock.now = 101.0  # the first stage stops after one of its five seconds
    assert first.left() == 4.0
    assert budget.share_of_left(1.0).seconds == 9.0


def test_a_share_of_the_whole_ignores_what_is_spent_already():
    clock = Clock(100.0)
    budget = TimeBudget.starting_now(10.0, clock)
    clock.now = 103.0
    stage = budget.share_of_whole(0.5)
    assert (stage.seconds, stage.started) == (5.0, 103.0)


# The options, passed in


def test_the_default_options_are_the_measured_ones():
    assert SolveOptions() == DEFAULT_OPTIONS
    assert DEFAULT_OPTIONS.coarse_timetable


def _stages(options: SolveOptions) -> set[str]:
    w = _three_clients()
    seen: list[Progress] = []
    plan = solve(w, time_limit=3, options=options, on_progress=seen.append)
    assert check_plan(w, plan) == []
    return {p.stage for p in seen}


def test_an_open_week_starts_from_a_coarse_timetable_by_default():
    assert "coarse priority_places" in _stages(DEFAULT_OPTIONS)


def test_without_the_coarse_timetable_no_coarse_stage_runs():
    stages = _stages(SolveOptions(coarse_timetable=False))
    assert "priority_places" in stages
    assert not any(stage.startswith("coarse") for stage in stages)


# Reading a solution back


def test_a_read_solution_holds_every_level_as_the_plan_measures_it():
    w = week(
        venues=[venue("hitchin")],
        instructors=[instructor("jo")],
        clients=[
            client("likes-both", prefers_venues=["hitchin"], prefers_instructors=["jo"]),
            client("likes-none", priority=3),
        ],
    )
    wm = build_model(w, candidate_slots(w, step=w.grid_minutes))
    wm.model.maximize(wm.levels()["priority_places"])
    solver = cp_model.CpSolver()
    assert solver.solve(wm.model) == cp_model.OPTIMAL
    read = wm.read(solver).objective
    assert read.priority_places == 4
    assert read.preference_points == 2
    assert read.teaching_minutes == sum(s.class_type.minutes for s in wm.read(solver).running)
    plan = solve(w, time_limit=3)
    assert measure_objective(w, plan).preference_points == 2


@pytest.mark.parametrize(("missed_weeks", "solved"), [(0, False), (3, True)])
def test_the_fairness_level_is_solved_only_when_a_client_has_missed_weeks(missed_weeks, solved):
    w = week(clients=[client("c1"), client("c2", missed_weeks=missed_weeks)])
    stages: list[str] = []
    plan = solve(w, time_limit=3, on_progress=lambda p: stages.append(p.stage))
    assert check_plan(w, plan) == []
    assert ("fairness_points" in stages) == solved
    assert plan.objective.fairness_points == missed_weeks
