"""The linear-relaxation bound: a valid upper bound on priority places, in or out of process."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.interchange import load_week
from solver.bound import BoundsInBackground, relaxation_bound
from solver.candidates import candidate_slots
from solver.checker import check_plan
from solver.domain import Week
from solver.model import build_model
from solver.solve import demand_bound, solve, upper_bound
from tests.builders import client, example_files, want, week


def _relaxed(w: Week) -> int | None:
    wm = build_model(w, candidate_slots(w, step=w.grid_minutes))
    priority, _, _ = wm.levels()
    wm.model.maximize(priority)
    return relaxation_bound(wm.model)


def test_implications_and_negated_literals_are_relaxed_exactly():
    model = cp_model.CpModel()
    a, b, c, d = (model.new_bool_var(n) for n in "abcd")
    model.add_implication(a, b)  # b >= a: 2a - b is at most 1
    model.add_bool_or([d.Not()]).only_enforce_if(c)  # c and d not both: c + d is at most 1
    model.maximize(2 * a - b + c + d)
    assert relaxation_bound(model) == 2


def test_enforced_linear_rows_are_dropped_so_the_bound_only_loosens():
    model = cp_model.CpModel()
    a, b = model.new_bool_var("a"), model.new_bool_var("b")
    model.add(a + b <= 0).only_enforce_if(a)
    model.maximize(a + b)
    assert relaxation_bound(model) == 2


def test_relaxation_bounds_every_plan_the_solver_finds():
    w = week(clients=[client(f"c{n}", wants=[want("reformer", 2)]) for n in range(5)])
    bound = _relaxed(w)
    plan = solve(w, time_limit=5)
    assert check_plan(w, plan) == []
    assert plan.objective.priority_places <= bound <= 10


def test_the_background_bounds_equal_the_bounds_in_process_part_by_part():
    small = load_week(next(p for p in example_files() if p.name == "studio-small.json"))
    tiny = week(clients=[client(f"c{n}", wants=[want("reformer", 2)]) for n in range(3)])
    assert BoundsInBackground([small, tiny]).results(wait=60) == [_relaxed(small), _relaxed(tiny)]


def test_background_bounds_not_ready_in_time_are_none():
    small = load_week(next(p for p in example_files() if p.name == "studio-small.json"))
    assert BoundsInBackground([small]).results(wait=0) == [None]


def test_a_short_solve_still_bounds_by_what_clients_could_take():
    small = load_week(next(p for p in example_files() if p.name == "studio-small.json"))
    plan = solve(small, time_limit=1)
    assert check_plan(small, plan) == []
    demand = sum(c.priority * sum(w.per_week for w in c.wants) for c in small.clients)
    assert plan.objective.priority_places <= plan.bound <= demand


def test_the_solver_reports_the_relaxation_bound_when_it_is_ready(monkeypatch):
    import solver.solve

    small = load_week(next(p for p in example_files() if p.name == "studio-small.json"))
    monkeypatch.setattr(solver.solve, "RELAXATION_MIN_SECONDS", 0.0)
    plan = solve(small, time_limit=10)
    assert check_plan(small, plan) == []
    assert plan.objective.priority_places <= plan.bound <= _relaxed(small)


def test_a_solve_stopped_before_any_solution_proves_no_bound():
    w = week(clients=[client(f"c{n}", wants=[want("reformer", 2)]) for n in range(3)])
    wm = build_model(w, candidate_slots(w, step=w.grid_minutes))
    # CP-SAT reports a bound of 0 when stopped before its first solution.
    assert upper_bound(cp_model.UNKNOWN, 0.0, wm) == demand_bound(wm) > 0
    assert upper_bound(cp_model.FEASIBLE, 4.0, wm) == 4
