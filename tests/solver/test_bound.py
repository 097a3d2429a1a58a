"""The MIP bound from HiGHS: a valid upper bound on priority places, in or out of process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from ortools.sat.python import cp_model

from scheduler.formats.week import read_week_file
from solver.bound import BoundsInBackground, mip_bound
from solver.candidates import candidate_slots
from solver.checker import check_plan
from solver.domain import Week
from solver.model import build_model
from solver.solve import SolveOptions, demand_bound, solve, upper_bound
from tests.builders import REPO_ROOT, client, example_files, want, week

# The MIP bound beside the search however short the solve.
ALWAYS_MIP_BOUND = SolveOptions(mip_bound_min_seconds=0.0)


def _maximising_places(w: Week) -> cp_model.CpModel:
    wm = build_model(w, candidate_slots(w, step=w.grid_minutes))
    wm.model.maximize(wm.levels()["priority_places"])
    return wm.model


def _proven(w: Week) -> int | None:
    return mip_bound(_maximising_places(w))


def _studio_small() -> Week:
    return read_week_file(next(p for p in example_files() if p.name == "studio-small.json"))


def test_implications_and_negated_literals_are_read_exactly():
    model = cp_model.CpModel()
    a, b, c, d = (model.new_bool_var(n) for n in "abcd")
    model.add_implication(a, b)  # b >= a: 2a - b is at most 1
    model.add_bool_or([d.Not()]).only_enforce_if(c)  # c and d not both: c + d is at most 1
    model.maximize(2 * a - b + c + d)
    assert mip_bound(model) == 2


def test_enforced_linear_rows_are_dropped_so_the_bound_only_loosens():
    model = cp_model.CpModel()
    a, b = model.new_bool_var("a"), model.new_bool_var("b")
    model.add(a + b <= 0).only_enforce_if(a)
    model.maximize(a + b)
    assert mip_bound(model) == 2


@pytest.mark.slow
def test_the_mip_bound_bounds_every_plan_the_solver_finds():
    w = week(clients=[client(f"c{n}", wants=[want("reformer", 2)]) for n in range(5)])
    bound = _proven(w)
    plan = solve(w, time_limit=5)
    assert check_plan(w, plan) == []
    assert plan.objective.priority_places <= bound <= 10


def test_each_improvement_is_heard_and_the_last_is_the_bound():
    heard: list[int] = []
    bound = mip_bound(_maximising_places(_studio_small()), on_bound=heard.append)
    assert heard and heard[-1] == bound
    assert heard == sorted(heard, reverse=True)


def test_a_bound_stopped_early_is_never_below_the_proven_optimum():
    model = _maximising_places(_studio_small())
    early = mip_bound(model, seconds=0.2)
    assert early is None or early >= mip_bound(model)


@pytest.mark.slow
def test_the_background_bounds_equal_the_bounds_in_process_part_by_part():
    small = _studio_small()
    tiny = week(clients=[client(f"c{n}", wants=[want("reformer", 2)]) for n in range(3)])
    background = BoundsInBackground([small, tiny], deadline=time.monotonic() + 60)
    assert background.results(wait=60) == [_proven(small), _proven(tiny)]


def test_background_bounds_not_ready_in_time_are_none():
    background = BoundsInBackground([_studio_small()], deadline=time.monotonic() + 60)
    assert background.results(wait=0) == [None]


def test_a_short_solve_still_bounds_by_what_clients_could_take():
    small = _studio_small()
    plan = solve(small, time_limit=1)
    assert check_plan(small, plan) == []
    demand = sum(c.priority * sum(w.per_week for w in c.wants) for c in small.clients)
    assert plan.objective.priority_places <= plan.bound <= demand


@pytest.mark.slow
def test_the_solver_reports_the_mip_bound_when_it_is_ready():
    small = _studio_small()
    plan = solve(small, time_limit=10, options=ALWAYS_MIP_BOUND)
    assert check_plan(small, plan) == []
    assert plan.objective.priority_places <= plan.bound <= _proven(small)


def test_a_solve_stopped_before_any_solution_proves_no_bound():
    w = week(clients=[client(f"c{n}", wants=[want("reformer", 2)]) for n in range(3)])
    wm = build_model(w, candidate_slots(w, step=w.grid_minutes))
    # CP-SAT reports a bound of 0 when stopped before its first solution.
    assert upper_bound(cp_model.UNKNOWN, 0.0, wm) == demand_bound(wm) > 0
    assert upper_bound(cp_model.FEASIBLE, 4.0, wm) == 4


@pytest.mark.slow
def test_the_latest_bound_of_a_part_is_heard_while_the_process_runs():
    small = _studio_small()
    background = BoundsInBackground([small], deadline=time.monotonic() + 60)
    waited = time.monotonic()
    while (latest := background.latest(0)) is None and time.monotonic() - waited < 60:
        time.sleep(0.1)
    final = background.results(wait=60)[0]
    assert latest is not None and final is not None
    assert _proven(small) == final <= latest


@pytest.mark.slow
def test_every_bound_shown_while_solving_holds_for_the_plan():
    small = _studio_small()
    seen = []
    plan = solve(small, time_limit=10, on_progress=seen.append, options=ALWAYS_MIP_BOUND)
    assert check_plan(small, plan) == []
    level_one = [p for p in seen if p.stage.endswith("priority_places")]
    assert level_one
    assert all(plan.objective.priority_places <= p.bound for p in level_one)


@pytest.mark.slow
def test_a_stopped_mip_gives_up_before_proving_anything(examples_dir):
    studio = read_week_file(examples_dir / "studio.json")
    assert mip_bound(_maximising_places(studio), seconds=60, stop=lambda: True) is None


HOLDER = """
import sys, time
from scheduler.formats.week import read_week_file
from solver.bound import BoundsInBackground

if __name__ == "__main__":
    background = BoundsInBackground([read_week_file(sys.argv[1])], deadline=time.monotonic() + 300)
    print(background._process.pid, flush=True)
    time.sleep(300)
"""


def _running(pid: int) -> bool:
    """Whether the process runs (a zombie left unreaped has stopped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_the_bound_process_stops_itself_when_the_solve_is_killed(examples_dir, tmp_path):
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    solving = subprocess.Popen(
        [sys.executable, str(script), str(examples_dir / "studio.json")],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    helper = int(solving.stdout.readline())
    time.sleep(3)  # into the MIP
    assert _running(helper)
    solving.send_signal(signal.SIGKILL)
    solving.wait(timeout=30)
    solving.stdout.close()
    waited = time.monotonic()
    while _running(helper) and time.monotonic() - waited < 30:
        time.sleep(0.2)
    assert not _running(helper)
