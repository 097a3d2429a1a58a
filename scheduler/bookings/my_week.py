"""A client's week as it stands, and what they can do about it: cancel, make up, wait.

`my_week` reads, for one client and one published week: their places (the plan's,
cancelled ones marked, and those booked since: `clients.week.client_week`); for
each place still to come, the terms of cancelling it (before the studio's cut-off
a regular place earns a make-up credit, after it the cancellation is late); their
make-up credits and when each expires; the classes they wait for and where they
stand in the fair order; and, when they may book (a credit that lasts, or the
studio's drop-ins), the classes with a space they may take. That list is a cheap
filter (venue, level, clearance, hours, classes a day, intro); the booking service
(`booking.take_space`) makes the final check by the hard rules.

The changes a client makes (`cancel_my_place`, `book_my_space`, `join_my_waitlist`,
`leave_my_waitlist`) call the services and say what each came to, in a sentence
made from the same facts the services return; the pages and the API use them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from scheduler.bookings.booking import ClassNotFound, book_space, spaces_of
from scheduler.bookings.cancel import CancelOutcome, cancel_place
from scheduler.bookings.life import LiveWeek, load_live_week
from scheduler.bookings.policy import is_late, studio_policy
from scheduler.bookings.waitlist import join_waitlist, leave_waitlist, waiting_order
from scheduler.clients.mail import SmtpSettings
from scheduler.clients.week import ClientWeek, Place, client_week, local_time
from scheduler.core import models
from scheduler.core.names import room_label, week_names
from solver.domain import MINUTES_PER_DAY, Client, Session

#: A deadline this long before its class is named with its date, not only its weekday.
_DATED = timedelta(days=6)


@dataclass(frozen=True)
class CancelTerms:
    """What cancelling a place comes to now: in time before `deadline`, late after it."""

    kind: str
    starts: datetime
    deadline: datetime
    late: bool

    @property
    def words(self) -> str:
        """In the studio's words: "Cancel before Monday 21:30 to keep a make-up credit"."""
        dated = self.starts - self.deadline >= _DATED
        when = f"{self.deadline:%A %-d %B %H:%M}" if dated else f"{self.deadline:%A %H:%M}"
        if self.kind == "regular":
            if self.late:
                return f"Cancelling now is late (the cut-off was {when}): no make-up credit."
            return f"Cancel before {when} to keep a make-up credit."
        if self.kind == "makeup":
            if self.late:
                return (
                    f"Cancelling now is late (the cut-off was {when}): the make-up credit is spent."
                )
            return f"Cancel before {when} to have your make-up credit back."
        if self.late:
            return f"Cancelling now is late (the cut-off was {when})."
        return f"Cancel before {when}: after that, cancelling counts as late."


def cancel_terms(policy: models.StudioPolicy, place: Place, now: datetime) -> CancelTerms:
    """The terms of cancelling `place` at `now` under the studio's cut-off."""
    deadline = place.start - timedelta(hours=policy.cancel_cutoff_hours)
    return CancelTerms(place.kind, place.start, deadline, is_late(policy, place.start, now))


@dataclass(frozen=True)
class WeekClass:
    """A class of a published week in the studio's words, with the spaces it has left."""

    week_start: date
    session_id: str
    class_name: str
    start: datetime
    end: datetime
    venue: str
    room: str
    instructor: str
    spaces_left: int


@dataclass(frozen=True)
class Waiting:
    """A class the client waits for, and their place in line now (1 is next)."""

    what: WeekClass
    position: int


@dataclass(frozen=True)
class CreditLine:
    """A make-up credit: the class given up for it, when it expires, the class it paid for."""

    earned_for: str
    expires_on: date
    used_for: str | None
    expired: bool

    @property
    def usable(self) -> bool:
        return self.used_for is None and not self.expired


@dataclass(frozen=True)
class MyWeek:
    """One client's published week as it stands, and what they can do in it.

    `terms` of cancelling, by class, for each place still to come; `may_book` when
    they have a credit that lasts or the studio takes drop-ins, `offers` the classes
    they may then book.
    """

    view: ClientWeek
    terms: dict[str, CancelTerms]
    credits: tuple[CreditLine, ...]
    waiting: tuple[Waiting, ...]
    offers: tuple[WeekClass, ...]
    may_book: bool


def my_week(
    *, session: DbSession, client_key: str, week_start: date, now: datetime
) -> MyWeek | None:
    """The client's week starting `week_start` as it stands at `now`; None if not stored."""
    view = client_week(session=session, client_key=client_key, week_start=week_start)
    if view is None:
        return None
    policy = studio_policy(session=session)
    credits = client_credits(session=session, client_key=client_key, today=now.date())
    live = load_live_week(session=session, week_start=week_start) if view.published else None
    if live is None:
        return MyWeek(view, {}, credits, (), (), False)
    terms = {
        p.session_id: cancel_terms(policy, p, now)
        for p in view.places
        if not p.cancelled and p.start > now
    }
    last_credit = max((c.expires_on for c in credits if c.usable), default=None)
    client = live.now_week.client_by_id.get(client_key)
    may_book = client is not None and (policy.drop_ins or last_credit is not None)
    offers = (
        tuple(
            _week_class(live, s)
            for s in _bookable(live, client, now)
            if policy.drop_ins or live.starts_at(s).date() <= last_credit
        )
        if may_book and client is not None
        else ()
    )
    return MyWeek(
        view=view,
        terms=terms,
        credits=credits,
        waiting=_waiting(session, live, client_key),
        offers=offers,
        may_book=may_book,
    )


def _week_class(live: LiveWeek, s: Session) -> WeekClass:
    names = week_names(live.week)
    return WeekClass(
        week_start=live.row.week_start,
        session_id=s.id,
        class_name=names.class_type(s.class_type),
        start=live.starts_at(s),
        end=local_time(live.row.week_start, s.end, live.row.timezone),
        venue=names.venue(s.venue),
        room=room_label(s.room, s.venue),
        instructor=names.instructor(s.instructor),
        spaces_left=spaces_of(live, s).left,
    )


def _bookable(live: LiveWeek, client: Client, now: datetime) -> list[Session]:
    """The classes with a space, not started, that the client may well take."""
    week, plan = live.now_week, live.now_plan
    sessions = {s.id: s for s in plan.sessions}
    theirs = [sessions[a.session] for a in plan.allocations if a.client == client.id]
    return [
        s
        for s in sorted(plan.sessions, key=lambda x: (x.start, x.id))
        if may_take(client, s, theirs, week.class_type_by_id)
        and live.starts_at(s) > now
        and spaces_of(live, s).left > 0
    ]


def may_take(
    client: Client, s: Session, theirs: Sequence[Session], class_types: Mapping[str, Any]
) -> bool:
    """Whether the client may well take a place in `s`, by a cheap look at the rules.

    Rule 7 (venue, hours, level, clearance), 8 (classes a day) and 9 (the intro
    first), with `theirs` the classes they hold that week; a 1-2-1 is an intro, not
    a place to book. `class_types` maps an id to anything with the class type's
    fields (the solver's or the table's). The booking service's check, by the
    checker itself, is the final word.
    """
    class_type = class_types[s.class_type]
    return not (
        class_type.one_to_one
        or any(m.id == s.id for m in theirs)
        or s.venue not in client.venues
        or client.level not in class_type.levels
        or (class_type.requires_clearance and not client.cleared)
        or not any(w.contains(s.start, s.end) for w in client.availability)
        or sum(1 for m in theirs if _day(m) == _day(s)) >= client.max_per_day
        or (
            client.needs_intro
            and not any(class_types[m.class_type].one_to_one and m.end <= s.start for m in theirs)
        )
    )


def _day(s: Session) -> int:
    return s.start // MINUTES_PER_DAY


def _waiting(session: DbSession, live: LiveWeek, client_key: str) -> tuple[Waiting, ...]:
    keys = session.exec(
        select(models.WaitlistEntry.session).where(
            models.WaitlistEntry.week_id == live.row.id,
            models.WaitlistEntry.client == client_key,
            models.WaitlistEntry.status == "waiting",
        )
    ).all()
    sessions = {s.id: s for s in live.now_plan.sessions}
    found = []
    for key in keys:
        if key not in sessions:
            continue
        line = [e.client for e in waiting_order(session, live.row.id, key)]
        found.append(Waiting(_week_class(live, sessions[key]), line.index(client_key) + 1))
    return tuple(sorted(found, key=lambda w: w.what.start))


def client_credits(*, session: DbSession, client_key: str, today: date) -> tuple[CreditLine, ...]:
    """Every make-up credit of the client, the soonest to expire first."""
    credits = session.exec(
        select(models.MakeupCredit, models.Cancellation)
        .join(
            models.Cancellation, col(models.Cancellation.id) == models.MakeupCredit.cancellation_id
        )
        .where(models.MakeupCredit.client == client_key)
        .order_by(models.MakeupCredit.expires_on, models.MakeupCredit.id)
    ).all()
    spent = {
        b.credit_id: b
        for b in session.exec(
            select(models.Booking).where(
                models.Booking.client == client_key,
                col(models.Booking.credit_id).is_not(None),
                col(models.Booking.cancelled_at).is_(None) | col(models.Booking.late),
            )
        ).all()
    }
    lines = []
    for credit, cancellation in credits:
        used = spent.get(credit.id)
        lines.append(
            CreditLine(
                earned_for=class_words(
                    session=session, week_id=cancellation.week_id, session_key=cancellation.session
                ),
                expires_on=credit.expires_on,
                used_for=class_words(
                    session=session, week_id=used.week_id, session_key=used.session
                )
                if used
                else None,
                expired=used is None and credit.expires_on < today,
            )
        )
    return tuple(lines)


def class_words(*, session: DbSession, week_id: int, session_key: str) -> str:
    """A class in words: "Reformer at Hitchin on Tuesday 8 December at 09:30"."""
    week = session.get(models.Week, week_id)
    row = session.exec(
        select(models.PlanSession)
        .join(models.Plan, col(models.Plan.id) == models.PlanSession.plan_id)
        .where(
            models.Plan.week_id == week_id,
            models.Plan.status == "published",
            models.PlanSession.key == session_key,
        )
    ).first()
    if week is None or row is None:
        return session_key
    name = session.exec(
        select(models.ClassType.name).where(
            models.ClassType.week_id == week_id, models.ClassType.key == row.class_type
        )
    ).first()
    venue = session.exec(
        select(models.Venue.name).where(
            models.Venue.week_id == week_id, models.Venue.key == row.venue
        )
    ).first()
    starts = local_time(week.week_start, row.start, week.timezone)
    return f"{name or row.class_type} at {venue or row.venue} on {starts:%A %-d %B at %H:%M}"


def find_place(
    *, session: DbSession, client_key: str, week_start: date, session_key: str
) -> Place | None:
    """One of the client's places in the week (held or given up); None if not theirs."""
    view = client_week(session=session, client_key=client_key, week_start=week_start)
    if view is None:
        return None
    return next((p for p in view.places if p.session_id == session_key), None)


def place_words(place: Place) -> str:
    """A place as one phrase: "Reformer at Hitchin on Tuesday 8 December at 09:30"."""
    return f"{place.class_name} at {place.venue} on {place.start:%A %-d %B at %H:%M}"


def cancelled_words(place: Place, outcome: CancelOutcome) -> str:
    """What a cancellation came to, for the client who made it."""
    said = f"Your {place_words(place)} is cancelled."
    if outcome.credit_expires is not None:
        return f"{said} You have a make-up credit to use by {outcome.credit_expires:%A %-d %B}."
    if place.kind == "makeup":
        if outcome.late:
            return f"{said} It was after the cut-off, so the make-up credit is spent."
        return f"{said} Your make-up credit is yours to use again."
    if outcome.late:
        return f"{said} It was after the cut-off, so there is no make-up credit."
    return said


def booked_words(place: Place) -> str:
    """What a booking came to, for the client who made it."""
    said = f"You are booked into {place_words(place)}"
    if place.reformer:
        said += f", on reformer {place.reformer}"
    paid = "Your make-up credit pays for it." if place.kind == "makeup" else "It is a drop-in."
    return f"{said}. {paid}"


# --- A client's changes to their week, each with the sentence that says what it came to -------


@dataclass(frozen=True)
class WeekChange:
    """What a client's cancellation, booking or place on a waitlist came to.

    `place` is the place as it stands after (cancelled, or booked); `late` and
    `credit_expires` say what a cancellation came to, `position` where a waiting
    client stands in line (1 is next).
    """

    week_start: date
    session: str
    message: str
    place: Place | None = None
    late: bool = False
    credit_expires: date | None = None
    position: int | None = None


def cancel_my_place(
    *,
    session: DbSession,
    client_key: str,
    session_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
    smtp: SmtpSettings | None = None,
    base_url: str = "",
) -> WeekChange:
    """Cancel the client's place (`cancel.cancel_place`), saying whether a credit came of it."""
    outcome = cancel_place(
        session=session,
        client_key=client_key,
        session_key=session_key,
        week_start=week_start,
        now=now,
        smtp=smtp,
        base_url=base_url,
    )
    place = _place_or_missing(session, client_key, outcome.week_start, session_key)
    return WeekChange(
        outcome.week_start,
        session_key,
        cancelled_words(place, outcome),
        place,
        outcome.late,
        outcome.credit_expires,
    )


def book_my_space(
    *,
    session: DbSession,
    client_key: str,
    session_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
) -> WeekChange:
    """Book a free space for the client (`booking.book_space`), saying what it is."""
    booking = book_space(
        session=session,
        client_key=client_key,
        session_key=session_key,
        week_start=week_start,
        now=now,
    )
    monday = session.get(models.Week, booking.week_id).week_start
    place = _place_or_missing(session, client_key, monday, session_key)
    return WeekChange(monday, session_key, booked_words(place), place)


def join_my_waitlist(
    *,
    session: DbSession,
    client_key: str,
    session_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
) -> WeekChange:
    """Put the client on the class's waitlist (`waitlist.join_waitlist`), saying where."""
    entry = join_waitlist(
        session=session,
        client_key=client_key,
        session_key=session_key,
        week_start=week_start,
        now=now,
    )
    line = [e.client for e in waiting_order(session, entry.week_id, session_key)]
    what = class_words(session=session, week_id=entry.week_id, session_key=session_key)
    message = (
        f"You are on the waitlist for {what}. When a space comes free and you are first in"
        " line, it is booked for you and we e-mail you."
    )
    return WeekChange(
        session.get(models.Week, entry.week_id).week_start,
        session_key,
        message,
        position=line.index(client_key) + 1,
    )


def leave_my_waitlist(
    *,
    session: DbSession,
    client_key: str,
    session_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
) -> WeekChange:
    """Take the client off the class's waitlist (`waitlist.leave_waitlist`)."""
    entry = leave_waitlist(
        session=session,
        client_key=client_key,
        session_key=session_key,
        week_start=week_start,
        now=now,
    )
    what = class_words(session=session, week_id=entry.week_id, session_key=session_key)
    return WeekChange(
        session.get(models.Week, entry.week_id).week_start,
        session_key,
        f"You have left the waitlist for {what}.",
    )


def _place_or_missing(
    session: DbSession, client_key: str, week_start: date, session_key: str
) -> Place:
    place = find_place(
        session=session, client_key=client_key, week_start=week_start, session_key=session_key
    )
    if place is None:
        raise ClassNotFound(f"no place of yours in {session_key}")
    return place


@dataclass(frozen=True)
class MyPlace:
    """One of the client's places, and the terms of cancelling it now (None: it cannot be)."""

    place: Place
    terms: CancelTerms | None


def my_place(
    *, session: DbSession, client_key: str, week_start: date, session_key: str, now: datetime
) -> MyPlace | None:
    """The client's place in the class, with the terms of cancelling it; None if not theirs."""
    place = find_place(
        session=session, client_key=client_key, week_start=week_start, session_key=session_key
    )
    if place is None:
        return None
    if place.cancelled or place.start <= now:
        return MyPlace(place, None)
    return MyPlace(place, cancel_terms(studio_policy(session=session), place, now))
