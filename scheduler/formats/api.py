"""The JSON API's requests and answers as models: the OpenAPI document describes them from these."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scheduler.formats.plan import AllocationDocument, PlanDocument
from scheduler.formats.validation import Day, IsoDate, Monday


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
    """A published session with places taken and spaces left as the week stands; no names.

    A place given up for the week is a space; a make-up or drop-in booked since is taken.
    """

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
    waiting: int = Field(description="Clients on the waitlist of the class.")


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
    """A client's place in a published session: the plan's, or booked after publishing."""

    session: str
    class_name: str
    day: Day
    start: datetime
    end: datetime
    venue: str
    room: str
    instructor: str
    reformer: str | None
    kind: Literal["regular", "makeup", "drop_in", "intro"] = Field(
        description="regular: the week's plan; the others were booked after publishing."
    )
    cancelled: bool = Field(description="Given up for this week (the place stays listed).")
    late: bool = Field(description="Given up after the studio's cut-off.")


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


# --- A client's changes to their week ---------------------------------------------------------

WEEK_OF_CLASS = "The Monday of the class's week; by default the next published week running it."


class ClassAsked(BaseModel):
    """A class of a published week, by its id: to book a space in, or to wait for."""

    model_config = ConfigDict(extra="forbid")

    session: str = Field(
        min_length=1, max_length=200, examples=["tue-0930-hitchin-studio-reformer"]
    )
    week_start: Monday | None = Field(default=None, description=WEEK_OF_CLASS)


class CancelAsked(BaseModel):
    """Which week's place to cancel; the body may be left out."""

    model_config = ConfigDict(extra="forbid")

    week_start: Monday | None = Field(default=None, description=WEEK_OF_CLASS)


class CancelledPlace(BaseModel):
    """A place given up for one week: in time, with a make-up credit, or late."""

    week_start: IsoDate
    session: str
    late: bool
    credit_expires: IsoDate | None = Field(
        description="The last day of the make-up credit earned; null when none was."
    )
    message: str = Field(description="What it came to, in the studio's words.")


class BookedSpace(BaseModel):
    """A free space booked: with a make-up credit (`kind` makeup) or as a drop-in."""

    week_start: IsoDate
    place: AllocatedPlace
    message: str


class WaitingPlace(BaseModel):
    """A place on a full class's waitlist."""

    week_start: IsoDate
    session: str
    position: int = Field(ge=1, description="Where the client stands in the fair order now.")
    message: str


class LeftWaitlist(BaseModel):
    """The client is off the class's waitlist."""

    week_start: IsoDate
    session: str
    message: str


class Credit(BaseModel):
    """A make-up credit: the class given up for it, its last day, the class it paid for."""

    earned_for: str
    expires_on: IsoDate
    used_for: str | None
    expired: bool
    usable: bool


class ClientCredits(BaseModel):
    """The client's make-up credits, the soonest to expire first."""

    client: str
    credits: list[Credit]


# --- The intro 1-2-1 ---------------------------------------------------------------------------

LOCAL_MINUTE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$"


class IntroSlot(BaseModel):
    """A time for the intro 1-2-1: its instructor, venue and room, ids beside the names."""

    start: datetime
    end: datetime
    local_start: str = Field(
        description="The start on the studio's clock, as `POST /me/intros` takes it back.",
        examples=["2026-12-08T10:45"],
    )
    session: str = Field(description="The intro's own session id once booked.")
    class_type: str
    class_name: str
    venue: str
    venue_name: str
    room: str
    room_name: str
    instructor: str
    instructor_name: str


class IntroTimes(BaseModel):
    """The client's intro booked in a week, or the times free to book it, one per start."""

    week_start: IsoDate
    booked: IntroSlot | None
    times: list[IntroSlot]


class IntroAsked(BaseModel):
    """The intro wanted: its start on the studio's clock, and the week if not the one it is in."""

    start: str = Field(
        pattern=LOCAL_MINUTE_PATTERN,
        description="Local YYYY-MM-DDTHH:MM, as an intro time's `local_start` gives it.",
        examples=["2026-12-08T10:45"],
    )
    week_start: Monday | None = None


class IntroBooked(BaseModel):
    """The intro booked: a session of its own, pinned at the next solve."""

    week_start: IsoDate
    intro: IntroSlot
    message: str


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
