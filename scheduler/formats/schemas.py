"""The published JSON Schema of each document, by name (`reformer schema week`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from scheduler.formats.plan import PlanDocument
from scheduler.formats.scenario import ScenarioDocument
from scheduler.formats.validation import json_schema
from scheduler.formats.week import WeekDocument

DOCUMENTS: dict[str, type[BaseModel]] = {
    "week": WeekDocument,
    "plan": PlanDocument,
    "scenario": ScenarioDocument,
}


def document_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of the document `name` (week, plan or scenario); KeyError if none."""
    return json_schema(DOCUMENTS[name])
