"""What-if scenarios: a named list of changes to a base week, as `reformer-scenario/1`.

A scenario never touches live data: each change is a pure function `Week -> Week`
built with `dataclasses.replace`, one small function per kind of change, and
`apply_changes` runs them in order on a copy of the base week.

The document (validated like `reformer-week/1`, every problem reported with its
JSON path)::

    {"format": "reformer-scenario/1",
     "name": "Two more reformers at Hitchin",
     "base": {"week_start": "2026-11-30"},          # or "latest", "next"; or {"file": ...}
     "prices": {"reformer": 18.0, "mat": 12.0},     # optional, per place
     "changes": [{"kind": "add_reformers", "room": "hitchin-studio", "count": 2}]}

The kinds of change and their fields are listed in `CHANGE_FIELDS`. Stored
scenarios (`save_scenario`) read their base week from the database and write only
their own `Scenario` row and the `SolveRun` rows of their runs.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from scheduler import models as db
from scheduler import store
from scheduler.db import get_engine
from scheduler.interchange import (
    WeekError,
    _is_iso_date,
    _json_type,
    _Reader,
    load_week,
    parse_time,
)
from scheduler.runs import keep_alive, mark_interrupted_runs
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

SCENARIO_FORMAT = "reformer-scenario/1"
log = logging.getLogger(__name__)
# CP-SAT workers for one stored run (a sweep solves each point on one core instead).
RUN_WORKERS = 2


class ScenarioError(WeekError):
    """A scenario document that is not valid; `errors` lists each problem with its JSON path."""


@dataclass(frozen=True)
class Change:
    """One change of a scenario: its kind and its fields as written in the document."""

    kind: str
    fields: dict[str, Any]

    def describe(self) -> str:
        """The change in one line, e.g. `add_reformers room=hitchin-studio count=2`."""
        parts = [
            f"{k}={json.dumps(v) if not isinstance(v, str) else v}" for k, v in self.fields.items()
        ]
        return " ".join([self.kind, *parts])


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to a base week (a stored week's start date, or a week file)."""

    name: str
    base_week_start: str | None = None
    base_file: str | None = None
    changes: tuple[Change, ...] = ()
    prices: dict[str, float] = field(default_factory=dict)
    description: str = ""


# Each kind of change: its required fields (name -> JSON type) and its optional ones.
CHANGE_FIELDS: dict[str, tuple[dict[str, type | tuple[type, ...]], dict[str, type | tuple]]] = {
    "add_reformers": ({"room": str, "count": int}, {"features": list, "ids": list}),
    "remove_reformers": ({"room": str}, {"count": int, "ids": list}),
    "mat_spaces": ({"room": str, "mat_spaces": int}, {}),
    "close_venue": ({"venue": str}, {}),
    "open_venue": ({"venue": str, "open": list}, {}),
    "close_day": ({"day": str}, {"venue": str}),
    "open_day": ({"day": str, "from": str, "to": str}, {"venue": str}),
    "add_instructor": ({"instructor": dict}, {}),
    "change_instructor": (
        {"instructor": str},
        {"availability": list, "max_week_minutes": int, "max_day_minutes": int, "teaches": list},
    ),
    "class_type": (
        {"class_type": str},
        {"max_size": int, "min_size": int, "minutes": int},
    ),
    "demand": ({"percent": (int, float)}, {"seed": int}),
    "grid": ({"minutes": int}, {}),
}


# --- the document --------------------------------------------------------------------------


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a `reformer-scenario/1` file; a relative base file is read beside it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [f"$: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"]
        ) from exc
    scenario = parse_scenario(data)
    if scenario.base_file and not Path(scenario.base_file).is_absolute():
        scenario = replace(scenario, base_file=str(path.parent / scenario.base_file))
    return scenario


def parse_scenario(data: Any, week: Week | None = None) -> Scenario:
    """Validate a scenario document; with `week`, also check every id it names exists there.

    Raises `ScenarioError` listing every problem with its JSON path.
    """
    if not isinstance(data, dict):
        raise ScenarioError([f"$: must be an object, not {_json_type(data)}"])
    r = _Reader()
    if data.get("format") != SCENARIO_FORMAT:
        r.error("$.format", f"must be '{SCENARIO_FORMAT}', not {json.dumps(data.get('format'))}")
    name = r.field(data, "name", "$", str)
    if name is not None and not name.strip():
        r.error("$.name", "must not be empty")
    description = r.field(data, "description", "$", str, "")
    base = r.field(data, "base", "$", dict)
    base_week_start = base_file = None
    if base is not None:
        base_week_start = r.field(base, "week_start", "$.base", str, None)
        base_file = r.field(base, "file", "$.base", str, None)
        if (base_week_start is None) == (base_file is None):
            r.error("$.base", "must give exactly one of 'week_start' or 'file'")
        if base_week_start not in (None, "latest", "next") and not _is_iso_date(base_week_start):
            r.error(
                "$.base.week_start",
                f"'{base_week_start}' is not a date YYYY-MM-DD, 'latest' or 'next'",
            )
    prices = _parse_prices(r, data)
    changes = []
    for path, item in r.objects(data, "changes", "$"):
        change = _parse_change(r, path, item)
        if change is not None:
            changes.append((path, change))
    if week is not None:
        _check_ids(r, week, changes, prices)
    if r.errors:
        raise ScenarioError(r.errors)
    return Scenario(
        name=name,
        base_week_start=base_week_start,
        base_file=base_file,
        changes=tuple(c for _, c in changes),
        prices=prices,
        description=description,
    )


def _parse_prices(r: _Reader, data: dict) -> dict[str, float]:
    prices = r.field(data, "prices", "$", dict, {}) or {}
    out = {}
    for key, value in prices.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            r.error(f"$.prices.{key}", f"must be a price of 0 or more, not {json.dumps(value)}")
        else:
            out[key] = float(value)
    return out


def _parse_change(r: _Reader, path: str, item: dict) -> Change | None:
    kind = r.field(item, "kind", path, str)
    if kind is None:
        return None
    if kind not in CHANGE_FIELDS:
        r.error(f"{path}.kind", f"unknown kind '{kind}'; one of {', '.join(CHANGE_FIELDS)}")
        return None
    required, optional = CHANGE_FIELDS[kind]
    errors_before = len(r.errors)
    for key, kinds in required.items():
        r.field(item, key, path, kinds)
    for key, kinds in optional.items():
        r.field(item, key, path, kinds, None)
    for key in item:
        if key != "kind" and key not in required and key not in optional:
            r.error(f"{path}.{key}", f"is not a field of '{kind}'")
    for key in (
        "count",
        "mat_spaces",
        "max_size",
        "min_size",
        "max_week_minutes",
        "max_day_minutes",
    ):
        if isinstance(item.get(key), int) and item[key] < 0:
            r.error(f"{path}.{key}", f"must be at least 0, not {item[key]}")
    for key in ("minutes",):
        if isinstance(item.get(key), int) and item[key] < 1:
            r.error(f"{path}.{key}", f"must be at least 1, not {item[key]}")
    if isinstance(item.get("percent"), int | float) and item["percent"] <= -100:
        r.error(f"{path}.percent", f"must be above -100, not {item['percent']}")
    if kind == "close_day":
        r.day(item, path)
    if kind == "open_day":
        r.window(item, path)
    if kind == "remove_reformers" and ("count" in item) == ("ids" in item):
        r.error(path, "must give exactly one of 'count' or 'ids'")
    for key in ("features", "ids", "teaches"):
        if isinstance(item.get(key), list):
            r.strings(item, key, path)
    ids, count = item.get("ids"), item.get("count")
    if isinstance(ids, list) and isinstance(count, int) and len(ids) != count:
        r.error(f"{path}.ids", f"names {len(ids)} reformers, not count {count}")
    for key in ("open", "availability"):
        if isinstance(item.get(key), list):
            _parse_windows(r, item, key, path, with_venues=key == "availability")
    if kind == "add_instructor" and isinstance(item.get("instructor"), dict):
        _parse_new_instructor(r, item["instructor"], f"{path}.instructor")
    if len(r.errors) > errors_before:
        return None
    return Change(kind, {k: v for k, v in item.items() if k != "kind"})


def _parse_windows(r: _Reader, item: dict, key: str, path: str, with_venues: bool) -> None:
    for wpath, w in r.objects(item, key, path):
        r.window(w, wpath)
        if with_venues:
            r.strings(w, "venues", wpath)


def _parse_new_instructor(r: _Reader, item: dict, path: str) -> None:
    r.field(item, "id", path, str)
    r.field(item, "name", path, str, None)
    r.strings(item, "teaches", path)
    r.number(item, "max_week_minutes", path, 0)
    r.number(item, "max_day_minutes", path, 0)
    _parse_windows(r, item, "availability", path, with_venues=True)


def _check_ids(r: _Reader, week: Week, changes: list[tuple[str, Change]], prices: dict) -> None:
    """Every room, venue, instructor and class type a change names exists in the base week.

    Instructors added by an earlier change count as existing for later ones.
    """
    rooms = week.rooms
    venues = set(week.venue_by_id)
    class_types = set(week.class_type_by_id)
    instructors = set(week.instructor_by_id)
    for key in prices:
        if key not in class_types:
            r.error(f"$.prices.{key}", f"unknown class type '{key}'")
    for path, change in changes:
        f = change.fields
        if "room" in f and f["room"] not in rooms:
            r.error(f"{path}.room", f"unknown room '{f['room']}'")
        if "venue" in f and f["venue"] not in venues:
            r.error(f"{path}.venue", f"unknown venue '{f['venue']}'")
        if change.kind == "class_type" and f["class_type"] not in class_types:
            r.error(f"{path}.class_type", f"unknown class type '{f['class_type']}'")
        if change.kind == "change_instructor" and f["instructor"] not in instructors:
            r.error(f"{path}.instructor", f"unknown instructor '{f['instructor']}'")
        if change.kind == "remove_reformers" and f["room"] in rooms:
            room = rooms[f["room"]]
            have = {x.id for x in room.reformers}
            for i, rid in enumerate(f.get("ids") or []):
                if rid not in have:
                    r.error(f"{path}.ids[{i}]", f"unknown reformer '{rid}' in room '{room.id}'")
            if f.get("count") is not None and f["count"] > len(room.reformers):
                r.error(
                    f"{path}.count", f"room '{room.id}' has only {len(room.reformers)} reformers"
                )
        if change.kind == "add_reformers" and f["room"] in rooms:
            have = {x.id for room in rooms.values() for x in room.reformers}
            for i, rid in enumerate(f.get("ids") or []):
                if rid in have:
                    r.error(f"{path}.ids[{i}]", f"reformer '{rid}' already exists")
        teaches = f.get("teaches") or (
            f["instructor"].get("teaches", []) if change.kind == "add_instructor" else []
        )
        where = "instructor.teaches" if change.kind == "add_instructor" else "teaches"
        for i, t in enumerate(teaches):
            if t not in class_types:
                r.error(f"{path}.{where}[{i}]", f"unknown class type '{t}'")
        windows = f.get("availability") or (
            f["instructor"].get("availability", []) if change.kind == "add_instructor" else []
        )
        where = "instructor.availability" if change.kind == "add_instructor" else "availability"
        for i, w in enumerate(windows):
            for j, v in enumerate(w.get("venues", [])):
                if v not in venues:
                    r.error(f"{path}.{where}[{i}].venues[{j}]", f"unknown venue '{v}'")
        if change.kind == "add_instructor":
            new_id = f["instructor"]["id"]
            if new_id in instructors:
                r.error(f"{path}.instructor.id", f"instructor '{new_id}' already exists")
            instructors.add(new_id)


def scenario_to_json(scenario: Scenario) -> dict:
    """A `Scenario` as a `reformer-scenario/1` document."""
    base = (
        {"week_start": scenario.base_week_start}
        if scenario.base_week_start
        else {"file": scenario.base_file}
    )
    out: dict[str, Any] = {"format": SCENARIO_FORMAT, "name": scenario.name}
    if scenario.description:
        out["description"] = scenario.description
    out["base"] = base
    if scenario.prices:
        out["prices"] = dict(scenario.prices)
    out["changes"] = [{"kind": c.kind, **c.fields} for c in scenario.changes]
    return out


_PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def set_path(document: dict, path: str, value: Any) -> dict:
    """A copy of `document` with the value at `path` (`changes[0].count`) replaced.

    The path must lead to a field that exists (or a new key of an existing object);
    a `ScenarioError` names the part that does not.
    """
    text = path[2:] if path.startswith("$.") else path
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        if text[pos] == ".":
            pos += 1
        match = _PATH_PART.match(text, pos)
        if match is None:
            raise ScenarioError([f"{path}: cannot read the path at '{text[pos:]}'"])
        parts.append(match.group(1) if match.group(1) else int(match.group(2)))
        pos = match.end()
    if not parts:
        raise ScenarioError([f"{path}: an empty path"])
    copy = json.loads(json.dumps(document))
    target: Any = copy
    where = "$"
    for part in parts[:-1]:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
        try:
            target = target[part]
        except (KeyError, IndexError, TypeError):
            what = "item" if isinstance(part, int) else "field"
            raise ScenarioError([f"{where}: no such {what} in the scenario"]) from None
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(target, list) or last >= len(target):
            raise ScenarioError([f"{where}[{last}]: no such item in the scenario"])
    elif not isinstance(target, dict):
        raise ScenarioError([f"{where}.{last}: no such field in the scenario"])
    target[last] = value
    return copy


def parse_value(text: str) -> Any:
    """A sweep value as typed on the command line: `8` -> 8, `-12.5` -> -12.5, else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


# --- the changes: one pure function per kind, Week -> Week --------------------------------


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


def apply_change(week: Week, change: Change) -> Week:
    """The week after one change."""
    fields = {("from_" if k == "from" else k): v for k, v in change.fields.items()}
    return CHANGES[change.kind](week, **fields)


def apply_changes(week: Week, changes: tuple[Change, ...] | list[Change]) -> Week:
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


# --- stored scenarios and their runs ---------------------------------------------------------
# A stored scenario reads its base week from the database and writes only its own
# `Scenario` row and the `SolveRun` rows of its runs: never the week, nor any plan.


def resolve_week_start(text: str, *, session: Session) -> date:
    """A base's `week_start`: a date, `latest` (newest stored week) or `next` (coming Monday)."""
    if text == "latest":
        stored = store.week_starts(session=session)
        if not stored:
            raise ScenarioError(["$.base.week_start: no week is stored yet"])
        return stored[-1]
    if text == "next":
        return store.coming_monday()
    return store.as_date(text)


def stored_week(*, session: Session, week_start: str) -> tuple[db.Week, Week]:
    """The stored week a base names, as its row and as the solver's `Week`."""
    start = resolve_week_start(week_start, session=session)
    row = store.week_row(session=session, week_start=start)
    if row is None:
        raise ScenarioError([f"$.base.week_start: no week starting {start.isoformat()} is stored"])
    return row, store.load_week(session=session, week_start=start)


def stored_prices(*, session: Session, week_id: int) -> dict[str, float]:
    """Price per place of each class type of a stored week that carries one, in pounds."""
    rows = session.exec(select(db.ClassType).where(db.ClassType.week_id == week_id)).all()
    return {c.key: c.price_pence / 100 for c in rows if c.price_pence is not None}


def base_week_of(
    scenario: Scenario, *, base_file: str | None = None, session: Session | None = None
) -> tuple[Week, dict[str, float]]:
    """The week a scenario changes, and the prices per place its stored week carries.

    The week is `base_file` if given, else the scenario's base file or stored week
    (only read, in a session of its own unless one is given). A file has no prices.
    """
    if base_file or scenario.base_file:
        return load_week(base_file or scenario.base_file), {}
    if session is None:
        with Session(get_engine()) as own:
            return base_week_of(scenario, session=own)
    row, week = stored_week(session=session, week_start=scenario.base_week_start)
    return week, stored_prices(session=session, week_id=row.id)


def open_scenario_file(
    path: str | Path, *, base_file: str | None = None
) -> tuple[dict, Scenario, Week]:
    """A scenario file as its document and `Scenario`, checked against its base week.

    Where the file sets no prices, the stored base week's prices are written into both.
    """
    scenario = load_scenario(path)
    document = scenario_to_json(scenario)
    week, stored = base_week_of(scenario, base_file=base_file)
    if not scenario.prices and stored:
        document["prices"] = stored
    return document, parse_scenario(document, week), week


def save_scenario(*, session: Session, document: Any) -> db.Scenario:
    """Validate `document` against its stored base week and store it under its name.

    A scenario of the same name is replaced. Prices come from the base week's class
    types, so a document's own `prices` are not stored.
    """
    scenario = parse_scenario(document)
    if scenario.base_week_start is None:
        raise ScenarioError(["$.base: a stored scenario's base is a stored week ('week_start')"])
    week_row, week = stored_week(session=session, week_start=scenario.base_week_start)
    parse_scenario(document, week)
    row = session.exec(select(db.Scenario).where(db.Scenario.name == scenario.name)).first()
    if row is None:
        row = db.Scenario(name=scenario.name)
    row.description = scenario.description or None
    row.base_week_id = week_row.id
    row.changes = [{"kind": c.kind, **c.fields} for c in scenario.changes]
    row.updated_at = db.utcnow()
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def scenario_document(*, session: Session, row: db.Scenario) -> dict:
    """A stored scenario as a `reformer-scenario/1` document, priced from its base week."""
    week_row = session.get(db.Week, row.base_week_id) if row.base_week_id else None
    document: dict[str, Any] = {"format": SCENARIO_FORMAT, "name": row.name}
    if row.description:
        document["description"] = row.description
    # A base week deleted since reads as the newest one.
    document["base"] = {"week_start": week_row.week_start.isoformat() if week_row else "latest"}
    prices = stored_prices(session=session, week_id=week_row.id) if week_row else {}
    if prices:
        document["prices"] = prices
    document["changes"] = list(row.changes)
    return document


def start_scenario_run(
    *,
    session: Session,
    scenario_id: int,
    time_limit: float,
    sweep_path: str | None = None,
    sweep_values: list[Any] | None = None,
    database_url: str | None = None,
    background: bool = True,
) -> db.SolveRun:
    """Queue a run (or, with `sweep_path`, a sweep) of a stored scenario and start it.

    The run goes on in a background thread with its own database session, writing
    its progress and result to its `SolveRun` row; the caller polls that row.
    With `background=False` it runs to the end before returning (for the CLI and tests).
    """
    row = session.get(db.Scenario, scenario_id)
    if row is None:
        raise ScenarioError([f"no scenario {scenario_id}"])
    document = scenario_document(session=session, row=row)
    if sweep_path is not None:
        for value in sweep_values or []:
            parse_scenario(set_path(document, sweep_path, value))
    run = db.SolveRun(
        week_id=row.base_week_id,
        scenario_id=row.id,
        kind="scenario",
        status="queued",
        time_limit=time_limit,
        progress={"fraction": 0.0, "stage": "queued", "sweep": sweep_path},
    )
    session.add(run)
    session.commit()
    session.refresh(run)
    job = (run.id, document, time_limit, sweep_path, sweep_values, database_url)
    if background:
        threading.Thread(target=execute_scenario_run, args=job, daemon=True).start()
    else:
        execute_scenario_run(*job)
        session.refresh(run)
    return run


def execute_scenario_run(
    run_id: int,
    document: dict,
    time_limit: float,
    sweep_path: str | None,
    sweep_values: list[Any] | None,
    database_url: str | None,
) -> None:
    """Carry out a queued run, recording progress, the result or the error on its row."""
    from scheduler import scenario_report

    engine = get_engine(database_url)
    with keep_alive(engine, run_id), Session(engine) as session:
        run = session.get(db.SolveRun, run_id)
        run.status, run.started_at, run.pid = "running", db.utcnow(), os.getpid()
        run.heartbeat_at = run.started_at
        session.add(run)
        session.commit()
        last = [0.0]

        def progress(fraction: float, stage: str) -> None:
            # Write at most twice a second: the page polls, the database need not churn.
            if time.monotonic() - last[0] < 0.5 and fraction < 1.0:
                return
            last[0] = time.monotonic()
            run.progress = {"fraction": round(fraction, 3), "stage": stage, "sweep": sweep_path}
            run.heartbeat_at = db.utcnow()
            session.add(run)
            session.commit()

        try:
            scenario = parse_scenario(document)
            base, _ = base_week_of(scenario, session=session)
            if sweep_path is None:
                result = scenario_report.run_scenario(
                    scenario, base, time_limit=time_limit, workers=RUN_WORKERS, on_progress=progress
                )
                # The plan itself stays out of the row: the comparison is what the page shows.
                result.pop("plan", None)
            else:
                result = scenario_report.sweep(
                    document,
                    base,
                    sweep_path,
                    list(sweep_values or []),
                    time_limit=time_limit,
                    on_progress=progress,
                )
            run.status, run.result = "succeeded", result
            run.progress = {"fraction": 1.0, "stage": "done", "sweep": sweep_path}
        except Exception as exc:  # the row must say why the run stopped, whatever stopped it
            log.exception("scenario run %s failed", run_id)
            run.status = "failed"
            run.error = "\n".join(getattr(exc, "errors", [])) or str(exc) or type(exc).__name__
        run.finished_at = db.utcnow()
        session.add(run)
        session.commit()


def stored_scenarios(*, session: Session) -> list[tuple[db.Scenario, date | None, int | None]]:
    """Every stored scenario by name, with its base week's Monday and its latest finished run."""
    rows = session.exec(select(db.Scenario).order_by(db.Scenario.name)).all()
    weeks = {w.id: w.week_start for w in session.exec(select(db.Week)).all()}
    latest: dict[int, int] = {}
    finished = select(db.SolveRun).where(
        db.SolveRun.scenario_id.is_not(None), db.SolveRun.status == "succeeded"
    )
    for run in session.exec(finished.order_by(db.SolveRun.id)).all():
        if (run.result or {}).get("format") == "reformer-scenario-result/1":
            latest[run.scenario_id] = run.id
    return [(row, weeks.get(row.base_week_id), latest.get(row.id)) for row in rows]


def scenario_runs(*, session: Session, scenario_id: int) -> list[db.SolveRun]:
    """A scenario's runs and sweeps, newest first."""
    query = (
        select(db.SolveRun)
        .where(db.SolveRun.scenario_id == scenario_id)
        .order_by(db.SolveRun.id.desc())
    )
    return list(session.exec(query).all())


def run_state(*, session: Session, run_id: int) -> dict | None:
    """What a page polling a scenario run needs: status, progress, and any error.

    A run whose process died (a web worker restarted mid-run) reads as failed.
    """
    run = session.get(db.SolveRun, run_id)
    if run is None or run.scenario_id is None:
        return None
    if run.status in ("queued", "running") and mark_interrupted_runs(engine=session.get_bind()):
        session.refresh(run)
    progress = run.progress or {}
    return {
        "id": run.id,
        "scenario": run.scenario_id,
        "status": run.status,
        "fraction": progress.get("fraction", 0.0),
        "stage": progress.get("stage", ""),
        "sweep": progress.get("sweep"),
        "error": run.error,
        "done": run.status in ("succeeded", "failed"),
    }


def delete_scenario(*, session: Session, scenario_id: int) -> None:
    """Forget a scenario and its runs (live data is untouched)."""
    row = session.get(db.Scenario, scenario_id)
    if row is not None:
        for run in scenario_runs(session=session, scenario_id=scenario_id):
            session.delete(run)
        session.delete(row)
        session.commit()
