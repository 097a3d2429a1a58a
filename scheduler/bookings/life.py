"""What a published week holds now: its plan, less the places given up, plus the places taken.

After publishing, the week lives on in rows beside the plan: cancellations
(`Cancellation`), make-ups, drop-ins and intros (`Booking`). `Life` is those rows
as plain data, and two pure functions lay them over the solver's data:

- `live_plan`: the published plan less cancelled places, plus booked ones (an
  intro with its own session). It is what clients, the timetable and the register
  see, and what the next solve keeps. A booking given up (`ended`) leaves it even
  when a solve that kept the booking put its place (and an intro's session) in
  the published plan.
- `live_week`: the week as the solver must see it to keep all that. A booked place
  is one of the week's pinned allocations (an intro's session a pinned session). A
  cancelled place counts one less in its want, and the client's hours lose the
  class's time, so no solve gives them that class again or another in its stead;
  then each want counts at least the places the client holds, so a make-up or a
  drop-in beyond their usual wants stands, while one that met an unmet want
  meets it (no solve adds another).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from scheduler.clients.week import local_time
from scheduler.core import models
from scheduler.store.plans import load_stored_plan, published_plan
from scheduler.store.weeks import load_stored_week, require_week
from solver.domain import (
    Allocation,
    Client,
    PinnedAllocation,
    PinnedSession,
    Plan,
    Session,
    Want,
    Week,
    Window,
)


@dataclass(frozen=True)
class Cancelled:
    """A place given up for this week: the client, the session and its class type."""

    client: str
    session: str
    class_type: str


@dataclass(frozen=True)
class Booked:
    """A place taken after publishing; `own_session` is an intro's session of its own."""

    client: str
    session: str
    class_type: str
    reformer: str | None = None
    kind: str = "makeup"
    own_session: Session | None = None

    @property
    def allocation(self) -> Allocation:
        return Allocation(self.client, self.session, self.reformer)


@dataclass(frozen=True)
class Life:
    """The week's cancellations, active bookings and bookings given up (`ended`)."""

    cancelled: tuple[Cancelled, ...] = ()
    booked: tuple[Booked, ...] = ()
    ended: tuple[Booked, ...] = ()

    def with_booking(self, booked: Booked) -> Life:
        return replace(self, booked=(*self.booked, booked))

    def with_cancellation(self, cancelled: Cancelled) -> Life:
        return replace(self, cancelled=(*self.cancelled, cancelled))

    @property
    def is_empty(self) -> bool:
        return not self.cancelled and not self.booked and not self.ended


def booked_from_row(
    row: models.Booking, venue_of_room: dict[str, str], class_minutes: dict[str, int]
) -> Booked:
    """A booking row as `Booked`; an intro carries its session, as long as its class type."""
    own = None
    if row.kind == "intro":
        start = row.start or 0
        own = Session(
            row.session,
            row.class_type,
            venue_of_room.get(row.room or "", ""),
            row.room or "",
            start,
            start + class_minutes.get(row.class_type, 0),
            row.instructor or "",
        )
    return Booked(row.client, row.session, row.class_type, row.reformer, row.kind, own)


def load_life(*, session: DbSession, week_id: int) -> Life:
    """The week's cancellations (of planned places) and bookings, active or ended, oldest first."""
    cancelled = session.exec(
        select(models.Cancellation)
        .where(models.Cancellation.week_id == week_id)
        .order_by(models.Cancellation.id)
    ).all()
    bookings = session.exec(
        select(models.Booking).where(models.Booking.week_id == week_id).order_by(models.Booking.id)
    ).all()
    rooms = session.exec(
        select(models.Room.key, models.Venue.key)
        .join(models.Venue, col(models.Venue.id) == models.Room.venue_id)
        .where(models.Room.week_id == week_id)
    ).all()
    minutes = dict(
        session.exec(
            select(models.ClassType.key, models.ClassType.minutes).where(
                models.ClassType.week_id == week_id
            )
        ).all()
    )
    venue_of_room = dict(rooms)
    return Life(
        cancelled=tuple(Cancelled(c.client, c.session, c.class_type) for c in cancelled),
        booked=tuple(
            booked_from_row(b, venue_of_room, minutes) for b in bookings if b.cancelled_at is None
        ),
        ended=tuple(
            booked_from_row(b, venue_of_room, minutes)
            for b in bookings
            if b.cancelled_at is not None
        ),
    )


def live_plan(plan: Plan, life: Life) -> Plan:
    """The plan less cancelled places and ended bookings, plus booked places (and the
    intros' sessions)."""
    if life.is_empty:
        return plan
    gone = {(c.client, c.session) for c in life.cancelled}
    gone |= {(b.client, b.session) for b in life.ended}
    booked = {(b.client, b.session) for b in life.booked}
    kept = [
        a
        for a in plan.allocations
        if (a.client, a.session) not in gone and (a.client, a.session) not in booked
    ]
    # An intro's session is the booking's own: given up, it runs no more.
    ended_intros = {b.session for b in life.ended if b.own_session} - {
        b.session for b in life.booked
    }
    sessions = [s for s in plan.sessions if s.id not in ended_intros]
    known = {s.id for s in sessions}
    intros = [b.own_session for b in life.booked if b.own_session and b.session not in known]
    return replace(
        plan,
        sessions=(*sessions, *intros),
        allocations=(
            *(a for a in kept if a.session not in ended_intros),
            *(b.allocation for b in life.booked),
        ),
    )


def live_week(week: Week, plan: Plan, life: Life) -> Week:
    """The week with the life of `plan` laid over: booked places pinned, wants and hours changed."""
    if life.is_empty:
        return week
    sessions_of = {s.id: s for b in life.booked if (s := b.own_session)}
    pinned_sessions = [p for p in week.pinned_sessions if p.id not in sessions_of]
    pinned_sessions += [
        PinnedSession(s.id, s.class_type, s.room, s.start, s.instructor)
        for s in sessions_of.values()
    ]
    booked = {(b.client, b.session) for b in life.booked}
    pinned_places = [p for p in week.pinned_allocations if (p.client, p.session) not in booked]
    pinned_places += [PinnedAllocation(b.client, b.session, b.reformer) for b in life.booked]
    sessions = {s.id: s for s in plan.sessions}
    # A class its clients gave up still runs that week (the rest were told it does),
    # however few it holds: pinned, as a re-solve pins it.
    pinned_ids = {p.id for p in pinned_sessions}
    pinned_sessions += [
        PinnedSession(s.id, s.class_type, s.room, s.start, s.instructor)
        for s in dict.fromkeys(sessions[c.session] for c in life.cancelled if c.session in sessions)
        if s.id not in pinned_ids
    ]
    now = live_plan(plan, life)
    now_sessions = {s.id: s for s in now.sessions}
    held = Counter(
        (a.client, now_sessions[a.session].class_type)
        for a in now.allocations
        if a.session in now_sessions
    )
    return replace(
        week,
        clients=tuple(_client_now(c, life, sessions, held) for c in week.clients),
        pinned_sessions=tuple(pinned_sessions),
        pinned_allocations=tuple(pinned_places),
    )


def _client_now(
    client: Client, life: Life, sessions: dict[str, Session], held: Counter[tuple[str, str]]
) -> Client:
    """The client as the week stands: a want counts what they gave up less, and at least what
    they hold (a make-up or drop-in beyond their usual wants, or one that met an unmet want)."""
    booked = {b.class_type for b in life.booked if b.client == client.id and b.own_session is None}
    given_up = [c for c in life.cancelled if c.client == client.id]
    if not booked and not given_up:
        return client
    wants = list(client.wants)
    for c in given_up:
        wants = _count(wants, c.class_type, -1)
        if (s := sessions.get(c.session)) is not None:
            client = without_hours(client, s.start, s.end)
    for i, want in enumerate(wants):
        holding = sum(held[client.id, t] for t in want.class_types)
        wants[i] = replace(want, per_week=max(want.per_week, holding))
    wanted = {t for w in wants for t in w.class_types}
    wants += [Want((t,), held[client.id, t]) for t in sorted(booked - wanted)]
    return replace(client, wants=tuple(wants))


def _count(wants: list[Want], class_type: str, change: int) -> list[Want]:
    """The wants with the one holding `class_type` counting `change` more."""
    for i, want in enumerate(wants):
        if class_type in want.class_types:
            wants[i] = replace(want, per_week=max(0, want.per_week + change))
            return wants
    return wants


def without_hours(client: Client, start: int, end: int) -> Client:
    """The client with [start, end) cut out of their hours."""
    windows: list[Window] = []
    for w in client.availability:
        if w.end <= start or w.start >= end:
            windows.append(w)
            continue
        if w.start < start:
            windows.append(Window(w.start, start))
        if end < w.end:
            windows.append(Window(end, w.end))
    return replace(client, availability=tuple(windows))


@dataclass(frozen=True)
class LiveWeek:
    """A published week as it stands now, read once for a booking or a page."""

    row: models.Week
    plan_row: models.Plan
    week: Week
    plan: Plan
    life: Life

    @cached_property
    def now_week(self) -> Week:
        return live_week(self.week, self.plan, self.life)

    @cached_property
    def now_plan(self) -> Plan:
        return live_plan(self.plan, self.life)

    def starts_at(self, session: Session) -> datetime:
        """When a session starts, as an aware local time."""
        return local_time(self.row.week_start, session.start, self.row.timezone)


def load_live_week(*, session: DbSession, week_start: date) -> LiveWeek | None:
    """The stored week with its published plan and life; None if nothing is published."""
    row = require_week(session=session, week_start=week_start)
    plan_row = published_plan(session=session, week_start=week_start)
    if plan_row is None:
        return None
    return LiveWeek(
        row=row,
        plan_row=plan_row,
        week=load_stored_week(session=session, week_start=week_start),
        plan=load_stored_plan(session=session, plan_id=plan_row.id),
        life=load_life(session=session, week_id=row.id),
    )
