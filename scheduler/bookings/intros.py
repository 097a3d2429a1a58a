"""A new client books their intro 1-2-1: a time an instructor who teaches it is free.

A client who `needs_intro` and whose intro did not fit in the published plan picks
one of the week's times where an instructor teaching a one-to-one class type of
their wants is free, at one of their venues, in their hours, from the studio's
cut-off on. The times are found in two steps, so the page stays fast on a full
week: the grid's starts are first narrowed by what is cheap to see (the
instructor's windows and venues, the venue's opening, the client's hours, a room
and an instructor not already busy), then each start asks the checker
(`rules.what_breaks`, with the new session) about its best choice of instructor and
room until one keeps every hard rule (travel, the instructor's day and week caps,
the client's classes a day).

The booking is a `Booking` of kind "intro" carrying its own session (class type,
room, start, instructor): the live week pins it and the live plan adds it, so the
next solve keeps it and places the client's group classes after it. It is given up
like any place, through `cancel.cancel_place`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session as DbSession

from scheduler.bookings.booking import (
    BookingRefused,
    ClassNotFound,
    free_reformer,
    lock_week,
)
from scheduler.bookings.life import Booked, LiveWeek, load_life, load_live_week
from scheduler.bookings.policy import studio_policy
from scheduler.bookings.rules import what_breaks
from scheduler.clients.week import default_week, local_time, monday_of
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.core.names import room_label, week_names, weekday_time
from scheduler.core.words import refusals
from scheduler.store.weeks import load_stored_week, week_row
from solver.checker import Violation
from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    Allocation,
    ClassType,
    Client,
    PinnedAllocation,
    PinnedSession,
    Plan,
    Session,
    Week,
)


@dataclass(frozen=True)
class IntroTime:
    """A time the client can have their intro, in the studio's words and local time."""

    week_start: date
    minute: int
    start: datetime
    end: datetime
    class_type: str
    class_name: str
    venue: str
    venue_name: str
    room: str
    room_name: str
    instructor: str
    instructor_name: str
    session: str

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def value(self) -> str:
        """The start as the forms and the API give it back: local `YYYY-MM-DDTHH:MM`."""
        return self.start.strftime("%Y-%m-%dT%H:%M")

    @property
    def label(self) -> str:
        """ "Tue 10:00 1-2-1 Reformer at Hitchin with Jo"."""
        return (
            f"{weekday_time(self.minute)} {self.class_name} at {self.venue_name}"
            f" with {self.instructor_name}"
        )


@dataclass(frozen=True)
class IntroNeed:
    """A client who needs their intro this week: the one booked, if any."""

    week_start: date
    booked: IntroTime | None


def intro_need(*, session: DbSession, client_key: str, week_start: date) -> IntroNeed | None:
    """Whether the client still needs their intro in the published week, and the one booked.

    None when nothing is published, or the client needs no intro, or the plan gives
    them a one-to-one class already.
    """
    if week_row(session=session, week_start=week_start) is None:
        return None
    live = load_live_week(session=session, week_start=week_start)
    if live is None:
        return None
    week = live.now_week
    client = week.client_by_id.get(client_key)
    if client is None or not client.needs_intro:
        return None
    booked = _booked_intro(live, client_key)
    if booked is None and _planned_one_to_one(week, live.now_plan, client_key):
        return None
    return IntroNeed(live.row.week_start, booked and _intro_time(live, booked))


@dataclass(frozen=True)
class IntroOffer:
    """What the intro page shows: the intro booked, or the times free, in the week."""

    week_start: date
    booked: IntroTime | None
    times: tuple[IntroTime, ...] = ()

    @property
    def days(self) -> list[tuple[date, list[IntroTime]]]:
        """The times by day, each day with a time at all, in order."""
        by_day: dict[date, list[IntroTime]] = {}
        for t in self.times:
            by_day.setdefault(t.day, []).append(t)
        return list(by_day.items())


def intro_offer(
    *,
    session: DbSession,
    client_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
) -> IntroOffer:
    """The client's intro booked in the published week, or the times they can book it.

    The week is the one given, else the one a client most likely means (this week or
    the next published). Raises `BookingRefused` when the client needs no intro or
    the plan gives them one already, `ClassNotFound` when no such week is published.
    """
    now = now or utcnow()
    live = _published(session, week_start or default_week(session=session, today=now.date()))
    booked = _booked_intro(live, client_key)
    if booked is not None:
        return IntroOffer(live.row.week_start, _intro_time(live, booked))
    client = _client_needing_intro(live, client_key)
    return IntroOffer(live.row.week_start, None, tuple(_free_times(session, live, client, now)))


def booked_intros(*, session: DbSession, week_id: int) -> list[Booked]:
    """The week's intros booked by clients (active), each with its own session, oldest first."""
    life = load_life(session=session, week_id=week_id)
    return [b for b in life.booked if b.kind == "intro" and b.own_session is not None]


def intro_times(
    *,
    session: DbSession,
    client_key: str,
    week_start: date | None = None,
    now: datetime | None = None,
) -> list[IntroTime]:
    """The times the client can book their intro in the published week, earliest first.

    One time per start (the best instructor and room for it); empty when none fits.
    Raises `BookingRefused` when the client needs no intro or has one that week,
    `ClassNotFound` when no week is published.
    """
    offer = intro_offer(session=session, client_key=client_key, week_start=week_start, now=now)
    if offer.booked is not None:
        raise BookingRefused(
            f"You have your intro this week already: {offer.booked.label}.", "already"
        )
    return list(offer.times)


def _free_times(
    session: DbSession, live: LiveWeek, client: Client, now: datetime
) -> Iterator[IntroTime]:
    week, plan = live.now_week, live.now_plan
    earliest = _earliest_minute(session, live, now)
    for _, choices in sorted(_starts(week, plan, client, earliest).items()):
        chosen = next((s for s in choices if not _breaks(week, plan, client, s)), None)
        if chosen is not None:
            yield _intro_time(live, chosen)


def book_intro(
    *,
    session: DbSession,
    client_key: str,
    start: datetime,
    week_start: date | None = None,
    now: datetime | None = None,
) -> models.Booking:
    """Book the client's intro at `start` (local wall-clock time, or aware), in one commit.

    The week is the one `start` falls in unless `week_start` says. Re-checked under
    the week's lock with the checker; `BookingRefused` says what is in the way,
    `ClassNotFound` that no such week is published.
    """
    now = now or utcnow()
    try:
        row = _booking(session, client_key, start, week_start, now)
    except (BookingRefused, ClassNotFound):
        session.rollback()
        raise
    session.commit()
    return row


def intro_of_booking(*, session: DbSession, booking: models.Booking) -> IntroTime:
    """An intro booking in the studio's words and local time."""
    row = session.get(models.Week, booking.week_id)
    week = load_stored_week(session=session, week_start=row.week_start, with_clients=False)
    minutes = week.class_type_by_id[booking.class_type].minutes
    start = booking.start or 0
    room = booking.room or ""
    s = Session(
        booking.session,
        booking.class_type,
        week.rooms[room].venue,
        room,
        start,
        start + minutes,
        booking.instructor or "",
    )
    return _intro_time_in(row, week, s)


def _booking(
    session: DbSession,
    client_key: str,
    start: datetime,
    week_start: date | None,
    now: datetime,
) -> models.Booking:
    stored = week_row(session=session, week_start=week_start or monday_of(start.date()))
    if stored is None:
        raise ClassNotFound(f"no published week holds {start:%Y-%m-%d %H:%M}")
    lock_week(session, stored.id)
    live = _published(session, stored.week_start)
    client = _client_needing_intro(live, client_key)
    minute = _minute_of_week(live, start)
    when = weekday_time(minute) if minute is not None else f"{start:%-d %B %H:%M}"
    if minute is None:
        raise BookingRefused(f"{when} is not in the week of {live.row.week_start:%-d %B}.", "rules")
    if _local(live, minute) <= now:
        raise BookingRefused(f"{when} has passed: choose a later time.", "started")
    if minute < _earliest_minute(session, live, now):
        hours = studio_policy(session=session).cancel_cutoff_hours
        raise BookingRefused(
            f"An intro is booked at least {hours} hours ahead: {when} is too soon.", "too_soon"
        )
    week, plan = live.now_week, live.now_plan
    choices = _starts(week, plan, client, minute, only=minute).get(minute, [])
    if not choices:
        raise BookingRefused(
            f"No instructor who teaches intros is free at {when} at your venues and in your"
            " hours: choose another time.",
            "rules",
        )
    first_found: list[Violation] = []
    for s in choices:
        violations = _breaks(week, plan, client, s)
        if not violations:
            return _save(session, live, client, s, now)
        first_found = first_found or violations
    tried = replace(plan, sessions=(*plan.sessions, choices[0]))
    said = refusals(first_found, _with_intro(week, client, choices[0]), tried)
    why = said[0].text if said else str(first_found[0])
    raise BookingRefused(f"{when} cannot be booked: {why}", "rules")


def _save(
    session: DbSession, live: LiveWeek, client: Client, s: Session, now: datetime
) -> models.Booking:
    row = models.Booking(
        week_id=live.row.id,
        session=s.id,
        client=client.id,
        kind="intro",
        reformer=_reformer(live.week, client, s),
        class_type=s.class_type,
        room=s.room,
        start=s.start,
        instructor=s.instructor,
        created_at=now,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        what = week_names(live.week).session(s)
        raise BookingRefused(f"{what} was just booked: choose another time.", "taken") from None
    return row


# --- The week, the client and their intro -----------------------------------------------------


def _published(session: DbSession, week_start: date | None) -> LiveWeek:
    stored = week_row(session=session, week_start=week_start) if week_start else None
    live = load_live_week(session=session, week_start=week_start) if stored else None
    if live is None:
        raise ClassNotFound("no week is published yet")
    return live


def _client_needing_intro(live: LiveWeek, client_key: str) -> Client:
    """The client, if they can book an intro this week; else `BookingRefused` says why not."""
    week = live.now_week
    client = week.client_by_id.get(client_key)
    if client is None:
        raise BookingRefused(
            "Your place at the studio is paused, so nothing can be booked.", "rules"
        )
    if not client.needs_intro:
        raise BookingRefused(
            "You do not need an intro 1-2-1: your group classes can be booked as they are.",
            "not_needed",
        )
    booked = _booked_intro(live, client_key) or _planned_one_to_one(week, live.now_plan, client_key)
    if booked is not None:
        what = week_names(week).session(booked)
        raise BookingRefused(f"You have your intro this week already: {what}.", "already")
    return client


def _booked_intro(live: LiveWeek, client_key: str) -> Session | None:
    return next(
        (
            b.own_session
            for b in live.life.booked
            if b.client == client_key and b.kind == "intro" and b.own_session
        ),
        None,
    )


def _planned_one_to_one(week: Week, plan: Plan, client_key: str) -> Session | None:
    """The client's first one-to-one class in the plan, if any."""
    sessions = {s.id: s for s in plan.sessions}
    ones = [
        sessions[a.session]
        for a in plan.allocations
        if a.client == client_key
        and a.session in sessions
        and week.class_type_by_id[sessions[a.session].class_type].one_to_one
    ]
    return min(ones, key=lambda s: s.start, default=None)


def _intro_types(week: Week, client: Client) -> list[ClassType]:
    """The one-to-one class types of the client's wants that their level and clearance allow."""
    types = week.class_type_by_id
    wanted = [t for want in client.wants for t in want.class_types if t in types]
    return [
        types[t]
        for t in dict.fromkeys(wanted)
        if types[t].one_to_one
        and client.level in types[t].levels
        and (client.cleared or not types[t].requires_clearance)
    ]


def _earliest_minute(session: DbSession, live: LiveWeek, now: datetime) -> int:
    """The first minute of the week an intro can start: the studio's cut-off from now."""
    hours = studio_policy(session=session).cancel_cutoff_hours
    minute = _minute_of_week(live, now + timedelta(hours=hours), clamp=True)
    return minute if minute is not None else 0


def _minute_of_week(live: LiveWeek, moment: datetime, clamp: bool = False) -> int | None:
    """`moment` as a minute of the week on the studio's clock; None outside the week.

    With `clamp`, a moment before the week is its first minute and one after it its end.
    """
    zone = ZoneInfo(live.row.timezone)
    local = moment.astimezone(zone) if moment.tzinfo else moment
    wall = local.replace(tzinfo=None) - datetime.combine(live.row.week_start, time())
    minute = int(wall.total_seconds() // 60) + (1 if wall.total_seconds() % 60 else 0)
    if clamp:
        return min(max(minute, 0), 7 * MINUTES_PER_DAY)
    return minute if 0 <= minute < 7 * MINUTES_PER_DAY else None


# --- The times: cheap filters first, then the checker -----------------------------------------


def _starts(
    week: Week, plan: Plan, client: Client, earliest: int, only: int | None = None
) -> dict[int, list[Session]]:
    """The starts the cheap filters let through, each with its sessions best first.

    A start lies on the grid, from `earliest` on, wholly inside one of the
    instructor's windows listing the venue, the venue's opening and the client's
    hours, with the room, the instructor and the client not busy then.
    """
    starts: dict[int, dict[tuple[str, str, str], Session]] = {}
    busy = _busy(plan)
    for class_type in _intro_types(week, client):
        rooms = _rooms_for(week, class_type, client)
        for instructor in week.instructors:
            if class_type.id not in instructor.teaches:
                continue
            for window in instructor.availability:
                for venue in window.venues:
                    if venue not in client.venues or venue not in rooms:
                        continue
                    for start in _grid_starts(
                        week, client, window, venue, class_type.minutes, earliest, only
                    ):
                        end = start + class_type.minutes
                        if _clashes(busy.get(("instructor", instructor.id), ()), start, end):
                            continue
                        if _clashes(busy.get(("client", client.id), ()), start, end):
                            continue
                        for room in rooms[venue]:
                            if _clashes(busy.get(("room", room), ()), start, end):
                                continue
                            s = Session(
                                _session_id(start, room, client.id),
                                class_type.id,
                                venue,
                                room,
                                start,
                                end,
                                instructor.id,
                            )
                            starts.setdefault(start, {})[class_type.id, instructor.id, room] = s
    return {
        start: sorted(choices.values(), key=lambda s: _preference(week, plan, client, s))
        for start, choices in starts.items()
    }


def _grid_starts(
    week: Week,
    client: Client,
    window,
    venue: str,
    minutes: int,
    earliest: int,
    only: int | None,
) -> Iterator[int]:
    """The grid's starts of a class of `minutes` inside the window, the venue's opening
    and one of the client's windows."""
    grid = week.grid_minutes
    for opening in week.venue_by_id[venue].open:
        for hours in client.availability:
            low = max(window.start, opening.start, hours.start, earliest)
            high = min(window.end, opening.end, hours.end)
            first = -(-low // grid) * grid
            for start in range(first, high - minutes + 1, grid):
                if only is None or start == only:
                    yield start


def _rooms_for(week: Week, class_type: ClassType, client: Client) -> dict[str, list[str]]:
    """The rooms of each venue where the class type holds the client (a reformer fit for them)."""
    rooms: dict[str, list[str]] = {}
    for venue in week.venues:
        for room in venue.rooms:
            if week.capacity(class_type, room) < 1:
                continue
            if class_type.uses_reformers and not any(
                client.needs <= r.features for r in room.reformers_in_service
            ):
                continue
            rooms.setdefault(venue.id, []).append(room.id)
    return rooms


def _busy(plan: Plan) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """When each instructor, room and client is taken, by ("instructor", id) and so on."""
    busy: dict[tuple[str, str], list[tuple[int, int]]] = {}
    sessions = {s.id: s for s in plan.sessions}
    for s in plan.sessions:
        busy.setdefault(("instructor", s.instructor), []).append((s.start, s.end))
        busy.setdefault(("room", s.room), []).append((s.start, s.end))
    for a in plan.allocations:
        if (s := sessions.get(a.session)) is not None:
            busy.setdefault(("client", a.client), []).append((s.start, s.end))
    return busy


def _clashes(spans, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _preference(week: Week, plan: Plan, client: Client, s: Session) -> tuple:
    """Best first: the client's preferred instructor and venue, an instructor already
    teaching at that venue that day (no journey), then the week's order."""
    day = s.start // MINUTES_PER_DAY
    there = any(
        x.instructor == s.instructor and x.venue == s.venue and x.start // MINUTES_PER_DAY == day
        for x in plan.sessions
    )
    order = {i.id: n for n, i in enumerate(week.instructors)}
    return (
        s.instructor not in client.prefers_instructors,
        s.venue not in client.prefers_venues,
        not there,
        order.get(s.instructor, 0),
        s.room,
    )


def _session_id(start: int, room: str, client_key: str) -> str:
    """A readable id of the client's own intro: `intro-tue-1000-hitchin-studio-c0042`."""
    day, clock = divmod(start, MINUTES_PER_DAY)
    return f"intro-{DAYS[day]}-{clock // 60:02d}{clock % 60:02d}-{room}-{client_key}"


def _with_intro(week: Week, client: Client, s: Session) -> Week:
    """The week with the intro `s` pinned, as the booking would make it."""
    return replace(
        week,
        pinned_sessions=(
            *week.pinned_sessions,
            PinnedSession(s.id, s.class_type, s.room, s.start, s.instructor),
        ),
        pinned_allocations=(
            *week.pinned_allocations,
            PinnedAllocation(client.id, s.id, _reformer(week, client, s)),
        ),
    )


def _breaks(week: Week, plan: Plan, client: Client, s: Session) -> list[Violation]:
    """The hard rules the intro `s` would break, as the checker finds them."""
    adding = Allocation(client.id, s.id, _reformer(week, client, s))
    return what_breaks(_with_intro(week, client, s), plan, adding, new_session=s)


def _reformer(week: Week, client: Client, s: Session) -> str | None:
    if not week.class_type_by_id[s.class_type].uses_reformers:
        return None
    return free_reformer(week.rooms[s.room], (), client.needs)


def _local(live: LiveWeek, minute: int) -> datetime:
    return local_time(live.row.week_start, minute, live.row.timezone)


def _intro_time(live: LiveWeek, s: Session) -> IntroTime:
    return _intro_time_in(live.row, live.week, s)


def _intro_time_in(row: models.Week, week: Week, s: Session) -> IntroTime:
    names = week_names(week)
    return IntroTime(
        week_start=row.week_start,
        minute=s.start,
        start=local_time(row.week_start, s.start, row.timezone),
        end=local_time(row.week_start, s.end, row.timezone),
        class_type=s.class_type,
        class_name=names.class_type(s.class_type),
        venue=s.venue,
        venue_name=names.venue(s.venue),
        room=s.room,
        room_name=room_label(s.room, s.venue),
        instructor=s.instructor,
        instructor_name=names.instructor(s.instructor),
        session=s.id,
    )
