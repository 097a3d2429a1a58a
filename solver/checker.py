"""The project's reference checker: does a plan keep every hard rule of the spec?

It shares nothing with the solver's model but the domain types, so a solver test
that passes its plans through `check_plan` is checked by independent code.
`HARD_RULES` is the table of contents, in the spec's order and wording; each rule
has one function that yields every way the plan breaks it. A plan that refers to
something the week does not have (an unknown room, class type, venue or
instructor) breaks rule 1; an allocation to an unknown session or client breaks
rule 7; an unknown reformer breaks rule 10.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    Allocation,
    ClassType,
    Client,
    Instructor,
    Objective,
    Plan,
    Room,
    Session,
    Venue,
    Week,
    day_of,
)


@dataclass(frozen=True)
class Violation:
    """One way a plan breaks a hard rule, naming the session and client concerned.

    `message` says it with the week's ids; `kind` names the way the rule breaks
    (`full`, `not_free`, ...) and the fields after it hold the facts it rests on,
    so the studio's words for it are built from what the checker found.
    """

    rule: int
    message: str
    session: str | None = None
    client: str | None = None
    kind: str = ""
    other: str | None = None
    """The second session of an overlap, a clash or a journey too short."""
    instructor: str | None = None
    reformer: str | None = None
    count: int | None = None
    """What the plan holds against the `limit` it breaks (clients, minutes, classes)."""
    limit: int | None = None
    day: int | None = None
    names: tuple[str, ...] = ()
    """Ids the finding names: the class types of a want, the features a reformer lacks."""

    def __str__(self) -> str:
        return f"rule {self.rule}: {self.message}"


def _when(minute: int) -> str:
    day, in_day = divmod(minute, MINUTES_PER_DAY)
    name = DAYS[day] if 0 <= day < len(DAYS) else f"day {day}"
    return f"{name} {in_day // 60:02d}:{in_day % 60:02d}"


def _overlapping_pairs(sessions: Iterable[Session]) -> Iterator[tuple[Session, Session]]:
    """Every pair of the sessions whose times overlap, each pair once (sorted sweep)."""
    ordered = sorted(sessions, key=lambda s: (s.start, s.end, s.id))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.start >= first.end:
                break
            yield first, second


@dataclass
class PlanIndex:
    """The week and plan, indexed once so every rule looks things up in constant time."""

    week: Week
    plan: Plan
    venues: dict[str, Venue] = field(init=False)
    rooms: dict[str, Room] = field(init=False)
    class_types: dict[str, ClassType] = field(init=False)
    instructors: dict[str, Instructor] = field(init=False)
    clients: dict[str, Client] = field(init=False)
    pinned_ids: set[str] = field(init=False)
    sessions: dict[str, Session] = field(init=False)
    """Sessions whose class type, room, venue and instructor the week knows (first of an id)."""
    placed_in: dict[str, list[Allocation]] = field(init=False)
    """Allocations to a known session, by session id."""
    placed: dict[str, list[Allocation]] = field(init=False)
    """Allocations of a known client to a known session, by client id."""

    def __post_init__(self) -> None:
        week = self.week
        self.venues = {v.id: v for v in week.venues}
        self.rooms = {room.id: room for v in week.venues for room in v.rooms}
        self.class_types = {c.id: c for c in week.class_types}
        self.instructors = {i.id: i for i in week.instructors}
        self.clients = {c.id: c for c in week.clients}
        self.pinned_ids = {p.id for p in week.pinned_sessions}
        self.sessions = {}
        for s in self.plan.sessions:
            if s.id not in self.sessions and self.is_known(s):
                self.sessions[s.id] = s
        self.placed_in = defaultdict(list)
        self.placed = defaultdict(list)
        for a in self.plan.allocations:
            if a.session in self.sessions:
                self.placed_in[a.session].append(a)
                if a.client in self.clients:
                    self.placed[a.client].append(a)

    def is_known(self, s: Session) -> bool:
        return (
            s.class_type in self.class_types
            and s.room in self.rooms
            and s.venue in self.venues
            and s.instructor in self.instructors
        )

    def class_type(self, s: Session) -> ClassType:
        return self.class_types[s.class_type]

    def client_sessions(self, client_id: str) -> list[Session]:
        """The distinct sessions a client is placed in."""
        ids = dict.fromkeys(a.session for a in self.placed[client_id])
        return [self.sessions[i] for i in ids]

    def capacity(self, s: Session) -> int:
        class_type = self.class_type(s)
        capacity = self.week.capacity(class_type, self.rooms[s.room])
        return min(capacity, 1) if class_type.one_to_one else capacity


def rule_1_session_in_venue_room_on_grid_inside_open_window(ix: PlanIndex) -> Iterator[Violation]:
    """Every session is held in a room of its venue; it starts on the grid and lies
    wholly inside one of the venue's open windows for its day."""
    seen: set[str] = set()
    for s in ix.plan.sessions:
        if s.id in seen:
            yield Violation(
                1, f"session id {s.id} is used by more than one session", s.id, kind="duplicate"
            )
            continue
        seen.add(s.id)
        unknown = [
            f"{what} '{value}'"
            for what, value, known in (
                ("class type", s.class_type, ix.class_types),
                ("room", s.room, ix.rooms),
                ("venue", s.venue, ix.venues),
                ("instructor", s.instructor, ix.instructors),
            )
            if value not in known
        ]
        if unknown:
            yield Violation(
                1, f"session {s.id} names unknown {', '.join(unknown)}", s.id, kind="unknown"
            )
            continue
        room = ix.rooms[s.room]
        if room.venue != s.venue:
            yield Violation(
                1,
                f"session {s.id} is at {s.venue} but room {s.room} is at {room.venue}",
                s.id,
                kind="room_elsewhere",
            )
            continue
        minutes = ix.class_type(s).minutes
        if s.end != s.start + minutes:
            yield Violation(
                1,
                f"session {s.id} runs {_when(s.start)}-{_when(s.end)}, "
                f"but a {s.class_type} class lasts {minutes} minutes",
                s.id,
                kind="length",
                count=s.end - s.start,
                limit=minutes,
            )
        if (s.start % MINUTES_PER_DAY) % ix.week.grid_minutes:
            yield Violation(
                1,
                f"session {s.id} starts at {_when(s.start)}, "
                f"off the {ix.week.grid_minutes}-minute grid",
                s.id,
                kind="off_grid",
                limit=ix.week.grid_minutes,
            )
        if not any(w.contains(s.start, s.end) for w in ix.venues[s.venue].open):
            yield Violation(
                1,
                f"session {s.id} ({_when(s.start)}-{_when(s.end)}) is not inside "
                f"an open window of {s.venue}",
                s.id,
                kind="venue_closed",
            )


def rule_2_instructor_teaches_type_and_is_available_there(ix: PlanIndex) -> Iterator[Violation]:
    """Its instructor teaches its class type, and one of the instructor's availability
    windows for that day lists the venue and wholly contains it."""
    for s in ix.sessions.values():
        instructor = ix.instructors[s.instructor]
        if s.class_type not in instructor.teaches:
            yield Violation(
                2,
                f"session {s.id}: {s.instructor} does not teach {s.class_type}",
                s.id,
                kind="not_taught",
                instructor=s.instructor,
            )
        if not any(
            s.venue in w.venues and w.contains(s.start, s.end) for w in instructor.availability
        ):
            yield Violation(
                2,
                f"session {s.id}: {s.instructor} is not available at {s.venue} "
                f"{_when(s.start)}-{_when(s.end)}",
                s.id,
                kind="instructor_not_free",
                instructor=s.instructor,
            )


def rule_3_sessions_in_one_room_never_overlap(ix: PlanIndex) -> Iterator[Violation]:
    """Sessions in one room never overlap."""
    by_room: dict[str, list[Session]] = defaultdict(list)
    for s in ix.sessions.values():
        by_room[s.room].append(s)
    for room, sessions in by_room.items():
        for first, second in _overlapping_pairs(sessions):
            yield Violation(
                3,
                f"sessions {first.id} and {second.id} overlap in room {room}",
                second.id,
                kind="room_overlap",
                other=first.id,
            )


def rule_4_instructor_never_overlaps_travels_and_keeps_hours(ix: PlanIndex) -> Iterator[Violation]:
    """An instructor's sessions never overlap; two sessions on one day at different venues
    are at least the travel time apart (end to start), and there is a listed travel time
    between those venues. An instructor teaches at most `max_day_minutes` a day and
    `max_week_minutes` a week."""
    by_instructor: dict[str, list[Session]] = defaultdict(list)
    for s in ix.sessions.values():
        by_instructor[s.instructor].append(s)
    for instructor_id, sessions in by_instructor.items():
        instructor = ix.instructors[instructor_id]
        overlapping = set()
        for first, second in _overlapping_pairs(sessions):
            overlapping.add((first.id, second.id))
            yield Violation(
                4,
                f"{instructor_id} teaches {first.id} and {second.id} at once",
                second.id,
                kind="instructor_overlap",
                other=first.id,
                instructor=instructor_id,
            )
        by_day: dict[int, list[Session]] = defaultdict(list)
        for s in sessions:
            by_day[day_of(s.start)].append(s)
        for day, on_day in sorted(by_day.items()):
            ordered = sorted(on_day, key=lambda s: (s.start, s.end, s.id))
            for i, first in enumerate(ordered):
                for second in ordered[i + 1 :]:
                    if first.venue == second.venue or (first.id, second.id) in overlapping:
                        continue
                    travel = ix.week.travel(first.venue, second.venue)
                    gap = second.start - first.end
                    if travel is None:
                        yield Violation(
                            4,
                            f"{instructor_id} teaches {first.id} and {second.id} on one day, "
                            f"but no travel time is listed between {first.venue} "
                            f"and {second.venue}",
                            second.id,
                            kind="no_travel",
                            other=first.id,
                            instructor=instructor_id,
                        )
                    elif gap < travel:
                        yield Violation(
                            4,
                            f"{instructor_id} has {gap} minutes between {first.id} and "
                            f"{second.id}; travel from {first.venue} to {second.venue} "
                            f"takes {travel}",
                            second.id,
                            kind="travel",
                            other=first.id,
                            instructor=instructor_id,
                            count=gap,
                            limit=travel,
                        )
            day_minutes = sum(s.end - s.start for s in on_day)
            if day_minutes > instructor.max_day_minutes:
                yield Violation(
                    4,
                    f"{instructor_id} teaches {day_minutes} minutes on {DAYS[day]}, "
                    f"at most {instructor.max_day_minutes} a day",
                    kind="day_minutes",
                    instructor=instructor_id,
                    count=day_minutes,
                    limit=instructor.max_day_minutes,
                    day=day,
                )
        week_minutes = sum(s.end - s.start for s in sessions)
        if week_minutes > instructor.max_week_minutes:
            yield Violation(
                4,
                f"{instructor_id} teaches {week_minutes} minutes in the week, "
                f"at most {instructor.max_week_minutes}",
                kind="week_minutes",
                instructor=instructor_id,
                count=week_minutes,
                limit=instructor.max_week_minutes,
            )


def rule_5_capacity(ix: PlanIndex) -> Iterator[Violation]:
    """Capacity: a reformer session holds at most `min(max_size, reformers in service in
    its room)` clients; a mat session at most `min(max_size, mat_spaces)`. A one-to-one
    type has `max_size` 1."""
    for s in ix.sessions.values():
        held = len({a.client for a in ix.placed_in[s.id]})
        capacity = ix.capacity(s)
        if held > capacity:
            yield Violation(
                5,
                f"session {s.id} holds {held} clients, capacity is {capacity}",
                s.id,
                kind="full",
                count=held,
                limit=capacity,
            )


def rule_6_session_that_runs_has_min_size_unless_pinned(ix: PlanIndex) -> Iterator[Violation]:
    """A session that runs has at least `min_size` clients, unless it is pinned."""
    for s in ix.sessions.values():
        if s.id in ix.pinned_ids:
            continue
        held = len({a.client for a in ix.placed_in[s.id]})
        min_size = ix.class_type(s).min_size
        if held < min_size:
            yield Violation(
                6,
                f"session {s.id} runs with {held} clients, at least {min_size} needed",
                s.id,
                kind="too_small",
                count=held,
                limit=min_size,
            )


def rule_7_client_placed_only_where_they_can_go(ix: PlanIndex) -> Iterator[Violation]:
    """A client is placed only in a session at one of their venues, inside one of their
    availability windows, of a class type in one of their wants, of a level the class type
    lists, and, where the class type requires it, only when `cleared`."""
    every_session_id = {s.id for s in ix.plan.sessions}
    for a in ix.plan.allocations:
        if a.session not in every_session_id:
            yield Violation(
                7,
                f"{a.client} is placed in {a.session}, which is not a session of the plan",
                a.session,
                a.client,
                kind="no_such_session",
            )
            continue
        if a.client not in ix.clients:
            yield Violation(
                7,
                f"session {a.session} holds {a.client}, who is not a client of the week",
                a.session,
                a.client,
                kind="no_such_client",
            )
            continue
        s = ix.sessions.get(a.session)
        if s is None:
            continue  # a session rule 1 already refused
        client = ix.clients[a.client]
        class_type = ix.class_type(s)
        wanted = {t for w in client.wants for t in w.class_types}
        problems = []
        if s.venue not in client.venues:
            problems.append(("not_their_venue", f"{s.venue} is not one of their venues"))
        if not any(w.contains(s.start, s.end) for w in client.availability):
            problems.append(
                ("not_free", f"{_when(s.start)}-{_when(s.end)} is outside their availability")
            )
        if s.class_type not in wanted:
            problems.append(("not_wanted", f"they do not want {s.class_type}"))
        if client.level not in class_type.levels:
            problems.append(
                ("not_their_level", f"{s.class_type} is not for their level ({client.level})")
            )
        if class_type.requires_clearance and not client.cleared:
            problems.append(
                ("not_cleared", f"{s.class_type} needs GP clearance and they have none")
            )
        for kind, problem in problems:
            yield Violation(
                7, f"{a.client} in session {s.id}: {problem}", s.id, a.client, kind=kind
            )


def rule_8_client_sessions_never_overlap_and_keep_limits(ix: PlanIndex) -> Iterator[Violation]:
    """A client's sessions never overlap, number at most `max_per_day` on one day, and at
    most `per_week` for each want."""
    for client_id in ix.placed:
        client = ix.clients[client_id]
        sessions = ix.client_sessions(client_id)
        for first, second in _overlapping_pairs(sessions):
            yield Violation(
                8,
                f"{client_id} is in {first.id} and {second.id}, which overlap",
                second.id,
                client_id,
                kind="client_overlap",
                other=first.id,
            )
        per_day = Counter(day_of(s.start) for s in sessions)
        for day, count in sorted(per_day.items()):
            if count > client.max_per_day:
                yield Violation(
                    8,
                    f"{client_id} has {count} sessions on {DAYS[day]}, "
                    f"at most {client.max_per_day} a day",
                    client=client_id,
                    kind="per_day",
                    count=count,
                    limit=client.max_per_day,
                    day=day,
                )
        for want in client.wants:
            count = sum(1 for s in sessions if s.class_type in want.class_types)
            if count > want.per_week:
                yield Violation(
                    8,
                    f"{client_id} has {count} places in {'/'.join(want.class_types)}, "
                    f"wanting {want.per_week} a week",
                    client=client_id,
                    kind="per_week",
                    count=count,
                    limit=want.per_week,
                    names=want.class_types,
                )


def rule_9_intro_before_group(ix: PlanIndex) -> Iterator[Violation]:
    """A client with `needs_intro` joins a group session only after the end of a one-to-one
    session of theirs earlier in the same week."""
    for client_id in ix.placed:
        if not ix.clients[client_id].needs_intro:
            continue
        sessions = ix.client_sessions(client_id)
        intro_ends = [s.end for s in sessions if ix.class_type(s).one_to_one]
        first_intro_end = min(intro_ends, default=None)
        for s in sessions:
            if ix.class_type(s).one_to_one:
                continue
            if first_intro_end is None or first_intro_end > s.start:
                yield Violation(
                    9,
                    f"{client_id} needs an intro but joins group session {s.id} "
                    f"before any one-to-one of theirs has ended",
                    s.id,
                    client_id,
                    kind="before_intro",
                )


def rule_10_own_reformer_in_service_with_needed_features(ix: PlanIndex) -> Iterator[Violation]:
    """In a reformer session each client has their own reformer of that room, in service,
    carrying every feature the client `needs`. Mat sessions give no reformer (`null`)."""
    for session_id, allocations in ix.placed_in.items():
        s = ix.sessions[session_id]
        uses_reformers = ix.class_type(s).uses_reformers
        machines = {r.id: r for r in ix.rooms[s.room].reformers}
        taken: dict[str, str] = {}
        seen_clients: set[str] = set()
        for a in allocations:
            if a.client in seen_clients:
                yield Violation(
                    10,
                    f"{a.client} is placed in session {s.id} twice",
                    s.id,
                    a.client,
                    kind="twice",
                )
                continue
            seen_clients.add(a.client)
            who = f"{a.client} in session {s.id}"
            if not uses_reformers:
                if a.reformer is not None:
                    yield Violation(
                        10,
                        f"{who} is given reformer {a.reformer} in a mat class",
                        s.id,
                        a.client,
                        kind="reformer_in_mat",
                        reformer=a.reformer,
                    )
                continue
            if a.reformer is None:
                yield Violation(
                    10,
                    f"{who} has no reformer",
                    s.id,
                    a.client,
                    kind="no_reformer",
                    names=tuple(sorted(ix.clients[a.client].needs))
                    if a.client in ix.clients
                    else (),
                )
                continue
            machine = machines.get(a.reformer)
            if machine is None:
                yield Violation(
                    10,
                    f"{who} is on reformer {a.reformer}, not one of room {s.room}",
                    s.id,
                    a.client,
                    kind="reformer_elsewhere",
                    reformer=a.reformer,
                )
                continue
            if a.reformer in taken:
                yield Violation(
                    10,
                    f"{who} shares reformer {a.reformer} with {taken[a.reformer]}",
                    s.id,
                    a.client,
                    kind="shared_reformer",
                    reformer=a.reformer,
                    names=(taken[a.reformer],),
                )
            taken.setdefault(a.reformer, a.client)
            if not machine.in_service:
                yield Violation(
                    10,
                    f"{who} is on reformer {a.reformer}, which is out of service",
                    s.id,
                    a.client,
                    kind="out_of_service",
                    reformer=a.reformer,
                )
            client = ix.clients.get(a.client)
            missing = sorted(client.needs - machine.features) if client else []
            if missing:
                yield Violation(
                    10,
                    f"{who} is on reformer {a.reformer}, which lacks {', '.join(missing)}",
                    s.id,
                    a.client,
                    kind="lacks_features",
                    reformer=a.reformer,
                    names=tuple(missing),
                )


def rule_11_pinned_sessions_and_allocations_kept(ix: PlanIndex) -> Iterator[Violation]:
    """Pinned sessions run exactly as given; pinned allocations are kept.
    `only_pinned_sessions` runs no other session."""
    running = {}
    for s in ix.plan.sessions:
        running.setdefault(s.id, s)
    for p in ix.week.pinned_sessions:
        s = running.get(p.id)
        if s is None:
            yield Violation(11, f"pinned session {p.id} does not run", p.id, kind="pin_not_run")
            continue
        changes = [
            (what, got, given)
            for what, got, given in (
                ("class type", s.class_type, p.class_type),
                ("room", s.room, p.room),
                ("start", _when(s.start), _when(p.start)),
                ("instructor", s.instructor, p.instructor),
            )
            if got != given
        ]
        if changes:
            said = "; ".join(f"{what} {got} instead of {given}" for what, got, given in changes)
            yield Violation(
                11,
                f"pinned session {p.id} runs with {said}",
                p.id,
                kind="pin_changed",
                names=tuple(what for what, _, _ in changes),
            )
    reformers_of: dict[tuple[str, str], list[str | None]] = defaultdict(list)
    for a in ix.plan.allocations:
        reformers_of[a.client, a.session].append(a.reformer)
    for p in ix.week.pinned_allocations:
        kept = reformers_of.get((p.client, p.session))
        if not kept:
            yield Violation(
                11,
                f"{p.client}'s pinned place in {p.session} is not kept",
                p.session,
                p.client,
                kind="pinned_place",
            )
        elif p.reformer is not None and p.reformer not in kept:
            yield Violation(
                11,
                f"{p.client} in {p.session} is on reformer {kept[0]}, pinned to {p.reformer}",
                p.session,
                p.client,
                kind="pinned_reformer",
                reformer=p.reformer,
            )
    if ix.week.only_pinned_sessions:
        for session_id in running:
            if session_id not in ix.pinned_ids:
                yield Violation(
                    11,
                    f"session {session_id} runs, but the timetable is fixed to the pinned sessions",
                    session_id,
                    kind="not_pinned",
                )


@dataclass(frozen=True)
class HardRule:
    """A hard rule of the spec: its number, its sentences, and the function that checks it."""

    number: int
    text: str
    check: Callable[[PlanIndex], Iterable[Violation]]

    @property
    def name(self) -> str:
        """The rule's name, as the model's `HARD_RULES` names it too."""
        return self.check.__name__.removeprefix(f"rule_{self.number}_")


HARD_RULES: tuple[HardRule, ...] = tuple(
    HardRule(number, " ".join((check.__doc__ or "").split()), check)
    for number, check in enumerate(
        (
            rule_1_session_in_venue_room_on_grid_inside_open_window,
            rule_2_instructor_teaches_type_and_is_available_there,
            rule_3_sessions_in_one_room_never_overlap,
            rule_4_instructor_never_overlaps_travels_and_keeps_hours,
            rule_5_capacity,
            rule_6_session_that_runs_has_min_size_unless_pinned,
            rule_7_client_placed_only_where_they_can_go,
            rule_8_client_sessions_never_overlap_and_keep_limits,
            rule_9_intro_before_group,
            rule_10_own_reformer_in_service_with_needed_features,
            rule_11_pinned_sessions_and_allocations_kept,
        ),
        start=1,
    )
)


def check_plan(week: Week, plan: Plan) -> list[Violation]:
    """Every way `plan` breaks a hard rule for `week`, in rule order; empty if none breaks."""
    index = PlanIndex(week, plan)
    return [v for rule in HARD_RULES for v in rule.check(index)]


def measure_objective(week: Week, plan: Plan) -> Objective:
    """The spec's four figures, measured from the plan itself (not from what it claims)."""
    clients = {c.id: c for c in week.clients}
    sessions: dict[str, Session] = {}
    for s in plan.sessions:
        sessions.setdefault(s.id, s)
    priority_places = fairness_points = preference_points = 0
    for a in plan.allocations:
        client = clients.get(a.client)
        s = sessions.get(a.session)
        if client is None or s is None:
            continue
        priority_places += client.priority
        fairness_points += client.missed_weeks
        preference_points += s.venue in client.prefers_venues
        preference_points += s.instructor in client.prefers_instructors
    teaching_minutes = sum(s.end - s.start for s in sessions.values())
    return Objective(
        priority_places=priority_places,
        fairness_points=fairness_points,
        preference_points=preference_points,
        teaching_minutes=teaching_minutes,
    )


def check_claims(week: Week, plan: Plan, measured: Objective | None = None) -> list[str]:
    """Where the plan's own figures are wrong: its objective against what it measures
    (`measured`, when the caller has it already), and its bound, which can be no lower
    than the priority places it holds."""
    if measured is None:
        measured = measure_objective(week, plan)
    problems = [
        f"the plan claims {name} {claimed}, but holds {actual}"
        for name, claimed, actual in (
            ("priority_places", plan.objective.priority_places, measured.priority_places),
            ("fairness_points", plan.objective.fairness_points, measured.fairness_points),
            ("preference_points", plan.objective.preference_points, measured.preference_points),
            ("teaching_minutes", plan.objective.teaching_minutes, measured.teaching_minutes),
        )
        if claimed != actual
    ]
    if plan.bound is not None and plan.bound < measured.priority_places:
        problems.append(
            f"the plan's bound {plan.bound} is below its {measured.priority_places} priority places"
        )
    return problems
