"""The places a re-solve keeps: the published (or last week's) places that still stand."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from scheduler.core.names import room_label
from solver.checker import Violation, check_plan
from solver.domain import Allocation, PinnedAllocation, PinnedSession, Plan, Session, Week
from solver.explain import when


def what_still_exists(
    week: Week, plan: Plan, *, names: Week | None = None
) -> tuple[Plan, list[str]]:
    """`plan` less what names something `week` no longer has, and a sentence for each drop.

    A session in a venue, room or class type the week has not, or taught by an
    instructor it has not, goes with its places; a place of a client not booking
    this week goes; a place on a reformer no longer in its room keeps the class but
    not the machine. The sentences name things as `week` does, else as `names` (the
    week the plan was made for) did, else by id.
    """
    words = _Words(week, names)
    rooms = week.rooms
    venues = {v.id for v in week.venues}
    instructors = {i.id for i in week.instructors}
    clients = {c.id for c in week.clients}
    said: list[str] = []
    sessions = []
    for s in plan.sessions:
        gone = (
            ("venue", s.venue not in venues),
            ("room", s.room not in rooms),
            ("class type", s.class_type not in week.class_type_by_id),
            ("instructor", s.instructor not in instructors),
        )
        missing = next((thing for thing, lost in gone if lost), None)
        if missing is None:
            sessions.append(s)
        else:
            said.append(
                f"{words.session(s)} was not carried over: the {missing} is no longer in the week"
            )
    by_id = {s.id: s for s in sessions}
    places = []
    for a in plan.allocations:
        s = by_id.get(a.session)
        if s is None:
            continue
        if a.client not in clients:
            said.append(
                f"{words.client(a.client)}'s place in {words.session(s)} was not carried over:"
                f" {words.client(a.client)} is not booking this week"
            )
            continue
        machines = {r.id for r in rooms[s.room].reformers}
        if a.reformer is not None and a.reformer not in machines:
            said.append(
                f"{words.client(a.client)}'s reformer {a.reformer} in {words.session(s)} was"
                " not carried over: the reformer is no longer in the room (the place is kept)"
            )
            a = replace(a, reformer=None)
        places.append(a)
    return replace(plan, sessions=tuple(sessions), allocations=tuple(places)), said


class _Words:
    """Names as the week says them, else as the plan's own week did, else the id."""

    def __init__(self, week: Week, names: Week | None) -> None:
        self.venues: dict[str, str] = {}
        self.classes: dict[str, str] = {}
        self.instructors: dict[str, str] = {}
        self.clients: dict[str, str] = {}
        for w in (names, week):
            if w is not None:
                self.venues.update((v.id, v.name) for v in w.venues)
                self.classes.update((c.id, c.name) for c in w.class_types)
                self.instructors.update((i.id, i.name) for i in w.instructors)
                self.clients.update((c.id, c.name) for c in w.clients)

    def session(self, s: Session) -> str:
        """E.g. `Tuesday 10:30 Reformer at Hitchin · Hall with Jo`."""
        return (
            f"{when(s.start)} {self.classes.get(s.class_type, s.class_type)}"
            f" at {self.venues.get(s.venue, s.venue)} · {room_label(s.room, s.venue)}"
            f" with {self.instructors.get(s.instructor, s.instructor)}"
        )

    def client(self, client: str) -> str:
        return self.clients.get(client, client)


def standing_pins(
    week: Week, published: Plan, *, keep_small_classes: bool = True
) -> tuple[Week, list[Violation]]:
    """`week` with the published plan's sessions and places pinned, where they still stand.

    The published plan is checked against today's week. A session that now breaks a
    rule (its instructor away, its room closed) is dropped with its places; a place
    that breaks one (the client left, their hours changed) is dropped; a place on a
    reformer now out of service keeps the class but frees the machine; a class holding
    more than it now can loses its lowest-priority places. A class left below its
    `min_size` runs all the same (its clients were told it does), unless not
    `keep_small_classes` (last week's plan carried into a new one): then it is
    dropped and its clients placed afresh; a class left with nobody is dropped
    either way. The week's own pins come first. Returns the pinned week and the
    violations that caused each drop.
    """
    bare = replace(week, pinned_sessions=(), pinned_allocations=())
    sessions = {s.id: s for s in published.sessions}
    places = {(a.client, a.session): a for a in published.allocations if a.session in sessions}
    dropped: list[Violation] = []
    while True:
        candidate = Plan(sessions=tuple(sessions.values()), allocations=tuple(places.values()))
        # A pinned session may run below min_size (rule 6), and a freed place has no
        # reformer until the solver gives it one (rule 10): neither drops a pin.
        violations = [
            v
            for v in check_plan(bare, candidate)
            if v.rule != 6 and not (v.rule == 10 and _freed(places, v))
        ]
        changed = False
        for v in violations:
            changed |= _drop_for(v, week, sessions, places)
        dropped.extend(violations)
        if not changed:
            break
    own_sessions = {p.id for p in week.pinned_sessions}
    own_places = {(p.client, p.session) for p in week.pinned_allocations}
    _drop_small_classes(week, sessions, places, own_sessions, keep_small_classes)
    pinned_sessions = list(week.pinned_sessions) + [
        PinnedSession(s.id, s.class_type, s.room, s.start, s.instructor)
        for s in sessions.values()
        if s.id not in own_sessions
    ]
    pinned_places = list(week.pinned_allocations) + [
        PinnedAllocation(a.client, a.session, a.reformer)
        for key, a in places.items()
        if key not in own_places
    ]
    pinned = replace(
        week, pinned_sessions=tuple(pinned_sessions), pinned_allocations=tuple(pinned_places)
    )
    return pinned, dropped


def _drop_small_classes(
    week: Week,
    sessions: dict[str, Session],
    places: dict[tuple[str, str], Allocation],
    keep: set[str],
    keep_small: bool,
) -> None:
    """Drop the sessions (not in `keep`) left with no places, or (unless `keep_small`)
    with fewer than their `min_size`."""
    held = Counter(session_id for _, session_id in places)
    for sid, s in list(sessions.items()):
        least = 1 if keep_small else max(1, week.class_type_by_id[s.class_type].min_size)
        if sid not in keep and held[sid] < least:
            del sessions[sid]
            for key in [k for k in places if k[1] == sid]:
                del places[key]


def _freed(places: dict[tuple[str, str], Allocation], v: Violation) -> bool:
    place = places.get((v.client, v.session))
    return place is not None and place.reformer is None and v.kind == "no_reformer"


def _drop_for(
    v: Violation,
    week: Week,
    sessions: dict[str, Session],
    places: dict[tuple[str, str], Allocation],
) -> bool:
    """Drop from the pins what `v` says no longer stands; True if anything went."""
    key = (v.client, v.session)
    if v.rule == 10 and key in places:
        # The place stands; only the machine under it does not.
        if places[key].reformer is None:
            del places[key]
        else:
            places[key] = replace(places[key], reformer=None)
        return True
    if v.client is not None:
        if key in places:
            del places[key]
            return True
        theirs = [k for k in places if k[0] == v.client]
        for k in theirs[-1:]:
            del places[k]
        return bool(theirs)
    if v.rule == 5 and v.session in sessions:
        return _drop_beyond_capacity(week, sessions[v.session], places)
    if v.session in sessions:
        del sessions[v.session]
        for k in [k for k in places if k[1] == v.session]:
            del places[k]
        return True
    return False


def _drop_beyond_capacity(
    week: Week, session: Session, places: dict[tuple[str, str], Allocation]
) -> bool:
    room = week.rooms.get(session.room)
    class_type = week.class_type_by_id.get(session.class_type)
    if room is None or class_type is None:
        return False
    priority = {c.id: c.priority for c in week.clients}
    held = sorted(
        (k for k in places if k[1] == session.id), key=lambda k: (-priority.get(k[0], 0), k[0])
    )
    beyond = held[week.capacity(class_type, room) :]
    for k in beyond:
        del places[k]
    return bool(beyond)
