"""The JSON API's responses as models: the OpenAPI document describes them from these."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from scheduler.formats.plan import AllocationDocument, PlanDocument
from scheduler.formats.validation import Day, IsoDate


class Error(BaseModel):
    """Every error the API answers: a short code and a sentence."""

    error: str = Field(examples=["not_found"])
    message: str


class WeekSummary(BaseModel):
    """A stored week and its current published plan version."""

    week_start: IsoDate
    timezone: str
    published_version: int | None
    published_at: datetime | None


class WeekList(BaseModel):
    """Every stored week, earliest first."""

    weeks: list[WeekSummary]


class PublishedSession(BaseModel):
    """A published session with places taken and spaces left; no client names."""

    id: str
    class_type: str
    class_name: str
    venue: str
    venue_name: str
    room: str
    instructor: str
    start: datetime
    end: datetime
    capacity: int
    taken: int
    spaces_left: int


class WeekSessions(BaseModel):
    """A week's published timetable; empty if nothing is published."""

    week_start: IsoDate
    published_version: int | None
    sessions: list[PublishedSession]


class NamedAllocation(AllocationDocument):
    """A place in a plan, with the client's name."""

    client_name: str | None


class NamedPlanDocument(PlanDocument):
    """A `reformer-plan/1` document whose allocations carry the client's name."""

    allocations: list[NamedAllocation]


class WeekPlan(BaseModel):
    """One plan version of a week, for the owner."""

    week_start: IsoDate
    version: int
    status: Literal["draft", "published"]
    published_at: datetime | None
    plan: NamedPlanDocument


class AllocatedPlace(BaseModel):
    """A client's place in a published session."""

    session: str
    class_name: str
    day: Day
    start: datetime
    end: datetime
    venue: str
    room: str
    instructor: str
    reformer: str | None


class WantNotMet(BaseModel):
    """A want of the client's not (fully) met, and why."""

    class_names: list[str]
    missing: int
    reasons: list[str]


class ClientAllocations(BaseModel):
    """A client's places in a week, what they did not get, and the published weeks."""

    client: str
    week_start: IsoDate | None
    published: bool
    allocations: list[AllocatedPlace]
    unplaced: list[WantNotMet]
    weeks: list[IsoDate]
