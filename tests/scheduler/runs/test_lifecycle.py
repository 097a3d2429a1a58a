"""Runs of every kind that a dead process left unfinished read as failed ("interrupted")."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sqlmodel import Session

from scheduler.core import models
from scheduler.planning.solving import solve_run_state, start_background_solve
from scheduler.runs.lifecycle import STALE_AFTER, keep_alive, mark_interrupted_runs
from scheduler.store.plans import load_stored_plan
from scheduler.store.weeks import load_stored_week, week_row
from solver.checker import check_plan
from tests.studio_seed import seed_studio
from web import create_app


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _running(db_session: Session, pid: int, **values: object) -> models.SolveRun:
    """A run row as its process left it while solving: running, its heartbeat fresh."""
    now = models.utcnow()
    run = models.SolveRun(
        status="running", pid=pid, started_at=now, heartbeat_at=now, time_limit=60, **values
    )
    db_session.add(run)
    db_session.commit()
    return run


def _status(db_session: Session, run_id: int) -> tuple[str, str | None]:
    db_session.expire_all()
    run = db_session.get(models.SolveRun, run_id)
    return run.status, run.error


def test_a_solve_left_running_by_a_restarted_worker_is_failed_when_the_app_starts(
    database_url, engine, db_session
):
    dead = _dead_pid()
    manual = _running(db_session, dead, kind="manual")

    create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})

    status, error = _status(db_session, manual.id)
    assert status == "failed"
    assert error.startswith(f"interrupted: process {dead}")


def test_the_owners_run_page_shows_a_solve_whose_worker_died_as_failed(
    app, client, owner_login, db_session
):
    seeded = seed_studio(db_session)
    week_id = week_row(session=db_session, week_start=seeded.week_start).id
    manual = _running(db_session, _dead_pid(), kind="manual", week_id=week_id)

    state = client.get(f"/owner/runs/{manual.id}.json").get_json()

    assert (state["status"], state["done"]) == ("failed", True)
    assert state["error"].startswith("interrupted")
    assert 'id="status">failed<' in client.get(f"/owner/runs/{manual.id}").text


def test_a_what_if_run_whose_worker_died_reads_as_failed(app, client, owner_login, db_session):
    scenario = models.Scenario(name="Sunday mornings", changes=[])
    db_session.add(scenario)
    db_session.commit()
    run = _running(db_session, _dead_pid(), kind="scenario", scenario_id=scenario.id)

    state = client.get(f"/owner/scenarios/runs/{run.id}.json").get_json()

    assert (state["status"], state["done"]) == ("failed", True)
    assert state["error"].startswith("interrupted")


def test_a_run_kept_alive_by_a_live_process_is_left_running(engine, db_session):
    run = models.SolveRun(kind="manual", status="queued", time_limit=60)
    db_session.add(run)
    db_session.commit()

    with keep_alive(engine, run.id):
        started = db_session.get(models.SolveRun, run.id)
        started.status, started.pid = "running", os.getpid()
        started.started_at = started.heartbeat_at = models.utcnow()
        db_session.commit()

        assert mark_interrupted_runs(engine=engine) == []

    assert _status(db_session, run.id) == ("running", None)


def test_a_run_queued_and_never_started_is_failed_once_stale(engine, db_session):
    fresh = models.SolveRun(kind="manual", status="queued")
    lost = models.SolveRun(
        kind="scenario", status="queued", created_at=models.utcnow() - 2 * STALE_AFTER
    )
    db_session.add_all([fresh, lost])
    db_session.commit()

    assert mark_interrupted_runs(engine=engine) == [lost.id]

    assert _status(db_session, fresh.id) == ("queued", None)
    assert _status(db_session, lost.id) == (
        "failed",
        "interrupted: the run was queued but never started",
    )


@pytest.mark.slow
def test_an_app_started_beside_a_live_background_solve_leaves_it_to_finish(
    database_url, engine, db_session
):
    seeded = seed_studio(db_session, publish=False)
    run_id = start_background_solve(
        week_start=seeded.week_start, time_limit=2, database_url=database_url
    )

    create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})

    deadline = time.monotonic() + 60
    while (state := solve_run_state(session=db_session, run_id=run_id))["status"] != "succeeded":
        assert state["status"] != "failed", state["error"]
        assert time.monotonic() < deadline, "the solve never finished"
        time.sleep(0.2)
    the_week = load_stored_week(session=db_session, week_start=seeded.week_start)
    the_plan = load_stored_plan(session=db_session, plan_id=state["plan_id"])
    assert check_plan(the_week, the_plan) == []
