"""The week problem as plain data: what the solver reads and what it returns.

Times are integer minutes from Monday 00:00 of the week (Monday 09:30 is 570,
Tuesday 09:30 is 1440 + 570). Ids are the strings of `reformer-week/1`.
Nothing here knows of JSON, a database or the web.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

Level = str
Equipment = str  # "reformer" or "mat"


def day_of(minute: int) -> int:
    """The day index (0 = Monday) of a minute of the week."""
    return minute // MINUTES_PER_DAY


STOPPED_BY_CLOCK = "stopped by the clock: another run may differ"
"""What a plan the wall clock's safety cap cut says of itself."""


@dataclass(frozen=True)
class Window:
    """A half-open stretch of time [start, end) in minutes of the week."""

    start: int
    end: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    @property
    def day(self) -> int:
        return day_of(self.start)


@dataclass(frozen=True)
class InstructorWindow(Window):
    """A stretch of time an instructor can teach, at the venues it lists."""

    venues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reformer:
    id: str
    features: frozenset[str] = frozenset()
    in_service: bool = True


@dataclass(frozen=True)
class Room:
    id: str
    venue: str
    mat_spaces: int = 0
    reformers: tuple[Reformer, ...] = ()

    @property
    def reformers_in_service(self) -> tuple[Reformer, ...]:
        return tuple(r for r in self.reformers if r.in_service)


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    open: tuple[Window, ...] = ()
    rooms: tuple[Room, ...] = ()


@dataclass(frozen=True)
class ClassType:
    id: str
    name: str
    equipment: Equipment
    minutes: int
    max_size: int
    min_size: int
    levels: tuple[Level, ...]
    one_to_one: bool = False
    requires_clearance: bool = False

    @property
    def uses_reformers(self) -> bool:
        return self.equipment == "reformer"


@dataclass(frozen=True)
class Instructor:
    id: str
    name: str
    teaches: tuple[str, ...]
    max_week_minutes: int
    max_day_minutes: int
    availability: tuple[InstructorWindow, ...] = ()


@dataclass(frozen=True)
class Want:
    """A client's wish for `per_week` places in any of `class_types`."""

    class_types: tuple[str, ...]
    per_week: int


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    level: Level
    priority: int = 1
    needs_intro: bool = False
    cleared: bool = False
    needs: frozenset[str] = frozenset()
    venues: tuple[str, ...] = ()
    max_per_day: int = 1
    missed_weeks: int = 0
    availability: tuple[Window, ...] = ()
    wants: tuple[Want, ...] = ()
    prefers_venues: tuple[str, ...] = ()
    prefers_instructors: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class PinnedSession:
    id: str
    class_type: str
    room: str
    start: int
    instructor: str


@dataclass(frozen=True)
class PinnedAllocation:
    client: str
    session: str
    reformer: str | None = None


@dataclass(frozen=True)
class Week:
    """One week's problem: `reformer-week/1` as plain, validated data."""

    week_start: str
    timezone: str = "Europe/London"
    grid_minutes: int = 15
    venues: tuple[Venue, ...] = ()
    travel_minutes: dict[frozenset[str], int] = field(default_factory=dict)
    class_types: tuple[ClassType, ...] = ()
    instructors: tuple[Instructor, ...] = ()
    clients: tuple[Client, ...] = ()
    pinned_sessions: tuple[PinnedSession, ...] = ()
    pinned_allocations: tuple[PinnedAllocation, ...] = ()
    only_pinned_sessions: bool = False

    def travel(self, a: str, b: str) -> int | None:
        """Minutes between two venues (0 for the same one), None if not listed."""
        if a == b:
            return 0
        return self.travel_minutes.get(frozenset((a, b)))

    @property
    def rooms(self) -> dict[str, Room]:
        return {room.id: room for venue in self.venues for room in venue.rooms}

    @property
    def venue_by_id(self) -> dict[str, Venue]:
        return {v.id: v for v in self.venues}

    @property
    def class_type_by_id(self) -> dict[str, ClassType]:
        return {c.id: c for c in self.class_types}

    @property
    def instructor_by_id(self) -> dict[str, Instructor]:
        return {i.id: i for i in self.instructors}

    @property
    def client_by_id(self) -> dict[str, Client]:
        return {c.id: c for c in self.clients}

    def capacity(self, class_type: ClassType, room: Room) -> int:
        """Rule 5: the most clients a session of this type can hold in this room."""
        if class_type.uses_reformers:
            return min(class_type.max_size, len(room.reformers_in_service))
        return min(class_type.max_size, room.mat_spaces)


@dataclass(frozen=True)
class Session:
    """A class that runs: its type, room, time and instructor."""

    id: str
    class_type: str
    venue: str
    room: str
    start: int
    end: int
    instructor: str


@dataclass(frozen=True)
class Allocation:
    """A client's place in a session, on a reformer or (for mat) none."""

    client: str
    session: str
    reformer: str | None = None


@dataclass(frozen=True)
class Reason:
    """Why a want is short, as the facts it rests on: what kind of reason, and what it names.

    `sessions` are the classes it names and `more` how many more of the same kind it
    leaves unnamed; `minute` is a time it names (when an intro ends, when a class could
    start), `count` a number (classes on a day, clients a class needs).
    """

    kind: str
    sessions: tuple[str, ...] = ()
    more: int = 0
    class_types: tuple[str, ...] = ()
    venue: str | None = None
    minute: int | None = None
    day: int | None = None
    count: int = 0
    features: tuple[str, ...] = ()
    level: str | None = None
    other: bool = False
    """The client has some places of this want already ("no other Reformer class")."""


@dataclass(frozen=True)
class Unplaced:
    """A want not fully met: how many places are missing and why.

    `reasons` are sentences to the client, as a plan's document carries them; `why`
    the same reasons as facts, where the plan was just explained (a stored or read
    plan has none), for words to another reader.
    """

    client: str
    class_types: tuple[str, ...]
    missing: int
    reasons: tuple[str, ...] = ()
    why: tuple[Reason, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Objective:
    """The spec's figures of "best", in its order."""

    priority_places: int = 0
    fairness_points: int = 0
    preference_points: int = 0
    teaching_minutes: int = 0


@dataclass(frozen=True)
class Plan:
    """A solved week: `reformer-plan/1` as plain data."""

    sessions: tuple[Session, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    objective: Objective = Objective()
    bound: int | None = None
    status: str = "FEASIBLE"
    solve_seconds: float = 0.0
    stopped_by_clock: bool = False
    """The wall clock's safety cap cut the search: another run may differ."""
