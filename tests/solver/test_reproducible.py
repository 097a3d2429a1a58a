"""Reproducible solves: the same week, options and seed give the same plan, whatever
else the machine is doing; only the wall clock's safety cap may cut a search."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from dataclasses import replace

import pytest

from scheduler.formats.plan import plan_to_json
from solver.checker import check_plan
from solver.domain import Plan
from solver.solve import DEFAULT_OPTIONS, solve
from tests.builders import REPO_ROOT, example_week


def _decisions(plan: Plan) -> dict:
    """What a plan decides: its sessions, places, reformers and figures (not its timing)."""
    document = plan_to_json(plan)
    return {k: document[k] for k in ("sessions", "allocations", "unplaced", "objective")}


def _busy() -> None:
    while True:
        pass


@pytest.mark.slow
def test_a_week_solved_twice_once_beside_a_busy_process_gives_the_same_plan():
    # Two seconds are too few to prove this week's best: the search stops on its budget.
    week = example_week("studio-small")
    alone = solve(week, time_limit=2, workers=2, seed=3)
    busy = multiprocessing.get_context("spawn").Process(target=_busy, daemon=True)
    busy.start()
    try:
        beside = solve(week, time_limit=2, workers=2, seed=3)
    finally:
        busy.terminate()
        busy.join()
    assert check_plan(week, alone) == [] and check_plan(week, beside) == []
    assert not alone.stopped_by_clock and not beside.stopped_by_clock
    assert _decisions(alone) == _decisions(beside)


SOLVE_IN_A_PROCESS = """
import json, sys
from scheduler.formats.plan import plan_to_json
from solver.solve import solve
from tests.builders import example_week
plan = solve(example_week("studio-small"), time_limit=2, workers=2, seed=1)
doc = plan_to_json(plan)
print(json.dumps({k: doc[k] for k in ("sessions", "allocations", "unplaced", "objective")}))
"""


@pytest.mark.slow
def test_processes_with_different_hash_seeds_give_the_same_plan():
    plans = []
    for hash_seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", SOLVE_IN_A_PROCESS],
            cwd=REPO_ROOT,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        )
        plans.append(json.loads(out.stdout))
    assert plans[0] == plans[1]


def test_a_solve_cut_by_the_wall_clock_says_so():
    week = example_week("studio-small")
    options = replace(DEFAULT_OPTIONS, clock_cap_factor=0.0, clock_cap_slack=0.3)
    plan = solve(week, time_limit=30, workers=1, options=options)
    assert plan.stopped_by_clock
    assert plan.solve_seconds < 10
    assert check_plan(week, plan) == []
    assert plan_to_json(plan)["stopped_by_clock"] is True


def test_a_plan_the_clock_did_not_cut_is_written_in_the_spec_format():
    week = example_week("studio-small")
    plan = solve(week, time_limit=2, workers=1)
    assert not plan.stopped_by_clock
    assert "stopped_by_clock" not in plan_to_json(plan)
