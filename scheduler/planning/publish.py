"""Publishing a version of a week: preview who joins, moves or loses a place, publish, tell them."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session as DbSession

from scheduler.clients.mail import SmtpSettings, changes_between, tell_clients
from scheduler.core import models
from scheduler.core.changes import PlanDiff, diff_plans
from scheduler.planning.errors import PlanningError, RuleBroken
from scheduler.planning.rows import plan_row
from scheduler.store.plans import (
    load_stored_plan,
    mark_published,
    published_plan,
    replaced_plan,
)
from scheduler.store.weeks import load_stored_week
from solver.checker import check_plan
from solver.domain import Plan


def preview_publish(*, session: DbSession, plan_id: int) -> PlanDiff:
    """What publishing this plan would change against the version clients see now."""
    row = plan_row(session, plan_id)
    previous, before = _published_against(session, row)
    diff = diff_plans(before, load_stored_plan(session=session, plan_id=row.id))
    return replace(
        diff, version=row.version, previous_version=previous.version if previous else None
    )


def _published_against(
    session: DbSession, row: models.Plan
) -> tuple[models.Plan | None, Plan | None]:
    """The version a plan is compared with: the live one, or (if it is live) the one it replaced."""
    week = session.get(models.Week, row.week_id)
    previous = published_plan(session=session, week_start=week.week_start)
    if previous is not None and previous.id == row.id:
        previous = replaced_plan(session=session, row=row)
    return previous, load_stored_plan(session=session, plan_id=previous.id) if previous else None


def differs_from_published(*, session: DbSession, plan_id: int, plan: Plan | None = None) -> bool:
    """Whether publishing the plan would change what clients see: a place or a class.

    A week with nothing published differs; the published version itself does not.
    `plan` is the plan `plan_id` where the caller has read it already.
    """
    row = plan_row(session, plan_id)
    if row.status == "published":
        return False
    _, before = _published_against(session, row)
    return _differs(before, plan or load_stored_plan(session=session, plan_id=row.id))


def _differs(before: Plan | None, after: Plan) -> bool:
    if before is None:
        return True
    diff = diff_plans(before, after)
    return bool(diff.clients) or _timetable(before) != _timetable(after)


def _timetable(plan: Plan) -> set[tuple]:
    """The classes as the public timetable shows them: type, place, time and instructor."""
    return {(s.class_type, s.venue, s.room, s.start, s.end, s.instructor) for s in plan.sessions}


def publish_plan(
    *,
    session: DbSession,
    plan_id: int,
    smtp: SmtpSettings | None = None,
    development: bool = False,
) -> PlanDiff:
    """Make the plan the one its week's clients see, replacing the live one; one transaction.

    Any version may be published, an older one too: it replaces the live version,
    which goes back to being a draft.

    Refuses a plan that breaks a hard rule of the week as it stands now, and one the
    same as the published plan (`differs_from_published`). Once it is
    published, each client whose places changed gets one e-mail, as after a nightly
    run (`mailer.tell_clients`: logged instead in development without `smtp`).
    Returns the diff against the version live until now (who moved, joined or lost
    a place) with the clients e-mailed.
    """
    row = plan_row(session, plan_id)
    if row.status == "published":
        raise PlanningError(f"version {row.version} is already published")
    week_row = session.get(models.Week, row.week_id)
    try:
        previous, before = _published_against(session, row)
        after = load_stored_plan(session=session, plan_id=plan_id)
        if not _differs(before, after):
            raise PlanningError(
                f"version {row.version} is the same as the published version"
                f" {previous.version}: publishing it would change nothing"
            )
        week = load_stored_week(session=session, week_start=week_row.week_start)
        violations = check_plan(week, after)
        if violations:
            raise RuleBroken(violations, week, after)
        mark_published(session=session, plan_id=plan_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    emailed = tell_clients(
        changes_between(week, before, after),
        week_start=week.week_start,
        smtp=smtp,
        development=development,
    )
    return replace(
        diff_plans(before, after),
        version=row.version,
        previous_version=previous.version if previous else None,
        emailed=tuple(emailed),
    )
