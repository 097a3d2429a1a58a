"""A week stored with its published plan, and that plan read back: for the nightly tests."""

from __future__ import annotations

from sqlmodel import Session

from scheduler.store.plans import load_stored_plan, published_plan, save_plan
from scheduler.store.weeks import save_week
from solver.checker import check_plan
from solver.domain import Plan, Week


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
