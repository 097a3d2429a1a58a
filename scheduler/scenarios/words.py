"""A scenario in the studio's words: the names of a week, each change, each field a sweep
can vary, and a plain explanation of every figure a result shows.

Everything here reads ids from a `reformer-scenario/1` document and the names from
the base week; an id the week does not know is shown as it is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scheduler.core.names import WeekNames
from scheduler.formats import bounds
from solver.domain import DAYS

DAY_NAMES = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)

# What each figure of a result means, in a sentence the owner can read beside it.
FIGURE_EXPLANATIONS: dict[str, str] = {
    "priority_places": "Places given, each counted by the client's priority (members above "
    "drop-ins). The optimiser makes this as large as it can first.",
    "places": "Places given in the week's classes, one for each client in each class.",
    "clients_fully_served": "Clients who got every class they asked for.",
    "clients_partly_served": "Clients who got some, but not all, of the classes they asked for.",
    "clients_not_served": "Clients who asked for a class and got none.",
    "fill_rate": "Places given as a share of the places the week's classes could hold.",
    "reformer_utilisation": "Share of the reformer-minutes on offer while venues are open "
    "that a client uses.",
    "teaching_minutes": "Minutes of teaching in the week, all instructors together. "
    "Fewer, fuller classes is better once the places are given.",
    "sessions": "Classes that run in the week.",
    "unplaced_places": "Places clients asked for that no class gave them.",
    "revenue": "What the week's places bring in at each class type's price per place.",
    "bound": "No plan of this week can give more priority places than this: the optimiser "
    "proved it. The nearer the plan is to it, the surer the figures are.",
    "fcfs": "FCFS: the same timetable booked first come, first served, as a booking system "
    "would; the gap to it is what the optimiser adds.",
}


def _names(names: WeekNames, what: str, keys: list[str] | tuple[str, ...]) -> str:
    words = [getattr(names, what)(k) for k in keys]
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1] if words else ""


def _hours(windows: list[Mapping[str, Any]], names: WeekNames | None = None) -> str:
    parts = []
    for w in windows:
        text = f"{DAY_NAMES.get(w['day'], w['day'])} {w['from']}–{w['to']}"
        if names is not None and w.get("venues"):
            text += " at " + _names(names, "venue", w["venues"])
        parts.append(text)
    return "; ".join(parts)


def _plural(n: float, word: str) -> str:
    return f"{n:g} {word}" + ("" if n == 1 else "s")


def change_words(change: Mapping[str, Any], names: WeekNames) -> str:
    """One change as the owner would say it: "Add 2 reformers to Hitchin · Studio"."""
    kind = change.get("kind")
    describe = _CHANGE_WORDS.get(kind)
    return describe(change, names) if describe else str(kind)


def _add_reformers(c: Mapping[str, Any], n: WeekNames) -> str:
    features = f" ({', '.join(c['features'])})" if c.get("features") else ""
    return f"Add {_plural(c['count'], 'reformer')}{features} to {n.room(c['room'])}"


def _remove_reformers(c: Mapping[str, Any], n: WeekNames) -> str:
    if c.get("ids"):
        return f"Take reformers {', '.join(c['ids'])} out of {n.room(c['room'])}"
    return f"Take {_plural(c['count'], 'reformer')} out of {n.room(c['room'])}"


def _limits(c: Mapping[str, Any]) -> list[str]:
    parts = []
    if c.get("max_week_minutes") is not None:
        parts.append(f"at most {c['max_week_minutes']} minutes a week")
    if c.get("max_day_minutes") is not None:
        parts.append(f"at most {c['max_day_minutes']} a day")
    return parts


def _add_instructor(c: Mapping[str, Any], n: WeekNames) -> str:
    i = c["instructor"]
    text = f"Hire {i.get('name') or i['id']}"
    if i.get("teaches"):
        text += " to teach " + _names(n, "class_type", i["teaches"])
    parts = [_hours(i["availability"], n)] if i.get("availability") else []
    return "; ".join([text, *parts, *_limits(i)])


def _change_instructor(c: Mapping[str, Any], n: WeekNames) -> str:
    parts = _limits(c)
    if c.get("teaches") is not None:
        parts.append("teaches " + (_names(n, "class_type", c["teaches"]) or "nothing"))
    if c.get("availability") is not None:
        parts.append("available " + (_hours(c["availability"], n) or "never"))
    return f"{n.instructor(c['instructor'])}: " + ("; ".join(parts) or "no change")


def _class_type(c: Mapping[str, Any], n: WeekNames) -> str:
    parts = []
    if c.get("max_size") is not None:
        parts.append(f"at most {c['max_size']} a class")
    if c.get("min_size") is not None:
        parts.append(f"at least {c['min_size']} to run")
    if c.get("minutes") is not None:
        parts.append(f"{c['minutes']} minutes long")
    return f"{n.class_type(c['class_type'])}: " + ("; ".join(parts) or "no change")


def _demand(c: Mapping[str, Any], n: WeekNames) -> str:
    percent = c["percent"]
    more = "more" if percent >= 0 else "fewer"
    return f"{abs(percent):g}% {more} clients, drawn like today's"


_CHANGE_WORDS = {
    "add_reformers": _add_reformers,
    "remove_reformers": _remove_reformers,
    "mat_spaces": lambda c, n: f"{n.room(c['room'])} holds {_plural(c['mat_spaces'], 'mat')}",
    "close_venue": lambda c, n: f"Close {n.venue(c['venue'])} for the week",
    "open_venue": lambda c, n: (
        f"Open {n.venue(c['venue'])}: " + (_hours(c["open"]) or "no hours (closed)")
    ),
    "close_day": lambda c, n: (
        f"Close {DAY_NAMES.get(c['day'], c['day'])} at {n.venue(c.get('venue'))}"
    ),
    "open_day": lambda c, n: (
        f"Open {n.venue(c.get('venue'))} on "
        f"{DAY_NAMES.get(c['day'], c['day'])} {c['from']}–{c['to']}"
    ),
    "add_instructor": _add_instructor,
    "change_instructor": _change_instructor,
    "class_type": _class_type,
    "demand": _demand,
    "grid": lambda c, n: f"Classes may start every {c['minutes']} minutes",
}


# --- the numbers a sweep can vary ------------------------------------------------------------


@dataclass(frozen=True)
class SweepField:
    """A number of a scenario's change that a sweep can vary, in words.

    `path` is where it sits in the document (`changes[0].count`); `whole` says the
    value is a count (whole numbers only); `low`..`high` are the values it may take.
    """

    path: str
    words: str
    whole: bool
    low: float
    high: float
    value: float | None = None


# For each kind of change: (field path inside the change, words, whole, low, high).
_SWEEPABLE: dict[str, tuple[tuple[str, str, bool, float, float], ...]] = {
    "add_reformers": (
        ("count", "the number of reformers added to {room}", True, 0, bounds.REFORMERS_PER_ROOM),
    ),
    "remove_reformers": (
        (
            "count",
            "the number of reformers taken out of {room}",
            True,
            0,
            bounds.REFORMERS_PER_ROOM,
        ),
    ),
    "mat_spaces": (("mat_spaces", "the mat spaces of {room}", True, *bounds.MAT_SPACES),),
    "add_instructor": (
        (
            "instructor.max_week_minutes",
            "the most minutes a week {new} teaches",
            True,
            *bounds.WEEK_MINUTES,
        ),
        (
            "instructor.max_day_minutes",
            "the most minutes a day {new} teaches",
            True,
            *bounds.DAY_MINUTES,
        ),
    ),
    "change_instructor": (
        ("max_week_minutes", "the most minutes a week {instructor} teaches", True, 0, 10080),
        ("max_day_minutes", "the most minutes a day {instructor} teaches", True, 0, 1440),
    ),
    "class_type": (
        ("max_size", "max class size of {class_type}", True, *bounds.CLASS_SIZE),
        ("min_size", "min class size of {class_type}", True, 0, bounds.CLASS_SIZE[1]),
        ("minutes", "the length of {class_type} in minutes", True, *bounds.CLASS_MINUTES),
    ),
    "demand": (("percent", "demand change in percent", False, -99, bounds.DEMAND_PERCENT[1]),),
    "grid": (("minutes", "the timetable grid in minutes", True, *bounds.GRID_MINUTES),),
}


def _value_at(change: Mapping[str, Any], path: str) -> Any:
    value: Any = change
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def sweep_fields(document: Mapping[str, Any], names: WeekNames) -> list[SweepField]:
    """Every number of the document's changes a sweep can vary, described in words."""
    out: list[SweepField] = []
    for i, change in enumerate(document.get("changes", [])):
        new = change.get("instructor") if change.get("kind") == "add_instructor" else None
        context = {
            "room": names.room(change.get("room", "")),
            "class_type": names.class_type(change.get("class_type", "")),
            "instructor": names.instructor(change["instructor"])
            if isinstance(change.get("instructor"), str)
            else "",
            "new": f"the new instructor {new.get('name') or new.get('id')}"
            if isinstance(new, Mapping)
            else "",
        }
        for field, words, whole, low, high in _SWEEPABLE.get(change.get("kind"), ()):
            value = _value_at(change, field)
            out.append(
                SweepField(
                    path=f"changes[{i}].{field}",
                    words=words.format(**context),
                    whole=whole,
                    low=low,
                    high=high,
                    value=value if isinstance(value, int | float) else None,
                )
            )
    seen: dict[str, int] = {}
    for f in out:
        seen[f.words] = seen.get(f.words, 0) + 1
    return [
        SweepField(**{**f.__dict__, "words": f"{f.words} (change {_index(f.path) + 1})"})
        if seen[f.words] > 1
        else f
        for f in out
    ]


def _index(path: str) -> int:
    return int(path.split("[", 1)[1].split("]", 1)[0])


def sweep_field(document: Mapping[str, Any], path: str, names: WeekNames) -> SweepField | None:
    """The sweepable field at `path` of `document`, or None if there is none."""
    return next((f for f in sweep_fields(document, names) if f.path == path), None)


def sweep_label(result: Mapping[str, Any], names: WeekNames | None = None) -> tuple[str, bool]:
    """The swept number in words ("the number of reformers added to Hitchin · Studio"), and
    whether it is a count; the path itself for a field the words do not know."""
    field = sweep_field(
        result.get("scenario", {}),
        result["path"],
        names or WeekNames(rooms={}, venues={}, instructors={}, class_types={}),
    )
    if field is not None:
        return field.words[:1].upper() + field.words[1:], field.whole
    values = [p["value"] for p in result["points"]]
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    return result["path"], whole
