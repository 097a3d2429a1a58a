"""The waitlist of a full class: who waits, in what order, and who gets a freed space.

The order is fair, not first come: the client's priority first (members before
drop-ins), then who has missed out most in recent weeks (the week's
`missed_weeks`, which the studio's records fill in), then who asked first. When a
space is freed it goes at once to the first waiting client who can still take it
(`booking.take_space`, the same rules as any booking); one who no longer can (a
class booked at that time since, no credit left) is passed over, and the space goes
to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from scheduler.bookings.booking import (
    BookingRefused,
    ClassNotFound,
    Spaces,
    locked_live_week,
    spaces_of,
    take_space,
    usable_credit,
    week_of_class,
)
from scheduler.bookings.life import Booked, LiveWeek, live_week, load_live_week
from scheduler.bookings.policy import studio_policy
from scheduler.bookings.rules import what_breaks
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.core.names import week_names
from scheduler.core.words import refusals
from solver.domain import Allocation

#: What a full class may break for a client still to wait for it: only that it is full.
_FULL = ("full", "no_reformer")


@dataclass(frozen=True)
class Placed:
    """A waiting client who was given a freed space: the booking and its week."""

    client: str
    booking: models.Booking
    week_start: date


def waiting_order(session: DbSession, week_id: int, session_key: str) -> list[models.WaitlistEntry]:
    """The class's waiting clients, first in line first."""
    rows = session.exec(
        select(models.WaitlistEntry, models.Client)
        .join(
            models.Client,
            (col(models.Client.key) == models.WaitlistEntry.client)
            & (col(models.Client.week_id) == models.WaitlistEntry.week_id),
        )
        .where(
            models.WaitlistEntry.week_id == week_id,
            models.WaitlistEntry.session == session_key,
            models.WaitlistEntry.status == "waiting",
        )
    ).all()
    rows = sorted(rows, key=lambda r: (-r[1].priority, -r[1].missed_weeks, r[0].asked_at, r[0].id))
    return [entry for entry, _ in rows]


def fill_freed_space(
    session: DbSession, live: LiveWeek, session_key: str, now: datetime
) -> list[Placed]:
    """Give the class's free spaces to waiting clients in turn; the caller holds the lock.

    Unsaved beyond a flush: the caller commits, then tells those placed.
    """
    placed: list[Placed] = []
    for entry in waiting_order(session, live.row.id, session_key):
        s = next(x for x in live.now_plan.sessions if x.id == session_key)
        if spaces_of(live, s).left <= 0 or live.starts_at(s) <= now:
            break
        try:
            booking = take_space(session, live, entry.client, session_key, now, from_waitlist=True)
        except BookingRefused:
            entry.status, entry.ended_at = "passed", now
            session.add(entry)
            continue
        entry.status, entry.ended_at, entry.booking_id = "placed", now, booking.id
        session.add(entry)
        session.flush()
        placed.append(Placed(entry.client, booking, live.row.week_start))
        live = load_live_week(session=session, week_start=live.row.week_start)
    return placed


def join_waitlist(
    *,
    session: DbSession,
    client_key: str,
    session_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
) -> models.WaitlistEntry:
    """Put the client on the full class's waitlist, in one commit; `BookingRefused` says why not.

    A class with a space left is booked, not waited for; a client waits only for a
    class they could take were it not full, and with the right to a space (a credit
    or the studio's drop-ins).
    """
    now = now or utcnow()
    monday = week_of_class(session=session, session_key=session_key, week_start=week_start, now=now)
    try:
        live = locked_live_week(session, monday, session_key)
        entry = _enter(session, live, client_key, session_key, now)
    except (BookingRefused, ClassNotFound):
        session.rollback()
        raise
    session.commit()
    return entry


def _enter(
    session: DbSession, live: LiveWeek, client_key: str, session_key: str, now: datetime
) -> models.WaitlistEntry:
    s = next(x for x in live.now_plan.sessions if x.id == session_key)
    what = week_names(live.week).session(s)
    client = live.week.client_by_id.get(client_key)
    if client is None:
        raise BookingRefused("Your place at the studio is paused.", "rules")
    if live.week.class_type_by_id[s.class_type].one_to_one:
        raise BookingRefused(f"{what} is a 1-2-1: nobody waits for another's intro.", "rules")
    if live.starts_at(s) <= now:
        raise BookingRefused(f"{what} has started.", "started")
    if any(a.client == client_key and a.session == s.id for a in live.now_plan.allocations):
        raise BookingRefused(f"You already have a place in {what}.", "already")
    if waiting_entry(session, live.row.id, session_key, client_key) is not None:
        raise BookingRefused(f"You are on the waitlist for {what} already.", "already")
    spaces: Spaces = spaces_of(live, s)
    if spaces.left > 0:
        raise BookingRefused(f"{what} has a space: book it instead.", "not_full")
    has_credit = usable_credit(session, client_key, live.starts_at(s).date(), now) is not None
    if not has_credit and not studio_policy(session=session).drop_ins:
        raise BookingRefused(
            "You have no make-up credit to use for this class, and the studio does not take"
            " drop-ins.",
            "no_credit",
        )
    life = live.life.with_booking(Booked(client_key, s.id, s.class_type))
    violations = [
        v
        for v in what_breaks(
            live_week(live.week, live.plan, life), live.now_plan, Allocation(client_key, s.id)
        )
        if v.kind not in _FULL
    ]
    if violations:
        said = refusals(violations, live.now_week, live.now_plan)
        raise BookingRefused(said[0].text if said else str(violations[0]), "rules")
    entry = models.WaitlistEntry(week_id=live.row.id, session=s.id, client=client_key, asked_at=now)
    session.add(entry)
    session.flush()
    return entry


def waiting_entry(
    session: DbSession, week_id: int, session_key: str, client_key: str
) -> models.WaitlistEntry | None:
    """The client's place on the class's waitlist, if they are waiting."""
    return session.exec(
        select(models.WaitlistEntry).where(
            models.WaitlistEntry.week_id == week_id,
            models.WaitlistEntry.session == session_key,
            models.WaitlistEntry.client == client_key,
            models.WaitlistEntry.status == "waiting",
        )
    ).first()


def leave_waitlist(
    *,
    session: DbSession,
    client_key: str,
    session_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
) -> models.WaitlistEntry:
    """Take the client off the class's waitlist, in one commit; `ClassNotFound` if not on it."""
    now = now or utcnow()
    monday = week_of_class(session=session, session_key=session_key, week_start=week_start, now=now)
    week = session.exec(select(models.Week).where(models.Week.week_start == monday)).one()
    entry = waiting_entry(session, week.id, session_key, client_key)
    if entry is None:
        raise ClassNotFound(f"you are not waiting for {session_key}")
    entry.status, entry.ended_at = "left", now
    session.add(entry)
    session.commit()
    return entry


def waiting_counts(*, session: DbSession, week_id: int) -> dict[str, int]:
    """How many clients wait for each class of the week."""
    counts: dict[str, int] = {}
    for key in session.exec(
        select(models.WaitlistEntry.session).where(
            models.WaitlistEntry.week_id == week_id, models.WaitlistEntry.status == "waiting"
        )
    ).all():
        counts[key] = counts.get(key, 0) + 1
    return counts
