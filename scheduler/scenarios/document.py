"""What-if scenarios: a named list of changes to a base week, as `reformer-scenario/1`.

The document (validated like `reformer-week/1`, every problem reported with its
JSON path)::

    {"format": "reformer-scenario/1",
     "name": "Two more reformers at Hitchin",
     "base": {"week_start": "2026-11-30"},          # or "latest", "next"; or {"file": ...}
     "prices": {"reformer": 18.0, "mat": 12.0},     # optional, per place
     "changes": [{"kind": "add_reformers", "room": "hitchin-studio", "count": 2}]}

The kinds of change and their fields are listed in `CHANGE_FIELDS`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scheduler.formats.week import Reader, WeekError, is_iso_date, json_type
from solver.domain import (
    Week,
)

SCENARIO_FORMAT = "reformer-scenario/1"


class ScenarioError(WeekError):
    """A scenario document that is not valid; `errors` lists each problem with its JSON path."""


@dataclass(frozen=True)
class ScenarioChange:
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
    changes: tuple[ScenarioChange, ...] = ()
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


def read_scenario_file(path: str | Path) -> Scenario:
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
        raise ScenarioError([f"$: must be an object, not {json_type(data)}"])
    r = Reader()
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
        if base_week_start not in (None, "latest", "next") and not is_iso_date(base_week_start):
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


def _parse_prices(r: Reader, data: dict) -> dict[str, float]:
    prices = r.field(data, "prices", "$", dict, {}) or {}
    out = {}
    for key, value in prices.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            r.error(f"$.prices.{key}", f"must be a price of 0 or more, not {json.dumps(value)}")
        else:
            out[key] = float(value)
    return out


def _parse_change(r: Reader, path: str, item: dict) -> ScenarioChange | None:
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
    return ScenarioChange(kind, {k: v for k, v in item.items() if k != "kind"})


def _parse_windows(r: Reader, item: dict, key: str, path: str, with_venues: bool) -> None:
    for wpath, w in r.objects(item, key, path):
        r.window(w, wpath)
        if with_venues:
            r.strings(w, "venues", wpath)


def _parse_new_instructor(r: Reader, item: dict, path: str) -> None:
    r.field(item, "id", path, str)
    r.field(item, "name", path, str, None)
    r.strings(item, "teaches", path)
    r.number(item, "max_week_minutes", path, 0)
    r.number(item, "max_day_minutes", path, 0)
    _parse_windows(r, item, "availability", path, with_venues=True)


def _check_ids(
    r: Reader, week: Week, changes: list[tuple[str, ScenarioChange]], prices: dict
) -> None:
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
