"""The register: who came to a class and who did not, marked by its instructor or the owner.

A class's register lists its places as the week stands (`life.live_plan`: the
regular places less those given up, plus make-ups, drop-ins and intros). It opens
when the class starts: from then its places are fixed (a started class can be
neither cancelled nor booked), so a mark never outlives the place it marks. A
mark can be changed (a slip of the finger); the latest stands.

Only the owner, or the class's own instructor (the sign-in whose e-mail is that
instructor's in the week), may see or take a register: to anyone else the class
is not found, so a register reveals nobody's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from scheduler.bookings.booking import (
    BookingRefused,
    ClassNotFound,
    locked_live_week,
)
from scheduler.bookings.life import LiveWeek, load_live_week
from scheduler.core import models
from scheduler.core.models import ATTENDANCE_MARKS, utcnow
from scheduler.core.names import week_names
from scheduler.store.weeks import WeekNotFound, column_by_key
from solver.domain import Session

#: How each kind of place reads on the register.
PLACE_KINDS = {"regular": "regular", "makeup": "make-up", "drop_in": "drop-in", "intro": "intro"}
#: How each mark reads.
MARK_WORDS = {"attended": "attended", "no_show": "a no-show"}


@dataclass(frozen=True)
class RegisterLine:
    """One client on a register: their place, its kind, and the mark, if any yet."""

    client: str
    name: str
    kind: str
    reformer: str | None
    mark: str | None

    @property
    def kind_words(self) -> str:
        return PLACE_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Register:
    """A class's register as it stands: the class in the studio's words and its clients."""

    week_start: date
    session: Session
    label: str
    class_name: str
    room_name: str
    instructor_name: str
    starts: datetime
    ends: datetime
    is_open: bool
    lines: tuple[RegisterLine, ...]

    def count(self, mark: str | None) -> int:
        """How many lines carry `mark` (None: not marked yet)."""
        return sum(line.mark == mark for line in self.lines)


def register_takers(
    session: DbSession, login_id: int | None, week_id: int
) -> Callable[[Session], bool]:
    """Whether the sign-in may take a class's register in the week: the owner may take
    every one, an instructor those of the classes they teach (known by their e-mail)."""
    login = session.get(models.InstructorLogin, login_id) if login_id is not None else None
    if login is None:
        return lambda s: False
    if login.is_owner:
        return lambda s: True
    emails = column_by_key(session=session, week_id=week_id, column=models.Instructor.email)
    # A sign-in's e-mail is stored as its owner compares it: stripped and lower case.
    mine = {key for key, email in emails.items() if (email or "").strip().lower() == login.email}
    return lambda s: s.instructor in mine


def _live(session: DbSession, week_start: date) -> LiveWeek | None:
    try:
        return load_live_week(session=session, week_start=week_start)
    except WeekNotFound:
        return None


def _class_of(live: LiveWeek, session_key: str) -> Session:
    s = next((x for x in live.now_plan.sessions if x.id == session_key), None)
    if s is None:
        raise ClassNotFound(f"no published class {session_key} in the week")
    return s


def _register(session: DbSession, live: LiveWeek, s: Session, now: datetime) -> Register:
    names = week_names(live.week)
    client_names = column_by_key(session=session, week_id=live.row.id, column=models.Client.name)
    kinds = {b.client: b.kind for b in live.life.booked if b.session == s.id}
    marks = dict(
        session.exec(
            select(models.Attendance.client, models.Attendance.mark).where(
                models.Attendance.week_id == live.row.id, models.Attendance.session == s.id
            )
        ).all()
    )
    lines = [
        RegisterLine(
            a.client,
            client_names.get(a.client, a.client),
            kinds.get(a.client, "regular"),
            a.reformer,
            marks.get(a.client),
        )
        for a in live.now_plan.allocations
        if a.session == s.id
    ]
    starts = live.starts_at(s)
    return Register(
        week_start=live.row.week_start,
        session=s,
        label=names.session(s),
        class_name=names.class_type(s.class_type),
        room_name=names.room(s.room),
        instructor_name=names.instructor(s.instructor),
        starts=starts,
        ends=starts + timedelta(minutes=s.end - s.start),
        is_open=starts <= now,
        lines=tuple(sorted(lines, key=lambda line: (line.name.casefold(), line.client))),
    )


def register_of(
    *,
    session: DbSession,
    week_start: date,
    session_key: str,
    by_login_id: int | None,
    now: datetime | None = None,
) -> Register:
    """The class's register for the owner or its instructor; `ClassNotFound` for anyone else.

    Also `ClassNotFound` when the week has no published class `session_key`.
    """
    now = now or utcnow()
    live = _live(session, week_start)
    if live is None:
        raise ClassNotFound(f"nothing is published for the week of {week_start}")
    s = _class_of(live, session_key)
    if not register_takers(session, by_login_id, live.row.id)(s):
        raise ClassNotFound(f"no class {session_key} of yours in the week of {week_start}")
    return _register(session, live, s, now)


@dataclass(frozen=True)
class Marked:
    """A mark made: whose, in which class, what, when and by which sign-in."""

    week_start: date
    session: str
    client: str
    name: str
    class_label: str
    mark: str
    marked_at: datetime
    marked_by: int | None

    @property
    def words(self) -> str:
        return MARK_WORDS[self.mark]


def mark(
    *,
    session: DbSession,
    week_start: date,
    session_key: str,
    client_key: str,
    mark: str,
    by_login_id: int | None,
    now: datetime | None = None,
) -> Marked:
    """Mark the client attended or a no-show in the class, in one commit.

    Raises `ClassNotFound` when the class, or the client's place in it, is not
    there for this sign-in, `BookingRefused` (reason `not_started`) before the
    class starts, and `ValueError` for a mark that is neither of `ATTENDANCE_MARKS`.
    """
    if mark not in ATTENDANCE_MARKS:
        raise ValueError(f"a mark is one of {', '.join(ATTENDANCE_MARKS)}, not {mark!r}")
    now = now or utcnow()
    try:
        # The week's lock: a mark and a late booking or cancellation take turns.
        live = locked_live_week(session, week_start, session_key)
        s = _class_of(live, session_key)
        if not register_takers(session, by_login_id, live.row.id)(s):
            raise ClassNotFound(f"no class {session_key} of yours in the week of {week_start}")
        what = week_names(live.week).session(s)
        if not any(a.client == client_key and a.session == s.id for a in live.now_plan.allocations):
            raise ClassNotFound(f"{client_key} has no place in {what}")
        starts = live.starts_at(s)
        if starts > now:
            raise BookingRefused(
                f"The register of {what} opens when the class starts,"
                f" at {starts:%H:%M} on {starts:%A %-d %B}.",
                "not_started",
            )
        row = session.exec(
            select(models.Attendance).where(
                models.Attendance.week_id == live.row.id,
                models.Attendance.session == s.id,
                models.Attendance.client == client_key,
            )
        ).first() or models.Attendance(week_id=live.row.id, session=s.id, client=client_key)
        row.mark, row.marked_by, row.marked_at = mark, by_login_id, now
        session.add(row)
        session.flush()
        name = session.exec(
            select(models.Client.name).where(
                models.Client.week_id == live.row.id, models.Client.key == client_key
            )
        ).first()
    except (BookingRefused, ClassNotFound):
        session.rollback()
        raise
    session.commit()
    return Marked(week_start, s.id, client_key, name or client_key, what, mark, now, by_login_id)


@dataclass(frozen=True)
class ClassToMark:
    """A class on the list of registers: when, what, how many places and how many marked."""

    session: str
    label: str
    starts: datetime
    places: int
    marked: int
    is_open: bool


@dataclass(frozen=True)
class Registers:
    """The classes of a published week whose registers a sign-in may take."""

    week_start: date
    classes: tuple[ClassToMark, ...]


def registers_of(
    *, session: DbSession, week_start: date, by_login_id: int | None, now: datetime | None = None
) -> Registers | None:
    """The week's classes whose registers the sign-in may take, in time order.

    The owner's list is every class; an instructor's, the classes they teach. None
    when nothing is published for the week.
    """
    now = now or utcnow()
    live = _live(session, week_start)
    if live is None:
        return None
    names = week_names(live.week)
    marks = marks_of_week(session, live.row.id)
    places: dict[str, int] = {}
    marked: dict[str, int] = {}
    for a in live.now_plan.allocations:
        places[a.session] = places.get(a.session, 0) + 1
        marked[a.session] = marked.get(a.session, 0) + ((a.session, a.client) in marks)
    may_take = register_takers(session, by_login_id, live.row.id)
    classes = [
        ClassToMark(
            s.id,
            names.session(s),
            live.starts_at(s),
            places.get(s.id, 0),
            marked.get(s.id, 0),
            live.starts_at(s) <= now,
        )
        for s in sorted(live.now_plan.sessions, key=lambda x: (x.start, x.room))
        if may_take(s)
    ]
    return Registers(live.row.week_start, tuple(classes))


def marks_of_week(session: DbSession, week_id: int) -> dict[tuple[str, str], str]:
    """The week's marks by (session, client)."""
    return {
        (row.session, row.client): row.mark
        for row in session.exec(
            select(models.Attendance).where(col(models.Attendance.week_id) == week_id)
        ).all()
    }
