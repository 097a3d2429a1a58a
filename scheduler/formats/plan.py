"""The plan format, `reformer-plan/1`, in and out; refused with every problem by JSON path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scheduler.formats.times import day_and_time, format_time
from scheduler.formats.week import Reader, WeekError, json_type
from solver.domain import (
    MINUTES_PER_DAY,
    Allocation,
    Objective,
    Plan,
    Session,
    Unplaced,
)

PLAN_FORMAT = "reformer-plan/1"


def plan_to_json(plan: Plan) -> dict:
    """A `Plan` as a `reformer-plan/1` document."""
    return {
        "format": PLAN_FORMAT,
        "sessions": [
            {
                "id": s.id,
                "class_type": s.class_type,
                "venue": s.venue,
                "room": s.room,
                "day": day_and_time(s.start)[0],
                "start": day_and_time(s.start)[1],
                "end": format_time(s.end - (s.start // MINUTES_PER_DAY) * MINUTES_PER_DAY),
                "instructor": s.instructor,
            }
            for s in plan.sessions
        ],
        "allocations": [
            {"client": a.client, "session": a.session, "reformer": a.reformer}
            for a in plan.allocations
        ],
        "unplaced": [
            {
                "client": u.client,
                "class_types": list(u.class_types),
                "missing": u.missing,
                "reasons": list(u.reasons),
            }
            for u in plan.unplaced
        ],
        "objective": {
            "priority_places": plan.objective.priority_places,
            "preference_points": plan.objective.preference_points,
            "teaching_minutes": plan.objective.teaching_minutes,
        },
        "bound": {"priority_places": plan.bound},
        "status": plan.status,
        "solve_seconds": round(plan.solve_seconds, 3),
    }


def read_plan_file(path: str | Path) -> Plan:
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise WeekError(
            [f"$: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"]
        ) from exc
    return parse_plan(data)


def parse_plan(data: Any) -> Plan:
    """Read a `reformer-plan/1` document's shape (its rules are the checker's business)."""
    r = Reader()
    if not isinstance(data, dict):
        raise WeekError([f"$: must be an object, not {json_type(data)}"])
    if data.get("format") != PLAN_FORMAT:
        r.error("$.format", f"must be '{PLAN_FORMAT}', not {json.dumps(data.get('format'))}")
    sessions = []
    for (path, item), session_id in _with_ids(r, r.objects(data, "sessions", "$"), "session"):
        day = r.day(item, path)
        start = r.time(item, "start", path)
        end = r.time(item, "end", path)
        fields = [
            r.field(item, k, path, str) for k in ("class_type", "venue", "room", "instructor")
        ]
        if day is not None and start is not None and end is not None and None not in fields:
            base = day * MINUTES_PER_DAY
            sessions.append(
                Session(
                    session_id, fields[0], fields[1], fields[2], base + start, base + end, fields[3]
                )
            )
    allocations = []
    for path, item in r.objects(data, "allocations", "$"):
        client = r.field(item, "client", path, str)
        session = r.field(item, "session", path, str)
        reformer = r.field(item, "reformer", path, (str, type(None)), None)
        if client is not None and session is not None:
            allocations.append(Allocation(client, session, reformer))
    unplaced = []
    for path, item in r.objects(data, "unplaced", "$", []):
        unplaced.append(
            Unplaced(
                client=r.field(item, "client", path, str),
                class_types=tuple(r.strings(item, "class_types", path, [])),
                missing=r.number(item, "missing", path, 0, 0) or 0,
                reasons=tuple(r.strings(item, "reasons", path, [])),
            )
        )
    objective = r.field(data, "objective", "$", dict, {}) or {}
    bound = r.field(data, "bound", "$", dict, {}) or {}
    if r.errors:
        raise WeekError(r.errors)
    return Plan(
        sessions=tuple(sessions),
        allocations=tuple(allocations),
        unplaced=tuple(unplaced),
        objective=Objective(
            objective.get("priority_places", 0),
            objective.get("preference_points", 0),
            objective.get("teaching_minutes", 0),
        ),
        bound=bound.get("priority_places"),
        status=data.get("status", "FEASIBLE"),
        solve_seconds=float(data.get("solve_seconds", 0.0) or 0.0),
    )


def _with_ids(r: Reader, items: list[tuple[str, dict]], what: str):
    return zip(items, r.unique(items, what), strict=True)
