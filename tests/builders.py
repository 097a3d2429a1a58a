"""Builders that make a week, or a plan for it, in a few lines.

Every builder has readable defaults so a test states only what matters:
`week()` alone is a tiny valid week at one venue, Hitchin, open every day
07:00-21:00, with one studio (3 reformers, 10 mat spaces), the class types
"reformer", "mat" and "121-reformer", and one instructor, Jo, who teaches them
all at every venue of the week, all week. Times are written as the studio says
them (`at("tue", "09:30")`) and become minutes of the week."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from scheduler.formats.week import week_to_json
from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    Allocation,
    ClassType,
    Client,
    Instructor,
    InstructorWindow,
    PinnedAllocation,
    PinnedSession,
    Plan,
    Reformer,
    Room,
    Session,
    Venue,
    Want,
    Week,
    Window,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


ALL_WEEK = tuple((day, "07:00", "21:00") for day in DAYS)


LEVELS = ("beginner", "improver", "advanced")


DEFAULT_MINUTES = 50


def at(day: str, time: str) -> int:
    """`at("tue", "09:30")` -> the minute of the week (1440 + 570)."""
    hours, minutes = time.split(":")
    return DAYS.index(day) * MINUTES_PER_DAY + int(hours) * 60 + int(minutes)


def window(day: str, start: str, end: str) -> Window:
    """The window from `start` to `end` on `day`."""
    return Window(at(day, start), at(day, end))


def _windows(spans: Iterable[Sequence[str]]) -> tuple[Window, ...]:
    return tuple(window(day, start, end) for day, start, end in spans)


def reformer(id: str = "R1", features: Iterable[str] = (), in_service: bool = True) -> Reformer:
    """One reformer machine, e.g. `reformer("R2", features=["raised"])`."""
    return Reformer(id, frozenset(features), in_service)


def room(
    id: str = "hitchin-studio",
    reformers: int | Sequence[Reformer] = 3,
    mat_spaces: int = 10,
    venue: str = "hitchin",
) -> Room:
    """A room; `reformers=3` gives plain machines R1..R3 in service.

    The venue is set by `venue(...)` when the room is given to it.
    """
    if isinstance(reformers, int):
        reformers = [reformer(f"R{i}") for i in range(1, reformers + 1)]
    return Room(id, venue, mat_spaces, tuple(reformers))


def venue(
    id: str = "hitchin",
    open: Iterable[Sequence[str]] = ALL_WEEK,
    rooms: Sequence[Room] | None = None,
    name: str | None = None,
) -> Venue:
    """A venue with `open` windows as (day, from, to); by default one studio `<id>-studio`."""
    if rooms is None:
        rooms = [room(f"{id}-studio")]
    return Venue(
        id=id,
        name=name or id.title(),
        open=_windows(open),
        rooms=tuple(replace(r, venue=id) for r in rooms),
    )


def class_type(
    id: str = "reformer",
    equipment: str | None = None,
    minutes: int = DEFAULT_MINUTES,
    max_size: int | None = None,
    min_size: int = 1,
    levels: Sequence[str] = LEVELS,
    one_to_one: bool | None = None,
    requires_clearance: bool = False,
    name: str | None = None,
) -> ClassType:
    """A class type; equipment and one-to-one follow from the id unless given.

    An id with "mat" in it uses mats, otherwise reformers; an id starting "121"
    is one-to-one (max size 1); group classes hold 8.
    """
    if equipment is None:
        equipment = "mat" if "mat" in id else "reformer"
    if one_to_one is None:
        one_to_one = id.startswith("121")
    if max_size is None:
        max_size = 1 if one_to_one else 8
    return ClassType(
        id=id,
        name=name or id,
        equipment=equipment,
        minutes=minutes,
        max_size=max_size,
        min_size=min_size,
        levels=tuple(levels),
        one_to_one=one_to_one,
        requires_clearance=requires_clearance,
    )


def default_class_types() -> list[ClassType]:
    """A reformer group class, a mat class and a 1-2-1 reformer session."""
    return [class_type("reformer"), class_type("mat"), class_type("121-reformer")]


def instructor(
    id: str = "jo",
    teaches: Sequence[str] = ("reformer", "mat", "121-reformer"),
    availability: Iterable[Sequence] | None = None,
    venues: Sequence[str] = ("hitchin",),
    max_day_minutes: int = 600,
    max_week_minutes: int = 3000,
    name: str | None = None,
) -> Instructor:
    """An instructor; `availability` is (day, from, to[, venues]), venues defaulting to `venues`.

    Without `availability` they can teach all week, 07:00-21:00, at `venues`.
    """
    spans = ALL_WEEK if availability is None else availability
    windows = []
    for span in spans:
        day, start, end = span[:3]
        where = span[3] if len(span) > 3 else venues
        w = window(day, start, end)
        windows.append(InstructorWindow(w.start, w.end, tuple(where)))
    return Instructor(
        id=id,
        name=name or id.title(),
        teaches=tuple(teaches),
        max_week_minutes=max_week_minutes,
        max_day_minutes=max_day_minutes,
        availability=tuple(windows),
    )


def want(class_types: str | Sequence[str] = "reformer", per_week: int = 1) -> Want:
    """`want("reformer", 2)`: two places a week in a reformer class; a list for any of several."""
    if isinstance(class_types, str):
        class_types = [class_types]
    return Want(tuple(class_types), per_week)


def client(
    id: str = "c1",
    wants: Sequence[Want] | None = None,
    availability: Iterable[Sequence[str]] = ALL_WEEK,
    venues: Sequence[str] = ("hitchin",),
    level: str = "beginner",
    priority: int = 1,
    needs_intro: bool = False,
    cleared: bool = False,
    needs: Iterable[str] = (),
    max_per_day: int = 1,
    missed_weeks: int = 0,
    prefers_venues: Sequence[str] = (),
    prefers_instructors: Sequence[str] = (),
    name: str | None = None,
) -> Client:
    """A client; by default a beginner at Hitchin, free all week, wanting one reformer class."""
    return Client(
        id=id,
        name=name or id,
        level=level,
        priority=priority,
        needs_intro=needs_intro,
        cleared=cleared,
        needs=frozenset(needs),
        venues=tuple(venues),
        max_per_day=max_per_day,
        missed_weeks=missed_weeks,
        availability=_windows(availability),
        wants=tuple(wants if wants is not None else [want("reformer", 1)]),
        prefers_venues=tuple(prefers_venues),
        prefers_instructors=tuple(prefers_instructors),
    )


def session_id(class_type: str, day: str, start: str, room: str) -> str:
    """The readable id the builders give a session: `tue-0930-hitchin-studio-reformer`."""
    return f"{day}-{start.replace(':', '')}-{room}-{class_type}"


def pinned_session(
    class_type: str = "reformer",
    day: str = "mon",
    start: str = "09:30",
    room: str = "hitchin-studio",
    instructor: str = "jo",
    id: str | None = None,
) -> PinnedSession:
    """A session the week fixes in place."""
    return PinnedSession(
        id=id or session_id(class_type, day, start, room),
        class_type=class_type,
        room=room,
        start=at(day, start),
        instructor=instructor,
    )


def pinned_allocation(
    client: str = "c1", session: str | PinnedSession = "", reformer: str | None = None
) -> PinnedAllocation:
    """A client's place the week keeps, optionally on a given reformer."""
    if isinstance(session, PinnedSession):
        session = session.id
    return PinnedAllocation(client, session, reformer)


def week(
    venues: Sequence[Venue] | None = None,
    clients: Sequence[Client] = (),
    instructors: Sequence[Instructor] | None = None,
    class_types: Sequence[ClassType] | None = None,
    travel: dict[tuple[str, str], int] | None = None,
    pinned_sessions: Sequence[PinnedSession] = (),
    pinned_allocations: Sequence[PinnedAllocation] = (),
    only_pinned_sessions: bool = False,
    grid_minutes: int = 15,
    week_start: str = "2026-11-30",
) -> Week:
    """A week; `travel` maps venue pairs to minutes, e.g. `{("hitchin", "stevenage"): 20}`.

    Without `instructors`, Jo teaches every class type at every venue, all week.
    """
    venues = [venue()] if venues is None else list(venues)
    class_types = default_class_types() if class_types is None else list(class_types)
    if instructors is None:
        instructors = [
            instructor(teaches=[c.id for c in class_types], venues=[v.id for v in venues])
        ]
    return Week(
        week_start=week_start,
        grid_minutes=grid_minutes,
        venues=tuple(venues),
        travel_minutes={frozenset(pair): minutes for pair, minutes in (travel or {}).items()},
        class_types=tuple(class_types),
        instructors=tuple(instructors),
        clients=tuple(clients),
        pinned_sessions=tuple(pinned_sessions),
        pinned_allocations=tuple(pinned_allocations),
        only_pinned_sessions=only_pinned_sessions,
    )


def session(
    class_type: str = "reformer",
    day: str = "mon",
    start: str = "09:30",
    room: str = "hitchin-studio",
    venue: str = "hitchin",
    instructor: str = "jo",
    minutes: int | None = None,
    id: str | None = None,
) -> Session:
    """A session of a plan; it lasts as long as `class_type(class_type)` unless `minutes` says."""
    begins = at(day, start)
    length = class_type_minutes(class_type) if minutes is None else minutes
    return Session(
        id=id or session_id(class_type, day, start, room),
        class_type=class_type,
        venue=venue,
        room=room,
        start=begins,
        end=begins + length,
        instructor=instructor,
    )


def class_type_minutes(class_type_id: str) -> int:
    """How long a class type built with the defaults lasts."""
    return class_type(class_type_id).minutes


def session_of(pinned: PinnedSession, week: Week) -> Session:
    """The plan session that runs a pinned session exactly as given."""
    room_of = week.rooms[pinned.room]
    minutes = week.class_type_by_id[pinned.class_type].minutes
    return Session(
        id=pinned.id,
        class_type=pinned.class_type,
        venue=room_of.venue,
        room=pinned.room,
        start=pinned.start,
        end=pinned.start + minutes,
        instructor=pinned.instructor,
    )


def allocation(
    client: str = "c1", session: str | Session = "", reformer: str | None = None
) -> Allocation:
    """A client's place in a session (a `Session` or its id), on a reformer or none for mat."""
    if isinstance(session, Session):
        session = session.id
    return Allocation(client, session, reformer)


def plan(sessions: Sequence[Session] = (), allocations: Sequence[Allocation] = ()) -> Plan:
    """A plan with these sessions and allocations (objective left for the checker to measure)."""
    return Plan(sessions=tuple(sessions), allocations=tuple(allocations))


def oversubscribed_week() -> Week:
    """Hitchin with two reformers and four pinned classes; eight clients want more than fits."""
    times = [("mon", "09:30"), ("mon", "18:00"), ("wed", "09:30"), ("wed", "18:00")]
    return week(
        venues=[venue(rooms=[room("hitchin-studio", reformers=[reformer("R1"), reformer("R2")])])],
        clients=[client(f"c{i}", wants=[want("reformer", 2)]) for i in range(8)],
        pinned_sessions=[pinned_session("reformer", day, start) for day, start in times],
        only_pinned_sessions=True,
    )


def full_room_week() -> Week:
    """Hitchin's studio (2 reformers) is full in the one hour its five clients (priority 2)
    and Jo share; Stevenage (6 reformers) has room to spare for its three. One more
    reformer at Hitchin is what would help."""
    monday_hour = [("mon", "09:00", "10:00")]
    return week(
        venues=[
            venue("hitchin", rooms=[room("hitchin-studio", reformers=2, mat_spaces=4)]),
            venue("stevenage", rooms=[room("stevenage-studio", reformers=6, mat_spaces=0)]),
        ],
        instructors=[
            instructor(
                availability=[
                    ("mon", "09:00", "10:00", ["hitchin"]),
                    ("tue", "09:00", "10:00", ["stevenage"]),
                ]
            )
        ],
        clients=[
            *(client(f"h{i}", availability=monday_hour, priority=2) for i in range(5)),
            *(
                client(f"s{i}", venues=["stevenage"], availability=[("tue", "09:00", "10:00")])
                for i in range(3)
            ),
        ],
    )


def shared_dir() -> Path:
    """The project's shared folder (spec and example weeks), beside the repository.

    Raises (so a test fails, never skips) when it is missing: the round-trip and
    spec tests are part of what "done" means.
    """
    shared = REPO_ROOT.parent / "shared"
    if not (shared / "SPEC.md").is_file() or not (shared / "examples").is_dir():
        raise FileNotFoundError(
            f"the shared spec and examples are expected in {shared} (beside the repository)"
        )
    return shared


def example_files() -> list[Path]:
    """Every example week in `shared/examples`, smallest first."""
    files = sorted((shared_dir() / "examples").glob("*.json"), key=lambda p: p.stat().st_size)
    if not files:
        raise FileNotFoundError(f"no example weeks in {shared_dir() / 'examples'}")
    return files


def example_week(name: str) -> Week:
    """The example week `name` (without `.json`), read as the solver's `Week`."""
    from scheduler.formats.week import read_week_file

    return read_week_file(next(p for p in example_files() if p.stem == name))


def example_names() -> list:
    """Every example week's file name as a test parameter; the franchise weeks are slow to read."""
    return [
        pytest.param(p.name, marks=pytest.mark.slow) if p.stat().st_size > 1_000_000 else p.name
        for p in example_files()
    ]


def base_week_document() -> dict:
    """A small valid `reformer-week/1` document with something in every section.

    Two venues with travel between them, a raised and an out-of-service reformer,
    a back-care class needing clearance, two instructors, an intro client, and a
    pinned session with a pinned place: the starting point for broken weeks.
    """
    back_care = class_type("back-care", equipment="mat", requires_clearance=True)
    studio = room(
        "hitchin-studio",
        reformers=[reformer("R1"), reformer("R2", ["raised"]), reformer("R3", in_service=False)],
    )
    pinned = pinned_session("reformer", "tue", "09:30", "hitchin-studio", "jo")
    return week_to_json(
        week(
            venues=[
                venue("hitchin", rooms=[studio, room("hitchin-hall", reformers=0)]),
                venue("stevenage", open=[("mon", "06:30", "21:30"), ("sat", "08:00", "12:00")]),
            ],
            travel={("hitchin", "stevenage"): 20},
            class_types=[*default_class_types(), back_care],
            instructors=[
                instructor("jo", venues=["hitchin", "stevenage"]),
                instructor(
                    "ann", teaches=["mat", "back-care"], availability=[("wed", "09:00", "13:00")]
                ),
            ],
            clients=[
                client(
                    "c1",
                    wants=[want("reformer", 2), want("mat", 1)],
                    needs=["raised"],
                    venues=["hitchin", "stevenage"],
                    prefers_venues=["hitchin"],
                ),
                client(
                    "c2",
                    wants=[want(["reformer", "mat"], 1)],
                    priority=3,
                    availability=[("mon", "17:30", "21:00"), ("sat", "08:00", "12:00")],
                    prefers_instructors=["jo"],
                ),
                client(
                    "c3", needs_intro=True, wants=[want("121-reformer", 1), want("reformer", 1)]
                ),
                client("c4", wants=[want("back-care", 1)], cleared=True, venues=["hitchin"]),
            ],
            pinned_sessions=[pinned],
            pinned_allocations=[pinned_allocation("c1", pinned, "R2")],
        )
    )


BAD_TIMES = ("25:00", "9:30", "09:60", "24:15", "noon", "0930", "")
