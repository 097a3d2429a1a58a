"""Solve runs that died: how a running run shows it is alive, and how a dead one is found.

Every kind of run (a manual solve from the owner's page or `reformer solve
--week`, a what-if scenario, the nightly re-solve) goes through `keep_alive`
while it works: a thread refreshes the row's `heartbeat_at`, and on PostgreSQL
a connection holds an advisory lock named after the run. A run left `running`
(or `queued`) by a process that is gone, such as a web worker restarted
mid-solve, is marked failed ("interrupted") by `mark_interrupted_runs`, which the
web app calls when it starts and whenever a run's state or the runs page is read,
and the scheduler when it starts and before each night.

A run is dead when, on PostgreSQL, nobody holds its lock (a nightly run: its
night's lock, held from before the night is claimed); on SQLite, when its
heartbeat is stale or its process no longer runs on this machine.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, or_, select, text, update
from sqlmodel import Session

from scheduler.core import models
from scheduler.core.db import get_engine

log = logging.getLogger(__name__)

#: How often a running run shows it is alive, and how long a silence means it died.
HEARTBEAT_EVERY = timedelta(seconds=20)
STALE_AFTER = timedelta(minutes=5)
RUNS = models.SolveRun.__table__

# Advisory locks are database-wide: key them by schema too, so schemas never share one.
_LOCK_KEY = "hashtext(current_schema() || :purpose), :number"


def try_advisory_lock(connection: Connection, purpose: str, number: int) -> bool:
    """Take PostgreSQL's session advisory lock (`purpose`, `number`) if free; whether taken."""
    query = text(f"SELECT pg_try_advisory_lock({_LOCK_KEY})")
    return bool(connection.execute(query, {"purpose": purpose, "number": number}).scalar_one())


def advisory_unlock(connection: Connection, purpose: str, number: int) -> None:
    """Release a lock taken with `try_advisory_lock` on the same connection."""
    query = text(f"SELECT pg_advisory_unlock({_LOCK_KEY})")
    connection.execute(query, {"purpose": purpose, "number": number})


def night_lock(night: date) -> tuple[str, int]:
    """The advisory lock a nightly run holds for its night."""
    return "/nightly", night.toordinal()


def run_lock(run_id: int) -> tuple[str, int]:
    """The advisory lock any run holds while `keep_alive` lasts."""
    return "/run", run_id


ProgressWriter = Callable[[float, str], None]


def start_run(
    session: Session,
    run: models.SolveRun,
    execute: Callable[..., None],
    job: tuple,
    *,
    background: bool,
) -> models.SolveRun:
    """Start a queued run: `execute(*job)` in a thread of its own, or, without
    `background`, here to its end (for the CLI and tests); the run's row as it stands."""
    if background:
        threading.Thread(target=execute, args=job, daemon=True).start()
    else:
        execute(*job)
        session.refresh(run)
    return run


def carry_out_run(
    run_id: int,
    database_url: str | None,
    work: Callable[[Session, ProgressWriter], dict],
    *,
    shown: Mapping[str, Any] | None = None,
) -> None:
    """Carry out a queued background run (a scenario, a sweep, the advisor) on its row.

    The row is marked running and kept alive; `work(session, progress)` does the run,
    `progress(fraction, stage)` writing to the row at most twice a second (the page
    polls; the database need not churn), each time with `shown` beside it. Its
    result, or why it failed, whatever stopped it, is recorded on the row.
    """
    engine = get_engine(database_url)
    with keep_alive(engine, run_id), Session(engine) as session:
        run = session.get(models.SolveRun, run_id)
        run.status, run.started_at, run.pid = "running", models.utcnow(), os.getpid()
        run.heartbeat_at = run.started_at
        session.add(run)
        session.commit()
        last = [0.0]

        def progress(fraction: float, stage: str) -> None:
            if time.monotonic() - last[0] < 0.5 and fraction < 1.0:
                return
            last[0] = time.monotonic()
            run.progress = {"fraction": round(fraction, 3), "stage": stage, **(shown or {})}
            run.heartbeat_at = models.utcnow()
            session.add(run)
            session.commit()

        try:
            run.result = work(session, progress)
            run.status = "succeeded"
            run.progress = {"fraction": 1.0, "stage": "done", **(shown or {})}
        except Exception as exc:  # the row must say why the run stopped, whatever stopped it
            log.exception("run %s failed", run_id)
            run.status = "failed"
            run.error = "\n".join(getattr(exc, "errors", [])) or str(exc) or type(exc).__name__
        run.finished_at = models.utcnow()
        session.add(run)
        session.commit()


@contextmanager
def keep_alive(engine: Engine, run_id: int) -> Iterator[None]:
    """While the block runs, show run `run_id` alive: its lock held, its heartbeat fresh.

    Enter it before the run is marked `running`, so nobody sees it running unlocked.
    """
    with _run_lock_held(engine, run_id):
        stop = threading.Event()
        thread = threading.Thread(
            target=_beat, args=(engine, run_id, stop), name=f"heartbeat-{run_id}", daemon=True
        )
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


@contextmanager
def _run_lock_held(engine: Engine, run_id: int) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        # Not taken only when this process already holds it (a run inside the nightly's).
        taken = try_advisory_lock(connection, *run_lock(run_id))
        connection.commit()
        try:
            yield
        finally:
            if taken:
                advisory_unlock(connection, *run_lock(run_id))
                connection.commit()


def _beat(engine: Engine, run_id: int, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_EVERY.total_seconds()):
        try:
            with engine.begin() as connection:
                connection.execute(
                    update(RUNS).where(RUNS.c.id == run_id), {"heartbeat_at": models.utcnow()}
                )
        except Exception:  # a missed beat is no reason to stop the solve
            log.warning("run %d: could not record a heartbeat", run_id, exc_info=True)


def mark_interrupted_runs(*, engine: Engine) -> list[int]:
    """Mark failed every run, of any kind, left running or queued by a process that is gone.

    Returns their ids. Cheap: one query, then a lock or process check per unfinished run.
    """
    with engine.connect() as connection:
        unfinished = connection.execute(
            select(RUNS).where(or_(RUNS.c.status == "running", RUNS.c.status == "queued"))
        ).mappings()
        dead = [dict(row) for row in unfinished if _is_dead(connection, row)]
        connection.commit()
        for row in dead:
            log.warning(
                "%s run %d%s was interrupted: marking it failed",
                row["kind"],
                row["id"],
                f" (night of {row['night']})" if row["night"] else "",
            )
            connection.execute(
                update(RUNS).where(RUNS.c.id == row["id"], RUNS.c.status == row["status"]),
                {
                    "status": "failed",
                    "finished_at": models.utcnow(),
                    "error": _interrupted(row),
                },
            )
        connection.commit()
    return [row["id"] for row in dead]


def _interrupted(run: Mapping[str, Any]) -> str:
    if run["status"] == "queued":
        return "interrupted: the run was queued but never started"
    return f"interrupted: process {run['pid']} stopped before the run finished"


def _is_dead(connection: Connection, run: Mapping[str, Any]) -> bool:
    if run["status"] == "queued":
        # A queued run starts at once in its own thread; one still waiting was lost.
        return models.utcnow() - run["created_at"] > STALE_AFTER
    if connection.dialect.name == "postgresql":
        # A live run holds its lock until it ends; if we get it, nobody does.
        lock = night_lock(run["night"]) if run["night"] else run_lock(run["id"])
        if not try_advisory_lock(connection, *lock):
            return False
        advisory_unlock(connection, *lock)
        return True
    heartbeat = run["heartbeat_at"] or run["started_at"]
    stale = heartbeat is None or models.utcnow() - heartbeat > STALE_AFTER
    return stale or not _process_alive(run["pid"])


def _process_alive(pid: int | None) -> bool:
    """Whether process `pid` runs on this machine (a zombie, killed but not reaped, does not)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            # The state follows the command name in parentheses: "123 (python) Z ...".
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return True
    return True
