"""The tables hold what the studio needs and refuse what it must not have twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from scheduler.core import models
from scheduler.store.plans import save_plan
from scheduler.store.weeks import save_week
from tests.builders import allocation, client, plan, session, want, week


def count(db_session, model) -> int:
    return db_session.exec(select(func.count()).select_from(model)).scalar_one()


def test_deleting_a_week_deletes_its_business_and_plans(db_session):
    w = week(clients=[client("c1", wants=[want("reformer")])])
    row = save_week(session=db_session, week=w)
    s = session("reformer", "tue", "09:30")
    save_plan(
        session=db_session, week_start=w.week_start, plan=plan([s], [allocation("c1", s, "R1")])
    )
    db_session.commit()
    db_session.delete(row)
    db_session.commit()
    for model in (
        models.Venue, models.OpeningWindow, models.Room, models.Reformer, models.ClassType,
        models.Instructor, models.InstructorWindow, models.Client, models.Want, models.Plan,
        models.PlanSession, models.Allocation,
    ):  # fmt: skip
        assert count(db_session, model) == 0, model.__tablename__
    # A client's calendar secret belongs to the person, not the week.
    assert count(db_session, models.ClientAccount) == 1


def test_a_week_is_stored_once_per_monday(db_session):
    db_session.add(models.Week(week_start=date(2026, 11, 30)))
    db_session.commit()
    db_session.add(models.Week(week_start=date(2026, 11, 30)))
    with pytest.raises(IntegrityError):
        db_session.commit()


def test_a_night_has_at_most_one_nightly_run(db_session):
    week_row = models.Week(week_start=date(2026, 11, 30))
    db_session.add(week_row)
    db_session.flush()
    for _ in range(2):
        db_session.add(
            models.SolveRun(week_id=week_row.id, kind="nightly", night=date(2026, 11, 26))
        )
    with pytest.raises(IntegrityError):
        db_session.commit()


def test_a_plan_version_is_unique_within_its_week(db_session):
    week_row = models.Week(week_start=date(2026, 11, 30))
    db_session.add(week_row)
    db_session.flush()
    db_session.add_all([models.Plan(week_id=week_row.id, version=1) for _ in range(2)])
    with pytest.raises(IntegrityError):
        db_session.commit()


def test_timestamps_come_back_in_utc_with_their_zone(db_session):
    london_winter = timezone(timedelta(hours=1))
    expires = datetime(2026, 11, 30, 9, 30, tzinfo=london_winter)
    db_session.add(models.ClientAccount(key="c1", ical_secret="s3cret"))
    db_session.flush()
    account = db_session.exec(select(models.ClientAccount)).scalar_one()
    db_session.add(models.LoginToken(jti="abc", account_id=account.id, expires_at=expires))
    db_session.commit()
    db_session.expunge_all()
    token = db_session.exec(select(models.LoginToken)).scalar_one()
    assert token.expires_at == expires
    assert token.expires_at.utcoffset() == timedelta(0)
    assert token.created_at.tzinfo is not None


def test_a_timestamp_without_a_zone_is_refused(db_session):
    db_session.add(models.Week(week_start=date(2026, 11, 30), created_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive timestamp"):
        db_session.commit()


def test_solve_run_progress_is_stored_as_json(db_session):
    run = models.SolveRun(
        kind="manual", status="running", progress={"objective": 12, "bound": 15, "seconds": 1.5}
    )
    db_session.add(run)
    db_session.commit()
    db_session.expunge_all()
    stored = db_session.exec(select(models.SolveRun)).scalar_one()
    assert stored.progress == {"objective": 12, "bound": 15, "seconds": 1.5}
    assert stored.created_at <= datetime.now(UTC)
