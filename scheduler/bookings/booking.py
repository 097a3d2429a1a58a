"""Booking a free space in a published class: a make-up with a credit, or a drop-in.

A client may take a space in any class the hard rules allow them (venue, hours,
level, clearance, intro, reformer features, classes a day), asked of the checker
(`rules.what_breaks`) on the week as it stands (`life`); a make-up or drop-in is a
place beyond their usual wants, so the weekly count of their wants does not hold
it back. They need an unused make-up credit that lasts until the class, or the
studio must take drop-ins.

Two clients taking the last space at once: each booking first takes the week's
row lock (an UPDATE: a row lock on PostgreSQL, the write lock on SQLite), then
reads what is free; and the database keeps one active booking per free space
(`slot`), per reformer and per client of a session, so even a writer that skipped
the lock could not overfill a class.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session as DbSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.bookings.life import Booked, LiveWeek, live_week, load_live_week
from scheduler.bookings.policy import studio_policy
from scheduler.bookings.rules import what_breaks
from scheduler.clients.week import local_time, monday_of
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.core.names import week_names
from scheduler.core.words import refusals
from scheduler.store.weeks import week_row
from solver.domain import Allocation, Room, Session


class BookingRefused(Exception):
    """What is in the way of a booking, a cancellation or a place on the waitlist, in words.

    `reason` says which way for the API: full, started, no_credit, rules, taken,
    already, not_full, not_booked; for an intro also not_needed and too_soon; for the
    register not_started.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class ClassNotFound(LookupError):
    """No published class of that id, or none the client may see."""


def lock_week(session: DbSession, week_id: int) -> None:
    """Hold the week's row until the commit, so bookings of one week take turns."""
    session.exec(update(models.Week).where(col(models.Week.id) == week_id).values(id=week_id))


def week_of_class(
    *, session: DbSession, session_key: str, week_start: date | None, now: datetime
) -> date:
    """The week a class id means: the one given, else the next published week running it.

    Raises `ClassNotFound` when no published week from this one on has it.
    """
    if week_start is not None:
        return week_start
    rows = session.exec(
        select(models.Week.week_start, models.PlanSession.start, models.Week.timezone)
        .join(models.Plan, col(models.Plan.week_id) == models.Week.id)
        .join(models.PlanSession, col(models.PlanSession.plan_id) == models.Plan.id)
        .where(
            models.Plan.status == "published",
            models.PlanSession.key == session_key,
            col(models.Week.week_start) >= monday_of(now.date()),
        )
        .order_by(models.Week.week_start)
    ).all()
    for monday, start, zone in rows:
        if local_time(monday, start, zone) > now:
            return monday
    intro = session.exec(
        select(models.Week.week_start)
        .join(models.Booking, col(models.Booking.week_id) == models.Week.id)
        .where(models.Booking.session == session_key)
        .order_by(col(models.Week.week_start).desc())
    ).first()
    if intro is not None:
        return intro
    raise ClassNotFound(f"no published class {session_key} from this week on")


def locked_live_week(session: DbSession, week_start: date, session_key: str) -> LiveWeek:
    """The week as it stands, read under its lock, with the class in it; else `ClassNotFound`."""
    row = week_row(session=session, week_start=week_start)
    if row is None:
        raise ClassNotFound(f"no week of {week_start} is stored")
    lock_week(session, row.id)
    live = load_live_week(session=session, week_start=week_start)
    if live is None or session_key not in {s.id for s in live.now_plan.sessions}:
        raise ClassNotFound(f"no published class {session_key} in the week of {week_start}")
    return live


@dataclass(frozen=True)
class Spaces:
    """A session's spaces as the week stands: how many it holds, the planned ones, the booked."""

    capacity: int
    planned: int
    booked: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.planned - self.booked)


def spaces_of(live: LiveWeek, s: Session) -> Spaces:
    """How many places `s` holds, and how many the plan and the bookings fill."""
    week = live.week
    class_type = week.class_type_by_id[s.class_type]
    capacity = week.capacity(class_type, week.rooms[s.room])
    if class_type.one_to_one:
        capacity = min(capacity, 1)
    booked = {b.client for b in live.life.booked if b.session == s.id}
    placed = [a for a in live.now_plan.allocations if a.session == s.id]
    return Spaces(capacity, sum(a.client not in booked for a in placed), len(booked))


def unused_credits(client_key: str, on: date) -> SelectOfScalar[models.MakeupCredit]:
    """The query of the client's unused credits that last until `on`, the soonest to expire first.

    A credit is used by an active booking, or by one given up late.
    """
    used = select(models.Booking.credit_id).where(
        col(models.Booking.credit_id).is_not(None),
        col(models.Booking.cancelled_at).is_(None) | col(models.Booking.late),
    )
    return (
        select(models.MakeupCredit)
        .where(
            models.MakeupCredit.client == client_key,
            col(models.MakeupCredit.expires_on) >= on,
            col(models.MakeupCredit.id).not_in(used),
        )
        .order_by(models.MakeupCredit.expires_on, models.MakeupCredit.id)
    )


def usable_credit(
    session: DbSession, client_key: str, on: date, now: datetime
) -> models.MakeupCredit | None:
    """The client's unused credit earned by `now` that lasts until `on`, the soonest to expire
    first."""
    earned = col(models.MakeupCredit.earned_at) <= now
    return session.exec(unused_credits(client_key, on).where(earned)).first()


def take_space(
    session: DbSession,
    live: LiveWeek,
    client_key: str,
    session_key: str,
    now: datetime,
    *,
    from_waitlist: bool = False,
) -> models.Booking:
    """Book the client into the class, unsaved beyond a flush; `BookingRefused` says why not.

    The caller holds the week's lock and commits.
    """
    s = next(x for x in live.now_plan.sessions if x.id == session_key)
    names = week_names(live.week)
    what = names.session(s)
    class_type = live.week.class_type_by_id[s.class_type]
    if class_type.one_to_one:
        raise BookingRefused(f"{what} is a 1-2-1: it is booked as an intro.", "rules")
    starts = live.starts_at(s)
    if starts <= now:
        raise BookingRefused(f"{what} has started: it can no longer be booked.", "started")
    client = live.week.client_by_id.get(client_key)
    if client is None:
        raise BookingRefused(
            "Your place at the studio is paused, so nothing can be booked.", "rules"
        )
    if any(a.client == client_key and a.session == s.id for a in live.now_plan.allocations):
        raise BookingRefused(f"You already have a place in {what}.", "already")
    credit = usable_credit(session, client_key, starts.date(), now)
    if credit is None and not studio_policy(session=session).drop_ins:
        raise BookingRefused(
            "You have no make-up credit left to use for this class, and the studio does not"
            " take drop-ins.",
            "no_credit",
        )
    spaces = spaces_of(live, s)
    if spaces.left <= 0:
        raise BookingRefused(f"{what} is full.", "full")
    reformer = _free_reformer(live, s, client.needs) if class_type.uses_reformers else None
    booked = Booked(client_key, s.id, s.class_type, reformer, "makeup" if credit else "drop_in")
    life = live.life.with_booking(booked)
    violations = what_breaks(
        live_week(live.week, live.plan, life), live.now_plan, Allocation(client_key, s.id, reformer)
    )
    if violations:
        said = refusals(violations, live.now_week, live.now_plan)
        raise BookingRefused(said[0].text if said else str(violations[0]), "rules")
    used = set(
        session.exec(
            select(models.Booking.slot).where(
                models.Booking.week_id == live.row.id,
                models.Booking.session == s.id,
                col(models.Booking.cancelled_at).is_(None),
            )
        ).all()
    )
    slot = min(n for n in range(1, spaces.capacity - spaces.planned + 1) if n not in used)
    row = models.Booking(
        week_id=live.row.id,
        session=s.id,
        client=client_key,
        kind=booked.kind,
        slot=slot,
        reformer=reformer,
        credit_id=credit.id if credit else None,
        from_waitlist=from_waitlist,
        class_type=s.class_type,
        created_at=now,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise BookingRefused(f"The last space in {what} was just taken.", "taken") from None
    return row


def _free_reformer(live: LiveWeek, s: Session, needs: frozenset[str]) -> str | None:
    taken = {a.reformer for a in live.now_plan.allocations if a.session == s.id}
    return free_reformer(live.week.rooms[s.room], taken, needs)


def free_reformer(room: Room, taken: Collection[str | None], needs: frozenset[str]) -> str | None:
    """A reformer of the room in service, not taken, carrying every feature needed, the
    plainest first; None if there is none."""
    free = [r for r in room.reformers_in_service if r.id not in taken and needs <= r.features]
    free.sort(key=lambda r: (len(r.features), r.id))
    return free[0].id if free else None


def book_space(
    *,
    session: DbSession,
    client_key: str,
    session_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
) -> models.Booking:
    """Book a free space for the client, in one commit; `BookingRefused` or `ClassNotFound`."""
    now = now or utcnow()
    monday = week_of_class(session=session, session_key=session_key, week_start=week_start, now=now)
    try:
        live = locked_live_week(session, monday, session_key)
        row = take_space(session, live, client_key, session_key, now)
    except (BookingRefused, ClassNotFound):
        session.rollback()
        raise
    session.commit()
    return row
