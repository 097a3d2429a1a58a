"""The week format, `reformer-week/1`, in and out.

`parse_week` validates the whole document first and raises `WeekError` listing
every problem with its JSON path (`$.clients[3].venues[1]: unknown venue
'atlantis'`); only a clean document becomes a `Week`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scheduler.formats.times import day_and_time, format_time, parse_time
from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    ClassType,
    Client,
    Instructor,
    InstructorWindow,
    PinnedAllocation,
    PinnedSession,
    Reformer,
    Room,
    Venue,
    Want,
    Week,
    Window,
)

WEEK_FORMAT = "reformer-week/1"


EQUIPMENT = ("reformer", "mat")


class WeekError(ValueError):
    """A document that is not a valid week or plan; `errors` lists each problem with its path."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class Reader:
    """Reads a JSON document field by field, collecting every error with its path."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def field(
        self,
        obj: dict,
        key: str,
        path: str,
        kind: type | tuple[type, ...],
        default: Any = ...,
    ) -> Any:
        """The value of `obj[key]` if it has the right type; `default` if absent (or an error)."""
        where = f"{path}.{key}"
        if key not in obj:
            if default is ...:
                self.error(where, "is required")
                return None
            return default
        value = obj[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if wrong_bool or not isinstance(value, kinds):
            self.error(where, f"must be {type_name(kinds)}, not {json_type(value)}")
            return None if default is ... else default
        return value

    def objects(self, obj: dict, key: str, path: str, default: Any = ...) -> list[tuple[str, dict]]:
        """The list `obj[key]` as (path, object) pairs, reporting items that are not objects."""
        items = self.field(obj, key, path, list, default)
        out = []
        for i, item in enumerate(items or []):
            where = f"{path}.{key}[{i}]"
            if isinstance(item, dict):
                out.append((where, item))
            else:
                self.error(where, f"must be an object, not {json_type(item)}")
        return out

    def strings(self, obj: dict, key: str, path: str, default: Any = ...) -> list[str]:
        items = self.field(obj, key, path, list, default)
        out = []
        for i, item in enumerate(items or []):
            if isinstance(item, str):
                out.append(item)
            else:
                self.error(f"{path}.{key}[{i}]", f"must be a string, not {json_type(item)}")
        return out

    def references(
        self, obj: dict, key: str, path: str, known: Iterable[str], what: str, default: Any = ...
    ) -> list[str]:
        """A list of ids, each of which must be in `known`."""
        known = set(known)
        items = self.field(obj, key, path, list, default)
        out = []
        for i, item in enumerate(items or []):
            where = f"{path}.{key}[{i}]"
            if not isinstance(item, str):
                self.error(where, f"must be a string, not {json_type(item)}")
            elif item not in known:
                self.error(where, f"unknown {what} '{item}'")
            else:
                out.append(item)
        return out

    def reference(self, obj: dict, key: str, path: str, known: Iterable[str], what: str) -> Any:
        value = self.field(obj, key, path, str)
        if value is not None and value not in set(known):
            self.error(f"{path}.{key}", f"unknown {what} '{value}'")
            return None
        return value

    def number(self, obj: dict, key: str, path: str, minimum: int, default: Any = ...) -> Any:
        value = self.field(obj, key, path, int, default)
        if value is not None and value < minimum:
            self.error(f"{path}.{key}", f"must be at least {minimum}, not {value}")
            return None
        return value

    def day(self, obj: dict, path: str) -> int | None:
        value = self.field(obj, "day", path, str)
        if value is None:
            return None
        if value not in DAYS:
            self.error(f"{path}.day", f"must be one of {' '.join(DAYS)}, not '{value}'")
            return None
        return DAYS.index(value)

    def time(self, obj: dict, key: str, path: str) -> int | None:
        value = self.field(obj, key, path, str)
        if value is None:
            return None
        minute = parse_time(value)
        if minute is None:
            self.error(f"{path}.{key}", f"'{value}' is not a time HH:MM between 00:00 and 24:00")
        return minute

    def window(self, obj: dict, path: str) -> Window | None:
        day = self.day(obj, path)
        start = self.time(obj, "from", path)
        end = self.time(obj, "to", path)
        if day is None or start is None or end is None:
            return None
        if end <= start:
            self.error(
                f"{path}.to", f"window ends at {obj['to']}, not after it starts at {obj['from']}"
            )
            return None
        base = day * MINUTES_PER_DAY
        return Window(base + start, base + end)

    def unique(self, items: list[tuple[str, dict]], what: str, seen: dict[str, str] | None = None):
        """Report ids used twice; returns the id of each item (None where missing)."""
        seen = {} if seen is None else seen
        ids = []
        for path, item in items:
            value = self.field(item, "id", path, str)
            if value is not None:
                if value in seen:
                    self.error(
                        f"{path}.id", f"duplicate {what} id '{value}' (first at {seen[value]})"
                    )
                else:
                    seen[value] = path
            ids.append(value)
        return ids


def type_name(kinds: tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        bool: "true or false",
        list: "a list",
        dict: "an object",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def read_week_file(path: str | Path) -> Week:
    """Read and validate a `reformer-week/1` file."""
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise WeekError(
            [f"$: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"]
        ) from exc
    return parse_week(data)


def parse_week(data: Any) -> Week:
    """Validate a `reformer-week/1` document; raises `WeekError` listing every problem."""
    r = Reader()
    if not isinstance(data, dict):
        raise WeekError([f"$: must be an object, not {json_type(data)}"])
    if data.get("format") != WEEK_FORMAT:
        r.error("$.format", f"must be '{WEEK_FORMAT}', not {json.dumps(data.get('format'))}")
    week_start = r.field(data, "week_start", "$", str)
    if week_start is not None and not is_iso_date(week_start):
        r.error("$.week_start", f"'{week_start}' is not a date YYYY-MM-DD")
    timezone = r.field(data, "timezone", "$", str, "Europe/London")
    grid = r.number(data, "grid_minutes", "$", 1, 15)

    venues = _parse_venues(r, data)
    venue_ids = [v.id for v in venues]
    rooms = {room.id: room for v in venues for room in v.rooms}
    travel = _parse_travel(r, data, venue_ids)
    class_types = _parse_class_types(r, data)
    class_type_ids = {c.id: c for c in class_types}
    instructors = _parse_instructors(r, data, venue_ids, class_type_ids)
    instructor_ids = [i.id for i in instructors]
    clients = _parse_clients(r, data, venue_ids, class_type_ids, instructor_ids)
    pinned = _parse_pinned_sessions(r, data, rooms, class_type_ids, instructor_ids)
    pinned_allocations = _parse_pinned_allocations(
        r, data, {c.id for c in clients}, {p.id: p for p in pinned}, rooms
    )
    only_pinned = r.field(data, "only_pinned_sessions", "$", bool, False)
    if r.errors:
        raise WeekError(r.errors)
    return Week(
        week_start=week_start,
        timezone=timezone,
        grid_minutes=grid,
        venues=tuple(venues),
        travel_minutes=travel,
        class_types=tuple(class_types),
        instructors=tuple(instructors),
        clients=tuple(clients),
        pinned_sessions=tuple(pinned),
        pinned_allocations=tuple(pinned_allocations),
        only_pinned_sessions=only_pinned,
    )


def is_iso_date(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _parse_venues(r: Reader, data: dict) -> list[Venue]:
    venues = []
    items = r.objects(data, "venues", "$")
    room_seen: dict[str, str] = {}
    for (path, item), venue_id in zip(items, r.unique(items, "venue"), strict=True):
        name = r.field(item, "name", path, str, venue_id)
        windows = [r.window(w, p) for p, w in r.objects(item, "open", path, [])]
        rooms = []
        room_items = r.objects(item, "rooms", path, [])
        for (room_path, room), room_id in zip(
            room_items, r.unique(room_items, "room", room_seen), strict=True
        ):
            mat_spaces = r.number(room, "mat_spaces", room_path, 0, 0)
            reformers = []
            reformer_items = r.objects(room, "reformers", room_path, [])
            for (ref_path, ref), ref_id in zip(
                reformer_items, r.unique(reformer_items, "reformer"), strict=True
            ):
                features = r.strings(ref, "features", ref_path, [])
                in_service = r.field(ref, "in_service", ref_path, bool, True)
                reformers.append(Reformer(ref_id, frozenset(features), in_service))
            rooms.append(Room(room_id, venue_id, mat_spaces or 0, tuple(reformers)))
        venues.append(Venue(venue_id, name, tuple(w for w in windows if w), tuple(rooms)))
    return venues


def _parse_travel(r: Reader, data: dict, venue_ids: list[str]) -> dict[frozenset[str], int]:
    travel: dict[frozenset[str], int] = {}
    for path, item in r.objects(data, "travel_minutes", "$", []):
        pair = r.references(item, "between", path, venue_ids, "venue")
        minutes = r.number(item, "minutes", path, 0)
        raw = item.get("between")
        if isinstance(raw, list) and len(raw) != 2:
            r.error(f"{path}.between", f"must name two venues, not {len(raw)}")
            continue
        if len(pair) == 2 and pair[0] == pair[1]:
            r.error(f"{path}.between", f"names venue '{pair[0]}' twice")
        elif len(pair) == 2 and minutes is not None:
            key = frozenset(pair)
            if key in travel:
                r.error(
                    f"{path}.between", f"travel between '{pair[0]}' and '{pair[1]}' given twice"
                )
            travel[key] = minutes
    return travel


def _parse_class_types(r: Reader, data: dict) -> list[ClassType]:
    class_types = []
    items = r.objects(data, "class_types", "$")
    for (path, item), type_id in zip(items, r.unique(items, "class type"), strict=True):
        equipment = r.field(item, "equipment", path, str)
        if equipment is not None and equipment not in EQUIPMENT:
            r.error(f"{path}.equipment", f"must be 'reformer' or 'mat', not '{equipment}'")
        minutes = r.number(item, "minutes", path, 1)
        max_size = r.number(item, "max_size", path, 1)
        min_size = r.number(item, "min_size", path, 0, 0)
        one_to_one = r.field(item, "one_to_one", path, bool, False)
        if one_to_one and max_size not in (None, 1):
            r.error(f"{path}.max_size", f"a one-to-one class type has max_size 1, not {max_size}")
        class_types.append(
            ClassType(
                id=type_id,
                name=r.field(item, "name", path, str, type_id),
                equipment=equipment,
                minutes=minutes or 0,
                max_size=max_size or 0,
                min_size=min_size or 0,
                levels=tuple(r.strings(item, "levels", path)),
                one_to_one=one_to_one,
                requires_clearance=r.field(item, "requires_clearance", path, bool, False),
            )
        )
    return class_types


def _parse_instructors(
    r: Reader, data: dict, venue_ids: list[str], class_types: dict[str, ClassType]
) -> list[Instructor]:
    instructors = []
    items = r.objects(data, "instructors", "$")
    for (path, item), instructor_id in zip(items, r.unique(items, "instructor"), strict=True):
        availability = []
        for wpath, w in r.objects(item, "availability", path, []):
            window = r.window(w, wpath)
            venues = r.references(w, "venues", wpath, venue_ids, "venue")
            if window:
                availability.append(InstructorWindow(window.start, window.end, tuple(venues)))
        instructors.append(
            Instructor(
                id=instructor_id,
                name=r.field(item, "name", path, str, instructor_id),
                teaches=tuple(r.references(item, "teaches", path, class_types, "class type")),
                max_week_minutes=r.number(item, "max_week_minutes", path, 0) or 0,
                max_day_minutes=r.number(item, "max_day_minutes", path, 0) or 0,
                availability=tuple(availability),
            )
        )
    return instructors


def _parse_clients(
    r: Reader,
    data: dict,
    venue_ids: list[str],
    class_types: dict[str, ClassType],
    instructor_ids: list[str],
) -> list[Client]:
    clients = []
    items = r.objects(data, "clients", "$")
    for (path, item), client_id in zip(items, r.unique(items, "client"), strict=True):
        wants = []
        wanted: dict[str, str] = {}
        for wpath, w in r.objects(item, "wants", path):
            types = r.references(w, "class_types", wpath, class_types, "class type")
            if isinstance(w.get("class_types"), list) and not w["class_types"]:
                r.error(f"{wpath}.class_types", "must name at least one class type")
            for t in types:
                if t in wanted:
                    r.error(
                        f"{wpath}.class_types", f"class type '{t}' is also wanted at {wanted[t]}"
                    )
                wanted[t] = wpath
            per_week = r.number(w, "per_week", wpath, 1)
            wants.append(Want(tuple(types), per_week or 0))
        needs_intro = r.field(item, "needs_intro", path, bool, False)
        if needs_intro and not any(class_types[t].one_to_one for t in wanted):
            r.error(
                f"{path}.wants", "a client who needs an intro must want a one-to-one class type"
            )
        prefers = r.field(item, "prefers", path, dict, {}) or {}
        availability = [r.window(w, p) for p, w in r.objects(item, "availability", path, [])]
        email = r.field(item, "email", path, str, None)
        phone = r.field(item, "phone", path, str, None)
        clients.append(
            Client(
                id=client_id,
                name=r.field(item, "name", path, str, client_id),
                level=r.field(item, "level", path, str),
                priority=r.number(item, "priority", path, 1, 1) or 1,
                needs_intro=needs_intro,
                cleared=r.field(item, "cleared", path, bool, False),
                needs=frozenset(r.strings(item, "needs", path, [])),
                venues=tuple(r.references(item, "venues", path, venue_ids, "venue")),
                max_per_day=r.number(item, "max_per_day", path, 1, 1) or 1,
                availability=tuple(w for w in availability if w),
                wants=tuple(wants),
                prefers_venues=tuple(
                    r.references(prefers, "venues", f"{path}.prefers", venue_ids, "venue", [])
                ),
                prefers_instructors=tuple(
                    r.references(
                        prefers, "instructors", f"{path}.prefers", instructor_ids, "instructor", []
                    )
                ),
                email=email,
                phone=phone,
            )
        )
    return clients


def _parse_pinned_sessions(
    r: Reader,
    data: dict,
    rooms: dict[str, Room],
    class_types: dict[str, ClassType],
    instructor_ids: list[str],
) -> list[PinnedSession]:
    pinned = []
    items = r.objects(data, "pinned_sessions", "$", [])
    for (path, item), session_id in zip(items, r.unique(items, "session"), strict=True):
        class_type = r.reference(item, "class_type", path, class_types, "class type")
        room = r.reference(item, "room", path, rooms, "room")
        day = r.day(item, path)
        start = r.time(item, "start", path)
        instructor = r.reference(item, "instructor", path, instructor_ids, "instructor")
        if day is not None and start is not None:
            pinned.append(
                PinnedSession(
                    session_id, class_type, room, day * MINUTES_PER_DAY + start, instructor
                )
            )
    return pinned


def _parse_pinned_allocations(
    r: Reader,
    data: dict,
    client_ids: set[str],
    sessions: dict[str, PinnedSession],
    rooms: dict[str, Room],
) -> list[PinnedAllocation]:
    pinned = []
    seen: dict[tuple[str, str], str] = {}
    for path, item in r.objects(data, "pinned_allocations", "$", []):
        client = r.reference(item, "client", path, client_ids, "client")
        session = r.reference(item, "session", path, sessions, "pinned session")
        reformer = r.field(item, "reformer", path, (str, type(None)), None)
        if session and reformer is not None:
            room = rooms.get(sessions[session].room)
            if room is not None and reformer not in {x.id for x in room.reformers}:
                r.error(f"{path}.reformer", f"unknown reformer '{reformer}' in room '{room.id}'")
        if client and session:
            if (client, session) in seen:
                first = seen[client, session]
                r.error(path, f"client '{client}' pinned to '{session}' twice (first at {first})")
            seen[client, session] = path
            pinned.append(PinnedAllocation(client, session, reformer))
    return pinned


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
