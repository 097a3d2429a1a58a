"""A client gives up one place for one date: a cancellation, or a late one.

Before the studio's cut-off (`StudioPolicy.cancel_cutoff_hours`) a place in the
plan earns a make-up credit, valid for `makeup_valid_weeks` weeks after the class;
after it, the cancellation is late: recorded for the owner, with no credit. A
make-up or drop-in given up in time returns its credit; late, the credit is spent.
Either way the place is freed for that week only (the plan of the weeks after is
untouched) and goes at once to the waitlist (`waitlist.fill_freed_space`); the
clients placed are e-mailed after the commit. An intro given up takes with it the
client's group classes of that week that no other intro of theirs comes before
(hard rule 9), each cancelled the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from scheduler.bookings.booking import (
    BookingRefused,
    ClassNotFound,
    locked_live_week,
    week_of_class,
)
from scheduler.bookings.life import LiveWeek, load_live_week
from scheduler.bookings.mail import tell_placed
from scheduler.bookings.policy import is_late, studio_policy
from scheduler.bookings.waitlist import Placed, fill_freed_space
from scheduler.clients.mail import SmtpSettings
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.core.names import week_names
from solver.checker import check_plan
from solver.domain import Plan, Session


@dataclass(frozen=True)
class CancelOutcome:
    """What a cancellation came to: late or not, the credit earned, who got the space."""

    week_start: date
    session: str
    late: bool
    credit_expires: date | None
    placed: tuple[Placed, ...]
    with_it: tuple[str, ...] = ()
    """The group classes given up with an intro: this week they can no longer follow one."""


def cancel_place(
    *,
    session: DbSession,
    client_key: str,
    session_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
    smtp: SmtpSettings | None = None,
    base_url: str = "",
) -> CancelOutcome:
    """Cancel the client's place in the class, in one commit, and tell whoever gets it.

    Raises `ClassNotFound` when the client has no place there (another client's
    place is not found either), `BookingRefused` when the class has started.
    """
    now = now or utcnow()
    monday = week_of_class(session=session, session_key=session_key, week_start=week_start, now=now)
    try:
        live = locked_live_week(session, monday, session_key)
        s = next(x for x in live.now_plan.sessions if x.id == session_key)
        if not any(a.client == client_key and a.session == s.id for a in live.now_plan.allocations):
            raise ClassNotFound(f"no place of yours in {session_key}")
        starts = live.starts_at(s)
        if starts <= now:
            what = week_names(live.week).session(s)
            raise BookingRefused(f"{what} has started: it can no longer be cancelled.", "started")
        policy = studio_policy(session=session)
        late, credit_expires = _give_up(session, live, s, client_key, policy, now)
        session.flush()
        live = load_live_week(session=session, week_start=monday)
        one_to_one = live.week.class_type_by_id[s.class_type].one_to_one
        with_it = _needing_the_intro(live, client_key) if one_to_one else []
        for other in with_it:
            _give_up(session, live, other, client_key, policy, now)
        if with_it:
            session.flush()
            live = load_live_week(session=session, week_start=monday)
        placed: list[Placed] = []
        for freed in (session_key, *(x.id for x in with_it)):
            # An intro given up takes its session with it: nobody waits for a 1-2-1.
            if freed in {x.id for x in live.now_plan.sessions}:
                placed += fill_freed_space(session, live, freed, now)
                live = load_live_week(session=session, week_start=monday)
    except (BookingRefused, ClassNotFound):
        session.rollback()
        raise
    session.commit()
    tell_placed(session=session, placed=placed, smtp=smtp, base_url=base_url)
    return CancelOutcome(
        monday, session_key, late, credit_expires, tuple(placed), tuple(x.id for x in with_it)
    )


def _give_up(
    session: DbSession,
    live: LiveWeek,
    s: Session,
    client_key: str,
    policy: models.StudioPolicy,
    now: datetime,
) -> tuple[bool, date | None]:
    """End the client's booking in `s`, or cancel their planned place with a credit if in
    time; whether it is late, and the credit's expiry."""
    starts = live.starts_at(s)
    late = is_late(policy, starts, now)
    booking = _active_booking(session, live.row.id, s.id, client_key)
    if booking is not None:
        booking.cancelled_at, booking.late = now, late
        session.add(booking)
        return late, None
    cancellation = models.Cancellation(
        week_id=live.row.id,
        session=s.id,
        client=client_key,
        class_type=s.class_type,
        late=late,
        cancelled_at=now,
    )
    session.add(cancellation)
    session.flush()
    if late:
        return late, None
    expires = starts.date() + timedelta(weeks=policy.makeup_valid_weeks)
    session.add(
        models.MakeupCredit(
            client=client_key, cancellation_id=cancellation.id, earned_at=now, expires_on=expires
        )
    )
    return late, expires


def _needing_the_intro(live: LiveWeek, client_key: str) -> list[Session]:
    """The client's group classes that no intro of theirs comes before any more (rule 9)."""
    sessions = {x.id: x for x in live.now_plan.sessions}
    theirs = [a for a in live.now_plan.allocations if a.client == client_key]
    part = Plan(
        sessions=tuple(dict.fromkeys(sessions[a.session] for a in theirs)),
        allocations=tuple(theirs),
    )
    found = check_plan(live.now_week, part)
    return [sessions[v.session] for v in found if v.kind == "before_intro" and v.session]


def _active_booking(
    session: DbSession, week_id: int, session_key: str, client_key: str
) -> models.Booking | None:
    return session.exec(
        select(models.Booking).where(
            models.Booking.week_id == week_id,
            models.Booking.session == session_key,
            models.Booking.client == client_key,
            col(models.Booking.cancelled_at).is_(None),
        )
    ).first()
