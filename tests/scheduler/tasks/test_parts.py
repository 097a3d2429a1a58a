"""A franchise week solved part by part: every rule kept, each part's bound, and the
same plan on one process, on two, and on a Dask cluster."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from scheduler.studio.franchise import franchise_week
from scheduler.tasks.parts import solve_in_parts, solve_part
from scheduler.tasks.pool import LOCAL, Pool
from solver.checker import check_plan, measure_objective
from solver.domain import Plan
from solver.parts import split_week

pytestmark = pytest.mark.slow

WEEK = franchise_week(venues_wanted=6, seed=2, clients_per_venue=12, week_start=date(2026, 11, 30))


def _solved(pool: Pool):
    return solve_in_parts(WEEK, time_limit=1, workers=2, pool=pool)


def test_a_week_solved_in_parts_keeps_every_rule_and_sums_its_parts_bounds():
    plan, ran_on = _solved(Pool(processes=1))
    assert check_plan(WEEK, plan) == []
    assert plan.objective == measure_objective(WEEK, plan)
    parts = split_week(WEEK)
    # Each part's budget: its share by clients of 1 s of work on each of 2 cores.
    clients = sum(len(part.clients) for part in parts)
    bounds = [solve_part(part, 2 * len(part.clients) / clients, 0, None).bound for part in parts]
    assert plan.bound == sum(bounds)
    assert plan.bound >= plan.objective.priority_places
    assert ran_on == [LOCAL] * len(parts)


def test_a_week_solved_in_parts_is_the_same_on_one_process_on_two_and_on_a_cluster(cluster):
    alone, _ = _solved(Pool(processes=1))
    pair, _ = _solved(Pool(processes=2))
    remote, ran_on = _solved(Pool(cluster=cluster.scheduler_address))
    assert check_plan(WEEK, remote) == []
    assert [_untimed(p) for p in (pair, remote)] == [_untimed(alone)] * 2
    assert set(ran_on) <= set(cluster.scheduler_info["workers"])


def _untimed(plan: Plan) -> Plan:
    return replace(plan, solve_seconds=0.0)
