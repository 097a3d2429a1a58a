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

from pydantic import ValidationError

from scheduler.formats.scenario import (
    CHANGES,
    SCENARIO_FORMAT,
    ScenarioDocument,
    kind_of,
    scenario_error_line,
)
from scheduler.formats.validation import WeekError, read_json_file
from solver.domain import (
    Week,
)

__all__ = ["CHANGE_FIELDS", "SCENARIO_FORMAT", "ScenarioError", "parse_scenario"]


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


# Each kind of change: the names of its required fields and of its optional ones.
CHANGE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    kind_of(change): tuple(
        tuple(
            f.alias or name
            for name, f in change.model_fields.items()
            if name != "kind" and f.is_required() == required
        )
        for required in (True, False)
    )
    for change in CHANGES
}


def read_scenario_file(path: str | Path) -> Scenario:
    """Read and validate a `reformer-scenario/1` file; a relative base file is read beside it."""
    path = Path(path)
    scenario = parse_scenario(read_json_file(path, ScenarioError))
    if scenario.base_file and not Path(scenario.base_file).is_absolute():
        scenario = replace(scenario, base_file=str(path.parent / scenario.base_file))
    return scenario


def parse_scenario(data: Any, week: Week | None = None) -> Scenario:
    """Validate a scenario document; with `week`, also check every id it names exists there.

    Raises `ScenarioError` listing every problem with its JSON path.
    """
    try:
        doc = ScenarioDocument.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([scenario_error_line(e) for e in exc.errors()]) from None
    changes = [
        (f"$.changes[{i}]", ScenarioChange(kind, fields))
        for i, (kind, fields) in enumerate(_as_written(item) for item in data["changes"])
    ]
    if week is not None:
        errors = _check_ids(week, changes, doc.prices)
        if errors:
            raise ScenarioError(errors)
    return Scenario(
        name=doc.name,
        base_week_start=doc.base.week_start,
        base_file=doc.base.file,
        changes=tuple(c for _, c in changes),
        prices=dict(doc.prices),
        description=doc.description,
    )


def _as_written(item: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A change's kind and its other fields, as the document writes them."""
    return item["kind"], {k: v for k, v in item.items() if k != "kind"}


def _check_ids(
    week: Week, changes: list[tuple[str, ScenarioChange]], prices: dict[str, float]
) -> list[str]:
    """Every room, venue, instructor and class type a change names exists in the base week.

    Instructors added by an earlier change count as existing for later ones.
    """
    errors: list[str] = []

    def error(path: str, message: str) -> None:
        errors.append(f"{path}: {message}")

    rooms = week.rooms
    venues = set(week.venue_by_id)
    class_types = set(week.class_type_by_id)
    instructors = set(week.instructor_by_id)
    for key in prices:
        if key not in class_types:
            error(f"$.prices.{key}", f"unknown class type '{key}'")
    for path, change in changes:
        f = change.fields
        if "room" in f and f["room"] not in rooms:
            error(f"{path}.room", f"unknown room '{f['room']}'")
        if "venue" in f and f["venue"] not in venues:
            error(f"{path}.venue", f"unknown venue '{f['venue']}'")
        if change.kind == "class_type" and f["class_type"] not in class_types:
            error(f"{path}.class_type", f"unknown class type '{f['class_type']}'")
        if change.kind == "change_instructor" and f["instructor"] not in instructors:
            error(f"{path}.instructor", f"unknown instructor '{f['instructor']}'")
        if change.kind == "remove_reformers" and f["room"] in rooms:
            room = rooms[f["room"]]
            have = {x.id for x in room.reformers}
            for i, rid in enumerate(f.get("ids") or []):
                if rid not in have:
                    error(f"{path}.ids[{i}]", f"unknown reformer '{rid}' in room '{room.id}'")
            if f.get("count") is not None and f["count"] > len(room.reformers):
                error(f"{path}.count", f"room '{room.id}' has only {len(room.reformers)} reformers")
        if change.kind == "add_reformers" and f["room"] in rooms:
            have = {x.id for room in rooms.values() for x in room.reformers}
            for i, rid in enumerate(f.get("ids") or []):
                if rid in have:
                    error(f"{path}.ids[{i}]", f"reformer '{rid}' already exists")
        teaches = f.get("teaches") or (
            f["instructor"].get("teaches", []) if change.kind == "add_instructor" else []
        )
        where = "instructor.teaches" if change.kind == "add_instructor" else "teaches"
        for i, t in enumerate(teaches):
            if t not in class_types:
                error(f"{path}.{where}[{i}]", f"unknown class type '{t}'")
        windows = f.get("availability") or (
            f["instructor"].get("availability", []) if change.kind == "add_instructor" else []
        )
        where = "instructor.availability" if change.kind == "add_instructor" else "availability"
        for i, w in enumerate(windows):
            for j, v in enumerate(w.get("venues", [])):
                if v not in venues:
                    error(f"{path}.{where}[{i}].venues[{j}]", f"unknown venue '{v}'")
        if change.kind == "add_instructor":
            new_id = f["instructor"]["id"]
            if new_id in instructors:
                error(f"{path}.instructor.id", f"instructor '{new_id}' already exists")
            instructors.add(new_id)
    return errors


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
