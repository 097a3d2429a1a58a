"""The week format, `reformer-week/1`, in and out.

`WeekDocument` and the models under it define the format: its JSON Schema
(`reformer schema week`) and its validation come from them. `parse_week`
validates the whole document first and raises `WeekError` listing every problem
with its JSON path (`$.clients[3].venues[1]: unknown venue 'atlantis'`); only a
clean document becomes the solver's `Week`.

Ids are checked in two steps: `_catalogue` reads every id the document defines
(reporting duplicates), and the validation, given it as context, refuses every
reference to an id not in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from scheduler.formats import bounds
from scheduler.formats.times import day_and_time, format_time, parse_time
from scheduler.formats.validation import (
    Day,
    Document,
    Monday,
    Time,
    TimeZone,
    WeekError,
    error_line,
    fail,
    optional,
    read_json_file,
)
from solver import domain
from solver.domain import DAYS, MINUTES_PER_DAY, Client, Week, Window

__all__ = [
    "WEEK_FORMAT",
    "WeekDocument",
    "WeekError",
    "normalise_week_json",
    "parse_week",
    "read_week_file",
    "week_to_json",
]

WEEK_FORMAT = "reformer-week/1"

EQUIPMENT = ("reformer", "mat")


@dataclass
class Catalogue:
    """Every id a week document defines: what its references are checked against."""

    venues: set[str] = field(default_factory=set)
    rooms: dict[str, frozenset[str]] = field(default_factory=dict)  # room -> its reformers
    class_types: dict[str, bool] = field(default_factory=dict)  # class type -> one-to-one
    instructors: set[str] = field(default_factory=set)
    clients: set[str] = field(default_factory=set)
    sessions: dict[str, str] = field(default_factory=dict)  # pinned session -> its room
    levels: set[str] = field(default_factory=set)  # every level a class type lists


def _reference(kind: str, what: str) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        known = getattr(info.context, kind, None)
        if known is not None and value not in known:
            raise PydanticCustomError(
                "unknown_id", "unknown {what} '{value}'", {"what": what, "value": value}
            )
        return value

    return AfterValidator(check)


def bounded(low: int, high: int, **field: Any) -> Any:
    """An integer field from `low` to `high`, both allowed."""
    return Field(ge=low, le=high, **field)


def listing(most: int, **field: Any) -> Any:
    """A list field of at most `most` items."""
    return Field(max_length=most, **field)


Id = Annotated[str, Field(min_length=1, max_length=bounds.ID_LENGTH)]
Name = Annotated[str, Field(max_length=bounds.NAME_LENGTH)]
Word = Annotated[str, Field(min_length=1, max_length=bounds.ID_LENGTH)]  # a feature or a level
VenueRef = Annotated[Id, Field(description="A venue's id."), _reference("venues", "venue")]
RoomRef = Annotated[Id, Field(description="A room's id."), _reference("rooms", "room")]
ClassTypeRef = Annotated[
    Id, Field(description="A class type's id."), _reference("class_types", "class type")
]
InstructorRef = Annotated[
    Id, Field(description="An instructor's id."), _reference("instructors", "instructor")
]
ClientRef = Annotated[Id, Field(description="A client's id."), _reference("clients", "client")]
SessionRef = Annotated[
    Id, Field(description="A pinned session's id."), _reference("sessions", "pinned session")
]
LevelRef = Annotated[
    Word, Field(description="A level some class type lists."), _reference("levels", "level")
]


class WindowDocument(Document):
    """A stretch of one day, from `from` (inclusive) to `to` (exclusive)."""

    day: Day
    from_: Time = Field(alias="from")
    to: Time

    @field_validator("to")
    @classmethod
    def _ends_after_it_starts(cls, to: str, info: ValidationInfo) -> str:
        start = info.data.get("from_")
        if start is not None and parse_time(to) <= parse_time(start):
            raise PydanticCustomError(
                "window",
                "window ends at {to}, not after it starts at {start}",
                {"to": to, "start": start},
            )
        return to


class InstructorWindowDocument(WindowDocument):
    """A stretch of a day an instructor can teach, at the venues listed."""

    venues: list[VenueRef] = listing(bounds.VENUES)


class ReformerDocument(Document):
    """One reformer machine."""

    id: Id
    features: list[Word] = listing(bounds.ITEMS, default=[])
    in_service: bool = True


class RoomDocument(Document):
    """A room of a venue; room ids are unique across all venues."""

    id: Id
    mat_spaces: int = bounded(*bounds.MAT_SPACES, default=0)
    reformers: list[ReformerDocument] = listing(bounds.REFORMERS_PER_ROOM, default=[])


class VenueDocument(Document):
    """A venue, its opening hours and its rooms."""

    id: Id
    name: Name = optional(description="Defaults to the id.")
    open: list[WindowDocument] = listing(bounds.WINDOWS, default=[])
    rooms: list[RoomDocument] = listing(bounds.ROOMS_PER_VENUE, default=[])


class TravelDocument(Document):
    """How long an instructor takes between two venues (either way)."""

    between: list[VenueRef] = Field(min_length=2, max_length=2)
    minutes: int = bounded(*bounds.TRAVEL_MINUTES)

    @model_validator(mode="after")
    def _two_venues(self) -> TravelDocument:
        if self.between[0] == self.between[1]:
            fail((("between",), f"names venue '{self.between[0]}' twice", self.between))
        return self


class ClassTypeDocument(Document):
    """A kind of class: its equipment, length, sizes and levels."""

    id: Id
    name: Name = optional(description="Defaults to the id.")
    equipment: Literal[EQUIPMENT]
    minutes: int = bounded(*bounds.CLASS_MINUTES)
    max_size: int = bounded(*bounds.CLASS_SIZE)
    min_size: int = bounded(0, bounds.CLASS_SIZE[1], default=0, description="At most max_size.")
    levels: list[Word] = listing(bounds.ITEMS, min_length=1)
    one_to_one: bool = False
    requires_clearance: bool = False

    @model_validator(mode="after")
    def _sizes_fit(self) -> ClassTypeDocument:
        if self.one_to_one and self.max_size != 1:
            message = f"a one-to-one class type has max_size 1, not {self.max_size}"
            fail((("max_size",), message, self.max_size))
        if self.min_size > self.max_size:
            message = f"must be at most max_size {self.max_size}, not {self.min_size}"
            fail((("min_size",), message, self.min_size))
        return self


class InstructorDocument(Document):
    """An instructor: what they teach, how much, and when and where."""

    id: Id
    name: Name = optional(description="Defaults to the id.")
    teaches: list[ClassTypeRef] = listing(bounds.CLASS_TYPES)
    max_week_minutes: int = bounded(*bounds.WEEK_MINUTES)
    max_day_minutes: int = bounded(*bounds.DAY_MINUTES)
    availability: list[InstructorWindowDocument] = listing(bounds.WINDOWS, default=[])


class WantDocument(Document):
    """A client's wish for `per_week` places in any of `class_types`."""

    class_types: list[ClassTypeRef] = listing(bounds.CLASS_TYPES, min_length=1)
    per_week: int = bounded(*bounds.PER_WEEK)


class PrefersDocument(Document):
    """Venues and instructors a client would rather have."""

    venues: list[VenueRef] = listing(bounds.VENUES, default=[])
    instructors: list[InstructorRef] = listing(bounds.INSTRUCTORS, default=[])


class ClientDocument(Document):
    """A client: who they are, where and when they can come, and what they want."""

    id: Id
    name: Name = optional(description="Defaults to the id.")
    level: LevelRef
    priority: int = bounded(*bounds.PRIORITY, default=1)
    needs_intro: bool = False
    cleared: bool = False
    needs: list[Word] = listing(bounds.ITEMS, default=[])
    venues: list[VenueRef] = listing(bounds.VENUES)
    max_per_day: int = bounded(*bounds.MAX_PER_DAY, default=1)
    missed_weeks: int = bounded(
        *bounds.MISSED_WEEKS,
        default=0,
        description="Of the last few weeks, how many the client went without a want met.",
    )
    availability: list[WindowDocument] = listing(bounds.WINDOWS, default=[])
    wants: list[WantDocument] = listing(bounds.ITEMS)
    prefers: PrefersDocument = PrefersDocument()
    email: str | None = Field(
        None, max_length=bounds.EMAIL_LENGTH, pattern=bounds.EMAIL_PATTERN, description="One line."
    )
    phone: str | None = Field(None, max_length=bounds.PHONE_LENGTH, pattern=bounds.PHONE_PATTERN)

    @model_validator(mode="after")
    def _wants_are_disjoint_and_intro_is_wanted(self, info: ValidationInfo) -> ClientDocument:
        errors = []
        wanted: dict[str, int] = {}
        for k, want in enumerate(self.wants):
            for t in want.class_types:
                if t in wanted:
                    message = f"class type '{t}' is also wanted at wants[{wanted[t]}]"
                    errors.append((("wants", k, "class_types"), message, want.class_types))
                wanted[t] = k
        one_to_one = getattr(info.context, "class_types", None)
        if self.needs_intro and one_to_one is not None and not any(map(one_to_one.get, wanted)):
            message = "a client who needs an intro must want a one-to-one class type"
            errors.append((("wants",), message, self.wants))
        if errors:
            fail(*errors)
        return self


class PinnedSessionDocument(Document):
    """A session that must run as given."""

    id: Id
    class_type: ClassTypeRef
    room: RoomRef
    day: Day
    start: Time
    instructor: InstructorRef


class PinnedAllocationDocument(Document):
    """A place that must be kept: a client in a pinned session, on a reformer if given."""

    client: ClientRef
    session: SessionRef
    reformer: Id | None = None

    @field_validator("reformer")
    @classmethod
    def _reformer_of_the_room(cls, reformer: str | None, info: ValidationInfo) -> str | None:
        known = info.context
        room = getattr(known, "sessions", {}).get(info.data.get("session"))
        reformers = getattr(known, "rooms", {}).get(room)
        if reformer is not None and reformers is not None and reformer not in reformers:
            raise PydanticCustomError(
                "unknown_id",
                "unknown reformer '{reformer}' in room '{room}'",
                {"reformer": reformer, "room": room},
            )
        return reformer


class WeekDocument(Document):
    """A week's problem (`reformer-week/1`): venues, class types, instructors, clients, pins."""

    format: Literal[WEEK_FORMAT]
    week_start: Monday
    timezone: TimeZone = "Europe/London"
    grid_minutes: int = bounded(*bounds.GRID_MINUTES, default=15)
    venues: list[VenueDocument] = listing(bounds.VENUES)
    travel_minutes: list[TravelDocument] = listing(bounds.VENUES**2, default=[])
    class_types: list[ClassTypeDocument] = listing(bounds.CLASS_TYPES)
    instructors: list[InstructorDocument] = listing(bounds.INSTRUCTORS)
    clients: list[ClientDocument] = listing(bounds.CLIENTS)
    pinned_sessions: list[PinnedSessionDocument] = listing(bounds.PINNED_SESSIONS, default=[])
    pinned_allocations: list[PinnedAllocationDocument] = listing(
        bounds.PINNED_ALLOCATIONS, default=[]
    )
    only_pinned_sessions: bool = False

    @field_validator("travel_minutes")
    @classmethod
    def _each_pair_once(cls, travel: list[TravelDocument]) -> list[TravelDocument]:
        seen: set[frozenset[str]] = set()
        errors = []
        for i, item in enumerate(travel):
            pair = frozenset(item.between)
            if pair in seen:
                a, b = item.between
                errors.append(((i, "between"), f"travel between '{a}' and '{b}' given twice", a))
            seen.add(pair)
        if errors:
            fail(*errors)
        return travel

    @field_validator("pinned_allocations")
    @classmethod
    def _each_place_once(
        cls, pins: list[PinnedAllocationDocument]
    ) -> list[PinnedAllocationDocument]:
        seen: dict[tuple[str, str], int] = {}
        errors = []
        for i, pin in enumerate(pins):
            key = (pin.client, pin.session)
            if key in seen:
                first = f"$.pinned_allocations[{seen[key]}]"
                message = f"client '{pin.client}' pinned to '{pin.session}' twice"
                message += f" (first at {first})"
                errors.append(((i,), message, pin.client))
            seen.setdefault(key, i)
        if errors:
            fail(*errors)
        return pins


def _objects(obj: Any, key: str, path: str) -> list[tuple[str, dict]]:
    """The objects in the list `obj[key]`, with their paths; nothing where that is not a list."""
    items = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(items, list):
        return []
    return [(f"{path}.{key}[{i}]", x) for i, x in enumerate(items) if isinstance(x, dict)]


def _catalogue(data: dict) -> tuple[Catalogue, list[str]]:
    """Every id the document defines, and an error for each one defined twice."""
    errors: list[str] = []

    def ids(items: list[tuple[str, dict]], what: str, seen: dict[str, str] | None = None):
        seen = {} if seen is None else seen
        for path, item in items:
            value = item.get("id")
            if not isinstance(value, str):
                continue
            if value in seen:
                errors.append(f"{path}.id: duplicate {what} id '{value}' (first at {seen[value]})")
            else:
                seen[value] = path
                yield path, item, value

    known = Catalogue()
    rooms_seen: dict[str, str] = {}
    for path, venue, venue_id in ids(_objects(data, "venues", "$"), "venue"):
        known.venues.add(venue_id)
        for room_path, room, room_id in ids(_objects(venue, "rooms", path), "room", rooms_seen):
            reformers = ids(_objects(room, "reformers", room_path), "reformer")
            known.rooms[room_id] = frozenset(reformer_id for _, _, reformer_id in reformers)
    for _, item, type_id in ids(_objects(data, "class_types", "$"), "class type"):
        known.class_types[type_id] = item.get("one_to_one") is True
        levels = item.get("levels")
        if isinstance(levels, list):
            known.levels.update(x for x in levels if isinstance(x, str))
    for _, _, instructor_id in ids(_objects(data, "instructors", "$"), "instructor"):
        known.instructors.add(instructor_id)
    for _, _, client_id in ids(_objects(data, "clients", "$"), "client"):
        known.clients.add(client_id)
    for _, item, session_id in ids(_objects(data, "pinned_sessions", "$"), "session"):
        known.sessions[session_id] = item.get("room")
    return known, errors


def read_week_file(path: str | Path) -> Week:
    """Read and validate a `reformer-week/1` file."""
    return parse_week(read_json_file(path, WeekError))


def parse_week(data: Any) -> Week:
    """Validate a `reformer-week/1` document; raises `WeekError` listing every problem."""
    known, errors = _catalogue(data) if isinstance(data, dict) else (Catalogue(), [])
    try:
        document = WeekDocument.model_validate(data, context=known)
    except ValidationError as exc:
        raise WeekError([error_line(e) for e in exc.errors()] + errors) from None
    if errors:
        raise WeekError(errors)
    return _week(document)


def _window(w: WindowDocument) -> Window:
    base = DAYS.index(w.day) * MINUTES_PER_DAY
    return Window(base + parse_time(w.from_), base + parse_time(w.to))


def _week(doc: WeekDocument) -> Week:
    """The solver's `Week` of a valid document."""
    return Week(
        week_start=doc.week_start,
        timezone=doc.timezone,
        grid_minutes=doc.grid_minutes,
        venues=tuple(
            domain.Venue(
                v.id,
                v.name or v.id,
                tuple(_window(w) for w in v.open),
                tuple(
                    domain.Room(
                        room.id,
                        v.id,
                        room.mat_spaces,
                        tuple(
                            domain.Reformer(x.id, frozenset(x.features), x.in_service)
                            for x in room.reformers
                        ),
                    )
                    for room in v.rooms
                ),
            )
            for v in doc.venues
        ),
        travel_minutes={frozenset(t.between): t.minutes for t in doc.travel_minutes},
        class_types=tuple(
            domain.ClassType(
                id=c.id,
                name=c.name or c.id,
                equipment=c.equipment,
                minutes=c.minutes,
                max_size=c.max_size,
                min_size=c.min_size,
                levels=tuple(c.levels),
                one_to_one=c.one_to_one,
                requires_clearance=c.requires_clearance,
            )
            for c in doc.class_types
        ),
        instructors=tuple(_instructor(i) for i in doc.instructors),
        clients=tuple(_client(c) for c in doc.clients),
        pinned_sessions=tuple(
            domain.PinnedSession(
                p.id,
                p.class_type,
                p.room,
                DAYS.index(p.day) * MINUTES_PER_DAY + parse_time(p.start),
                p.instructor,
            )
            for p in doc.pinned_sessions
        ),
        pinned_allocations=tuple(
            domain.PinnedAllocation(a.client, a.session, a.reformer) for a in doc.pinned_allocations
        ),
        only_pinned_sessions=doc.only_pinned_sessions,
    )


def _instructor(i: InstructorDocument) -> domain.Instructor:
    return domain.Instructor(
        id=i.id,
        name=i.name or i.id,
        teaches=tuple(i.teaches),
        max_week_minutes=i.max_week_minutes,
        max_day_minutes=i.max_day_minutes,
        availability=tuple(
            domain.InstructorWindow(_window(w).start, _window(w).end, tuple(w.venues))
            for w in i.availability
        ),
    )


def _client(c: ClientDocument) -> Client:
    return Client(
        id=c.id,
        name=c.name or c.id,
        level=c.level,
        priority=c.priority,
        needs_intro=c.needs_intro,
        cleared=c.cleared,
        needs=frozenset(c.needs),
        venues=tuple(c.venues),
        max_per_day=c.max_per_day,
        missed_weeks=c.missed_weeks,
        availability=tuple(_window(w) for w in c.availability),
        wants=tuple(domain.Want(tuple(w.class_types), w.per_week) for w in c.wants),
        prefers_venues=tuple(c.prefers.venues),
        prefers_instructors=tuple(c.prefers.instructors),
        email=c.email,
        phone=c.phone,
    )


def _window_json(window: Window) -> dict:
    day = window.start // MINUTES_PER_DAY
    base = day * MINUTES_PER_DAY
    return {
        "day": DAYS[day],
        "from": format_time(window.start - base),
        "to": format_time(window.end - base),
    }


def week_to_json(week: Week) -> dict:
    """A `Week` as a `reformer-week/1` document, every default written out."""
    return {
        "format": WEEK_FORMAT,
        "week_start": week.week_start,
        "timezone": week.timezone,
        "grid_minutes": week.grid_minutes,
        "venues": [
            {
                "id": v.id,
                "name": v.name,
                "open": [_window_json(w) for w in v.open],
                "rooms": [
                    {
                        "id": room.id,
                        "mat_spaces": room.mat_spaces,
                        "reformers": [
                            {"id": x.id, "features": sorted(x.features), "in_service": x.in_service}
                            for x in room.reformers
                        ],
                    }
                    for room in v.rooms
                ],
            }
            for v in week.venues
        ],
        "travel_minutes": [
            {"between": sorted(pair), "minutes": minutes}
            for pair, minutes in week.travel_minutes.items()
        ],
        "class_types": [
            {
                "id": c.id,
                "name": c.name,
                "equipment": c.equipment,
                "minutes": c.minutes,
                "max_size": c.max_size,
                "min_size": c.min_size,
                "levels": list(c.levels),
                "one_to_one": c.one_to_one,
                "requires_clearance": c.requires_clearance,
            }
            for c in week.class_types
        ],
        "instructors": [
            {
                "id": i.id,
                "name": i.name,
                "teaches": list(i.teaches),
                "max_week_minutes": i.max_week_minutes,
                "max_day_minutes": i.max_day_minutes,
                "availability": [
                    {**_window_json(w), "venues": list(w.venues)} for w in i.availability
                ],
            }
            for i in week.instructors
        ],
        "clients": [_client_json(c) for c in week.clients],
        "pinned_sessions": [
            {
                "id": p.id,
                "class_type": p.class_type,
                "room": p.room,
                "day": day_and_time(p.start)[0],
                "start": day_and_time(p.start)[1],
                "instructor": p.instructor,
            }
            for p in week.pinned_sessions
        ],
        "pinned_allocations": [
            {"client": a.client, "session": a.session, "reformer": a.reformer}
            for a in week.pinned_allocations
        ],
        "only_pinned_sessions": week.only_pinned_sessions,
    }


def _client_json(c: Client) -> dict:
    prefers: dict[str, list[str]] = {}
    if c.prefers_venues:
        prefers["venues"] = list(c.prefers_venues)
    if c.prefers_instructors:
        prefers["instructors"] = list(c.prefers_instructors)
    out = {
        "id": c.id,
        "name": c.name,
        "level": c.level,
        "priority": c.priority,
        "needs_intro": c.needs_intro,
        "cleared": c.cleared,
        "needs": sorted(c.needs),
        "venues": list(c.venues),
        "max_per_day": c.max_per_day,
        "missed_weeks": c.missed_weeks,
        "availability": [_window_json(w) for w in c.availability],
        "wants": [{"class_types": list(w.class_types), "per_week": w.per_week} for w in c.wants],
        "prefers": prefers,
    }
    for key in ("email", "phone"):
        if getattr(c, key):
            out[key] = getattr(c, key)
    return out


def normalise_week_json(data: dict) -> dict:
    """A valid week document with the spec's defaults filled in and every list sorted.

    Two documents describe the same week exactly when their normal forms are equal.
    """
    return _sorted_deep(week_to_json(parse_week(data)))


def _sorted_deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_deep(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value
