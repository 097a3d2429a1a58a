"""A client's history across weeks: classes attended and missed, places given up, places booked.

Read from the week's life rows of every week: the register (`Attendance`:
attended, no-show), cancellations of planned places (in time or late), and
bookings after publishing (a make-up, a drop-in or an intro; one given up counts
as a cancellation, in time or late, and not as a place used). Each class is named
as that week's published plan has it ("Tue 09:30 Reformer at Hitchin"), at the
local time it ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from scheduler.bookings.booking import unused_credits
from scheduler.clients.week import local_time
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.core.names import weekday_time
from scheduler.store.weeks import column_by_key

#: What can happen to a client's place, in the order the counts are shown, with its words.
EVENTS = {
    "attended": "attended",
    "no_show": "no-show",
    "cancelled": "cancelled",
    "late": "cancelled late",
    "makeup": "make-up",
    "drop_in": "drop-in",
    "intro": "intro 1-2-1",
}
_GIVEN_UP = {"makeup": "a make-up", "drop_in": "a drop-in", "intro": "an intro"}


@dataclass(frozen=True)
class HistoryEntry:
    """One thing in a client's history: what happened, to which class, and when."""

    what: str
    week_start: date
    class_label: str
    starts: datetime | None
    recorded_at: datetime
    note: str = ""

    @property
    def words(self) -> str:
        return EVENTS[self.what]


@dataclass(frozen=True)
class History:
    """A client's history, the latest class first, and their make-up credits still to use."""

    client: str
    entries: tuple[HistoryEntry, ...]
    credits_left: int
    next_credit_expires: date | None

    def count(self, what: str) -> int:
        """How many entries are of `what` (a key of `EVENTS`)."""
        return sum(e.what == what for e in self.entries)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """Each kind of entry: its key, its words and how many, in the order of `EVENTS`."""
        return [(key, words, self.count(key)) for key, words in EVENTS.items()]


@dataclass(frozen=True)
class _WeekClasses:
    """A week's published classes and intros, each named and timed, by session id."""

    week_start: date
    zone: ZoneInfo
    named: dict[str, tuple[str, datetime]]
    class_names: dict[str, str]

    def entry(
        self, what: str, row, recorded_at: datetime, class_type: str = "", note: str = ""
    ) -> HistoryEntry:
        """The entry of `row` (a mark, a cancellation or a booking), its times local."""
        label, starts = self.named.get(row.session, (self._gone(class_type), None))
        at = recorded_at.astimezone(self.zone)
        return HistoryEntry(what, self.week_start, label, starts, at, note)

    def _gone(self, class_type: str) -> str:
        """A class the published plan no longer has, as its type and week."""
        name = self.class_names.get(class_type, "class")
        return f"{name} in the week of {self.week_start:%-d %B %Y}, no longer in the plan"


def client_history(*, session: DbSession, client_key: str, now: datetime | None = None) -> History:
    """The client's history across every stored week, the latest class first."""
    now = now or utcnow()
    marks = session.exec(
        select(models.Attendance).where(models.Attendance.client == client_key)
    ).all()
    cancellations = session.exec(
        select(models.Cancellation).where(models.Cancellation.client == client_key)
    ).all()
    bookings = session.exec(select(models.Booking).where(models.Booking.client == client_key)).all()
    weeks = {
        w: _classes_of_week(session, w)
        for w in {r.week_id for r in (*marks, *cancellations, *bookings)}
    }
    entries = [weeks[m.week_id].entry(m.mark, m, m.marked_at) for m in marks]
    entries += [
        weeks[c.week_id].entry("late" if c.late else "cancelled", c, c.cancelled_at, c.class_type)
        for c in cancellations
    ]
    for b in bookings:
        classes = weeks[b.week_id]
        if b.cancelled_at is None:
            note = "from the waitlist" if b.from_waitlist else ""
            entries.append(classes.entry(b.kind, b, b.created_at, b.class_type, note))
        else:
            what = "late" if b.late else "cancelled"
            given_up = _GIVEN_UP.get(b.kind, "")
            entries.append(classes.entry(what, b, b.cancelled_at, b.class_type, given_up))
    entries.sort(
        key=lambda e: (
            e.week_start,
            e.starts is not None,
            e.starts or e.recorded_at,
            e.recorded_at,
        ),
        reverse=True,
    )
    credits = [c.expires_on for c in session.exec(unused_credits(client_key, now.date())).all()]
    return History(client_key, tuple(entries), len(credits), min(credits, default=None))


def _classes_of_week(session: DbSession, week_id: int) -> _WeekClasses:
    """The week's published classes and intros, named as the studio names them."""
    week = session.get(models.Week, week_id)
    class_names = column_by_key(session=session, week_id=week_id, column=models.ClassType.name)
    venue_names = column_by_key(session=session, week_id=week_id, column=models.Venue.name)
    venue_of_room = dict(
        session.exec(
            select(models.Room.key, models.Venue.key)
            .join(models.Venue, col(models.Venue.id) == models.Room.venue_id)
            .where(models.Room.week_id == week_id)
        ).all()
    )
    planned = session.exec(
        select(models.PlanSession)
        .join(models.Plan, col(models.Plan.id) == models.PlanSession.plan_id)
        .where(models.Plan.week_id == week_id, models.Plan.status == "published")
    ).all()
    intros = session.exec(
        select(models.Booking).where(
            models.Booking.week_id == week_id,
            models.Booking.kind == "intro",
            col(models.Booking.start).is_not(None),
        )
    ).all()
    found = [(s.key, s.class_type, s.venue, s.start) for s in planned]
    found += [
        (b.session, b.class_type, venue_of_room.get(b.room or "", ""), b.start) for b in intros
    ]
    named = {
        key: (
            f"{weekday_time(start)} {class_names.get(ct, ct)} at {venue_names.get(venue, venue)}",
            local_time(week.week_start, start, week.timezone),
        )
        for key, ct, venue, start in found
    }
    return _WeekClasses(week.week_start, ZoneInfo(week.timezone), named, class_names)
