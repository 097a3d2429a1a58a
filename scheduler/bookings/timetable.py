"""The public timetable: a week's published sessions per venue and day, with spaces left.

It names no client: only how many places each class holds, how many are free as
the week stands (`life.live_plan`: a place given up is a space, a booked one is
not) and how many clients wait for a full one. One-to-one sessions are private
appointments and are left off. The page is read often, so it is counted from
the plan's rows and the week's life, never the whole stored week.

For a signed-in client it also says which classes are theirs, which they wait
for, and whether they may book a space at all (a make-up credit, or drop-ins);
the booking service makes the final check of each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from scheduler.bookings.booking import usable_credit
from scheduler.bookings.life import Life, live_plan, load_life
from scheduler.bookings.my_week import may_take
from scheduler.bookings.policy import studio_policy
from scheduler.bookings.waitlist import waiting_counts
from scheduler.clients.week import current_plan, local_time
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.core.names import room_label
from scheduler.store.weeks import client_from_row, column_by_key
from solver.domain import Allocation, Plan
from solver.domain import Session as DomainSession


@dataclass(frozen=True)
class TimetableSession:
    """One published class as the public sees it."""

    id: str
    class_type: str
    class_name: str
    venue: str
    venue_name: str
    room: str
    instructor: str
    start: datetime
    end: datetime
    capacity: int
    taken: int
    waiting: int = 0
    started: bool = False

    @property
    def spaces_left(self) -> int:
        return max(0, self.capacity - self.taken)


@dataclass(frozen=True)
class VenueDay:
    day: date
    sessions: tuple[TimetableSession, ...]


@dataclass(frozen=True)
class VenueTimetable:
    venue: str
    name: str
    days: tuple[VenueDay, ...]


@dataclass(frozen=True)
class ClientMarks:
    """What the timetable says to one signed-in client: the classes they hold, gave up for
    the week and wait for, whether they may book at all, and the classes they may well
    take (`my_week.may_take`: their venues, hours, level...), so only those offer a button."""

    holding: frozenset[str] = frozenset()
    given_up: frozenset[str] = frozenset()
    waiting: frozenset[str] = frozenset()
    may_book: bool = False
    fits: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Timetable:
    week_start: date
    version: int | None
    published_at: datetime | None
    venues: tuple[VenueTimetable, ...]
    client: ClientMarks | None = None

    @property
    def sessions(self) -> list[TimetableSession]:
        return [s for v in self.venues for d in v.days for s in d.sessions]


def capacities(*, session: Session, week_id: int) -> dict[tuple[str, str], int]:
    """Rule 5 for every (class type, room) of the week: how many clients a session holds."""
    in_service = dict(
        session.exec(
            select(models.Room.key, func.count(col(models.Reformer.id)))
            .join(models.Reformer, col(models.Reformer.room_id) == models.Room.id, isouter=True)
            .where(models.Room.week_id == week_id, col(models.Reformer.in_service).is_not(False))
            .group_by(models.Room.key)
        ).all()
    )
    rooms = session.exec(select(models.Room).where(models.Room.week_id == week_id)).all()
    class_types = session.exec(
        select(models.ClassType).where(models.ClassType.week_id == week_id)
    ).all()
    result = {}
    for c in class_types:
        for r in rooms:
            room_holds = in_service.get(r.key, 0) if c.equipment == "reformer" else r.mat_spaces
            result[c.key, r.key] = min(c.max_size, room_holds)
    return result


def week_timetable(
    *,
    session: Session,
    week_start: date,
    client_key: str | None = None,
    now: datetime | None = None,
) -> Timetable | None:
    """The published timetable of the week as it stands; None if the week is not stored.

    Each venue with a class that week has all seven days, Monday to Sunday, those
    without a class empty. A stored week with nothing published yet has no venues.
    With `client_key`, what the timetable says to that client (`Timetable.client`).
    """
    now = now or utcnow()
    week = session.exec(select(models.Week).where(models.Week.week_start == week_start)).first()
    if week is None:
        return None
    plan = current_plan(session=session, week_id=week.id)
    if plan is None:
        return Timetable(week.week_start, None, None, ())
    venues = session.exec(
        select(models.Venue).where(models.Venue.week_id == week.id).order_by(models.Venue.name)
    ).all()
    class_types = {
        c.key: c
        for c in session.exec(select(models.ClassType).where(models.ClassType.week_id == week.id))
    }
    instructors = column_by_key(session=session, week_id=week.id, column=models.Instructor.name)
    holds = capacities(session=session, week_id=week.id)
    life = load_life(session=session, week_id=week.id)
    places = live_plan(_published_places(session, plan), life).allocations
    taken = Counter(a.session for a in places)
    waiting = waiting_counts(session=session, week_id=week.id)
    plan_sessions = session.exec(
        select(models.PlanSession)
        .where(models.PlanSession.plan_id == plan.id)
        .order_by(models.PlanSession.start, models.PlanSession.key)
    ).all()
    by_venue: dict[str, dict[date, list[TimetableSession]]] = {v.key: {} for v in venues}
    venue_names = {v.key: v.name for v in venues}
    for s in plan_sessions:
        class_type = class_types.get(s.class_type)
        if class_type is not None and class_type.one_to_one:
            continue
        start = local_time(week.week_start, s.start, week.timezone)
        item = TimetableSession(
            id=s.key,
            class_type=s.class_type,
            class_name=class_type.name if class_type else s.class_type,
            venue=s.venue,
            venue_name=venue_names.get(s.venue, s.venue),
            room=room_label(s.room, s.venue),
            instructor=instructors.get(s.instructor, s.instructor),
            start=start,
            end=local_time(week.week_start, s.end, week.timezone),
            capacity=holds.get((s.class_type, s.room), 0),
            taken=taken[s.key],
            waiting=waiting.get(s.key, 0),
            started=start <= now,
        )
        by_venue.setdefault(s.venue, {}).setdefault(start.date(), []).append(item)
    # Every venue has the same seven days, an empty one empty, so they line up on the page.
    week_days = [week.week_start + timedelta(days=n) for n in range(7)]
    return Timetable(
        week_start=week.week_start,
        version=plan.version,
        published_at=plan.published_at,
        venues=tuple(
            VenueTimetable(
                key,
                venue_names.get(key, key),
                tuple(VenueDay(day, tuple(days.get(day, ()))) for day in week_days),
            )
            for key, days in by_venue.items()
            if days
        ),
        client=None
        if client_key is None
        else _marks(
            session, week, client_key, _Seen(places, life, plan_sessions, class_types), now
        ),
    )


def _published_places(session: Session, plan: models.Plan) -> Plan:
    """The plan's places (client, class, reformer) alone: all the spaces need of it."""
    rows = session.exec(
        select(models.Allocation.client, models.PlanSession.key, models.Allocation.reformer)
        .join(models.PlanSession, col(models.PlanSession.id) == models.Allocation.session_id)
        .where(models.Allocation.plan_id == plan.id)
    ).all()
    return Plan(sessions=(), allocations=tuple(Allocation(*row) for row in rows))


@dataclass(frozen=True)
class _Seen:
    """What the timetable read of the week: its live places and life, sessions, class types."""

    places: Sequence[Allocation]
    life: Life
    sessions: Sequence[models.PlanSession]
    class_types: dict[str, models.ClassType]


def _marks(
    session: Session, week: models.Week, client_key: str, seen: _Seen, now: datetime
) -> ClientMarks:
    """The client's classes in the week, those they gave up, wait for or may take, and
    whether they may book at all."""
    holding = {a.session for a in seen.places if a.client == client_key}
    given_up = {c.session for c in seen.life.cancelled if c.client == client_key} - holding
    waiting = session.exec(
        select(models.WaitlistEntry.session).where(
            models.WaitlistEntry.week_id == week.id,
            models.WaitlistEntry.client == client_key,
            models.WaitlistEntry.status == "waiting",
        )
    ).all()
    last_day = week.week_start + timedelta(days=6)
    may_book = (
        studio_policy(session=session).drop_ins
        or usable_credit(session, client_key, max(now.date(), week.week_start), now) is not None
    ) and last_day >= now.date()
    row = session.exec(
        select(models.Client).where(
            models.Client.week_id == week.id,
            models.Client.key == client_key,
            col(models.Client.active).is_(True),
        )
    ).first()
    fits: set[str] = set()
    if row is not None:
        client = client_from_row(row, ())
        sessions = {s.key: _as_session(s) for s in seen.sessions}
        sessions |= {b.session: b.own_session for b in seen.life.booked if b.own_session}
        theirs = [sessions[key] for key in holding if key in sessions]
        fits = {
            key
            for key, s in sessions.items()
            if s.class_type in seen.class_types and may_take(client, s, theirs, seen.class_types)
        }
    return ClientMarks(
        frozenset(holding),
        frozenset(given_up),
        frozenset(waiting),
        may_book,
        frozenset(fits - given_up),
    )


def _as_session(row: models.PlanSession) -> DomainSession:
    return DomainSession(
        row.key, row.class_type, row.venue, row.room, row.start, row.end, row.instructor
    )
