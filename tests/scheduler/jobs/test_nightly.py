"""The nightly re-solve: when it fires, which night and week it is, and that it runs once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select, update
from sqlmodel import Session

from cli import cli
from scheduler.core import models
from scheduler.core.changes import diff_plans
from scheduler.core.config import get_settings
from scheduler.core.db import get_engine
from scheduler.jobs import reminders
from scheduler.jobs.nightly import (
    JOB_ID,
    _night_lock,
    coming_week,
    mark_interrupted_runs,
    night_for,
    nightly_trigger,
    recent_runs,
    run_night,
    start_scheduler,
)
from scheduler.planning import solving
from scheduler.planning.edits import move_client
from scheduler.planning.publish import publish_plan
from scheduler.store.plans import find_plan, load_stored_plan, published_plan, save_plan
from scheduler.store.weeks import load_stored_week, save_week, week_row, week_starts
from solver.checker import check_plan
from solver.domain import Client, Plan, Week
from solver.domain import Session as PlanSession
from tests import stored
from tests.builders import allocation, client, instructor, plan, room, session, venue, week
from tests.smtp_sink import SmtpSink, running_sink

LONDON = ZoneInfo("Europe/London")


def _fire_times(trigger, start: datetime, count: int) -> list[datetime]:
    """The next `count` fire times after `start`, as the scheduler asks for them."""
    times, previous, now = [], None, start
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, now)
        times.append(previous)
        # The scheduler's clock runs in absolute time: step on from the fire in UTC.
        now = previous.astimezone(UTC) + timedelta(seconds=1)
    return times


def _disk_full(*_args, **_kwargs):
    raise OSError("disk")


@pytest.mark.parametrize(
    ("start", "clock_change"),
    [
        (datetime(2026, 3, 27, 12, tzinfo=UTC), date(2026, 3, 29)),  # clocks go forward
        (datetime(2026, 10, 23, 12, tzinfo=UTC), date(2026, 10, 25)),  # clocks go back
    ],
)
def test_the_job_fires_at_two_local_on_both_sides_of_a_clock_change(start, clock_change):
    fires = _fire_times(nightly_trigger("02:00", "Europe/London"), start, 4)

    local = [f.astimezone(LONDON) for f in fires]
    assert [f.date() for f in local] == [clock_change + timedelta(days=d) for d in (-1, 0, 1, 2)]
    assert all((f.hour, f.minute) == (2, 0) for f in local)
    # Local 02:00 is an hour apart in UTC before and after the change.
    offsets = {f.date(): f.utcoffset() for f in local}
    assert offsets[clock_change - timedelta(days=1)] != offsets[clock_change + timedelta(days=1)]
    assert fires[0].astimezone(UTC).hour != fires[-1].astimezone(UTC).hour


def test_the_job_fires_at_the_configured_local_time():
    start = datetime(2026, 6, 1, 12, tzinfo=UTC)

    [fire] = _fire_times(nightly_trigger("03:15", "Europe/London"), start, 1)

    assert fire.astimezone(UTC) == datetime(2026, 6, 2, 2, 15, tzinfo=UTC)  # 03:15 BST


@pytest.mark.parametrize(
    ("now", "night"),
    [
        (datetime(2026, 10, 25, 2, 0, tzinfo=LONDON), date(2026, 10, 25)),  # on the hour
        (datetime(2026, 10, 25, 7, 30, tzinfo=LONDON), date(2026, 10, 25)),  # misfire in grace
        (datetime(2026, 10, 25, 9, 0, tzinfo=LONDON), date(2026, 10, 26)),  # past grace: tonight
        (datetime(2026, 10, 24, 23, 0, tzinfo=LONDON), date(2026, 10, 25)),  # evening: tonight
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 29)),  # 02:30 BST
    ],
)
def test_a_run_belongs_to_the_night_whose_hour_it_follows_within_grace(now, night):
    assert night_for(now, at="02:00", timezone="Europe/London", grace=timedelta(hours=6)) == night


def test_the_coming_week_is_the_first_that_has_not_begun():
    assert coming_week(date(2026, 11, 29)) == date(2026, 11, 30)  # Sunday night
    assert coming_week(date(2026, 11, 30)) == date(2026, 12, 7)  # Monday: that week has begun
    assert coming_week(date(2026, 11, 26)) == date(2026, 11, 30)  # Thursday


# --- One night, in this process ---------------------------------------------------------------

NIGHT = date(2026, 11, 26)  # a Thursday: its coming week is the builders' week of 30 November
WEEK_START = "2026-11-30"
MON = session("reformer", "mon", "09:30")
TUE = session("reformer", "tue", "18:00")
# Hours that leave the solver few places to look, so each solve is quick.
MORNING = [("mon", "09:00", "12:00")]
EVENING = [("tue", "17:00", "20:30")]


def _client(id: str, availability=MORNING + EVENING) -> Client:
    return replace(client(id, availability=availability), email=f"{id}@example.org")


def _settings(database_url: str, sink: SmtpSink | None = None, auto_publish: bool = True):
    env = {"DATABASE_URL": database_url, "AUTO_PUBLISH": "true" if auto_publish else "false"}
    if sink is not None:
        env |= {"SMTP_HOST": sink.host, "SMTP_PORT": str(sink.port), "SMTP_FROM": "studio@x.org"}
    return get_settings(env)


def _places(the_plan: Plan) -> set[tuple[str, str, str | None]]:
    return {(a.client, a.session, a.reformer) for a in the_plan.allocations}


def _sessions_of(the_plan: Plan, client_id: str) -> list[PlanSession]:
    by_id = {s.id: s for s in the_plan.sessions}
    return [by_id[a.session] for a in the_plan.allocations if a.client == client_id]


def _set(db_session: Session, model, where, **values) -> None:
    db_session.execute(update(model).where(*where).values(**values))
    db_session.commit()


def _nightly_runs(db_session: Session) -> list[models.SolveRun]:
    db_session.expire_all()
    return recent_runs(session=db_session)


def _studio_with_published_plan(db_session: Session) -> tuple[Week, Plan]:
    """Monday 09:30: Ann R1, Bob R2, Cat R3. Tuesday 18:00: Dan R1, Eve R2."""
    clients = [_client(id) for id in ("ann", "bob", "cat", "dan", "eve")]
    the_week = week(clients=clients)
    the_plan = plan(
        [MON, TUE],
        [
            allocation("ann", MON, "R1"),
            allocation("bob", MON, "R2"),
            allocation("cat", MON, "R3"),
            allocation("dan", TUE, "R1"),
            allocation("eve", TUE, "R2"),
        ],
    )
    stored.publish(db_session, the_week, the_plan)
    return the_week, the_plan


def test_a_resolve_after_cancellations_and_sign_ups_keeps_every_standing_place(
    database_url, db_session
):
    the_week, before = _studio_with_published_plan(db_session)
    # Two sign-ups, Fay on Monday mornings and Gus on Tuesday evenings; Bob cancels;
    # reformer R3 (Cat's) goes out of service.
    signed_up = replace(
        the_week,
        clients=the_week.clients
        + (_client("fay", availability=MORNING), _client("gus", availability=EVENING)),
    )
    save_week(session=db_session, week=signed_up)
    db_session.commit()
    _set(db_session, models.Client, [models.Client.key == "bob"], active=False)
    _set(db_session, models.Reformer, [models.Reformer.key == "R3"], in_service=False)

    with running_sink() as sink:
        outcome = run_night(settings=_settings(database_url, sink), night=NIGHT, time_limit=5)

    assert outcome.status == "succeeded", outcome.message
    _, after = stored.published(db_session, WEEK_START)
    now_week = load_stored_week(session=db_session, week_start=WEEK_START)
    assert check_plan(now_week, after) == []
    # Every place that still stands is kept, to the reformer.
    assert {("ann", MON.id, "R1"), ("dan", TUE.id, "R1"), ("eve", TUE.id, "R2")} <= _places(after)
    # Cat keeps her class on another machine; Bob's place is gone; the sign-ups are placed.
    [cat] = [a for a in after.allocations if a.client == "cat"]
    assert (cat.session, cat.reformer) == (MON.id, "R2")
    assert _sessions_of(after, "bob") == []
    assert len(_sessions_of(after, "fay")) == 1 and len(_sessions_of(after, "gus")) == 1
    # One e-mail to each client (still with the studio) whose places changed, and no one else.
    changed = diff_plans(before, after).clients - {"bob"}
    assert changed == {"cat", "fay", "gus"}
    assert sorted(r.recipients[0] for r in sink.received) == sorted(
        f"{c}@example.org" for c in changed
    )
    assert all(len(r.recipients) == 1 for r in sink.received)
    [run] = _nightly_runs(db_session)
    assert (run.status, run.night, run.kept, run.added, run.lost) == (
        "succeeded",
        NIGHT,
        3,
        2,
        1,
    )
    assert run.result["emailed"] == sorted(changed)


def test_an_instructors_absence_drops_their_class_and_reseats_its_clients(database_url, db_session):
    instructors = [instructor("jo"), instructor("kim")]
    clients = [_client(id) for id in ("ann", "dan", "eve")]
    the_week = week(clients=clients, instructors=instructors)
    tue_with_kim = replace(TUE, instructor="kim")
    stored.publish(
        db_session,
        the_week,
        plan(
            [MON, tue_with_kim],
            [
                allocation("ann", MON, "R1"),
                allocation("dan", tue_with_kim, "R1"),
                allocation("eve", tue_with_kim, "R2"),
            ],
        ),
    )
    # Kim is away all Tuesday: she can teach only on Monday now.
    away = replace(instructors[1], availability=instructors[1].availability[:1])
    save_week(session=db_session, week=replace(the_week, instructors=(instructors[0], away)))
    db_session.commit()

    with running_sink() as sink:
        outcome = run_night(settings=_settings(database_url, sink), night=NIGHT, time_limit=5)

    assert outcome.status == "succeeded", outcome.message
    _, after = stored.published(db_session, WEEK_START)
    assert check_plan(load_stored_week(session=db_session, week_start=WEEK_START), after) == []
    assert ("ann", MON.id, "R1") in _places(after)
    for reseated in ("dan", "eve"):
        [their] = _sessions_of(after, reseated)
        assert their.instructor == "jo" or their.start // 1440 == 0
    assert sorted(r.recipients[0] for r in sink.received) == ["dan@example.org", "eve@example.org"]


def test_without_auto_publish_the_night_leaves_a_draft_and_emails_nobody(database_url, db_session):
    the_week, before = _studio_with_published_plan(db_session)
    signed_up = replace(the_week, clients=the_week.clients + (_client("fay", MORNING),))
    save_week(session=db_session, week=signed_up)
    db_session.commit()
    published_id, _ = stored.published(db_session, WEEK_START)

    with running_sink() as sink:
        outcome = run_night(
            settings=_settings(database_url, sink, auto_publish=False), night=NIGHT, time_limit=5
        )

    assert outcome.status == "succeeded", outcome.message
    assert stored.published(db_session, WEEK_START)[0] == published_id
    draft = find_plan(session=db_session, week_start=WEEK_START, status="draft")
    draft_plan = load_stored_plan(session=db_session, plan_id=draft.id)
    assert check_plan(load_stored_week(session=db_session, week_start=WEEK_START), draft_plan) == []
    assert _places(before) <= _places(draft_plan)
    assert sink.received == []
    [run] = _nightly_runs(db_session)
    assert (run.result["published"], run.result["emailed"]) == (False, [])


def test_a_failed_resolve_leaves_the_published_plan_and_records_its_error(
    database_url, db_session, monkeypatch
):
    _studio_with_published_plan(db_session)
    published_id, published = stored.published(db_session, WEEK_START)

    def broken_solver(*args, **kwargs):
        raise RuntimeError("the optimiser fell over")

    monkeypatch.setattr(solving, "solve_in_parts", broken_solver)
    with running_sink() as sink:
        outcome = run_night(settings=_settings(database_url, sink), night=NIGHT, time_limit=5)

    assert outcome.status == "failed"
    assert stored.published(db_session, WEEK_START) == (published_id, published)
    [run] = _nightly_runs(db_session)
    assert run.status == "failed"
    assert "the optimiser fell over" in run.error
    assert sink.received == []


def test_a_second_attempt_at_the_same_night_is_a_no_op_that_says_so(database_url, db_session):
    _studio_with_published_plan(db_session)
    settings = _settings(database_url)

    first = run_night(settings=settings, night=NIGHT, time_limit=5)
    plans_after_first = _plan_versions(db_session)
    second = run_night(settings=settings, night=NIGHT, time_limit=5)

    assert first.status == "succeeded", first.message
    assert second.status == "skipped"
    assert f"the night of {NIGHT} already ran" in second.message
    assert len(_nightly_runs(db_session)) == 1
    assert _plan_versions(db_session) == plans_after_first


def _plan_versions(db_session: Session) -> list[int]:
    db_session.expire_all()
    return list(db_session.execute(select(models.Plan.version)).scalars())


LAST_WEEK = "2026-11-23"


def _last_week_published(db_session: Session) -> tuple[Week, Plan]:
    """The studio's week before the coming one, its plan published; the coming week unstored."""
    clients = [_client(id) for id in ("ann", "bob", "cat", "dan", "eve")]
    the_week = week(clients=clients, week_start=LAST_WEEK)
    the_plan = plan([MON, TUE], [allocation("ann", MON, "R1"), allocation("dan", TUE, "R1")])
    stored.publish(db_session, the_week, the_plan)
    return the_week, the_plan


def _plans_of(db_session: Session, week_start: str) -> list[int]:
    db_session.expire_all()
    row = week_row(session=db_session, week_start=week_start)
    return list(
        db_session.execute(select(models.Plan.version).where(models.Plan.week_id == row.id))
        .scalars()
        .all()
    )


def test_a_coming_week_not_stored_is_started_from_the_latest_week_before_it_and_solved(
    database_url, db_session
):
    last_week, _ = _last_week_published(db_session)

    outcome = run_night(settings=_settings(database_url), night=NIGHT, time_limit=5)

    assert outcome.status == "succeeded", outcome.message
    assert f"started from the week of {LAST_WEEK}" in outcome.message
    coming = load_stored_week(session=db_session, week_start=WEEK_START)
    assert [c.id for c in coming.clients] == [c.id for c in last_week.clients]
    assert coming.class_types == last_week.class_types
    _, after = stored.published(db_session, WEEK_START)
    assert check_plan(coming, after) == []
    assert _plans_of(db_session, WEEK_START) == [1]  # the night's plan, none copied
    assert _plans_of(db_session, LAST_WEEK) == [1]  # last week untouched
    [run] = _nightly_runs(db_session)
    assert run.result["started_from"] == LAST_WEEK
    assert run.week_id == week_row(session=db_session, week_start=WEEK_START).id


def test_a_failed_solve_of_a_new_week_leaves_no_half_made_week(
    database_url, db_session, monkeypatch
):
    _last_week_published(db_session)
    monkeypatch.setattr(
        solving, "solve_in_parts", lambda *a, **k: (_ for _ in ()).throw(OSError("disk"))
    )

    outcome = run_night(settings=_settings(database_url), night=NIGHT, time_limit=5)

    assert outcome.status == "failed"
    db_session.expire_all()
    assert week_row(session=db_session, week_start=WEEK_START) is None
    assert [s.isoformat() for s in week_starts(session=db_session)] == [LAST_WEEK]


def test_a_night_with_no_week_before_the_coming_one_fails_and_says_so(database_url, db_session):
    later = replace(week(week_start="2026-12-07"), clients=(_client("ann"),))
    save_week(session=db_session, week=later)
    db_session.commit()

    outcome = run_night(settings=_settings(database_url), night=NIGHT, time_limit=5)

    assert outcome.status == "failed"
    assert "no week is stored for 2026-11-30 nor any week before it" in outcome.message
    [run] = _nightly_runs(db_session)
    assert "reformer import" in run.error
    assert week_row(session=db_session, week_start=WEEK_START) is None


def test_a_failed_night_runs_again_only_when_retried(database_url, db_session, monkeypatch):
    _studio_with_published_plan(db_session)
    settings = _settings(database_url)
    real_solve = solving.solve_in_parts
    monkeypatch.setattr(
        solving, "solve_in_parts", lambda *a, **k: (_ for _ in ()).throw(OSError("disk"))
    )
    assert run_night(settings=settings, night=NIGHT, time_limit=5).status == "failed"
    monkeypatch.setattr(solving, "solve_in_parts", real_solve)

    again = run_night(settings=settings, night=NIGHT, time_limit=5)
    retried = run_night(settings=settings, night=NIGHT, time_limit=5, retry=True)

    assert again.status == "skipped" and "--retry" in again.message
    assert retried.status == "succeeded", retried.message
    [run] = _nightly_runs(db_session)
    assert (run.status, run.error) == ("succeeded", None)


def test_a_run_left_running_by_a_dead_process_is_marked_interrupted(engine, db_session):
    dead = _dead_pid()
    db_session.add(
        models.SolveRun(
            kind="nightly", status="running", night=NIGHT, pid=dead, started_at=models.utcnow()
        )
    )
    db_session.commit()

    marked = mark_interrupted_runs(engine=engine)

    [run] = _nightly_runs(db_session)
    assert marked == [run.id]
    assert run.status == "failed"
    assert run.error.startswith(f"interrupted: process {dead}")
    assert run.finished_at is not None


def test_a_run_whose_process_is_alive_is_left_running(engine, db_session):
    # This process holds the night as a live run does (the advisory lock on PostgreSQL).
    with _night_lock(engine, NIGHT) as held:
        assert held
        db_session.add(
            models.SolveRun(
                kind="nightly",
                status="running",
                night=NIGHT,
                pid=os.getpid(),
                started_at=models.utcnow(),
                heartbeat_at=models.utcnow(),
            )
        )
        db_session.commit()

        assert mark_interrupted_runs(engine=engine) == []

    [run] = _nightly_runs(db_session)
    assert run.status == "running"


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_both_fires_of_a_repeated_hour_belong_to_one_night():
    # 01:30 happens twice on 25 October 2026; APScheduler fires at both.
    trigger = nightly_trigger("01:30", "Europe/London")
    fires = _fire_times(trigger, datetime(2026, 10, 24, 12, tzinfo=UTC), 3)
    on_the_day = [f for f in fires if f.astimezone(LONDON).date() == date(2026, 10, 25)]

    nights = {night_for(f, at="01:30", timezone="Europe/London") for f in on_the_day}

    assert len(on_the_day) == 2
    assert nights == {date(2026, 10, 25)}


# --- The scheduler: misfires after the machine was off ----------------------------------------


def _store_job_due_at(settings, due: datetime) -> None:
    """Leave the nightly job in the database job store as a scheduler that then stopped would."""
    jobs = SQLAlchemyJobStore(engine=get_engine(settings.database_url))
    jobs.start(BackgroundScheduler(), "default")
    jobs.add_job(
        Job(
            BackgroundScheduler(),
            id=JOB_ID,
            func="scheduler.jobs.nightly:scheduled_night",
            trigger=nightly_trigger(settings.nightly_time, settings.nightly_timezone),
            executor="default",
            args=(),
            kwargs={"time_limit": 5.0},
            name="re-solve the coming week",
            misfire_grace_time=1,
            coalesce=True,
            max_instances=1,
            next_run_time=due,
        )
    )


def _wait_until(condition, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError("waited in vain")


def _missed_night_settings(database_url, monkeypatch, hours_ago: float):
    """Settings whose nightly hour passed `hours_ago`, set in the environment the job reads."""
    hour = (datetime.now(UTC) - timedelta(hours=hours_ago)).astimezone(LONDON)
    monkeypatch.setenv("NIGHTLY_TIME", f"{hour:%H:%M}")
    monkeypatch.setenv("AUTO_PUBLISH", "true")
    settings = get_settings()
    due = hour.replace(second=0, microsecond=0)
    return settings, due


def test_nights_missed_while_the_machine_was_off_run_once_at_start_up(
    database_url, engine, db_session, monkeypatch
):
    settings, due = _missed_night_settings(database_url, monkeypatch, hours_ago=1)
    night = due.date()
    the_week = week(clients=[_client("ann")], week_start=coming_week(night).isoformat())
    save_week(session=db_session, week=the_week)
    db_session.commit()
    # The machine was off for three nights: the job was due three nights before this one.
    _store_job_due_at(settings, due - timedelta(days=3))

    scheduler = start_scheduler(settings, time_limit=5, grace=timedelta(hours=6))
    try:
        run = _wait_until(
            lambda: next((r for r in _nightly_runs(db_session) if r.status != "running"), None)
        )
        next_run = _wait_until(lambda: scheduler.get_job(JOB_ID).next_run_time)
    finally:
        scheduler.shutdown()

    assert (run.night, run.status) == (night, "succeeded"), run.error
    assert len(_nightly_runs(db_session)) == 1
    assert next_run.astimezone(UTC) > datetime.now(UTC)
    published = published_plan(session=db_session, week_start=the_week.week_start)
    assert published is not None
    week_now = load_stored_week(session=db_session, week_start=the_week.week_start)
    assert check_plan(week_now, load_stored_plan(session=db_session, plan_id=published.id)) == []


def test_a_night_missed_beyond_the_grace_period_is_skipped(
    database_url, engine, db_session, monkeypatch
):
    settings, due = _missed_night_settings(database_url, monkeypatch, hours_ago=2)
    _store_job_due_at(settings, due)

    scheduler = start_scheduler(settings, time_limit=5, grace=timedelta(minutes=30))
    try:
        next_run = _wait_until(
            lambda: (t := scheduler.get_job(JOB_ID).next_run_time) and t > due and t
        )
        time.sleep(0.5)
    finally:
        scheduler.shutdown()

    assert next_run.astimezone(UTC) > datetime.now(UTC)
    assert _nightly_runs(db_session) == []


def test_a_second_scheduler_keeps_the_one_stored_job_of_each_kind(
    database_url, engine, monkeypatch
):
    monkeypatch.setenv("NIGHTLY_TIME", "03:15")
    settings = get_settings()

    first = start_scheduler(settings, time_limit=5)
    second = start_scheduler(settings, time_limit=5)
    try:
        jobs = {job.id: job for job in second.get_jobs()}
    finally:
        second.shutdown()
        first.shutdown()

    assert sorted(jobs) == sorted([JOB_ID, reminders.JOB_ID])
    fire = jobs[JOB_ID].next_run_time.astimezone(LONDON)
    assert (fire.hour, fire.minute) == (3, 15)
    # The stored reminders job names the job's function, every quarter of an hour.
    assert jobs[reminders.JOB_ID].func is reminders.scheduled_reminders
    assert jobs[reminders.JOB_ID].next_run_time.minute % reminders.EVERY_MINUTES == 0


# --- The records: `reformer runs` -------------------------------------------------------------


def test_reformer_runs_json_lists_each_night_with_exactly_the_documented_keys(
    database_url, db_session, runner, monkeypatch
):
    _studio_with_published_plan(db_session)
    monkeypatch.setattr(
        solving, "solve_in_parts", lambda *a, **k: (_ for _ in ()).throw(OSError("disk"))
    )
    failed = runner.invoke(cli, ["nightly", "--now", "--night", "2026-11-25", "--time-limit", "5"])
    monkeypatch.undo()
    good = runner.invoke(cli, ["nightly", "--now", "--night", str(NIGHT), "--time-limit", "5"])
    again = runner.invoke(cli, ["nightly", "--now", "--night", str(NIGHT), "--time-limit", "5"])

    listed = runner.invoke(cli, ["runs", "--json"])

    assert failed.exit_code == 1
    assert (good.exit_code, again.exit_code) == (0, 0), good.output
    assert "already ran" in again.output
    records = json.loads(listed.output)
    assert [r["night"] for r in records] == [str(NIGHT), "2026-11-25"]
    assert all(
        set(r)
        == {
            "night",
            "status",
            "started_at",
            "finished_at",
            "kept",
            "added",
            "lost",
            "error",
            "outcome",
        }
        for r in records
    )
    newest, oldest = records
    assert (newest["status"], newest["kept"], newest["error"]) == ("succeeded", 5, None)
    assert oldest["status"] == "failed" and "disk" in oldest["error"]
    assert datetime.fromisoformat(newest["finished_at"]) >= datetime.fromisoformat(
        newest["started_at"]
    )
    table = runner.invoke(cli, ["runs"]).output
    assert str(NIGHT) in table and "disk" in table


# --- The owner's page of runs ----------------------------------------------------------------


def test_the_runs_page_is_for_the_signed_in_owner_only(client):
    response = client.get("/owner/runs")

    assert response.status_code == 302
    assert response.location.startswith("/auth/sign-in")


def test_the_owner_sees_each_night_with_its_figures_and_any_error(
    database_url, db_session, client, owner_login, monkeypatch
):
    _studio_with_published_plan(db_session)
    settings = _settings(database_url)
    assert run_night(settings=settings, night=NIGHT, time_limit=5).status == "succeeded"
    monkeypatch.setattr(
        solving, "solve_in_parts", lambda *a, **k: (_ for _ in ()).throw(OSError("disk"))
    )
    run_night(settings=settings, night=NIGHT + timedelta(days=1), time_limit=5)

    page = client.get("/owner/runs")

    assert page.status_code == 200
    text = page.text
    assert "Thu 26 Nov 2026" in text and "Fri 27 Nov 2026" in text
    assert text.index("Fri 27 Nov 2026") < text.index("Thu 26 Nov 2026")  # newest first
    assert "OSError: disk" in text
    assert text.count(">succeeded<") == 1 and text.count(">failed<") == 1
    assert '<small class="muted">published</small>' in text


def test_a_coming_week_without_a_room_is_re_solved_and_says_what_was_not_carried(
    database_url, db_session
):
    hall = session("reformer", "tue", "18:00", room="hitchin-hall")
    rooms = [room("hitchin-studio"), room("hitchin-hall")]
    clients = [_client(id) for id in ("ann", "bob")]
    the_week = week(venues=[venue(rooms=rooms)], clients=clients)
    stored.publish(
        db_session,
        the_week,
        plan([MON, hall], [allocation("ann", MON, "R1"), allocation("bob", hall, "R1")]),
    )
    save_week(session=db_session, week=replace(the_week, venues=(venue(),)))
    db_session.commit()

    outcome = run_night(settings=_settings(database_url), night=NIGHT, time_limit=5)

    assert outcome.status == "succeeded", outcome.message
    assert (
        "Tuesday 18:00 reformer at Hitchin · Hall with Jo was not carried over:"
        " the room is no longer in the week" in outcome.message
    )
    _, after = stored.published(db_session, WEEK_START)
    assert check_plan(load_stored_week(session=db_session, week_start=WEEK_START), after) == []
    assert ("ann", MON.id, "R1") in _places(after)
    assert len(_sessions_of(after, "bob")) == 1


# --- The owner's drafts: a week with her draft waiting is left alone -------------------------

NEXT_NIGHT = NIGHT + timedelta(days=1)


def _published_studio(db_session: Session) -> int:
    """The studio of `_studio_with_published_plan`; its published plan's id."""
    _studio_with_published_plan(db_session)
    return stored.published(db_session, WEEK_START)[0]


def _checked(db_session: Session, plan_id: int) -> Plan:
    """The stored plan, checked against every hard rule of the week as it stands."""
    db_session.expire_all()
    the_plan = load_stored_plan(session=db_session, plan_id=plan_id)
    assert check_plan(load_stored_week(session=db_session, week_start=WEEK_START), the_plan) == []
    return the_plan


def _ann_to_tuesday(db_session: Session, plan_id: int) -> models.Plan:
    """The owner's edit: Ann moves from Monday to Tuesday's free reformer R3."""
    return move_client(
        session=db_session,
        plan_id=plan_id,
        client="ann",
        from_session=MON.id,
        to_session=TUE.id,
        reformer="R3",
    )


def _place(the_plan: Plan, who: str) -> tuple[str, str | None]:
    [a] = [a for a in the_plan.allocations if a.client == who]
    return a.session, a.reformer


def _all_versions(db_session: Session) -> list[tuple[int, str]]:
    db_session.expire_all()
    rows = db_session.execute(select(models.Plan).order_by(models.Plan.version)).scalars()
    return [(row.version, row.status) for row in rows]


def _night_run(db_session: Session, night: date) -> models.SolveRun:
    db_session.expire_all()
    query = select(models.SolveRun).where(models.SolveRun.night == night)
    return db_session.execute(query).scalar_one()


def test_a_draft_the_owner_moved_a_client_in_is_left_alone_by_the_night(database_url, db_session):
    published_id = _published_studio(db_session)
    draft = _ann_to_tuesday(db_session, published_id)

    with running_sink() as sink:
        outcome = run_night(settings=_settings(database_url, sink), night=NIGHT, time_limit=3)

    assert outcome.status == "left alone", outcome.message
    assert "your draft version 2 is not published yet" in outcome.message
    # No version is made over hers, nothing is published, nobody is told anything.
    assert _all_versions(db_session) == [(1, "published"), (2, "draft")]
    assert _place(_checked(db_session, draft.id), "ann") == (TUE.id, "R3")
    assert _place(_checked(db_session, published_id), "ann") == (MON.id, "R1")
    assert sink.received == []
    run = _night_run(db_session, NIGHT)
    assert (run.status, run.plan_id, run.result["left_alone"]) == ("succeeded", None, 2)
    assert run.result["outcome"] == (
        "Left the week of 30 November alone: your draft version 2 is not published yet."
        " Publish it and the next night re-solves the week around it."
    )


def test_the_runs_list_and_the_week_page_say_why_the_night_left_the_week_alone(
    database_url, db_session, client, owner_login
):
    published_id = _published_studio(db_session)
    moved = client.post(
        f"/owner/plans/{published_id}/sessions/{MON.id}/places/ann/move",
        data={"to_session": TUE.id, "reformer": "R3"},
    )
    assert moved.status_code == 302
    draft = find_plan(session=db_session, week_start=WEEK_START)
    assert draft.version == 2
    _checked(db_session, draft.id)

    run_night(settings=_settings(database_url), night=NIGHT, time_limit=3)

    runs = client.get("/owner/runs").text
    assert "Left the week of 30 November alone: your draft version 2 is not published yet." in runs
    assert "week left alone" in runs
    page = client.get(f"/owner/week?start={WEEK_START}").text
    assert (
        "The night of Thursday 26 November left this week alone: your draft version 2 is not"
        " published yet." in page
    )
    assert f"/owner/plans/{draft.id}/publish" in page
    assert "Draft · version 2" in page


def test_a_week_with_only_the_nights_own_draft_is_re_solved_again(database_url, db_session):
    _studio_with_published_plan(db_session)
    settings = _settings(database_url, auto_publish=False)
    first = run_night(settings=settings, night=NIGHT, time_limit=3)
    # A sign-up after the first night, free on Tuesday evenings only.
    stored_week = load_stored_week(session=db_session, week_start=WEEK_START)
    fay = _client("fay", availability=EVENING)
    save_week(session=db_session, week=replace(stored_week, clients=stored_week.clients + (fay,)))
    db_session.commit()

    second = run_night(settings=settings, night=NEXT_NIGHT, time_limit=3)

    assert (first.status, second.status) == ("succeeded", "succeeded"), second.message
    assert _all_versions(db_session) == [(1, "published"), (2, "draft"), (3, "draft")]
    latest = _checked(db_session, _night_run(db_session, NEXT_NIGHT).plan_id)
    assert _place(latest, "fay") == (TUE.id, "R3")
    assert _place(latest, "ann") == (MON.id, "R1")
    words = _night_run(db_session, NEXT_NIGHT).result["outcome"]
    assert words.startswith("Left version 3 of the week of 30 November as a draft for you to")
    assert "5 places kept, 0 moved, 1 added, 0 lost" in words


def test_a_nights_draft_the_owner_then_edited_is_hers_and_left_alone(database_url, db_session):
    _studio_with_published_plan(db_session)
    settings = _settings(database_url, auto_publish=False)
    run_night(settings=settings, night=NIGHT, time_limit=3)
    nights_draft = _night_run(db_session, NIGHT).plan_id
    edited = _ann_to_tuesday(db_session, nights_draft)

    outcome = run_night(settings=settings, night=NEXT_NIGHT, time_limit=3)

    assert edited.id == nights_draft  # a draft is edited in place
    assert outcome.status == "left alone", outcome.message
    assert "your draft version 2 is not published yet" in outcome.message
    assert _all_versions(db_session) == [(1, "published"), (2, "draft")]
    assert _place(_checked(db_session, nights_draft), "ann") == (TUE.id, "R3")


def test_once_the_owner_publishes_her_draft_the_next_night_keeps_her_edit(database_url, db_session):
    published_id = _published_studio(db_session)
    draft = _ann_to_tuesday(db_session, published_id)
    publish_plan(session=db_session, plan_id=draft.id)

    outcome = run_night(settings=_settings(database_url), night=NIGHT, time_limit=3)

    assert outcome.status == "succeeded", outcome.message
    db_session.expire_all()
    after = published_plan(session=db_session, week_start=WEEK_START)
    assert after.version == 3
    assert _place(_checked(db_session, after.id), "ann") == (TUE.id, "R3")


def test_the_week_page_opens_on_the_owners_draft_below_a_version_an_earlier_night_made(
    database_url, db_session, client, owner_login
):
    published_id = _published_studio(db_session)
    draft = _ann_to_tuesday(db_session, published_id)
    # What a night before this rule did: a draft from the published plan over hers.
    over = save_plan(
        session=db_session,
        week_start=WEEK_START,
        plan=load_stored_plan(session=db_session, plan_id=published_id),
    )
    db_session.add(
        models.SolveRun(
            kind="nightly", status="succeeded", night=date(2026, 11, 25), plan_id=over.id
        )
    )
    db_session.commit()
    _checked(db_session, over.id)

    page = client.get(f"/owner/week?start={WEEK_START}").text
    outcome = run_night(settings=_settings(database_url), night=NIGHT, time_limit=3)

    assert "Draft · version 2" in page
    assert outcome.status == "left alone", outcome.message
    assert "your draft version 2 is not published yet" in outcome.message
    assert _place(_checked(db_session, draft.id), "ann") == (TUE.id, "R3")
