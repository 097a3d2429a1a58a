"""Stored data in tests: a week published with its plan, read back, and compared whole."""

from __future__ import annotations

from sqlalchemy import MetaData, select
from sqlmodel import Session

from scheduler.core import models
from scheduler.formats.week import normalise_week_json, week_to_json
from scheduler.store.plans import load_stored_plan, published_plan, save_plan
from scheduler.store.weeks import load_stored_week, save_week
from solver.checker import check_plan
from solver.domain import Plan, Week


def same_week(a: Week, b: Week) -> bool:
    """Two weeks are the same when their documents are, up to list order."""
    return normalise_week_json(week_to_json(a)) == normalise_week_json(week_to_json(b))


def database_content(engine) -> dict[str, list]:
    """Every row of every table (sorted), to compare a database before and after."""
    metadata = MetaData()
    metadata.reflect(bind=engine)
    with Session(engine) as session:
        return {
            name: sorted(map(repr, session.execute(select(table)).all()))
            for name, table in metadata.tables.items()
        }


def publish(db: Session, the_week: Week, the_plan: Plan) -> int:
    """Store the week and publish `the_plan` for it (a valid plan); its plan id. Commits."""
    assert check_plan(the_week, the_plan) == []
    save_week(session=db, week=the_week)
    row = save_plan(session=db, week_start=the_week.week_start, plan=the_plan, status="published")
    db.commit()
    return row.id


def published(db: Session, week_start: str) -> tuple[int, Plan]:
    """The week's published plan as stored now: its id and the plan."""
    db.expire_all()
    row = published_plan(session=db, week_start=week_start)
    return row.id, load_stored_plan(session=db, plan_id=row.id)


def checked_stored_plan(db: Session, plan_id: int) -> Plan:
    """A stored plan, which keeps every hard rule of its stored week as it is now."""
    row = db.get(models.Plan, plan_id)
    week = load_stored_week(session=db, week_start=db.get(models.Week, row.week_id).week_start)
    the_plan = load_stored_plan(session=db, plan_id=plan_id)
    assert check_plan(week, the_plan) == []
    return the_plan
