"""A client's week as they read it: their places in the published plan and their unplaced wants.

Only published plans are shown to clients; a draft is the owner's business
until it is published. Names come from the week's own rows (the class type's
name, the venue's, the instructor's), so a client reads "Reformer at Hitchin
with Jo", never ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from scheduler.clients.access import latest_client
from scheduler.core import models
from scheduler.core.names import room_label
from scheduler.store.weeks import column_by_key

# How far back the calendar feed keeps past weeks, so last week's classes stay in calendars.
FEED_WEEKS_BACK = 8


@dataclass(frozen=True)
class Place:
    """One of a client's places in the published plan, in the studio's words and local time."""

    week_start: date
    session_id: str
    client_id: str
    class_name: str
    start: datetime
    end: datetime
    venue: str
    room: str
    instructor: str
    reformer: str | None = None
    allocation_id: int | None = None


@dataclass(frozen=True)
class UnmetWant:
    """A want the published plan could not fully meet, and why."""

    class_names: tuple[str, ...]
    missing: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ClientWeek:
    """What a client sees of one week: their places, what is missing, and the weeks around it."""

    client_id: str
    client_name: str
    week_start: date
    published: bool
    published_at: datetime | None
    places: tuple[Place, ...]
    unmet: tuple[UnmetWant, ...]
    earlier: date | None
    later: date | None

    @property
    def week_end(self) -> date:
        """The Sunday the week ends on."""
        return self.week_start + timedelta(days=6)


def local_time(week_start: date, minute: int, timezone: str) -> datetime:
    """A minute of the week as an aware local datetime.

    Minutes of the week count wall-clock time, so Sunday 09:30 is 09:30 on the
    studio's clock even on the day the clocks go back.
    """
    wall_clock = datetime.combine(week_start, time()) + timedelta(minutes=minute)
    return wall_clock.replace(tzinfo=ZoneInfo(timezone))


def monday_of(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def published_weeks(*, session: Session) -> list[date]:
    """Every week that has a published plan, earliest first."""
    statement = (
        select(models.Week.week_start)
        .join(models.Plan, col(models.Plan.week_id) == models.Week.id)
        .where(models.Plan.status == "published")
        .distinct()
        .order_by(models.Week.week_start)
    )
    return list(session.exec(statement).all())


def default_week(*, session: Session, today: date) -> date | None:
    """The week a client most likely means: this week or the next published one, else the last."""
    weeks = published_weeks(session=session)
    this_monday = monday_of(today)
    upcoming = [w for w in weeks if w >= this_monday]
    if upcoming:
        return upcoming[0]
    return weeks[-1] if weeks else None


def current_plan(*, session: Session, week_id: int) -> models.Plan | None:
    """The week's published plan (it has one at most), or None."""
    statement = (
        select(models.Plan)
        .where(models.Plan.week_id == week_id, models.Plan.status == "published")
        .order_by(col(models.Plan.version).desc())
    )
    return session.exec(statement).first()


def plan_places(
    *, session: Session, week: models.Week, plan: models.Plan, client_key: str | None = None
) -> list[Place]:
    """The places in `plan` (of one client, or everyone's), in time order."""
    class_names = column_by_key(session=session, week_id=week.id, column=models.ClassType.name)
    venue_names = column_by_key(session=session, week_id=week.id, column=models.Venue.name)
    instructor_names = column_by_key(
        session=session, week_id=week.id, column=models.Instructor.name
    )
    statement = (
        select(models.Allocation, models.PlanSession)
        .join(models.PlanSession, col(models.PlanSession.id) == models.Allocation.session_id)
        .where(models.Allocation.plan_id == plan.id)
    )
    if client_key is not None:
        statement = statement.where(models.Allocation.client == client_key)
    places = [
        Place(
            week_start=week.week_start,
            session_id=s.key,
            client_id=a.client,
            class_name=class_names.get(s.class_type, s.class_type),
            start=local_time(week.week_start, s.start, week.timezone),
            end=local_time(week.week_start, s.end, week.timezone),
            venue=venue_names.get(s.venue, s.venue),
            room=room_label(s.room, s.venue),
            instructor=instructor_names.get(s.instructor, s.instructor),
            reformer=a.reformer,
            allocation_id=a.id,
        )
        for a, s in session.exec(statement).all()
    ]
    return sorted(places, key=lambda p: (p.start, p.session_id))


def client_week(*, session: Session, client_key: str, week_start: date) -> ClientWeek | None:
    """The client's week starting `week_start`; None if no such week is stored."""
    week = session.exec(select(models.Week).where(models.Week.week_start == week_start)).first()
    if week is None:
        return None
    client = latest_client(session=session, client_key=client_key)
    plan = current_plan(session=session, week_id=week.id)
    places: list[Place] = []
    unmet: list[UnmetWant] = []
    if plan is not None:
        places = plan_places(session=session, week=week, plan=plan, client_key=client_key)
        class_names = column_by_key(session=session, week_id=week.id, column=models.ClassType.name)
        rows = session.exec(
            select(models.UnplacedWant).where(
                models.UnplacedWant.plan_id == plan.id, models.UnplacedWant.client == client_key
            )
        ).all()
        unmet = [
            UnmetWant(
                tuple(class_names.get(t, t) for t in row.class_types),
                row.missing,
                tuple(row.reasons),
            )
            for row in rows
        ]
    weeks = published_weeks(session=session)
    return ClientWeek(
        client_id=client_key,
        client_name=client.name if client else client_key,
        week_start=week.week_start,
        published=plan is not None,
        published_at=plan.published_at if plan else None,
        places=tuple(places),
        unmet=tuple(unmet),
        earlier=max((w for w in weeks if w < week.week_start), default=None),
        later=min((w for w in weeks if w > week.week_start), default=None),
    )


def place_of_client(*, session: Session, client_key: str, allocation_id: int) -> Place | None:
    """One place by its allocation id, only if it is the client's and published; else None."""
    allocation = session.get(models.Allocation, allocation_id)
    if allocation is None or allocation.client != client_key:
        return None
    plan = session.get(models.Plan, allocation.plan_id)
    if plan is None or plan.status != "published":
        return None
    week = session.get(models.Week, plan.week_id)
    current = current_plan(session=session, week_id=week.id)
    if current is None or current.id != plan.id:
        return None
    places = plan_places(session=session, week=week, plan=plan, client_key=client_key)
    return next((p for p in places if p.allocation_id == allocation_id), None)


def feed_places(*, session: Session, client_key: str, today: date) -> list[Place]:
    """The client's places in every published week from `FEED_WEEKS_BACK` weeks ago on."""
    since = monday_of(today) - timedelta(weeks=FEED_WEEKS_BACK)
    weeks = session.exec(
        select(models.Week)
        .where(col(models.Week.week_start) >= since)
        .order_by(models.Week.week_start)
    ).all()
    places: list[Place] = []
    for week in weeks:
        plan = current_plan(session=session, week_id=week.id)
        if plan is not None:
            places.extend(plan_places(session=session, week=week, plan=plan, client_key=client_key))
    return places
