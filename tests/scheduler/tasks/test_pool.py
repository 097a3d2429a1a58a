"""Tasks on the local pool and on a real Dask cluster on loopback: the same answers,
where each ran, a worker lost mid-sweep, and a cluster that cannot be reached."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from distributed import Client

from scheduler.scenarios.document import SCENARIO_FORMAT
from scheduler.scenarios.report import sweep
from scheduler.tasks.pool import LOCAL, ClusterUnreachable, Pool, run_tasks
from tests.builders import example_week

pytestmark = pytest.mark.slow


def _sweep(pool: Pool) -> dict:
    week = example_week("studio-small")
    room = max(week.rooms.values(), key=lambda r: len(r.reformers)).id
    document = {
        "format": SCENARIO_FORMAT,
        "name": "More reformers",
        "base": {"week_start": "latest"},
        "changes": [{"kind": "add_reformers", "room": room, "count": 0}],
    }
    return sweep(document, week, "changes[0].count", [0, 1, 2, 3], time_limit=1, pool=pool)


def _figures(result: dict) -> list[dict]:
    return [
        {k: p[k] for k in ("value", "optimiser", "fcfs", "comparison")} for p in result["points"]
    ]


def _square(n: int) -> int:
    return n * n


def test_tasks_come_back_in_their_order_wherever_they_finish():
    finished = []
    results = run_tasks(Pool(processes=2), _square, [(n,) for n in range(5)], finished.append)
    assert [r.result for r in results] == [0, 1, 4, 9, 16]
    assert sorted(f.index for f in finished) == [0, 1, 2, 3, 4]
    assert {r.where for r in results} == {LOCAL}


def test_a_sweep_on_the_cluster_gives_the_local_runs_figures_and_says_where_each_ran(cluster):
    local = _sweep(Pool(processes=2))
    remote = _sweep(Pool(cluster=cluster.scheduler_address))
    assert _figures(remote) == _figures(local)
    assert {p["ran_on"] for p in local["points"]} == {LOCAL}
    assert {p["ran_on"] for p in remote["points"]} <= set(cluster.scheduler_info["workers"])
    assert remote["solved_on"] == f"the Dask cluster at {cluster.scheduler_address}"


def test_a_worker_killed_mid_sweep_leaves_the_sweep_whole(cluster):
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
        expected = _figures(_sweep(Pool(processes=1)))
        killed: list[int] = []

        def kill_one_once_busy() -> None:
            while not killed:
                busy = [w for w, tasks in client.processing().items() if tasks]
                if busy:
                    killed.append(pids[busy[0]])
                    os.kill(pids[busy[0]], signal.SIGKILL)
                time.sleep(0.05)

        killer = threading.Thread(target=kill_one_once_busy, daemon=True)
        killer.start()
        result = _sweep(Pool(cluster=cluster.scheduler_address))
        killer.join(timeout=1)
    assert killed, "a worker was killed while it had a task"
    assert _figures(result) == expected


def test_a_cluster_nobody_answers_is_a_clear_error_before_any_solve():
    with pytest.raises(ClusterUnreachable, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        Pool(cluster="tcp://127.0.0.1:9", connect_seconds=1).check()


def test_the_cluster_comes_from_the_environment_unless_given(monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://10.0.0.5:8786")
    assert Pool.chosen().cluster == "tcp://10.0.0.5:8786"
    assert Pool.chosen("tcp://10.0.0.6:8786").cluster == "tcp://10.0.0.6:8786"
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
    assert Pool.chosen().cluster is None
