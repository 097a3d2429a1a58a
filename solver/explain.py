"""Why a want is not fully met: reasons read off the week and the plan, never guessed.

For each want short of its `per_week`, the explanation walks the same path a
place would take and names what stops it:

1. the class types themselves: not offered at the client's level, needing GP
   clearance, or needing a reformer feature no machine at their venues carries;
2. the timetable: no class of those types at their venues in their hours, and
   on an open timetable why none could run there (no room holds it, no
   instructor is available, the instructors or rooms are taken);
3. each class that would fit: full (and, where it holds clients of the same
   priority who missed out on more recent weeks, that those came first: the
   objective's fairness level), a group class before their intro 1-2-1, a day
   already at their `max_per_day`, a clash with another class of theirs, or no
   free reformer carrying what they need.

Each reason is found as facts (`Reason`: its kind and the classes, times and
numbers it names), then worded to the client with the studio's names for class
types, venues, days and times; the owner's words for the same facts are in
`scheduler.core.words`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from solver.domain import (
    MINUTES_PER_DAY,
    ClassType,
    Client,
    Instructor,
    Plan,
    Reason,
    Room,
    Session,
    Unplaced,
    Venue,
    Want,
    Week,
    day_of,
)
from solver.reformers import assign_reformers
from solver.rules import rule_7_client_can_go, rule_10_reformer_for

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NAMED_AT_MOST = 3
"""How many classes one reason names before it counts the rest."""


def explain_unplaced(week: Week, plan: Plan) -> tuple[Unplaced, ...]:
    """Every want of `week` that `plan` does not fully meet, with how many places are
    missing and why (`why`, and in the client's words `reasons`), in the order of the
    week's clients and their wants."""
    facts = _Facts(week, plan)
    unplaced = []
    for client in week.clients:
        theirs = facts.sessions_of[client.id]
        for want in client.wants:
            given = sum(1 for s in theirs if s.class_type in want.class_types)
            if given < want.per_week:
                why = tuple(_reasons(facts, client, want, given))
                words = tuple(line for reason in why for line in _client_words(facts, reason))
                unplaced.append(
                    Unplaced(client.id, want.class_types, want.per_week - given, words, why)
                )
    return tuple(unplaced)


@dataclass
class _Facts:
    """The week and the plan, indexed once: who is where, and what each session holds."""

    week: Week
    plan: Plan
    class_types: dict[str, ClassType] = field(init=False)
    venues: dict[str, Venue] = field(init=False)
    rooms: dict[str, Room] = field(init=False)
    clients: dict[str, Client] = field(init=False)
    sessions: dict[str, Session] = field(init=False)
    sessions_of: dict[str, list[Session]] = field(init=False)
    clients_in: dict[str, list[Client]] = field(init=False)
    by_type: dict[str, list[Session]] = field(init=False)
    by_room: dict[str, list[Session]] = field(init=False)
    by_instructor: dict[str, list[Session]] = field(init=False)

    def __post_init__(self) -> None:
        week, plan = self.week, self.plan
        self.class_types = week.class_type_by_id
        self.venues = week.venue_by_id
        self.rooms = week.rooms
        self.clients = week.client_by_id
        self.sessions = sessions = {s.id: s for s in plan.sessions}
        self.sessions_of = defaultdict(list)
        self.clients_in = defaultdict(list)
        for a in plan.allocations:
            if a.session in sessions and a.client in self.clients:
                self.sessions_of[a.client].append(sessions[a.session])
                self.clients_in[a.session].append(self.clients[a.client])
        self.by_type = defaultdict(list)
        self.by_room = defaultdict(list)
        self.by_instructor = defaultdict(list)
        for s in sorted(sessions.values(), key=lambda s: (s.start, s.id)):
            self.by_type[s.class_type].append(s)
            self.by_room[s.room].append(s)
            self.by_instructor[s.instructor].append(s)

    def name(self, s: Session) -> str:
        """`Tuesday 18:00 Reformer at Hitchin`."""
        return (
            f"{when(s.start)} {self.class_types[s.class_type].name} at {self.venues[s.venue].name}"
        )

    def type_names(self, type_ids: Iterable[str]) -> str:
        return " or ".join(self.class_types[t].name for t in type_ids)


def when(minute: int) -> str:
    """A minute of the week as the studio says it: `Tuesday 18:00`."""
    day, in_day = divmod(minute, MINUTES_PER_DAY)
    return f"{DAY_NAMES[day]} {in_day // 60:02d}:{in_day % 60:02d}"


# Each kind of reason to the client: one sentence, or one per class it names and one
# counting the rest. `{types}` is the class types, `{features}` what the reformer needs.
_TO_THE_CLIENT: dict[str, str] = {
    "not_at_level": "{types} is not offered at your level ({level})",
    "needs_clearance": "{types} needs GP clearance",
    "no_reformer_at_venues": "no {features} reformer at your venues",
    "no_class_in_hours": "no {other}{types} class at your venues during your hours",
    "no_room": "no room at your venues can hold {types} classes",
    "too_few": "{types} classes need at least {count} clients to run",
    "could_run": "a {types} class could run for you {when} at {venue}",
    "venues_closed": "your venues are closed during your hours",
    "no_instructor": "no instructor is available at your venues in your hours",
    "instructors_busy": "the instructors available in your hours are teaching other classes then",
    "rooms_taken": "the rooms at your venues are taken by other classes in your hours",
    "no_intro_fits": "an intro 1-2-1 is needed first and none fits",
    "intro_first": "group classes must come after your intro 1-2-1, which ends {when}",
    "day_at_limit": "you already have {count} {classes} on {day}",
    "clash": "it clashes with your other class on {session}",
    "no_reformer_in_hours": "no {features} reformer free in your hours",
    "full": "{session} is full",
    "full_missed_more": "{session} is full: its places went first to clients who have"
    " missed out on more weeks lately",
    "no_reformer_free": "no {features} reformer is free in {session}",
    "free_place": "{session} has a free place for you",
}
_THE_REST_TO_THE_CLIENT: dict[str, str] = {
    "full": "{more} other classes that fit you are full",
    "full_missed_more": "{more} other classes that fit you are full, their places gone first"
    " to clients who have missed out on more weeks lately",
    "no_reformer_free": "no {features} reformer is free in {more} other classes that fit you",
    "free_place": "{more} other classes have a free place for you",
}


def _client_words(facts: _Facts, reason: Reason) -> list[str]:
    """A reason as the client reads it, with the studio's names."""
    said = {
        "types": facts.type_names(reason.class_types),
        "level": reason.level,
        "features": " and ".join(reason.features),
        "other": "other " if reason.other else "",
        "count": reason.count,
        "classes": "class" if reason.count == 1 else "classes",
        "when": when(reason.minute) if reason.minute is not None else "",
        "venue": facts.venues[reason.venue].name if reason.venue else "",
        "day": DAY_NAMES[reason.day] if reason.day is not None else "",
        "more": reason.more,
    }
    words = _TO_THE_CLIENT[reason.kind]
    if "{session}" not in words:
        return [words.format(**said)]
    lines = [words.format(session=facts.name(facts.sessions[s]), **said) for s in reason.sessions]
    if reason.more:
        lines.append(_THE_REST_TO_THE_CLIENT[reason.kind].format(**said))
    return lines


def _reasons(facts: _Facts, client: Client, want: Want, given: int) -> list[Reason]:
    reasons, open_types = _type_reasons(facts, client, want)
    if not open_types:
        return reasons
    theirs = {s.id for s in facts.sessions_of[client.id]}
    fitting = [
        s
        for t in open_types
        for s in facts.by_type[t]
        if s.id not in theirs
        and rule_7_client_can_go(client, facts.class_types[t], s.venue, s.start, s.end)
    ]
    if not fitting:
        reasons.append(Reason("no_class_in_hours", class_types=tuple(open_types), other=given > 0))
        if not facts.week.only_pinned_sessions:
            reasons.extend(_why_no_class_could_run(facts, client, open_types))
        return reasons
    fitting.sort(key=lambda s: (s.start, s.id))
    return reasons + _session_reasons(facts, client, fitting)


def _type_reasons(facts: _Facts, client: Client, want: Want) -> tuple[list[Reason], list[str]]:
    """Reasons that rule out a class type whatever the timetable, and the types left open."""
    reasons: list[Reason] = []
    open_types = []
    for type_id in want.class_types:
        class_type = facts.class_types[type_id]
        if client.level not in class_type.levels:
            reasons.append(Reason("not_at_level", class_types=(type_id,), level=client.level))
        elif class_type.requires_clearance and not client.cleared:
            reasons.append(Reason("needs_clearance", class_types=(type_id,)))
        elif class_type.uses_reformers and client.needs and not _reformer_at_venues(facts, client):
            reasons.append(Reason("no_reformer_at_venues", features=_features(client)))
        else:
            open_types.append(type_id)
    return reasons, open_types


def _reformer_at_venues(facts: _Facts, client: Client) -> bool:
    return any(
        rule_10_reformer_for(client, room) for v in client.venues for room in facts.venues[v].rooms
    )


def _features(client: Client) -> tuple[str, ...]:
    return tuple(sorted(client.needs))


def _session_reasons(facts: _Facts, client: Client, fitting: list[Session]) -> list[Reason]:
    """What keeps the client out of each class that fits them, grouped by kind."""
    full: list[Session] = []
    missed_more: list[Session] = []
    before_intro: list[Session] = []
    days_at_limit: dict[int, int] = {}
    clashes: dict[str, Session] = {}
    no_reformer: list[Session] = []
    free: list[Session] = []
    theirs = facts.sessions_of[client.id]
    first_intro_end = min(
        (s.end for s in theirs if facts.class_types[s.class_type].one_to_one), default=None
    )
    for s in fitting:
        class_type = facts.class_types[s.class_type]
        held = facts.clients_in[s.id]
        same_day = [o for o in theirs if day_of(o.start) == day_of(s.start)]
        clash = next((o for o in theirs if o.start < s.end and s.start < o.end), None)
        if len(held) >= facts.week.capacity(class_type, facts.rooms[s.room]):
            (missed_more if _missed_more(client, held) else full).append(s)
        elif (
            client.needs_intro
            and not class_type.one_to_one
            and (first_intro_end is None or first_intro_end > s.start)
        ):
            before_intro.append(s)
        elif len(same_day) >= client.max_per_day:
            days_at_limit[day_of(s.start)] = len(same_day)
        elif clash is not None:
            clashes[clash.id] = clash
        elif (
            class_type.uses_reformers
            and assign_reformers(facts.rooms[s.room], [*held, client]) is None
        ):
            no_reformer.append(s)
        else:
            free.append(s)

    reasons = _named("full_missed_more", missed_more) + _named("full", full)
    if before_intro:
        if first_intro_end is None:
            reasons.append(Reason("no_intro_fits"))
        else:
            reasons.append(Reason("intro_first", minute=first_intro_end))
    for day, count in sorted(days_at_limit.items()):
        reasons.append(Reason("day_at_limit", day=day, count=count))
    for other in sorted(clashes.values(), key=lambda s: (s.start, s.id)):
        reasons.append(Reason("clash", sessions=(other.id,)))
    if no_reformer:
        features = _features(client)
        if len(no_reformer) == len(fitting):
            reasons.append(Reason("no_reformer_in_hours", features=features))
        reasons += _named("no_reformer_free", no_reformer, features=features)
    reasons += _named("free_place", free)
    return reasons


def _missed_more(client: Client, held: list[Client]) -> bool:
    """Whether a class holds a client of the same priority who missed out on more recent
    weeks: a place the fairness level gives them before this client."""
    return any(h.priority == client.priority and h.missed_weeks > client.missed_weeks for h in held)


def _named(kind: str, sessions: list[Session], **facts: tuple[str, ...]) -> list[Reason]:
    """One reason naming up to `NAMED_AT_MOST` of the sessions and counting the rest."""
    if not sessions:
        return []
    named = tuple(s.id for s in sessions[:NAMED_AT_MOST])
    return [Reason(kind, sessions=named, more=len(sessions) - len(named), **facts)]


def _why_no_class_could_run(facts: _Facts, client: Client, type_ids: list[str]) -> list[Reason]:
    """On an open timetable: what stops a new class of these types in the client's hours.

    Tries every room at the client's venues, instructor and grid start inside the
    client's hours, the venue's opening and the instructor's window, against the
    sessions the plan already runs.
    """
    week = facts.week
    rooms = [
        (room, facts.class_types[t])
        for v in client.venues
        for room in facts.venues[v].rooms
        for t in type_ids
        if week.capacity(facts.class_types[t], room) > 0
        and (not facts.class_types[t].uses_reformers or rule_10_reformer_for(client, room))
    ]
    if not rooms:
        return [Reason("no_room", class_types=tuple(type_ids))]
    open_in_hours = False
    instructor_in_hours = False
    blocked_by_instructor = False
    for room, class_type in rooms:
        venue = facts.venues[room.venue]
        could_teach = [
            (i, [w for w in i.availability if room.venue in w.venues])
            for i in week.instructors
            if class_type.id in i.teaches
        ]
        for start in _starts(week, client, venue, class_type):
            open_in_hours = True
            end = start + class_type.minutes
            teachers = [
                i for i, windows in could_teach if any(w.contains(start, end) for w in windows)
            ]
            if not teachers:
                continue
            instructor_in_hours = True
            if _room_taken(facts, room, start, end):
                continue
            if all(_instructor_taken(facts, i, room.venue, start, end) for i in teachers):
                blocked_by_instructor = True
                continue
            if class_type.min_size > 1:
                return [Reason("too_few", class_types=(class_type.id,), count=class_type.min_size)]
            return [Reason("could_run", class_types=(class_type.id,), minute=start, venue=venue.id)]
    if not open_in_hours:
        return [Reason("venues_closed")]
    if not instructor_in_hours:
        return [Reason("no_instructor")]
    if blocked_by_instructor:
        return [Reason("instructors_busy")]
    return [Reason("rooms_taken")]


def _starts(week: Week, client: Client, venue: Venue, class_type: ClassType) -> Iterable[int]:
    """Grid starts where a class fits wholly inside one of the client's windows and one
    of the venue's opening windows."""
    grid = week.grid_minutes
    for mine in client.availability:
        for opening in venue.open:
            start, end = max(mine.start, opening.start), min(mine.end, opening.end)
            first = -(-start // grid) * grid
            yield from range(first, end - class_type.minutes + 1, grid)


def _room_taken(facts: _Facts, room: Room, start: int, end: int) -> bool:
    return any(s.start < end and start < s.end for s in facts.by_room[room.id])


def _instructor_taken(
    facts: _Facts, instructor: Instructor, venue: str, start: int, end: int
) -> bool:
    """Rule 4: a class here would overlap, leave too little travel, or break a teaching cap."""
    week = facts.week
    theirs = facts.by_instructor[instructor.id]
    minutes = end - start
    if sum(s.end - s.start for s in theirs) + minutes > instructor.max_week_minutes:
        return True
    same_day = [s for s in theirs if day_of(s.start) == day_of(start)]
    if sum(s.end - s.start for s in same_day) + minutes > instructor.max_day_minutes:
        return True
    for s in same_day:
        travel = week.travel(s.venue, venue)
        if travel is None:
            return True
        if s.start < end + travel and start < s.end + travel:
            return True
    return False
