"""The JSON API's responses as models: the OpenAPI document describes them from these."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


class MoveClass(BaseModel):
    """A class of the owner's plan in a move's answer: ids beside the studio's names."""

    session: str
    class_type: str
    class_name: str
    venue: str
    venue_name: str
    room: str
    room_name: str
    instructor: str
    instructor_name: str
    start: datetime
    end: datetime
    taken: int = Field(description="Places taken before the move.")
    capacity: int


class MoveFigures(BaseModel):
    """The week's figures before and after a move, as the plan checker measures them."""

    words: str = Field(examples=["+1 preference point"])
    priority_places_before: int
    priority_places_after: int
    preference_points_before: int
    preference_points_after: int


class RankedMove(BaseModel):
    """A class the client fits, ranked by what the move does to the week (1 is best)."""

    rank: int = Field(ge=1)
    to: MoveClass
    reformer: str | None = Field(description="The reformer they would get; null in a mat class.")
    reformer_features: list[str]
    preferred: list[str] = Field(
        description="The class's venue and instructor names where the client prefers them."
    )
    effect: MoveFigures


class UnfitClass(BaseModel):
    """A class the client does not fit, with what is in the way, in the owner's words."""

    to: MoveClass
    reasons: list[str] = Field(examples=[["full (12 of 12)"]])


class PlaceMoves(BaseModel):
    """Where one client's place in one class of the owner's plan can go, best first."""

    week_start: IsoDate
    version: int
    status: Literal["draft", "published"]
    client: str
    client_name: str
    needs: list[str] = Field(description="The reformer features the client needs.")
    current: MoveClass
    reformer: str | None
    leaving: list[str] = Field(
        description="What keeps the client in their class (then no class is listed)."
    )
    choices: list[RankedMove]
    not_fitting: list[UnfitClass]


class RegisterMarkAsked(BaseModel):
    """A mark on a class's register: which client, attended or a no-show."""

    model_config = ConfigDict(strict=True, extra="forbid")

    client: str = Field(min_length=1, max_length=80, examples=["c001"])
    mark: Literal["attended", "no_show"]


class RegisterMark(BaseModel):
    """A mark made on a class's register (a later mark of the same client replaces it)."""

    week_start: IsoDate
    session: str
    class_label: str = Field(examples=["Tue 09:30 Reformer at Hitchin"])
    client: str
    client_name: str
    mark: Literal["attended", "no_show"]
    marked_at: datetime
