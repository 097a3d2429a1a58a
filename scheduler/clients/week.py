"""A client's week as they read it: their places in the published week and their unplaced wants.

Only published plans are shown to clients; a draft is the owner's business
until it is published. After publishing the week lives on (`scheduler.bookings`):
a place given up for a date stays in view marked cancelled, and places booked
since (make-ups, drop-ins, intros) join the plan's. Names come from the week's
own rows (the class type's name, the venue's, the instructor's), so a client
reads "Reformer at Hitchin with Jo", never ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
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
    """One of a client's places in a published week, in the studio's words and local time.

    `kind`: regular (the week's plan), makeup, drop_in or intro (booked after publishing).
    `cancelled` when given up for this week, `late` when that came after the cut-off.
    """

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
    kind: str = "regular"
    cancelled: bool = False
    late: bool = False


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


class _Namer:
    """Places of one week in the studio's words: its class types', venues' and instructors'."""

    def __init__(self, session: Session, week: models.Week) -> None:
        self.week = week
        self.class_names = column_by_key(
            session=session, week_id=week.id, column=models.ClassType.name
        )
        self.venue_names = column_by_key(session=session, week_id=week.id, column=models.Venue.name)
        self.instructor_names = column_by_key(
            session=session, week_id=week.id, column=models.Instructor.name
        )

    def place(self, s: models.PlanSession, client_key: str, **more: Any) -> Place:
        """The client's place in `s` (a session row, or one made for an intro)."""
        week = self.week
        return Place(
            week_start=week.week_start,
            session_id=s.key,
            client_id=client_key,
            class_name=self.class_names.get(s.class_type, s.class_type),
            start=local_time(week.week_start, s.start, week.timezone),
            end=local_time(week.week_start, s.end, week.timezone),
            venue=self.venue_names.get(s.venue, s.venue),
            room=room_label(s.room, s.venue),
            instructor=self.instructor_names.get(s.instructor, s.instructor),
            **more,
        )


def client_places(
    *, session: Session, week: models.Week, plan: models.Plan, client_key: str
) -> list[Place]:
    """The client's places in the published week as it stands, the cancelled ones marked.

    The plan's places, each marked cancelled where the client gave it up (late when
    after the cut-off), and the places booked since (make-ups, drop-ins, intros),
    a booking given up marked cancelled too. A class keeps one place: a booking
    stands for the plan's place in the same class (a re-solve pins booked places
    into the plan), and a place held wins over one given up. In time order.
    """
    namer = _Namer(session, week)
    sessions = {
        s.key: s
        for s in session.exec(
            select(models.PlanSession).where(models.PlanSession.plan_id == plan.id)
        ).all()
    }
    planned = {
        key: reformer
        for key, reformer in session.exec(
            select(models.PlanSession.key, models.Allocation.reformer)
            .join(models.Allocation, col(models.Allocation.session_id) == models.PlanSession.id)
            .where(models.Allocation.plan_id == plan.id, models.Allocation.client == client_key)
        ).all()
    }
    given_up = {
        c.session: c
        for c in session.exec(
            select(models.Cancellation).where(
                models.Cancellation.week_id == week.id, models.Cancellation.client == client_key
            )
        ).all()
    }
    bookings = session.exec(
        select(models.Booking)
        .where(models.Booking.week_id == week.id, models.Booking.client == client_key)
        .order_by(models.Booking.id)
    ).all()
    held: dict[str, Place] = {}
    dropped: dict[str, Place] = {}
    for key in planned.keys() | given_up.keys():
        if key not in sessions:
            continue
        c = given_up.get(key)
        place = namer.place(
            sessions[key],
            client_key,
            reformer=planned.get(key),
            cancelled=c is not None,
            late=bool(c and c.late),
        )
        (dropped if c else held)[key] = place
    for b in bookings:
        s = sessions.get(b.session) or _intro_session(session, week, b)
        if s is None:
            continue
        place = namer.place(
            s,
            client_key,
            reformer=b.reformer,
            kind=b.kind,
            cancelled=b.cancelled_at is not None,
            late=b.late,
        )
        if not place.cancelled:
            held[b.session] = place
        else:
            dropped.setdefault(b.session, place)
    places = [*held.values(), *(p for key, p in dropped.items() if key not in held)]
    return sorted(places, key=lambda p: (p.start, p.session_id))


def _intro_session(
    session: Session, week: models.Week, booking: models.Booking
) -> models.PlanSession | None:
    """An intro's session of its own, as a session row; None for any other booking."""
    if booking.kind != "intro" or booking.room is None or booking.start is None:
        return None
    venue = session.exec(
        select(models.Venue.key)
        .join(models.Room, col(models.Room.venue_id) == models.Venue.id)
        .where(models.Room.week_id == week.id, models.Room.key == booking.room)
    ).first()
    minutes = session.exec(
        select(models.ClassType.minutes).where(
            models.ClassType.week_id == week.id, models.ClassType.key == booking.class_type
        )
    ).first()
    return models.PlanSession(
        key=booking.session,
        class_type=booking.class_type,
        venue=venue or "",
        room=booking.room,
        start=booking.start,
        end=booking.start + (minutes or 0),
        instructor=booking.instructor or "",
    )


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
        places = client_places(session=session, week=week, plan=plan, client_key=client_key)
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


def feed_places(*, session: Session, client_key: str, today: date) -> list[Place]:
    """The client's places in every published week from `FEED_WEEKS_BACK` weeks ago on.

    Cancelled places stay, marked, so calendars mark their events cancelled.
    """
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
            places.extend(
                client_places(session=session, week=week, plan=plan, client_key=client_key)
            )
    return places
