"""A scenario made from forms: each kind of change as a few fields in the studio's words,
built into the same `reformer-scenario/1` document a JSON file gives.

`CHANGE_FORMS` lists each kind's fields; `build_change` turns what a form posted
into one change; `save_scenario_from_form` builds the document, checks it with
`parse_scenario` against its base week and stores it, every error named by the
form field it comes from. `sweep_values` turns "from 0 to 6 in steps of 1" into
the values a sweep runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from scheduler.core import models as db
from scheduler.core.names import WeekNames, week_names
from scheduler.scenarios.document import SCENARIO_FORMAT, ScenarioError, parse_scenario
from scheduler.scenarios.service import (
    save_scenario,
    scenario_document,
    scenario_row,
    start_scenario_run,
    stored_week,
)
from scheduler.scenarios.words import change_words, sweep_fields

# The most points a sweep chosen on a form may have.
MOST_SWEEP_POINTS = 25


@dataclass(frozen=True)
class FormField:
    """One field of a change's form.

    `widget` says what the owner picks from: `room`, `venue`, `any_venue` (a venue or
    every venue), `instructor`, `class_type`, `day`, `days`, `venues`, `class_types`,
    `features`, `time`, `count` (a whole number), `number` or `text`.
    """

    name: str
    label: str
    widget: str
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class ChangeForm:
    """A kind of change: its title on the page and its fields."""

    kind: str
    title: str
    fields: tuple[FormField, ...]

    def field(self, name: str) -> FormField | None:
        """The field called `name`, or None."""
        return next((f for f in self.fields if f.name == name), None)


_HOURS = (
    FormField("days", "Days", "days"),
    FormField("from", "From", "time"),
    FormField("to", "To", "time"),
)
_CAPS = (
    FormField("max_week_minutes", "Most minutes a week", "count"),
    FormField("max_day_minutes", "Most minutes a day", "count"),
)
_KEEP = "leave empty to keep as it is"

CHANGE_FORMS: dict[str, ChangeForm] = {
    f.kind: f
    for f in (
        ChangeForm(
            "add_reformers",
            "Add reformers",
            (
                FormField("room", "Room", "room"),
                FormField("count", "How many", "count"),
                FormField("features", "Each with", "features", required=False),
            ),
        ),
        ChangeForm(
            "remove_reformers",
            "Take reformers out",
            (FormField("room", "Room", "room"), FormField("count", "How many", "count")),
        ),
        ChangeForm(
            "mat_spaces",
            "Change a room's mat spaces",
            (FormField("room", "Room", "room"), FormField("mat_spaces", "Mat spaces", "count")),
        ),
        ChangeForm(
            "close_venue", "Close a venue all week", (FormField("venue", "Venue", "venue"),)
        ),
        ChangeForm(
            "open_venue",
            "Set a venue's opening hours",
            (
                FormField("venue", "Venue", "venue"),
                *_HOURS[:1],
                FormField("from", "Opens", "time"),
                FormField("to", "Closes", "time"),
            ),
        ),
        ChangeForm(
            "close_day",
            "Close a day",
            (
                FormField("day", "Day", "day"),
                FormField("venue", "Where", "any_venue", required=False),
            ),
        ),
        ChangeForm(
            "open_day",
            "Open a day (new hours that day)",
            (
                FormField("day", "Day", "day"),
                FormField("from", "Opens", "time"),
                FormField("to", "Closes", "time"),
                FormField("venue", "Where", "any_venue", required=False),
            ),
        ),
        ChangeForm(
            "add_instructor",
            "Hire an instructor",
            (
                FormField("name", "Name", "text"),
                FormField("teaches", "Teaches", "class_types"),
                *_HOURS,
                FormField("venues", "At", "venues"),
                *_CAPS,
            ),
        ),
        ChangeForm(
            "change_instructor",
            "Change an instructor's hours or limits",
            (
                FormField("instructor", "Instructor", "instructor"),
                *(FormField(f.name, f.label, f.widget, False, _KEEP) for f in _CAPS),
                FormField("teaches", "Teaches", "class_types", False, "tick none to keep"),
                FormField("days", "Available on", "days", False, "tick none to keep the hours"),
                FormField("from", "From", "time", False),
                FormField("to", "To", "time", False),
                FormField("venues", "At", "venues", False),
            ),
        ),
        ChangeForm(
            "class_type",
            "Change a class type's size or length",
            (
                FormField("class_type", "Class type", "class_type"),
                FormField("max_size", "Max class size", "count", False, _KEEP),
                FormField("min_size", "Min class size", "count", False, _KEEP),
                FormField("minutes", "Minutes long", "count", False, _KEEP),
            ),
        ),
        ChangeForm(
            "demand",
            "More or fewer clients",
            (
                FormField("percent", "Change in percent", "number", hint="e.g. 20, or -10"),
                FormField("seed", "Seed", "count", False, "another seed draws other clients"),
            ),
        ),
        ChangeForm(
            "grid",
            "Change the timetable grid",
            (FormField("minutes", "Classes start every (minutes)", "count"),),
        ),
    )
}

# Where a document's field comes from on a kind's form, where its name differs.
_FORM_NAME: dict[str, dict[str, str]] = {
    "open_venue": {"open": "days", "day": "days"},
    "add_instructor": {"id": "name", "availability": "days", "day": "days", "instructor": "name"},
    "change_instructor": {"availability": "days", "day": "days"},
}


class FormErrors(ScenarioError):
    """What is wrong with a scenario's form: each message by the form field it belongs to.

    `fields` maps a form field (`name`, `week_start`, `changes-0-count`) to its
    messages; `errors` says each problem in a sentence for the top of the page.
    """

    def __init__(self) -> None:
        super().__init__([])
        self.fields: dict[str, list[str]] = {}
        self.entries: list[tuple[str | None, str, str]] = []

    def add(self, key: str | None, sentence: str, message: str) -> None:
        """Record `message` against form field `key` (None: the whole form), and `sentence`
        for the summary; a message given twice is kept once."""
        if key is not None and message in self.fields.get(key, []):
            return
        if key is not None:
            self.fields.setdefault(key, []).append(message)
        self.entries.append((key, sentence, message))
        self.errors.append(sentence)


def _as_list(values: Mapping[str, Any], name: str) -> list[str]:
    value = values.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in items if str(v).strip()]


def _number(text: str, whole: bool) -> int | float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    if whole and value != int(value):
        raise ValueError(text)
    return int(value) if value == int(value) else value


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "instructor"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def build_change(
    kind: str, values: Mapping[str, Any], names: WeekNames
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One change from the fields a form posted (`values`: field name -> text or texts).

    Returns the change as `reformer-scenario/1` writes it, and the messages of the
    fields that cannot be read (a word where a number goes), by field name. A
    required field left empty is left out, for `parse_scenario` to report.
    """
    form = CHANGE_FORMS.get(kind)
    if form is None:
        return {"kind": kind}, {"kind": [f"unknown kind of change '{kind}'"]}
    read: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for f in form.fields:
        items = _as_list(values, f.name)
        if f.widget in ("days", "venues", "class_types", "features"):
            read[f.name] = items
        elif not items:
            continue
        elif f.widget in ("count", "number"):
            try:
                read[f.name] = _number(items[0], whole=f.widget == "count")
            except ValueError:
                whole = "a whole number" if f.widget == "count" else "a number"
                errors[f.name] = [f"must be {whole}, not '{items[0]}'"]
        else:
            read[f.name] = items[0]
    return _assemble(kind, read, names), errors


def _window_list(read: Mapping[str, Any], venues: bool) -> list[dict[str, Any]]:
    windows = []
    for day in read.get("days", []):
        w: dict[str, Any] = {"day": day}
        for key in ("from", "to"):
            if key in read:
                w[key] = read[key]
        if venues:
            w["venues"] = list(read.get("venues", []))
        windows.append(w)
    return windows


def _assemble(kind: str, read: dict[str, Any], names: WeekNames) -> dict[str, Any]:
    """The change a kind's fields make: most map one to one, the hours make windows."""
    change: dict[str, Any] = {"kind": kind}
    if kind == "open_venue":
        change.update({k: read[k] for k in ("venue",) if k in read})
        change["open"] = _window_list(read, venues=False)
    elif kind == "add_instructor":
        instructor: dict[str, Any] = {}
        if "name" in read:
            instructor["id"] = _slug(read["name"], set(names.instructors))
            instructor["name"] = read["name"]
        instructor["teaches"] = read.get("teaches", [])
        instructor.update(
            {k: read[k] for k in ("max_week_minutes", "max_day_minutes") if k in read}
        )
        instructor["availability"] = _window_list(read, venues=True)
        change["instructor"] = instructor
    elif kind == "change_instructor":
        change.update(
            {k: read[k] for k in ("instructor", "max_week_minutes", "max_day_minutes") if k in read}
        )
        if read.get("teaches"):
            change["teaches"] = read["teaches"]
        if read.get("days"):
            change["availability"] = _window_list(read, venues=True)
    else:
        # Of the lists, only a new reformer's features are a field of their own.
        change.update({k: v for k, v in read.items() if not isinstance(v, list) or k == "features"})
    return change


def form_values(change: Mapping[str, Any]) -> dict[str, list[str]]:
    """The fields a change's form shows for `change`: the reverse of `build_change`."""
    kind = change.get("kind", "")
    out: dict[str, list[str]] = {}
    source: Mapping[str, Any] = change
    windows: list[Mapping[str, Any]] = []
    if kind == "add_instructor":
        source = change.get("instructor", {})
        windows = source.get("availability", [])
    elif kind == "open_venue":
        windows = change.get("open", [])
    elif kind == "change_instructor":
        windows = change.get("availability") or []
    for key, value in source.items():
        if isinstance(value, list):
            out[key] = [str(v) for v in value]
        elif not isinstance(value, Mapping):
            out[key] = [str(value)]
    if windows:
        out["days"] = [w["day"] for w in windows]
        out["from"], out["to"] = [windows[0].get("from", "")], [windows[0].get("to", "")]
        out["venues"] = [str(v) for v in windows[0].get("venues", [])]
    out.pop("availability", None)
    out.pop("open", None)
    return out


def change_key(index: int, name: str) -> str:
    """The form field of change `index`'s field `name`: `changes-0-count`."""
    return f"changes-{index}-{name}"


def scenario_from_form(
    *,
    name: str,
    description: str,
    week_start: str,
    changes: list[tuple[str, Mapping[str, Any]]],
    names: WeekNames,
) -> tuple[dict[str, Any], FormErrors]:
    """The `reformer-scenario/1` document a form makes, and the fields it could not read.

    `changes` is each change's kind and posted fields, in order; an unreadable
    field is left out of the document.
    """
    problems = FormErrors()
    built = []
    for i, (kind, values) in enumerate(changes):
        change, errors = build_change(kind, values, names)
        for field_name, messages in errors.items():
            for message in messages:
                problems.add(
                    change_key(i, field_name), _sentence(i, kind, field_name, message), message
                )
        built.append(change)
    if not changes:
        problems.add("changes", "Add at least one change.", "Add at least one change.")
    document = {
        "format": SCENARIO_FORMAT,
        "name": name.strip(),
        "description": description.strip(),
        "base": {"week_start": week_start or "latest"},
        "changes": built,
    }
    return document, problems


def _sentence(index: int, kind: str, field_name: str | None, message: str) -> str:
    form = CHANGE_FORMS.get(kind)
    title = form.title if form else kind
    f = form.field(field_name) if form and field_name else None
    where = f"Change {index + 1} ({title})" + (f", {f.label}" if f else "")
    return f"{where}: {message}"


_CHANGE_PATH = re.compile(r"^\$\.changes\[(\d+)\](\S*?): (.*)$", re.S)
_TOP_FIELDS = {"$.name": "name", "$.description": "description", "$.base.week_start": "week_start"}


def form_errors(scenario_errors: list[str], document: Mapping[str, Any]) -> FormErrors:
    """`parse_scenario`'s errors (by JSON path) named by the form fields they come from."""
    problems = FormErrors()
    labels = {"name": "Name", "description": "What it asks", "week_start": "Base week"}
    changes = document.get("changes", [])
    for line in scenario_errors:
        match = _CHANGE_PATH.match(line)
        if match is None:
            path, _, message = line.partition(": ")
            key = next((k for p, k in _TOP_FIELDS.items() if path.startswith(p)), None)
            if key is None:
                problems.add(None, line, line)
            else:
                problems.add(key, f"{labels[key]}: {message}", message)
            continue
        index, rest, message = int(match[1]), match[2], match[3]
        kind = changes[index].get("kind", "") if index < len(changes) else ""
        field_name = _form_field(kind, rest)
        key = change_key(index, field_name) if field_name else change_key(index, "kind")
        problems.add(key, _sentence(index, kind, field_name, message), message)
    return problems


def _form_field(kind: str, rest: str) -> str | None:
    """The form field a path inside a change (`.open[0].to`) comes from; None for the whole."""
    form = CHANGE_FORMS.get(kind)
    if form is None:
        return None
    renames = _FORM_NAME.get(kind, {})
    for part in reversed(re.findall(r"[A-Za-z_]+", rest)):
        if part in renames:
            return renames[part]
        if form.field(part):
            return part
    return None


def _form_names(*, session: Session, week_start: str) -> WeekNames | None:
    try:
        _, week = stored_week(session=session, week_start=week_start or "latest")
    except (ScenarioError, ValueError):
        return None
    return week_names(week)


def names_for_form(*, session: Session, week_start: str | None) -> WeekNames:
    """The names a scenario form offers: those of the stored week (the newest if none given)."""
    names = _form_names(session=session, week_start=week_start or "latest")
    return names or WeekNames(rooms={}, venues={}, instructors={}, class_types={})


def save_scenario_from_form(
    *,
    session: Session,
    name: str,
    description: str,
    week_start: str,
    changes: list[tuple[str, Mapping[str, Any]]],
) -> db.Scenario:
    """Build a scenario from its forms, check it against its base week and store it.

    Raises `FormErrors`, each problem named by its form field.
    """
    names = names_for_form(session=session, week_start=week_start)
    document, unreadable = scenario_from_form(
        name=name, description=description, week_start=week_start, changes=changes, names=names
    )
    try:
        if unreadable.errors:
            # Check the rest too, so the owner sees every problem at once.
            _, week = stored_week(session=session, week_start=week_start or "latest")
            parse_scenario(document, week)
            raise unreadable
        return save_scenario(session=session, document=document)
    except FormErrors:
        raise
    except ScenarioError as exc:
        read = set(unreadable.fields)
        for key, sentence, message in form_errors(exc.errors, document).entries:
            # A field that could not be read is "required" in the document: say it once.
            if key not in read:
                unreadable.add(key, sentence, message)
        raise unreadable from None


def sweep_values(start: float, stop: float, step: float, *, whole: bool) -> list[int | float]:
    """The values of a sweep "from `start` to `stop` in steps of `step`", both ends included.

    A count (`whole`) takes whole numbers only. Raises `FormErrors` naming the form
    field (`start`, `stop`, `step`) that is wrong.
    """
    problems = FormErrors()
    if whole:
        for key, label, value in (
            ("start", "From", start),
            ("stop", "To", stop),
            ("step", "Step", step),
        ):
            if value != int(value):
                message = f"is a count: give a whole number, not {value:g}"
                problems.add(key, f"{label}: {message}", message)
    if step <= 0:
        problems.add("step", "Step: must be more than 0", "must be more than 0")
    elif stop < start:
        problems.add("stop", "To: must not be below From", "must not be below From")
    elif (stop - start) / step + 1 > MOST_SWEEP_POINTS + 1e-9:
        message = f"gives more than {MOST_SWEEP_POINTS} points: take a larger step"
        problems.add("step", f"Step: {message}", message)
    if problems.errors:
        raise problems
    count = int(math.floor((stop - start) / step + 1e-9)) + 1
    values = [start + i * step for i in range(count)]
    if whole:
        return [int(round(v)) for v in values]
    return [int(v) if float(v).is_integer() else round(v, 6) for v in values]


def scenario_in_words(*, session: Session, row: db.Scenario) -> dict[str, Any]:
    """What a scenario's page shows: its document, each change in words, what a sweep can vary.

    Names come from the base week (the newest if it is gone).
    """
    document = scenario_document(session=session, row=row)
    names = names_for_form(session=session, week_start=document["base"]["week_start"])
    return {
        "document": document,
        "names": names,
        "changes": [change_words(c, names) for c in document["changes"]],
        "sweep_fields": sweep_fields(document, names),
    }


def start_sweep_in_words(
    *,
    session: Session,
    scenario_id: int,
    path: str,
    start: float,
    stop: float,
    step: float,
    time_limit: float,
    database_url: str | None = None,
) -> db.SolveRun:
    """Start a sweep chosen in words: the field at `path`, from `start` to `stop` by `step`.

    Raises `FormErrors` for a field the scenario has no such number at, or values
    that do not fit it (a count takes whole numbers, within the field's bounds).
    """
    row = scenario_row(session=session, scenario_id=scenario_id)
    if row is None:
        raise ScenarioError([f"no scenario {scenario_id}"])
    shown = scenario_in_words(session=session, row=row)
    chosen = next((f for f in shown["sweep_fields"] if f.path == path), None)
    if chosen is None:
        problems = FormErrors()
        problems.add("path", "Vary: choose one of the scenario's numbers", "choose one")
        raise problems
    values = sweep_values(start, stop, step, whole=chosen.whole)
    if values[0] < chosen.low or values[-1] > chosen.high:
        problems = FormErrors()
        message = f"{chosen.words} runs from {chosen.low:g} to {chosen.high:g}"
        problems.add("start" if values[0] < chosen.low else "stop", message, message)
        raise problems
    return start_scenario_run(
        session=session,
        scenario_id=scenario_id,
        time_limit=time_limit,
        sweep_path=path,
        sweep_values=values,
        database_url=database_url,
    )


def names_of_result(*, session: Session, result: Mapping[str, Any]) -> WeekNames:
    """The names of the week a run's or a sweep's result was measured on."""
    base = result.get("scenario", {}).get("base", {})
    return names_for_form(
        session=session, week_start=base.get("week_start") or result.get("week_start")
    )
