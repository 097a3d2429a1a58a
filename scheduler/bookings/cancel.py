"""A client gives up one place for one date: a cancellation, or a late one.

Before the studio's cut-off (`StudioPolicy.cancel_cutoff_hours`) a place in the
plan earns a make-up credit, valid for `makeup_valid_weeks` weeks after the class;
after it, the cancellation is late: recorded for the owner, with no credit. A
make-up or drop-in given up in time returns its credit; late, the credit is spent.
Either way the place is freed for that week only (the plan of the weeks after is
untouched) and goes at once to the waitlist (`waitlist.fill_freed_space`); the
clients placed are e-mailed after the commit.
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
from scheduler.bookings.life import load_live_week
from scheduler.bookings.mail import tell_placed
from scheduler.bookings.policy import is_late, studio_policy
from scheduler.bookings.waitlist import Placed, fill_freed_space
from scheduler.clients.mail import SmtpSettings
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.core.names import week_names


@dataclass(frozen=True)
class CancelOutcome:
    """What a cancellation came to: late or not, the credit earned, who got the space."""

    week_start: date
    session: str
    late: bool
    credit_expires: date | None
    placed: tuple[Placed, ...]


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
        late = is_late(policy, starts, now)
        booking = _active_booking(session, live.row.id, session_key, client_key)
        credit_expires = None
        if booking is not None:
            booking.cancelled_at, booking.late = now, late
            session.add(booking)
        else:
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
            if not late:
                credit_expires = starts.date() + timedelta(weeks=policy.makeup_valid_weeks)
                session.add(
                    models.MakeupCredit(
                        client=client_key,
                        cancellation_id=cancellation.id,
                        earned_at=now,
                        expires_on=credit_expires,
                    )
                )
        session.flush()
        live = load_live_week(session=session, week_start=monday)
        # An intro given up takes its session with it: nobody waits for a 1-2-1.
        still_runs = session_key in {x.id for x in live.now_plan.sessions}
        placed = fill_freed_space(session, live, session_key, now) if still_runs else []
    except (BookingRefused, ClassNotFound):
        session.rollback()
        raise
    session.commit()
    tell_placed(session=session, placed=placed, smtp=smtp, base_url=base_url)
    return CancelOutcome(monday, session_key, late, credit_expires, tuple(placed))


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
