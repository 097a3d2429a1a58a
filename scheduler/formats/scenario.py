"""The what-if scenario format, `reformer-scenario/1`, as models.

A scenario names a base week and a list of changes; each kind of change is a
model of its own, told apart by its `kind`. The JSON Schema (`reformer schema
scenario`) and the validation come from them; `scheduler.scenarios.document`
reads a document into a `Scenario` and checks the ids it names against a week.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from scheduler.formats import bounds
from scheduler.formats.validation import (
    BASE_PATTERN,
    PATTERN_MESSAGES,
    Day,
    Document,
    error_line,
    fail,
    json_path,
    optional,
)
from scheduler.formats.week import (
    Id,
    InstructorDocument,
    InstructorWindowDocument,
    Name,
    WindowDocument,
    Word,
    bounded,
    listing,
)

SCENARIO_FORMAT = "reformer-scenario/1"


def _base_week(text: str) -> str:
    try:
        day = None if text in ("latest", "next") else date.fromisoformat(text)
    except ValueError:
        message = PATTERN_MESSAGES[BASE_PATTERN]
        raise PydanticCustomError("date", message, {"value": text}) from None
    if day is not None and day.weekday() != 0:
        raise PydanticCustomError(
            "monday", "'{value}' is a {day}, not a Monday", {"value": text, "day": f"{day:%A}"}
        )
    return text


def _price(value: float) -> float:
    if value < 0:
        raise PydanticCustomError(
            "price", "must be a price of 0 or more, not {value}", {"value": value}
        )
    return value


Price = Annotated[
    float,
    Field(
        le=bounds.PRICE_POUNDS[1],
        allow_inf_nan=False,
        json_schema_extra={"minimum": bounds.PRICE_POUNDS[0]},
    ),
    AfterValidator(_price),
]
Reformers = Annotated[int, Field(ge=0, le=bounds.REFORMERS_PER_ROOM)]
Mats = Annotated[int, Field(ge=bounds.MAT_SPACES[0], le=bounds.MAT_SPACES[1])]


class BaseDocument(Document):
    """The week a scenario changes: a stored week, or a week file."""

    week_start: Annotated[str, AfterValidator(_base_week)] = optional(
        pattern=BASE_PATTERN,
        description="A stored week's Monday (YYYY-MM-DD), 'latest' or 'next'.",
    )
    file: str = optional(description="A reformer-week/1 file, relative to the scenario file.")

    @model_validator(mode="after")
    def _one_base(self) -> BaseDocument:
        if (self.week_start is None) == (self.file is None):
            fail(((), "must give exactly one of 'week_start' or 'file'", None))
        return self


class Change(Document):
    """One change of a scenario; a field it does not know is an error."""

    model_config = {"extra": "forbid"}


class AddReformers(Change):
    """Add `count` reformers to a room (with these features, or these ids)."""

    kind: Literal["add_reformers"]
    room: Id
    count: Reformers
    features: list[Word] = optional(max_length=bounds.ITEMS)
    ids: list[Id] = optional(max_length=bounds.REFORMERS_PER_ROOM)

    @model_validator(mode="after")
    def _ids_match_count(self) -> AddReformers:
        if self.ids is not None and len(self.ids) != self.count:
            fail((("ids",), f"names {len(self.ids)} reformers, not count {self.count}", self.ids))
        return self


class RemoveReformers(Change):
    """Take `count` reformers, or those with these ids, out of a room."""

    kind: Literal["remove_reformers"]
    room: Id
    count: Reformers = optional()
    ids: list[Id] = optional(max_length=bounds.REFORMERS_PER_ROOM)

    @model_validator(mode="after")
    def _count_or_ids(self) -> RemoveReformers:
        if (self.count is None) == (self.ids is None):
            fail(((), "must give exactly one of 'count' or 'ids'", None))
        return self


class MatSpaces(Change):
    """Set a room's mat spaces."""

    kind: Literal["mat_spaces"]
    room: Id
    mat_spaces: Mats


class CloseVenue(Change):
    """Close a venue for the week."""

    kind: Literal["close_venue"]
    venue: Id


class OpenVenue(Change):
    """Open a venue at these hours (a new venue's rooms come from the base week)."""

    kind: Literal["open_venue"]
    venue: Id
    open: list[WindowDocument] = listing(bounds.WINDOWS)


class CloseDay(Change):
    """Close one day at a venue, or everywhere."""

    kind: Literal["close_day"]
    day: Day
    venue: Id = optional()


class OpenDay(Change, WindowDocument):
    """Open a day from `from` to `to` at a venue, or everywhere."""

    kind: Literal["open_day"]
    venue: Id = optional()


class AddInstructor(Change):
    """Hire an instructor, given as in `reformer-week/1`."""

    kind: Literal["add_instructor"]
    instructor: InstructorDocument


class ChangeInstructor(Change):
    """Change an instructor's hours, limits or class types."""

    kind: Literal["change_instructor"]
    instructor: Id
    availability: list[InstructorWindowDocument] = optional(max_length=bounds.WINDOWS)
    max_week_minutes: int = optional(ge=bounds.WEEK_MINUTES[0], le=bounds.WEEK_MINUTES[1])
    max_day_minutes: int = optional(ge=bounds.DAY_MINUTES[0], le=bounds.DAY_MINUTES[1])
    teaches: list[Id] = optional(max_length=bounds.CLASS_TYPES)


class ClassTypeChange(Change):
    """Change a class type's sizes or length."""

    kind: Literal["class_type"]
    class_type: Id
    max_size: int = optional(ge=bounds.CLASS_SIZE[0], le=bounds.CLASS_SIZE[1])
    min_size: int = optional(ge=0, le=bounds.CLASS_SIZE[1])
    minutes: int = optional(ge=bounds.CLASS_MINUTES[0], le=bounds.CLASS_MINUTES[1])

    @model_validator(mode="after")
    def _min_fits_max(self) -> ClassTypeChange:
        if None not in (self.min_size, self.max_size) and self.min_size > self.max_size:
            message = f"must be at most max_size {self.max_size}, not {self.min_size}"
            fail((("min_size",), message, self.min_size))
        return self


class Demand(Change):
    """Grow demand by copying today's clients' profiles, or shrink it, by `percent`."""

    kind: Literal["demand"]
    percent: float = Field(
        gt=bounds.DEMAND_PERCENT[0], le=bounds.DEMAND_PERCENT[1], allow_inf_nan=False
    )
    seed: int = optional(ge=bounds.SEED[0], le=bounds.SEED[1])


class Grid(Change):
    """Set the minutes of the timetable's grid."""

    kind: Literal["grid"]
    minutes: int = bounded(*bounds.GRID_MINUTES)


CHANGES: tuple[type[Change], ...] = (
    AddReformers,
    RemoveReformers,
    MatSpaces,
    CloseVenue,
    OpenVenue,
    CloseDay,
    OpenDay,
    AddInstructor,
    ChangeInstructor,
    ClassTypeChange,
    Demand,
    Grid,
)
AnyChange = Annotated[
    AddReformers
    | RemoveReformers
    | MatSpaces
    | CloseVenue
    | OpenVenue
    | CloseDay
    | OpenDay
    | AddInstructor
    | ChangeInstructor
    | ClassTypeChange
    | Demand
    | Grid,
    Field(discriminator="kind"),
]


def kind_of(change: type[Change]) -> str:
    """The `kind` a change model stands for."""
    return change.model_fields["kind"].annotation.__args__[0]


class ScenarioDocument(Document):
    """A what-if scenario (`reformer-scenario/1`): changes to a base week."""

    format: Literal[SCENARIO_FORMAT]
    name: Name = Field(pattern=r"\S")
    description: str = Field("", max_length=2000)
    base: BaseDocument
    prices: dict[Id, Price] = Field(
        {},
        max_length=bounds.CLASS_TYPES,
        description="Pounds per place, by class type; by default the stored week's.",
    )
    changes: list[AnyChange] = listing(bounds.ITEMS)


def scenario_error_line(error: ErrorDetails) -> str:
    """One error of a scenario document; the path leaves out the kind pydantic puts in it."""
    loc, kind = error["loc"], error["type"]
    if loc[:1] == ("changes",) and len(loc) >= 3:
        tag, loc = loc[2], loc[:2] + loc[3:]
        if kind == "extra_forbidden":
            return f"{json_path(loc)}: is not a field of '{tag}'"
        return error_line({**error, "loc": loc})
    if kind == "union_tag_not_found":
        return f"{json_path((*loc, 'kind'))}: is required"
    if kind == "union_tag_invalid":
        value = error["ctx"]["tag"]
        known = ", ".join(kind_of(c) for c in CHANGES)
        return f"{json_path((*loc, 'kind'))}: unknown kind '{value}'; one of {known}"
    if loc == ("name",) and kind == "string_pattern_mismatch":
        return "$.name: must not be empty"
    return error_line(error)
