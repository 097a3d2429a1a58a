"""The plan format, `reformer-plan/1`, in and out; refused with every problem by JSON path.

`PlanDocument` and the models under it define the format: its JSON Schema
(`reformer schema plan`) and its validation come from them. Only the plan's
shape is checked here; whether it keeps the rules is the checker's business.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from scheduler.formats.times import day_and_time, format_time, parse_time
from scheduler.formats.validation import (
    Day,
    Document,
    Time,
    WeekError,
    error_line,
    fail,
    read_json_file,
)
from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    Allocation,
    Objective,
    Plan,
    Session,
    Unplaced,
)

PLAN_FORMAT = "reformer-plan/1"


class SessionDocument(Document):
    """A class that runs: its type, room, day, time and instructor."""

    id: str
    class_type: str
    venue: str
    room: str
    day: Day
    start: Time
    end: Time
    instructor: str


class AllocationDocument(Document):
    """A client's place in a session, on a reformer for a reformer class."""

    client: str
    session: str
    reformer: str | None = None


class UnplacedDocument(Document):
    """A want not (fully) met, and why."""

    client: str
    class_types: list[str] = []
    missing: int = Field(0, ge=0)
    reasons: list[str] = []


class ObjectiveDocument(Document):
    """The plan's figures, level by level as the spec's "What best means"."""

    priority_places: int = 0
    fairness_points: int = 0
    preference_points: int = 0
    teaching_minutes: int = 0


class BoundDocument(Document):
    """The solver's proven bound on priority places (null if none was proven)."""

    priority_places: int | None = None


class PlanDocument(Document):
    """A week's plan (`reformer-plan/1`): sessions, allocations, unplaced wants, figures."""

    format: Literal[PLAN_FORMAT]
    sessions: list[SessionDocument]
    allocations: list[AllocationDocument]
    unplaced: list[UnplacedDocument] = []
    objective: ObjectiveDocument = ObjectiveDocument()
    bound: BoundDocument = BoundDocument()
    status: str = "FEASIBLE"
    solve_seconds: float = Field(0.0, ge=0)
    stopped_by_clock: bool = False

    @field_validator("sessions")
    @classmethod
    def _ids_are_unique(cls, sessions: list[SessionDocument]) -> list[SessionDocument]:
        seen: dict[str, int] = {}
        errors = []
        for i, s in enumerate(sessions):
            if s.id in seen:
                message = f"duplicate session id '{s.id}' (first at $.sessions[{seen[s.id]}])"
                errors.append(((i, "id"), message, s.id))
            seen.setdefault(s.id, i)
        if errors:
            fail(*errors)
        return sessions


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
        "objective": _objective_json(plan.objective),
        "bound": {"priority_places": plan.bound},
        "status": plan.status,
        "solve_seconds": round(plan.solve_seconds, 3),
        # Written only when true: a plan the clock did not cut is exactly the spec's format.
        **({"stopped_by_clock": True} if plan.stopped_by_clock else {}),
    }


def _objective_json(objective: Objective) -> dict[str, int]:
    """The plan's figures in the spec's order; fairness points left out when 0, as it allows."""
    figures = {"priority_places": objective.priority_places}
    if objective.fairness_points:
        figures["fairness_points"] = objective.fairness_points
    figures["preference_points"] = objective.preference_points
    figures["teaching_minutes"] = objective.teaching_minutes
    return figures


def read_plan_file(path: str | Path) -> Plan:
    """Read and validate a `reformer-plan/1` file."""
    return parse_plan(read_json_file(path, WeekError))


def parse_plan(data: Any) -> Plan:
    """Read a `reformer-plan/1` document's shape (its rules are the checker's business)."""
    try:
        doc = PlanDocument.model_validate(data)
    except ValidationError as exc:
        raise WeekError([error_line(e) for e in exc.errors()]) from None
    return Plan(
        sessions=tuple(_session(s) for s in doc.sessions),
        allocations=tuple(Allocation(a.client, a.session, a.reformer) for a in doc.allocations),
        unplaced=tuple(
            Unplaced(
                client=u.client,
                class_types=tuple(u.class_types),
                missing=u.missing,
                reasons=tuple(u.reasons),
            )
            for u in doc.unplaced
        ),
        objective=Objective(
            priority_places=doc.objective.priority_places,
            fairness_points=doc.objective.fairness_points,
            preference_points=doc.objective.preference_points,
            teaching_minutes=doc.objective.teaching_minutes,
        ),
        bound=doc.bound.priority_places,
        status=doc.status,
        solve_seconds=doc.solve_seconds,
        stopped_by_clock=doc.stopped_by_clock,
    )


def _session(s: SessionDocument) -> Session:
    base = DAYS.index(s.day) * MINUTES_PER_DAY
    start, end = base + parse_time(s.start), base + parse_time(s.end)
    return Session(s.id, s.class_type, s.venue, s.room, start, end, s.instructor)
