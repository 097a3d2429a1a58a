"""The kinds of change a scenario makes, each a pure function `Week -> Week`.

Built with `dataclasses.replace` on a copy, so the live week is never touched;
`apply_changes` runs a scenario's changes in order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from scheduler.formats.times import parse_time
from scheduler.scenarios.document import ScenarioChange
from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    Client,
    Instructor,
    InstructorWindow,
    Reformer,
    Room,
    Venue,
    Week,
    Window,
)


def _replace_room(week: Week, room_id: str, change: Callable[[Room], Room]) -> Week:
    venues = tuple(
        replace(v, rooms=tuple(change(r) if r.id == room_id else r for r in v.rooms))
        for v in week.venues
    )
    return replace(week, venues=venues)


def add_reformers(
    week: Week,
    room: str,
    count: int,
    features: list[str] | None = None,
    ids: list[str] | None = None,
) -> Week:
    """`count` more reformers in `room`, each with `features`; ids `<room>-new1`... unless given."""
    taken = {x.id for r in week.rooms.values() for x in r.reformers}
    if ids is None:
        ids, n = [], 0
        while len(ids) < count:
            n += 1
            if f"{room}-new{n}" not in taken:
                ids.append(f"{room}-new{n}")
    new = tuple(Reformer(rid, frozenset(features or ())) for rid in ids)
    return _replace_room(week, room, lambda r: replace(r, reformers=r.reformers + new))


def remove_reformers(
    week: Week, room: str, count: int | None = None, ids: list[str] | None = None
) -> Week:
    """Take reformers out of `room`: those named, or the last `count` of its list.

    A pinned place on a removed reformer stays pinned to its session but loses its machine.
    """
    reformers = week.rooms[room].reformers
    gone = set(ids) if ids is not None else {x.id for x in reformers[len(reformers) - count :]}
    week = _replace_room(
        week,
        room,
        lambda r: replace(r, reformers=tuple(x for x in r.reformers if x.id not in gone)),
    )
    pins = tuple(
        replace(a, reformer=None) if a.reformer in gone else a for a in week.pinned_allocations
    )
    return replace(week, pinned_allocations=pins)


def mat_spaces(week: Week, room: str, mat_spaces: int) -> Week:
    """The room holds `mat_spaces` mats."""
    return _replace_room(week, room, lambda r: replace(r, mat_spaces=mat_spaces))


def close_venue(week: Week, venue: str) -> Week:
    """The venue closes all week: no opening hours, and its pinned sessions are dropped."""
    return _drop_pins_outside_hours(_replace_venue_open(week, venue, lambda v: ()))


def open_venue(week: Week, venue: str, open: list[dict]) -> Week:
    """The venue's opening hours become `open` (a list of `{"day", "from", "to"}`)."""
    windows = tuple(_window(w) for w in open)
    return _drop_pins_outside_hours(_replace_venue_open(week, venue, lambda v: windows))


def close_day(week: Week, day: str, venue: str | None = None) -> Week:
    """Nothing runs on `day` at `venue` (or at any venue); pinned sessions there are dropped."""
    index = DAYS.index(day)

    def keep(v: Venue) -> tuple[Window, ...]:
        return tuple(w for w in v.open if w.day != index)

    return _drop_pins_outside_hours(_replace_venue_open(week, venue, keep))


def open_day(week: Week, day: str, from_: str, to: str, venue: str | None = None) -> Week:
    """On `day` `venue` (or every venue) opens from `from_` to `to`, replacing that day's hours."""
    index = DAYS.index(day)
    window = _window({"day": day, "from": from_, "to": to})

    def hours(v: Venue) -> tuple[Window, ...]:
        return tuple(w for w in v.open if w.day != index) + (window,)

    return _drop_pins_outside_hours(_replace_venue_open(week, venue, hours))


def add_instructor(week: Week, instructor: dict) -> Week:
    """A new instructor: availability, class types and caps written as in `reformer-week/1`."""
    new = Instructor(
        id=instructor["id"],
        name=instructor.get("name", instructor["id"]),
        teaches=tuple(instructor["teaches"]),
        max_week_minutes=instructor["max_week_minutes"],
        max_day_minutes=instructor["max_day_minutes"],
        availability=tuple(_instructor_window(w) for w in instructor.get("availability", [])),
    )
    return replace(week, instructors=week.instructors + (new,))


def change_instructor(
    week: Week,
    instructor: str,
    availability: list[dict] | None = None,
    max_week_minutes: int | None = None,
    max_day_minutes: int | None = None,
    teaches: list[str] | None = None,
) -> Week:
    """An instructor's hours, caps or class types change; what is not given stays."""

    def changed(i: Instructor) -> Instructor:
        if i.id != instructor:
            return i
        return replace(
            i,
            availability=i.availability
            if availability is None
            else tuple(_instructor_window(w) for w in availability),
            max_week_minutes=i.max_week_minutes if max_week_minutes is None else max_week_minutes,
            max_day_minutes=i.max_day_minutes if max_day_minutes is None else max_day_minutes,
            teaches=i.teaches if teaches is None else tuple(teaches),
        )

    week = replace(week, instructors=tuple(changed(i) for i in week.instructors))
    return _drop_pins_outside_hours(week)


def class_type(
    week: Week,
    class_type: str,
    max_size: int | None = None,
    min_size: int | None = None,
    minutes: int | None = None,
) -> Week:
    """A class type's size limits or length change; what is not given stays."""
    types = tuple(
        replace(
            c,
            max_size=c.max_size if max_size is None else max_size,
            min_size=c.min_size if min_size is None else min_size,
            minutes=c.minutes if minutes is None else minutes,
        )
        if c.id == class_type
        else c
        for c in week.class_types
    )
    return _drop_pins_outside_hours(replace(week, class_types=types))


def demand(week: Week, percent: float, seed: int = 0) -> Week:
    """Grow or shrink the client list by `percent`, reproducibly for a given `seed`.

    Growth draws new clients like today's: each copies the profile (level, venues,
    hours, wants, needs, preferences) of an existing client chosen at random, under a
    new id `new-0001`... Shrinking removes clients at random, with their pinned places.
    """
    rng = random.Random(seed)
    clients = list(week.clients)
    change = round(len(clients) * percent / 100)
    if change >= 0:
        taken = {c.id for c in clients}
        new: list[Client] = []
        n = 0
        for model in rng.choices(clients, k=change) if clients else []:
            n += 1
            while f"new-{n:04d}" in taken:
                n += 1
            new.append(
                replace(model, id=f"new-{n:04d}", name=f"New client {n}", email=None, phone=None)
            )
        return replace(week, clients=tuple(clients + new))
    gone = {c.id for c in rng.sample(clients, -change)}
    return replace(
        week,
        clients=tuple(c for c in clients if c.id not in gone),
        pinned_allocations=tuple(a for a in week.pinned_allocations if a.client not in gone),
    )


def grid(week: Week, minutes: int) -> Week:
    """Classes may start every `minutes` minutes."""
    return replace(week, grid_minutes=minutes)


CHANGES: dict[str, Callable[..., Week]] = {
    "add_reformers": add_reformers,
    "remove_reformers": remove_reformers,
    "mat_spaces": mat_spaces,
    "close_venue": close_venue,
    "open_venue": open_venue,
    "close_day": close_day,
    "open_day": open_day,
    "add_instructor": add_instructor,
    "change_instructor": change_instructor,
    "class_type": class_type,
    "demand": demand,
    "grid": grid,
}


def apply_change(week: Week, change: ScenarioChange) -> Week:
    """The week after one change."""
    fields = {("from_" if k == "from" else k): v for k, v in change.fields.items()}
    return CHANGES[change.kind](week, **fields)


def apply_changes(week: Week, changes: tuple[ScenarioChange, ...] | list[ScenarioChange]) -> Week:
    """The week after every change, in order."""
    for change in changes:
        week = apply_change(week, change)
    return week


def _window(w: dict) -> Window:
    base = DAYS.index(w["day"]) * MINUTES_PER_DAY
    return Window(base + parse_time(w["from"]), base + parse_time(w["to"]))


def _instructor_window(w: dict) -> InstructorWindow:
    window = _window(w)
    return InstructorWindow(window.start, window.end, tuple(w.get("venues", [])))


def _replace_venue_open(
    week: Week, venue: str | None, hours: Callable[[Venue], tuple[Window, ...]]
) -> Week:
    venues = tuple(
        replace(v, open=hours(v)) if venue is None or v.id == venue else v for v in week.venues
    )
    return replace(week, venues=venues)


def _drop_pins_outside_hours(week: Week) -> Week:
    """Drop pinned sessions a change made impossible to run as given, and their pinned places.

    A pinned session must lie inside its venue's hours and its instructor's
    availability at that venue, and its instructor must still teach its class type.
    """
    rooms = week.rooms
    venues = week.venue_by_id
    types = week.class_type_by_id
    instructors = week.instructor_by_id
    kept = []
    for p in week.pinned_sessions:
        room = rooms[p.room]
        end = p.start + types[p.class_type].minutes
        teacher = instructors[p.instructor]
        if (
            any(w.contains(p.start, end) for w in venues[room.venue].open)
            and p.class_type in teacher.teaches
            and any(
                w.contains(p.start, end) and room.venue in w.venues for w in teacher.availability
            )
        ):
            kept.append(p)
    if len(kept) == len(week.pinned_sessions):
        return week
    ids = {p.id for p in kept}
    return replace(
        week,
        pinned_sessions=tuple(kept),
        pinned_allocations=tuple(a for a in week.pinned_allocations if a.session in ids),
    )
