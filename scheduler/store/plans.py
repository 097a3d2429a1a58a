"""A week's plans in the database: save a version, find one, load it, mark it published.

Every function takes the database session as a keyword and leaves committing to
the caller, so a service can make several of them one transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from scheduler.core import models
from scheduler.core.dates import as_date
from scheduler.store.weeks import require_week
from solver import domain


class PlanNotFound(LookupError):
    """No plan stored that matches."""


def save_plan(
    *,
    session: Session,
    week_start: date | str,
    plan: domain.Plan,
    status: str = "draft",
    note: str | None = None,
) -> models.Plan:
    """Store `plan` as the week's next version (`draft` or `published`); returns its row.

    Raises `ValueError` for an allocation to a session the plan does not hold.
    """
    if status not in models.PLAN_STATUSES:
        raise ValueError(f"a plan is draft or published, not {status!r}")
    sessions_by_key = {s.id for s in plan.sessions}
    strays = sorted({a.session for a in plan.allocations} - sessions_by_key)
    if strays:
        raise ValueError(f"allocations to sessions the plan does not hold: {', '.join(strays)}")
    week = require_week(session=session, week_start=week_start)
    latest = session.exec(
        select(func.max(models.Plan.version)).where(models.Plan.week_id == week.id)
    ).scalar_one()
    row = models.Plan(
        week_id=week.id,
        version=(latest or 0) + 1,
        status=status,
        published_at=models.utcnow() if status == "published" else None,
        priority_places=plan.objective.priority_places,
        fairness_points=plan.objective.fairness_points,
        preference_points=plan.objective.preference_points,
        teaching_minutes=plan.objective.teaching_minutes,
        bound=plan.bound,
        solve_status=plan.status,
        solve_seconds=plan.solve_seconds,
        stopped_by_clock=plan.stopped_by_clock,
        note=note,
    )
    session.add(row)
    session.flush()
    if status == "published":
        _unpublish_others(session, row)
    sessions = {
        s.id: models.PlanSession(
            plan_id=row.id,
            key=s.id,
            class_type=s.class_type,
            venue=s.venue,
            room=s.room,
            start=s.start,
            end=s.end,
            instructor=s.instructor,
        )
        for s in plan.sessions
    }
    session.add_all(sessions.values())
    session.flush()
    session.add_all(
        models.Allocation(
            plan_id=row.id, session_id=sessions[a.session].id, client=a.client, reformer=a.reformer
        )
        for a in plan.allocations
    )
    session.add_all(
        models.UnplacedWant(
            plan_id=row.id,
            client=u.client,
            class_types=list(u.class_types),
            missing=u.missing,
            reasons=list(u.reasons),
        )
        for u in plan.unplaced
    )
    session.flush()
    return row


def find_plan(
    *,
    session: Session,
    week_start: date | str,
    status: str | None = None,
    version: int | None = None,
) -> models.Plan | None:
    """The week's latest plan (of `status`, or exactly `version`), or None."""
    query = (
        select(models.Plan)
        .join(models.Week, models.Week.id == models.Plan.week_id)
        .where(models.Week.week_start == as_date(week_start))
    )
    if status is not None:
        query = query.where(models.Plan.status == status)
    if version is not None:
        query = query.where(models.Plan.version == version)
    return session.exec(query.order_by(models.Plan.version.desc()).limit(1)).scalar_one_or_none()


def published_plan(*, session: Session, week_start: date | str) -> models.Plan | None:
    """The week's published plan, the one clients see (a week has one at most), or None."""
    return find_plan(session=session, week_start=week_start, status="published")


def load_stored_plan(*, session: Session, plan_id: int) -> domain.Plan:
    """A stored plan as a domain `Plan`; raises `PlanNotFound`."""
    row = session.get(models.Plan, plan_id)
    if row is None:
        raise PlanNotFound(f"no plan with id {plan_id}")

    def rows(model):
        return (
            session.exec(select(model).where(model.plan_id == plan_id).order_by(model.id))
            .scalars()
            .all()
        )

    sessions = rows(models.PlanSession)
    session_key = {s.id: s.key for s in sessions}
    return domain.Plan(
        sessions=tuple(
            domain.Session(s.key, s.class_type, s.venue, s.room, s.start, s.end, s.instructor)
            for s in sessions
        ),
        allocations=tuple(
            domain.Allocation(a.client, session_key[a.session_id], a.reformer)
            for a in rows(models.Allocation)
        ),
        unplaced=tuple(
            domain.Unplaced(u.client, tuple(u.class_types), u.missing, tuple(u.reasons))
            for u in rows(models.UnplacedWant)
        ),
        objective=domain.Objective(
            priority_places=row.priority_places,
            fairness_points=row.fairness_points,
            preference_points=row.preference_points,
            teaching_minutes=row.teaching_minutes,
        ),
        bound=row.bound,
        status=row.solve_status,
        solve_seconds=row.solve_seconds,
        stopped_by_clock=row.stopped_by_clock,
    )


def mark_published(*, session: Session, plan_id: int) -> models.Plan:
    """Publish a plan now: it becomes the one its week's clients see, whatever its version.

    The version published before goes back to being a draft (its `published_at` kept),
    so a week has one published plan at most. Raises `PlanNotFound`.
    """
    row = session.get(models.Plan, plan_id)
    if row is None:
        raise PlanNotFound(f"no plan with id {plan_id}")
    row.status = "published"
    row.published_at = models.utcnow()
    session.add(row)
    session.flush()
    _unpublish_others(session, row)
    return row


def _unpublish_others(session: Session, row: models.Plan) -> None:
    """Every other published version of the week goes back to draft."""
    others = session.exec(
        select(models.Plan).where(
            models.Plan.week_id == row.week_id,
            models.Plan.status == "published",
            models.Plan.id != row.id,
        )
    ).scalars()
    for other in others:
        other.status = "draft"
        session.add(other)
    session.flush()


def replaced_plan(*, session: Session, row: models.Plan) -> models.Plan | None:
    """The version that was live before `row` was published (the latest published earlier)."""
    if row.published_at is None:
        return None
    query = (
        select(models.Plan)
        .where(
            models.Plan.week_id == row.week_id,
            models.Plan.id != row.id,
            models.Plan.published_at.is_not(None),
            models.Plan.published_at <= row.published_at,
        )
        .order_by(models.Plan.published_at.desc(), models.Plan.version.desc())
        .limit(1)
    )
    return session.exec(query).scalar_one_or_none()


def plan_versions(*, session: Session, week_id: int) -> list[models.Plan]:
    """Every plan version of the week `week_id`, newest first."""
    query = (
        select(models.Plan)
        .where(models.Plan.week_id == week_id)
        .order_by(models.Plan.version.desc())
    )
    return list(session.exec(query).scalars())


def plan_with_week(*, session: Session, plan_id: int) -> tuple[models.Plan, models.Week] | None:
    """The plan `plan_id` and the week it plans, in one query; None if there is no such plan."""
    query = (
        select(models.Plan, models.Week)
        .join(models.Week, models.Week.id == models.Plan.week_id)
        .where(models.Plan.id == plan_id)
    )
    found = session.exec(query).first()
    return (found[0], found[1]) if found else None


def plan_session_keys(*, session: Session, plan_id: int) -> list[str]:
    """The keys of the plan's sessions, in the order they were stored."""
    query = (
        select(models.PlanSession.key)
        .where(models.PlanSession.plan_id == plan_id)
        .order_by(models.PlanSession.id)
    )
    return list(session.exec(query).scalars())


def weeks_with_published_plan(*, session: Session) -> list[tuple[models.Week, models.Plan | None]]:
    """Every stored week, earliest first, with its current published plan (or None); one query."""
    latest = (
        select(models.Plan.week_id, func.max(models.Plan.version).label("version"))
        .where(models.Plan.status == "published")
        .group_by(models.Plan.week_id)
        .subquery()
    )
    query = (
        select(models.Week, models.Plan)
        .outerjoin(latest, latest.c.week_id == models.Week.id)
        .outerjoin(
            models.Plan,
            (models.Plan.week_id == models.Week.id) & (models.Plan.version == latest.c.version),
        )
        .order_by(models.Week.week_start)
    )
    return [(week, plan) for week, plan in session.exec(query).all()]
