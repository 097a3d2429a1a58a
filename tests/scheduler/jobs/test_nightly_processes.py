"""The nightly re-solve across real processes: several at once make one run; a killed one
leaves the published plan as it was and is marked failed at the next start.

Each test runs `reformer nightly --now` in fresh Python processes against this test's
database (SQLite, or PostgreSQL when `DATABASE_URL` says so).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from scheduler.core import models
from scheduler.formats.week import read_week_file
from scheduler.store.weeks import load_stored_week
from solver.baselines.fcfs import fcfs_plan, pinned_timetable
from solver.checker import check_plan
from solver.domain import Plan
from tests import stored
from tests.builders import REPO_ROOT, allocation, client, plan, session, week

NIGHT = "2026-11-26"  # its coming week is the week of 30 November, the builders' and examples'
WEEK_START = "2026-11-30"
PROCESSES = 4

# Import everything first, then wait for the agreed moment: the processes claim the night
# together rather than one after another as their imports happen to finish.
_STARTER = """
import sys, time
from cli import cli
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
sys.argv = ["reformer", *sys.argv[2:]]
cli()
"""


def _reformer(database_url: str, *args: str, start_at: float = 0.0) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AUTO_PUBLISH": "true",
        "REFORMER_ENV": "development",
    }
    env.pop("SMTP_HOST", None)
    return subprocess.Popen(
        [sys.executable, "-c", _STARTER, str(start_at), *args],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _nightly_runs(db_session: Session) -> list[models.SolveRun]:
    db_session.expire_all()
    query = select(models.SolveRun).where(models.SolveRun.kind == "nightly")
    return list(db_session.exec(query).scalars())


def _plan_ids(db_session: Session) -> list[int]:
    db_session.expire_all()
    return sorted(db_session.exec(select(models.Plan.id)).scalars())


@pytest.mark.slow
def test_processes_started_at_once_make_one_run(database_url, engine, db_session):
    mon = session("reformer", "mon", "09:30")
    clients = [client(id, availability=[("mon", "09:00", "12:00")]) for id in ("ann", "bob", "cat")]
    stored.publish(db_session, week(clients=clients), plan([mon], [allocation("ann", mon, "R1")]))
    start_at = time.time() + 8  # after every process has imported the optimiser

    command = ["nightly", "--now", "--night", NIGHT, "--time-limit", "5"]
    processes = [_reformer(database_url, *command, start_at=start_at) for _ in range(PROCESSES)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]

    assert [p.returncode for p in processes] == [0] * PROCESSES, outputs
    ran = [o for o in outputs if f"the night of {NIGHT} published" in o]
    said_no = [o for o in outputs if "already ran" in o or "being re-solved" in o]
    assert (len(ran), len(said_no)) == (1, PROCESSES - 1), outputs
    [run] = _nightly_runs(db_session)
    assert (str(run.night), run.status) == (NIGHT, "succeeded")
    _, after = stored.published(db_session, WEEK_START)
    assert check_plan(load_stored_week(session=db_session, week_start=WEEK_START), after) == []
    assert len(_plan_ids(db_session)) == 2  # the one published before, and the night's


@pytest.fixture
def studio_with_published_plan(examples_dir: Path, db_session: Session) -> tuple[int, Plan]:
    """The 400-client example studio, published as first come, first served on a timetable:
    a re-solve of it takes far longer than the moment before it is killed."""
    fixed = read_week_file(examples_dir / "studio-fixed.json")
    assert fixed.week_start == WEEK_START
    the_week = replace(fixed, pinned_sessions=(), pinned_allocations=(), only_pinned_sessions=False)
    published = fcfs_plan(the_week, pinned_timetable(fixed))
    assert published.allocations
    return stored.publish(db_session, the_week, published), published


@pytest.mark.slow
def test_a_process_killed_mid_solve_leaves_the_published_plan_and_is_marked_failed(
    database_url, engine, db_session, studio_with_published_plan
):
    published_id, published = studio_with_published_plan
    plans_before = _plan_ids(db_session)
    solving = _reformer(database_url, "nightly", "--now", "--night", NIGHT, "--time-limit", "300")
    deadline = time.monotonic() + 120
    while not any(r.status == "running" for r in _nightly_runs(db_session)):
        assert solving.poll() is None, solving.communicate()[0]
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.1)
    time.sleep(3)  # into the solve
    assert solving.poll() is None, solving.communicate()[0]

    solving.send_signal(signal.SIGKILL)
    solving.wait(timeout=30)

    assert stored.published(db_session, WEEK_START) == (published_id, published)
    assert _plan_ids(db_session) == plans_before
    [left] = _nightly_runs(db_session)
    assert left.status == "running"  # as the killed process left it

    next_start = _reformer(database_url, "nightly", "--now", "--night", NIGHT, "--time-limit", "5")
    said = next_start.communicate(timeout=120)[0]
    listed = _reformer(database_url, "runs", "--json").communicate(timeout=60)[0]

    assert next_start.returncode == 0, said
    assert "already ran and failed" in said
    [run] = _nightly_runs(db_session)
    assert run.status == "failed"
    assert run.error.startswith(f"interrupted: process {solving.pid}")
    [record] = json.loads(listed[listed.index("[") :])
    assert (record["night"], record["status"]) == (NIGHT, "failed")
    assert record["error"].startswith("interrupted")
    assert stored.published(db_session, WEEK_START) == (published_id, published)
