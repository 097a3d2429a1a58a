"""The rows a planning request names (a week, a plan, a session, a place), or `PlanningError`."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session as DbSession
from sqlmodel import select

from scheduler.core import models
from scheduler.core.dates import as_date
from scheduler.planning.errors import PlanningError
from scheduler.store.plans import find_plan
from scheduler.store.weeks import week_row


def week_row_or_refuse(session: DbSession, week_start: date | str) -> models.Week:
    row = week_row(session=session, week_start=week_start)
    if row is None:
        raise PlanningError(f"no week is stored for {as_date(week_start).isoformat()}")
    return row


def plan_row(session: DbSession, plan_id: int) -> models.Plan:
    row = session.get(models.Plan, plan_id)
    if row is None:
        raise PlanningError(f"no plan with id {plan_id}")
    return row


def latest_plan(*, session: DbSession, week_start: date | str) -> models.Plan | None:
    """The week's newest version, draft or published: the plan the owner works on."""
    return find_plan(session=session, week_start=week_start)


def plan_sessions(session: DbSession, row: models.Plan) -> list[models.PlanSession]:
    return list(
        session.exec(select(models.PlanSession).where(models.PlanSession.plan_id == row.id)).all()
    )


def plan_session(session: DbSession, row: models.Plan, key: str) -> models.PlanSession:
    found = session.exec(
        select(models.PlanSession).where(
            models.PlanSession.plan_id == row.id, models.PlanSession.key == key
        )
    ).first()
    if found is None:
        raise PlanningError(f"version {row.version} has no session {key}")
    return found


def allocation_row(session: DbSession, s: models.PlanSession, client: str) -> models.Allocation:
    found = session.exec(
        select(models.Allocation).where(
            models.Allocation.session_id == s.id, models.Allocation.client == client
        )
    ).first()
    if found is None:
        raise PlanningError(f"{client} has no place in {s.key}")
    return found
