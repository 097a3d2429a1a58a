"""The nightly re-solve of the coming week: once per night, non-disruptive, clients told.

An APScheduler job, kept in the database job store, fires each night at the
studio's local `NIGHTLY_TIME`. Whichever process gets there first claims the
night in the run table (under a PostgreSQL advisory lock, or a SQLite
`BEGIN IMMEDIATE` transaction; the unique `night` refuses a second claim) and
re-solves the coming week with `solve_week`, which pins the published
plan minus what has become impossible. A coming week not stored yet is started
as a copy of the latest stored week before it (its business and clients, not its
plans). The copy, the solve and the publishing are one transaction: a run that
fails or is killed leaves the published plan as it was (and no half-made week),
and its row, left `running`, is marked failed at the next start
(`scheduler.runs.lifecycle`).

A week with a draft of the owner's waiting to be published (`owner_draft`: her
move, her solve, or a night's draft she edited) is left alone that night, and
the run says so in words, as does the week page. The night could instead build
on her draft, pinning its places, but it would then publish (with `AUTO_PUBLISH`)
edits she has not reviewed, or leave a second draft beside hers for her to
compare; and pins of hers that no longer stand would be let go, undoing her edits
again, only less visibly. Left alone, her draft stays the version she works on
and reviews; once she publishes it, the next night re-solves around it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from scheduler.bookings.life import live_plan, load_life
from scheduler.clients.mail import SmtpSettings, changes_between, tell_clients
from scheduler.core import models
from scheduler.core.config import NIGHTLY_TIME_LIMIT, Settings, get_settings
from scheduler.core.dates import coming_monday
from scheduler.core.db import get_engine
from scheduler.jobs import reminders
from scheduler.planning.errors import PlanningError
from scheduler.planning.solving import owner_draft, previous_week, solve_week
from scheduler.runs.lifecycle import (
    advisory_unlock,
    keep_alive,
    mark_interrupted_runs,
    night_lock,
    try_advisory_lock,
)
from scheduler.store.plans import load_stored_plan, published_plan
from scheduler.store.weeks import load_stored_week, week_row
from solver.domain import Plan, Week

log = logging.getLogger(__name__)

#: The APScheduler job's id in the database job store.
JOB_ID = "nightly-resolve"
#: How late a missed night may still run when the scheduler starts (a machine off at 02:00).
MISFIRE_GRACE = timedelta(hours=6)
#: The solver's time limit for a night, in seconds.
RUNS = models.SolveRun.__table__


# --- When: the night's hour, the night a run is for, the week it re-solves ----------------------


def nightly_trigger(at: str = "02:00", timezone: str = "Europe/London") -> CronTrigger:
    """Every night at local `at` ("HH:MM") in `timezone`, on either side of a clock change."""
    hour, minute = _hour_minute(at)
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(timezone))


def night_for(
    now: datetime,
    *,
    at: str = "02:00",
    timezone: str = "Europe/London",
    grace: timedelta = MISFIRE_GRACE,
) -> date:
    """The night a run started at `now` belongs to, named by the local date of its hour.

    Within `grace` after a night's hour the run is that night's (late, or a misfire
    caught up at start-up); otherwise it is the coming night's, run early.
    """
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    last = max(d for d in (today - timedelta(days=1), today) if _hour_of(d, at, zone) <= now)
    if now - _hour_of(last, at, zone) <= grace:
        return last
    return last + timedelta(days=1)


def coming_week(night: date) -> date:
    """The Monday of the first week that has not begun by the night's hour."""
    return coming_monday(night)


def _hour_of(night: date, at: str, zone: ZoneInfo) -> datetime:
    """The night's hour as an instant in UTC (compared across offsets without surprises)."""
    return datetime.combine(night, time(*_hour_minute(at)), zone).astimezone(UTC)


def _hour_minute(at: str) -> tuple[int, int]:
    hours, minutes = at.split(":")
    return int(hours), int(minutes)


# --- One night: claim it, re-solve, record, tell the clients -----------------------------------


@dataclass(frozen=True)
class NightOutcome:
    """What an attempt at a night did: `succeeded`, `failed`, `skipped` (already had), or
    `left alone` (the week has a draft of the owner's waiting)."""

    night: date
    status: str
    message: str
    run_id: int | None = None


@dataclass(frozen=True)
class _Resolved:
    """A night's re-solve: the week, the plan before and after, whether it was published,
    and the week it was started from if it was not stored before the night."""

    week: Week
    before: Plan | None
    after: Plan
    published: bool
    started_from: date | None


def run_night(
    *,
    settings: Settings,
    night: date | None = None,
    time_limit: float = NIGHTLY_TIME_LIMIT,
    retry: bool = False,
    now: datetime | None = None,
) -> NightOutcome:
    """Re-solve the coming week for `night` (default: the night `now` belongs to), once.

    Runs left `running` by a dead process are first marked failed. A night already
    claimed (running, succeeded, or failed unless `retry`) is skipped and says so.
    """
    engine = get_engine(settings.database_url)
    if night is None:
        night = night_for(
            now or datetime.now(UTC), at=settings.nightly_time, timezone=settings.nightly_timezone
        )
    mark_interrupted_runs(engine=engine)
    week_start = coming_week(night)
    with _night_lock(engine, night) as held:
        if not held:
            return _skipped(night, f"the night of {night} is being re-solved by another process")
        run_id, earlier = _claim(engine, night, week_start, time_limit, retry=retry)
        if run_id is None:
            return _skipped(night, _already_claimed(night, earlier))
        log.info("night of %s: re-solving the week of %s (run %d)", night, week_start, run_id)
        try:
            with keep_alive(engine, run_id):
                waiting = _leave_alone(engine, run_id, week_start)
                if waiting is not None:
                    message = f"the night of {night} left the week of {week_start} alone: {waiting}"
                    log.info("%s", message)
                    return NightOutcome(night, "left alone", message, run_id)
                resolved = _resolve(engine, run_id, week_start, time_limit, settings.auto_publish)
        except Exception as exc:
            log.exception("night of %s: the re-solve failed; the published plan stands", night)
            _mark_failed(engine, run_id, f"{type(exc).__name__}: {exc}")
            return NightOutcome(night, "failed", f"the night of {night} failed: {exc}", run_id)
    mailed = _tell_clients(engine, run_id, settings, resolved)
    with Session(engine) as session:
        run = session.get(models.SolveRun, run_id)
        result = run.result or {}
        figures = (
            f"{run.kept} places kept, {result.get('moved', 0)} moved, {run.added} added,"
            f" {run.lost} lost"
        )
        version = session.get(models.Plan, run.plan_id).version
        run.result = {
            **result,
            "outcome": _done_words(week_start, version, resolved.published, figures),
        }
        session.add(run)
        session.commit()
        started = (
            f" (started from the week of {resolved.started_from})" if resolved.started_from else ""
        )
        dropped = "".join(f"; {line}" for line in result.get("not_carried", []))
        return NightOutcome(
            night,
            "succeeded",
            f"the night of {night} {'published' if resolved.published else 'left a draft of'}"
            f" the week of {week_start}{started}: {figures}; {len(mailed)} client(s)"
            f" e-mailed{dropped}",
            run_id,
        )


def _done_words(week_start: date, version: int, published: bool, figures: str) -> str:
    """What a night's re-solve made of the week, as the owner reads it on the runs page."""
    if published:
        return f"Published version {version} of the week of {week_start:%-d %B}: {figures}."
    return (
        f"Left version {version} of the week of {week_start:%-d %B} as a draft for you to"
        f" publish: {figures}."
    )


def _skipped(night: date, message: str) -> NightOutcome:
    log.info("%s: nothing to do", message)
    return NightOutcome(night, "skipped", message)


def _already_claimed(night: date, earlier: dict[str, Any] | None) -> str:
    if earlier is None:  # claimed and gone between the insert and the look
        return f"the night of {night} has already been claimed"
    if earlier["status"] == "failed":
        return (
            f"the night of {night} already ran and failed ({earlier['error']});"
            " `reformer nightly --now --retry` runs it again"
        )
    if earlier["status"] == "succeeded":
        return f"the night of {night} already ran (finished {_clock(earlier['finished_at'])})"
    return f"the night of {night} is being re-solved by process {earlier['pid']}"


def _clock(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "at an unknown time"


@contextmanager
def _night_lock(engine: Engine, night: date) -> Iterator[bool]:
    """On PostgreSQL, hold the night's advisory lock for the whole run; SQLite needs none."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        held = try_advisory_lock(connection, *night_lock(night))
        connection.commit()
        try:
            yield held
        finally:
            if held:
                advisory_unlock(connection, *night_lock(night))
                connection.commit()


def _claim(
    engine: Engine, night: date, week_start: date, time_limit: float, *, retry: bool
) -> tuple[int | None, dict[str, Any] | None]:
    """Insert the night's run row, or take back a failed one on `retry`; None if claimed."""
    moment = models.utcnow()
    claim = {
        "status": "running",
        "started_at": moment,
        "heartbeat_at": moment,
        "finished_at": None,
        "time_limit": time_limit,
        "pid": os.getpid(),
        "error": None,
    }
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # Take the write lock before reading, so two claims cannot both see "unclaimed".
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        earlier = _night_row(connection, night)
        if earlier is not None:
            if not (retry and earlier["status"] == "failed"):
                connection.rollback()
                return None, earlier
            connection.execute(
                update(RUNS).where(RUNS.c.id == earlier["id"], RUNS.c.status == "failed"),
                claim,
            )
            connection.commit()
            return earlier["id"], None
        week = connection.execute(
            select(models.Week.__table__.c.id).where(
                models.Week.__table__.c.week_start == week_start
            )
        ).scalar_one_or_none()
        try:
            run_id = connection.execute(
                insert(RUNS)
                .values(kind="nightly", night=night, week_id=week, created_at=moment, **claim)
                .returning(RUNS.c.id)
            ).scalar_one()
            connection.commit()
        except IntegrityError:
            connection.rollback()
            return None, _night_row(connection, night)
    return run_id, None


def _night_row(connection: Connection, night: date) -> dict[str, Any] | None:
    row = connection.execute(select(RUNS).where(RUNS.c.night == night)).mappings().first()
    return dict(row) if row is not None else None


def _leave_alone(engine: Engine, run_id: int, week_start: date) -> str | None:
    """If the owner has a draft of the week waiting, finish the run without a solve and
    say why (`your draft version 2 is not published yet...`); None to re-solve the week."""
    with Session(engine) as session:
        draft = owner_draft(session=session, week_start=week_start)
        if draft is None:
            return None
        waiting = _waiting(draft.version)
        run = session.get(models.SolveRun, run_id)
        run.status, run.finished_at = "succeeded", models.utcnow()
        run.result = {
            "left_alone": draft.version,
            "outcome": f"Left the week of {week_start:%-d %B} alone: {waiting}",
            "published": False,
            "emailed": [],
        }
        session.add(run)
        session.commit()
    return waiting


def _waiting(version: int) -> str:
    return (
        f"your draft version {version} is not published yet. Publish it and the next night"
        " re-solves the week around it."
    )


def _resolve(
    engine: Engine, run_id: int, week_start: date, time_limit: float, publish: bool
) -> _Resolved:
    """Re-solve the week under the claimed run; `solve_week` writes plan and run at once.

    A coming week not stored yet is started as a copy of the latest stored week before
    it, stored in the same commit as its first plan.
    """
    with Session(engine, expire_on_commit=False) as session:
        copy_from = None
        if week_row(session=session, week_start=week_start) is None:
            copy_from = previous_week(session=session, week_start=week_start)
            if copy_from is None:
                raise PlanningError(
                    f"no week is stored for {week_start} nor any week before it to start it"
                    " from; import one with `reformer import week.json`"
                )
            log.info("the week of %s is not stored: starting it from %s", week_start, copy_from)
        published = published_plan(session=session, week_start=week_start)
        before = None
        if published is not None:
            # As clients see it: their own cancellations and bookings are no news to them.
            life = load_life(session=session, week_id=published.week_id)
            before = live_plan(load_stored_plan(session=session, plan_id=published.id), life)
        row = solve_week(
            session=session,
            week_start=week_start,
            time_limit=time_limit,
            publish=publish,
            kind="nightly",
            run=session.get(models.SolveRun, run_id),
            copy_from=copy_from,
        )
        week = load_stored_week(session=session, week_start=week_start)
        after = load_stored_plan(session=session, plan_id=row.id)
    return _Resolved(week, before, after, publish, copy_from)


def _mark_failed(engine: Engine, run_id: int, error: str) -> None:
    """Record the failure, unless `solve_week` already did (its words are the same)."""
    with engine.begin() as connection:
        connection.execute(
            update(RUNS).where(RUNS.c.id == run_id, RUNS.c.status != "failed"),
            {"status": "failed", "finished_at": models.utcnow(), "error": error},
        )


def _tell_clients(
    engine: Engine, run_id: int, settings: Settings, resolved: _Resolved
) -> list[str]:
    """E-mail each client whose places changed in a published plan; record who was told."""
    mailed: list[str] = []
    if resolved.published:
        mailed = tell_clients(
            changes_between(resolved.week, resolved.before, resolved.after),
            week_start=resolved.week.week_start,
            smtp=SmtpSettings.from_settings(settings),
            development=settings.development,
        )
    with engine.begin() as connection:
        result = connection.execute(select(RUNS.c.result).where(RUNS.c.id == run_id)).scalar_one()
        connection.execute(
            update(RUNS).where(RUNS.c.id == run_id),
            {"result": {**(result or {}), "published": resolved.published, "emailed": mailed}},
        )
    return mailed


# --- The run records, for the owner's page and `reformer runs` ----------------------------------


def recent_runs(*, session: Session, limit: int = 60) -> list[models.SolveRun]:
    """The latest nightly runs, newest night first."""
    query = (
        select(models.SolveRun)
        .where(models.SolveRun.kind == "nightly")
        .order_by(models.SolveRun.night.desc(), models.SolveRun.id.desc())
        .limit(limit)
    )
    return list(session.exec(query).scalars())


@dataclass(frozen=True)
class NightNotice:
    """What the owner's week page says of a night that left the week alone for her draft."""

    words: str
    draft_id: int


def night_notice(*, session: Session, week_start: date) -> NightNotice | None:
    """The notice for the week page, while the latest night left the week alone and the
    draft it named is still the owner's draft waiting; otherwise None."""
    query = (
        select(models.SolveRun)
        .join(models.Week, models.Week.id == models.SolveRun.week_id)
        .where(models.SolveRun.kind == "nightly", models.Week.week_start == week_start)
        .order_by(models.SolveRun.night.desc())
        .limit(1)
    )
    run = session.exec(query).scalars().first()
    version = (run.result or {}).get("left_alone") if run else None
    draft = owner_draft(session=session, week_start=week_start) if version else None
    if draft is None or draft.version != version:
        return None
    words = f"The night of {run.night:%A %-d %B} left this week alone: {_waiting(version)}"
    return NightNotice(words, draft.id)


def run_record(run: models.SolveRun) -> dict[str, Any]:
    """A run as JSON data: night, status, started_at, finished_at, kept, added, lost, error,
    and its outcome in words (None for a failed run)."""

    def instant(moment: datetime | None) -> str | None:
        return moment.astimezone(UTC).isoformat() if moment else None

    return {
        "night": run.night.isoformat() if run.night else None,
        "status": run.status,
        "started_at": instant(run.started_at),
        "finished_at": instant(run.finished_at),
        "kept": run.kept,
        "added": run.added,
        "lost": run.lost,
        "error": run.error,
        "outcome": (run.result or {}).get("outcome"),
    }


# --- The scheduler process -------------------------------------------------------------------


def scheduled_night(time_limit: float = NIGHTLY_TIME_LIMIT) -> None:
    """The job APScheduler runs each night (referenced by name from the job store)."""
    outcome = run_night(settings=get_settings(), time_limit=time_limit)
    log.info("%s", outcome.message)


def start_scheduler(
    settings: Settings, *, time_limit: float = NIGHTLY_TIME_LIMIT, grace: timedelta = MISFIRE_GRACE
) -> BackgroundScheduler:
    """Start a scheduler whose jobs live in the database job store: the nightly re-solve and
    the day-before reminders (`scheduler.jobs.reminders`).

    A job already stored keeps its next run time, so a night missed while the
    machine was off runs once now if it is within `grace` (coalesced), and is
    skipped past it. Changed settings reschedule the stored job.
    """
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine(settings.database_url))},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=ZoneInfo(settings.nightly_timezone),
    )
    scheduler.add_listener(_log_missed, EVENT_JOB_MISSED)
    # Paused, so a stored job is looked at (and kept) before anything fires.
    scheduler.start(paused=True)
    _keep_job(
        scheduler,
        JOB_ID,
        "scheduler.jobs.nightly:scheduled_night",
        name="re-solve the coming week",
        trigger=nightly_trigger(settings.nightly_time, settings.nightly_timezone),
        kwargs={"time_limit": time_limit},
        grace=grace,
    )
    # A quarter hour missed needs no catching up: the next one reminds the same classes.
    _keep_job(
        scheduler,
        reminders.JOB_ID,
        "scheduler.jobs.reminders:scheduled_reminders",
        name="e-mail the day-before reminders",
        trigger=reminders.reminder_trigger(settings.nightly_timezone),
        kwargs={},
        grace=timedelta(minutes=reminders.EVERY_MINUTES),
    )
    scheduler.resume()
    for job_id, what in ((JOB_ID, "nightly re-solve"), (reminders.JOB_ID, "reminders")):
        job = scheduler.get_job(job_id)
        log.info("%s scheduled: next run %s", what, job.next_run_time if job else "unknown")
    return scheduler


def _keep_job(
    scheduler: BackgroundScheduler,
    job_id: str,
    func: str,
    *,
    name: str,
    trigger: CronTrigger,
    kwargs: dict[str, Any],
    grace: timedelta,
) -> None:
    """Store the job unless it is stored already; a stored one takes the settings given."""
    job_settings = {"kwargs": kwargs, "misfire_grace_time": int(grace.total_seconds())}
    try:
        job = scheduler.get_job(job_id)
    except LookupError:  # stored by an earlier version, whose module path has since moved
        scheduler.remove_job(job_id)
        job = None
    if job is None:
        with suppress(ConflictingIdError):  # another scheduler stored it a moment ago
            scheduler.add_job(func, trigger=trigger, id=job_id, name=name, **job_settings)
        return
    if repr(job.trigger) != repr(trigger):
        scheduler.reschedule_job(job_id, trigger=trigger)
    if job.kwargs != kwargs or job.misfire_grace_time != grace.total_seconds():
        scheduler.modify_job(job_id, **job_settings)


def _log_missed(event: JobExecutionEvent) -> None:
    if event.job_id == reminders.JOB_ID:
        log.info(
            "the reminders due at %s were missed: the next run sends them", event.scheduled_run_time
        )
        return
    log.warning(
        "the nightly re-solve due at %s was missed past its grace period", event.scheduled_run_time
    )


def run_scheduler(settings: Settings, *, time_limit: float = NIGHTLY_TIME_LIMIT) -> None:
    """Run the scheduler in this process until SIGTERM or SIGINT (`reformer scheduler`)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    mark_interrupted_runs(engine=get_engine(settings.database_url))
    scheduler = start_scheduler(settings, time_limit=time_limit)
    log.info("scheduler running on %s (pid %d)", socket.gethostname(), os.getpid())
    stop.wait()
    scheduler.shutdown(wait=True)
