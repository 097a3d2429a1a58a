"""The database tables, in the studio's words.

A **week** is a self-contained snapshot of the business, like a
`reformer-week/1` document: every venue, room, reformer, class type,
instructor, travel time, client and pin row belongs to one week (`week_id`)
and is deleted with it. The business carries over from week to week by
copying the latest week forward (`scheduler.store.copy_week_forward`).
Inside a week, rows name each other by their interchange ids (`key`), as the
JSON does; ownership (a room in its venue, a reformer in its room) is a
foreign key.

**Plans** belong to a week, numbered by `version`, `draft` or `published`;
the week's current plan is its one published version (publishing another,
older or newer, returns the one before to draft). A plan names
clients and reformers by key, so it outlives a re-import of the week's data.

Some things belong to a person rather than a week and are global:
`InstructorLogin` (e-mail and password hash), `ClientAccount` (the calendar
feed's secret and one-time sign-in links, `LoginToken`). `SolveRun` records
each solve (manual, nightly, scenario) with its progress; `Scenario` stores a
named set of what-if changes.

Times inside a week are integer minutes from Monday 00:00, as in the solver;
timestamps are timezone-aware UTC.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

PLAN_STATUSES = ("draft", "published")
RUN_KINDS = ("manual", "nightly", "scenario")
RUN_STATUSES = ("queued", "running", "succeeded", "failed")


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone, so add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError(f"a naive timestamp {value} cannot be stored; give it a zone")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _json(*, nullable: bool = False) -> Any:
    return Field(default=None if nullable else [], sa_column=Column(JSON, nullable=nullable))


def _json_dict(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


def _timestamp(*, nullable: bool = True, now: bool = False) -> Any:
    if now:
        return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


def _owner(table: str, *, nullable: bool = False, index: bool = True) -> Any:
    """A foreign key to `table.id`, deleted with its owner."""
    return Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey(f"{table}.id", ondelete="CASCADE"),
            nullable=nullable,
            index=index,
        ),
    )


def _only_where(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows `where` holds (a partial index, on SQLite and PostgreSQL)."""
    return Index(
        name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where)
    )


def _link(table: str) -> Any:
    """An optional foreign key to `table.id`, cleared when the row it names goes."""
    return Field(
        default=None,
        sa_column=Column(Integer, ForeignKey(f"{table}.id", ondelete="SET NULL"), nullable=True),
    )


# --- The week and the business it describes -------------------------------------------------


class Week(SQLModel, table=True):
    """One week of the business, starting on a Monday (`reformer-week/1`'s top level)."""

    __tablename__ = "week"

    id: int | None = Field(default=None, primary_key=True)
    week_start: date = Field(unique=True, index=True)
    timezone: str = "Europe/London"
    grid_minutes: int = 15
    only_pinned_sessions: bool = False
    created_at: datetime = _timestamp(now=True)
    updated_at: datetime = _timestamp(now=True)


class Venue(SQLModel, table=True):
    """A studio or hired hall: Stevenage, Hitchin, Baldock."""

    __tablename__ = "venue"
    __table_args__ = (UniqueConstraint("week_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    key: str
    name: str


class OpeningWindow(SQLModel, table=True):
    """A stretch of time a venue is open, [start, end) in minutes of the week."""

    __tablename__ = "opening_window"

    id: int | None = Field(default=None, primary_key=True)
    venue_id: int = _owner("venue")
    start: int
    end: int


class Room(SQLModel, table=True):
    """A room of a venue, with its mat spaces and reformers."""

    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("week_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    venue_id: int = _owner("venue")
    key: str
    mat_spaces: int = 0


class Reformer(SQLModel, table=True):
    """One reformer machine in a room; `features` such as `raised`."""

    __tablename__ = "reformer"
    __table_args__ = (UniqueConstraint("room_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = _owner("room")
    key: str
    features: list[str] = _json()
    in_service: bool = True


class ClassType(SQLModel, table=True):
    """A kind of class: Reformer, APPI Mat, Clinical Back Care, 1-2-1 Reformer..."""

    __tablename__ = "class_type"
    __table_args__ = (UniqueConstraint("week_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    key: str
    name: str
    equipment: str  # "reformer" or "mat"
    minutes: int
    max_size: int
    min_size: int = 0
    levels: list[str] = _json()
    one_to_one: bool = False
    requires_clearance: bool = False
    # What a client pays for one place, for scenario revenue; not part of `reformer-week/1`.
    price_pence: int | None = None


class Instructor(SQLModel, table=True):
    """An instructor: what they teach, their caps, and (in `InstructorWindow`) when and where."""

    __tablename__ = "instructor"
    __table_args__ = (UniqueConstraint("week_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    key: str
    name: str
    email: str | None = Field(default=None, index=True)
    teaches: list[str] = _json()
    max_week_minutes: int
    max_day_minutes: int


class InstructorWindow(SQLModel, table=True):
    """A stretch of time an instructor can teach, at the venues (keys) it lists."""

    __tablename__ = "instructor_window"

    id: int | None = Field(default=None, primary_key=True)
    instructor_id: int = _owner("instructor")
    start: int
    end: int
    venues: list[str] = _json()


class TravelTime(SQLModel, table=True):
    """Minutes between two venues, either way; `venue_a` sorts before `venue_b`."""

    __tablename__ = "travel_time"
    __table_args__ = (UniqueConstraint("week_id", "venue_a", "venue_b"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    venue_a: str
    venue_b: str
    minutes: int


class Client(SQLModel, table=True):
    """A client as this week sees them: level, priority, needs, hours, venues and wishes.

    `active` false means cancelled or paused: kept on record, left out of the
    week the solver sees. Availability windows are `[start, end]` pairs in
    minutes of the week.
    """

    __tablename__ = "client"
    __table_args__ = (UniqueConstraint("week_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    key: str = Field(index=True)
    name: str
    level: str
    priority: int = 1
    needs_intro: bool = False
    cleared: bool = False
    needs: list[str] = _json()
    venues: list[str] = _json()
    max_per_day: int = 1
    missed_weeks: int = 0
    availability: list[list[int]] = _json()
    prefers_venues: list[str] = _json()
    prefers_instructors: list[str] = _json()
    email: str | None = Field(default=None, index=True)
    phone: str | None = None
    active: bool = True


class Want(SQLModel, table=True):
    """A client's wish for `per_week` places in any of `class_types` (keys)."""

    __tablename__ = "want"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _owner("client")
    class_types: list[str] = _json()
    per_week: int


class PinnedSession(SQLModel, table=True):
    """A session the week must run exactly as given."""

    __tablename__ = "pinned_session"
    __table_args__ = (UniqueConstraint("week_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    key: str
    class_type: str
    room: str
    start: int
    instructor: str


class PinnedAllocation(SQLModel, table=True):
    """A client's place in a pinned session (on a reformer, or none for mat) that is kept."""

    __tablename__ = "pinned_allocation"
    __table_args__ = (UniqueConstraint("week_id", "client", "session"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    client: str
    session: str
    reformer: str | None = None


# --- Plans: what the optimiser (or the owner) made of a week ---------------------------------


class Plan(SQLModel, table=True):
    """A version of a week's plan, `draft` or `published`, with its objective figures."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("week_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    version: int
    status: str = "draft"
    created_at: datetime = _timestamp(now=True)
    published_at: datetime | None = _timestamp()
    priority_places: int = 0
    fairness_points: int = 0
    preference_points: int = 0
    teaching_minutes: int = 0
    bound: int | None = None
    solve_status: str = "FEASIBLE"  # the solver's word: OPTIMAL or FEASIBLE
    solve_seconds: float = 0.0
    stopped_by_clock: bool = False  # the wall clock's safety cap cut the search
    note: str | None = None


class PlanSession(SQLModel, table=True):
    """A session that runs in a plan; `key` is the plan's session id (`tue-0930-hitchin-...`)."""

    __tablename__ = "plan_session"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = _owner("plan")
    key: str
    class_type: str
    venue: str
    room: str
    start: int
    end: int
    instructor: str


class Allocation(SQLModel, table=True):
    """A client's place in a plan's session, on a reformer or (for mat) none."""

    __tablename__ = "allocation"
    __table_args__ = (UniqueConstraint("session_id", "client"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = _owner("plan")
    session_id: int = _owner("plan_session")
    client: str = Field(index=True)
    reformer: str | None = None


class UnplacedWant(SQLModel, table=True):
    """A want the plan could not fully meet: how many places are missing and why."""

    __tablename__ = "unplaced_want"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = _owner("plan")
    client: str = Field(index=True)
    class_types: list[str] = _json()
    missing: int
    reasons: list[str] = _json()


# --- Runs, scenarios and sign-ins ------------------------------------------------------------


class Scenario(SQLModel, table=True):
    """A named set of what-if changes to a base week; never touches live data."""

    __tablename__ = "scenario"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str | None = None
    base_week_id: int | None = _link("week")
    changes: list[dict] = _json()
    created_at: datetime = _timestamp(now=True)
    updated_at: datetime = _timestamp(now=True)


class SolveRun(SQLModel, table=True):
    """One solve in the background: manual, nightly or scenario, with its progress.

    `progress` holds the latest `{"objective": ..., "bound": ..., "seconds": ...}`;
    `night` is the local date a nightly run is for, unique so a night runs once.
    """

    __tablename__ = "solve_run"

    id: int | None = Field(default=None, primary_key=True)
    week_id: int | None = _owner("week", nullable=True)
    scenario_id: int | None = _owner("scenario", nullable=True)
    kind: str = "manual"
    status: str = "queued"
    night: date | None = Field(default=None, unique=True)
    created_at: datetime = _timestamp(now=True)
    started_at: datetime | None = _timestamp()
    finished_at: datetime | None = _timestamp()
    time_limit: float | None = None
    progress: dict | None = _json_dict()
    result: dict | None = _json_dict()
    error: str | None = None
    kept: int | None = None
    added: int | None = None
    lost: int | None = None
    pid: int | None = None
    # Refreshed while a run is alive; a stale one marks a run whose process died.
    heartbeat_at: datetime | None = _timestamp()
    plan_id: int | None = _link("plan")


class InstructorLogin(SQLModel, table=True):
    """An instructor's (or the owner's) sign-in, across weeks; the password is stored hashed."""

    __tablename__ = "instructor_login"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)
    name: str | None = None
    password_hash: str | None = None
    is_owner: bool = True
    created_at: datetime = _timestamp(now=True)
    last_sign_in_at: datetime | None = _timestamp()


class ClientAccount(SQLModel, table=True):
    """A client as a person across weeks (by their id `key`): the calendar feed's secret."""

    __tablename__ = "client_account"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    ical_secret: str = Field(unique=True, index=True)
    created_at: datetime = _timestamp(now=True)
    last_sign_in_at: datetime | None = _timestamp()


class LoginToken(SQLModel, table=True):
    """A one-time sign-in link for a client: signed elsewhere, single use by `jti`."""

    __tablename__ = "login_token"

    id: int | None = Field(default=None, primary_key=True)
    jti: str = Field(unique=True, index=True)
    account_id: int = _owner("client_account")
    created_at: datetime = _timestamp(now=True)
    expires_at: datetime = _timestamp(nullable=False)
    used_at: datetime | None = _timestamp()


class SignIn(SQLModel, table=True):
    """One signed-in browser, an instructor's or a client's; it ends at `ended_at` or expiry.

    The browser's cookie holds a random token; only its SHA-256 is stored here.
    """

    __tablename__ = "sign_in"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    instructor_id: int | None = _owner("instructor_login", nullable=True)
    client_account_id: int | None = _owner("client_account", nullable=True)
    created_at: datetime = _timestamp(now=True)
    expires_at: datetime = _timestamp(nullable=False)
    ended_at: datetime | None = _timestamp()


# --- The week after publishing: cancellations, bookings, the waitlist, the register -----------

LIFE_BOOKING_KINDS = ("makeup", "drop_in", "intro")
WAITLIST_STATUSES = ("waiting", "placed", "left", "passed")
ATTENDANCE_MARKS = ("attended", "no_show")


class StudioPolicy(SQLModel, table=True):
    """The studio's rules for the week after publishing; one row, the defaults until edited."""

    __tablename__ = "studio_policy"

    id: int | None = Field(default=None, primary_key=True)
    cancel_cutoff_hours: int = 12
    makeup_valid_weeks: int = 4
    drop_ins: bool = False
    updated_at: datetime = _timestamp(now=True)


class Cancellation(SQLModel, table=True):
    """A client's place given up for one date: the session of that week, not the weeks after.

    `late` when it came after the studio's cut-off: recorded, with no make-up credit.
    """

    __tablename__ = "cancellation"
    __table_args__ = (UniqueConstraint("week_id", "session", "client"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    session: str
    client: str = Field(index=True)
    class_type: str
    late: bool = False
    cancelled_at: datetime = _timestamp(now=True)


class MakeupCredit(SQLModel, table=True):
    """A class owed to a client for a cancellation in time, to book by `expires_on`."""

    __tablename__ = "makeup_credit"

    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(index=True)
    cancellation_id: int = _owner("cancellation")
    earned_at: datetime = _timestamp(now=True)
    expires_on: date


class Booking(SQLModel, table=True):
    """A place taken after publishing: a make-up, a drop-in or an intro 1-2-1.

    A make-up or drop-in takes a free space in a published session: `slot` numbers
    the spaces the plan left free, and the database keeps one active booking per slot,
    per reformer and per client of a session, so two clients taking the last space at
    once cannot both have it. An intro is a session of its own (`class_type`, `room`,
    `start`, `instructor`), pinned at the next solve. `cancelled_at` ends a booking.
    """

    __tablename__ = "booking"
    __table_args__ = (
        _only_where("booking_slot", "week_id", "session", "slot", where="cancelled_at IS NULL"),
        _only_where(
            "booking_reformer", "week_id", "session", "reformer", where="cancelled_at IS NULL"
        ),
        _only_where("booking_client", "week_id", "session", "client", where="cancelled_at IS NULL"),
        _only_where("booking_credit", "credit_id", where="cancelled_at IS NULL"),
    )

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    session: str
    client: str = Field(index=True)
    kind: str = "makeup"
    slot: int = 1
    reformer: str | None = None
    credit_id: int | None = _link("makeup_credit")
    from_waitlist: bool = False
    class_type: str
    room: str | None = None
    start: int | None = None
    instructor: str | None = None
    created_at: datetime = _timestamp(now=True)
    cancelled_at: datetime | None = _timestamp()
    late: bool = False


class WaitlistEntry(SQLModel, table=True):
    """A client waiting for a space in a full session of one week.

    `status`: waiting, placed (a freed space went to them: `booking_id`), left (they
    left the list), passed (a space came but they could no longer take it).
    """

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        _only_where("waitlist_waiting", "week_id", "session", "client", where="status = 'waiting'"),
    )

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    session: str
    client: str = Field(index=True)
    status: str = "waiting"
    asked_at: datetime = _timestamp(now=True)
    ended_at: datetime | None = _timestamp()
    booking_id: int | None = _link("booking")


class Attendance(SQLModel, table=True):
    """The register: a client attended a session of a week, or did not come (`no_show`)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("week_id", "session", "client"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    session: str
    client: str = Field(index=True)
    mark: str
    marked_by: int | None = _link("instructor_login")
    marked_at: datetime = _timestamp(now=True)


class ReminderSent(SQLModel, table=True):
    """The day-before reminder of one place, claimed once so it is sent once."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("week_id", "session", "client"),)

    id: int | None = Field(default=None, primary_key=True)
    week_id: int = _owner("week")
    session: str
    client: str
    sent_at: datetime = _timestamp(now=True)
