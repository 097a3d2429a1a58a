"""What a published week has lived through since publishing, for the owner's week page.

Places given up (late ones marked), make-ups and drop-ins booked, who waits for
which class, and the register's marks by class type: attended, no-show, and not
marked (places in classes that have started and have no mark yet), beside the
places in classes still to come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session as DbSession
from sqlmodel import select

from scheduler.bookings.life import LiveWeek, load_live_week
from scheduler.bookings.register import marks_of_week
from scheduler.bookings.waitlist import waiting_counts
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.core.names import week_names
from scheduler.store.weeks import WeekNotFound, column_by_key
from solver.domain import Session

#: A booking given up, as the panel says what it was.
_GIVEN_UP = {"makeup": "make-up", "drop_in": "drop-in", "intro": "intro"}


@dataclass(frozen=True)
class GivenUp:
    """A place given up for the week: whose, which class, when, and whether it was late."""

    client: str
    name: str
    class_label: str
    at: datetime
    late: bool
    was: str = ""


@dataclass(frozen=True)
class BookedSince:
    """A make-up or drop-in booked since publishing."""

    client: str
    name: str
    class_label: str
    at: datetime
    kind: str
    from_waitlist: bool

    @property
    def kind_words(self) -> str:
        return _GIVEN_UP[self.kind]


@dataclass(frozen=True)
class WaitingCount:
    """A class with clients waiting for a space, and how many."""

    session: str
    class_label: str
    count: int


@dataclass(frozen=True)
class Attendance:
    """The register's marks for a class type's places in the week."""

    class_type: str
    class_name: str
    attended: int = 0
    no_show: int = 0
    not_marked: int = 0
    to_come: int = 0


@dataclass(frozen=True)
class SincePublishing:
    """The week's life since its plan was published."""

    week_start: date
    published_at: datetime | None
    given_up: tuple[GivenUp, ...]
    booked: tuple[BookedSince, ...]
    waiting: tuple[WaitingCount, ...]
    attendance: tuple[Attendance, ...]

    @property
    def late(self) -> int:
        return sum(g.late for g in self.given_up)

    @property
    def is_quiet(self) -> bool:
        """Nothing has happened yet: no place given up or booked, nobody waiting, no mark."""
        marked = any(a.attended or a.no_show for a in self.attendance)
        return not (self.given_up or self.booked or self.waiting or marked)


def since_publishing(
    *, session: DbSession, week_start: date, now: datetime | None = None
) -> SincePublishing | None:
    """The week's life since publishing; None when nothing is published for it."""
    now = now or utcnow()
    try:
        live = load_live_week(session=session, week_start=week_start)
    except WeekNotFound:
        return None
    if live is None:
        return None
    zone = ZoneInfo(live.row.timezone)
    names = column_by_key(session=session, week_id=live.row.id, column=models.Client.name)
    label = _labeller(live)
    given_up = [
        GivenUp(
            c.client,
            names.get(c.client, c.client),
            label(c.session),
            c.cancelled_at.astimezone(zone),
            c.late,
        )
        for c in session.exec(
            select(models.Cancellation).where(models.Cancellation.week_id == live.row.id)
        ).all()
    ]
    booked = []
    for b in session.exec(select(models.Booking).where(models.Booking.week_id == live.row.id)):
        name, what = names.get(b.client, b.client), label(b.session)
        if b.cancelled_at is not None:
            at = b.cancelled_at.astimezone(zone)
            given_up.append(GivenUp(b.client, name, what, at, b.late, _GIVEN_UP.get(b.kind, "")))
        elif b.kind in ("makeup", "drop_in"):
            at = b.created_at.astimezone(zone)
            booked.append(BookedSince(b.client, name, what, at, b.kind, b.from_waitlist))
    waiting = [
        WaitingCount(key, label(key), count)
        for key, count in waiting_counts(session=session, week_id=live.row.id).items()
    ]
    published = live.plan_row.published_at
    return SincePublishing(
        week_start=live.row.week_start,
        published_at=published.astimezone(zone) if published else None,
        given_up=tuple(sorted(given_up, key=lambda g: g.at, reverse=True)),
        booked=tuple(sorted(booked, key=lambda b: b.at, reverse=True)),
        waiting=tuple(sorted(waiting, key=lambda w: (-w.count, _start(live, w.session)))),
        attendance=_attendance(session, live, now),
    )


def _labeller(live: LiveWeek) -> Callable[[str], str]:
    """A class of the week in words, by its id; an id the live plan lacks stays as it is."""
    names = week_names(live.week)
    sessions = {s.id: s for s in (*live.plan.sessions, *live.now_plan.sessions)}

    def label(key: str) -> str:
        s = sessions.get(key)
        return names.session(s) if s else key

    return label


def _start(live: LiveWeek, key: str) -> int:
    return next((s.start for s in live.now_plan.sessions if s.id == key), 0)


def _attendance(session: DbSession, live: LiveWeek, now: datetime) -> tuple[Attendance, ...]:
    """The marks of the live plan's places, by class type in the week's order."""
    marks = marks_of_week(session, live.row.id)
    sessions: dict[str, Session] = {s.id: s for s in live.now_plan.sessions}
    counts: dict[str, dict[str, int]] = {}
    for a in live.now_plan.allocations:
        s = sessions[a.session]
        tally = counts.setdefault(s.class_type, {})
        if live.starts_at(s) > now:
            what = "to_come"
        else:
            what = marks.get((a.session, a.client), "not_marked")
        tally[what] = tally.get(what, 0) + 1
    return tuple(
        Attendance(c.id, c.name, **counts[c.id]) for c in live.week.class_types if c.id in counts
    )
