"""First come, first served: how a booking system fills a timetable, as a baseline.

Clients book in sign-up order (the order of `week.clients`); each takes, want
by want, the earliest places of the week that fit them and are not yet full,
keeping every hard rule about clients: capacity (5), where and when they can
go (7), no overlaps, `max_per_day` and `per_week` (8), an intro 1-2-1 before
any group class (9) and their own reformer carrying their needs (10). Pinned
places are booked before anyone else.

Like a booking system, it then cancels every session that is not pinned and
ended under its `min_size` (rule 6); the clients booked into it lose that
place and are not re-booked elsewhere (a booking system tells them the class
is cancelled, it does not move them). Any group place that loses the intro it
depended on is cancelled with it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from solver.checker import measure_objective
from solver.domain import (
    Allocation,
    ClassType,
    Client,
    Plan,
    Room,
    Session,
    Want,
    Week,
    day_of,
)
from solver.explain import explain_unplaced
from solver.reformers import assign_reformers
from solver.rules import rule_7_client_can_go


def pinned_timetable(week: Week) -> tuple[Session, ...]:
    """The week's pinned sessions as plan sessions, run exactly as given (rule 11)."""
    rooms = week.rooms
    class_types = week.class_type_by_id
    return tuple(
        Session(
            id=p.id,
            class_type=p.class_type,
            venue=rooms[p.room].venue,
            room=p.room,
            start=p.start,
            end=p.start + class_types[p.class_type].minutes,
            instructor=p.instructor,
        )
        for p in week.pinned_sessions
    )


@dataclass
class _Booking:
    """The timetable being filled: who is in each session, and each client's sessions."""

    week: Week
    sessions: dict[str, Session]
    class_types: dict[str, ClassType]
    rooms: dict[str, Room]
    clients: dict[str, Client]
    in_session: dict[str, list[Client]] = field(default_factory=lambda: defaultdict(list))
    of_client: dict[str, list[Session]] = field(default_factory=lambda: defaultdict(list))
    fixed_reformers: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def capacity(self, session: Session) -> int:
        return self.week.capacity(self.class_types[session.class_type], self.rooms[session.room])

    def book(self, client: Client, session: Session) -> None:
        self.in_session[session.id].append(client)
        self.of_client[client.id].append(session)

    def can_book(self, client: Client, session: Session) -> bool:
        """Rules 5, 8, 9 and 10 for one more place (rule 7 is checked by the caller)."""
        class_type = self.class_types[session.class_type]
        booked = self.in_session[session.id]
        if len(booked) >= self.capacity(session):
            return False
        theirs = self.of_client[client.id]
        if any(s.start < session.end and session.start < s.end for s in theirs):
            return False
        day = day_of(session.start)
        if sum(1 for s in theirs if day_of(s.start) == day) >= client.max_per_day:
            return False
        if (
            client.needs_intro
            and not class_type.one_to_one
            and not self.has_intro_before(client.id, session.start)
        ):
            return False
        if class_type.uses_reformers:
            room = self.rooms[session.room]
            fixed = self.fixed_reformers[session.id]
            return assign_reformers(room, [*booked, client], fixed) is not None
        return True

    def has_intro_before(self, client_id: str, start: int) -> bool:
        return any(
            self.class_types[s.class_type].one_to_one and s.end <= start
            for s in self.of_client[client_id]
        )

    def places_in(self, client_id: str, want: Want) -> int:
        return sum(1 for s in self.of_client[client_id] if s.class_type in want.class_types)

    def cancel(self, client_id: str, session_id: str) -> None:
        self.in_session[session_id] = [c for c in self.in_session[session_id] if c.id != client_id]
        self.of_client[client_id] = [s for s in self.of_client[client_id] if s.id != session_id]


def fcfs_plan(week: Week, timetable: Sequence[Session] | None = None) -> Plan:
    """Clients in sign-up order each book the earliest places that fit, on `timetable`.

    Without a timetable, the week's pinned sessions are the timetable (a fixed
    week). Sessions of `timetable` that are not pinned and end under their
    `min_size` are cancelled with their places. The plan has status FEASIBLE and
    no bound; its objective is measured from its places, its unplaced wants explained.
    """
    started = time.monotonic()
    sessions = list(pinned_timetable(week) if timetable is None else timetable)
    booking = _Booking(
        week=week,
        sessions={s.id: s for s in sessions},
        class_types=week.class_type_by_id,
        rooms=week.rooms,
        clients=week.client_by_id,
    )
    for pinned in week.pinned_allocations:
        if pinned.session not in booking.sessions:
            raise ValueError(f"the timetable lacks pinned session {pinned.session}")
        booking.book(booking.clients[pinned.client], booking.sessions[pinned.session])
        if pinned.reformer is not None:
            booking.fixed_reformers[pinned.session][pinned.client] = pinned.reformer

    earliest_first = sorted(sessions, key=lambda s: (s.start, s.end, s.id))
    for client in week.clients:
        for want in _booking_order(client, booking.class_types):
            missing = want.per_week - booking.places_in(client.id, want)
            for session in earliest_first:
                if missing <= 0:
                    break
                class_type = booking.class_types[session.class_type]
                if (
                    session.class_type in want.class_types
                    and rule_7_client_can_go(
                        client, class_type, session.venue, session.start, session.end
                    )
                    and booking.can_book(client, session)
                ):
                    booking.book(client, session)
                    missing -= 1

    running = _cancel_under_min_size(booking, sessions, {p.id for p in week.pinned_sessions})
    allocations = _allocations(booking, running)
    plan = Plan(sessions=tuple(running), allocations=tuple(allocations))
    return replace(
        plan,
        unplaced=explain_unplaced(week, plan),
        objective=measure_objective(week, plan),
        bound=None,
        status="FEASIBLE",
        solve_seconds=time.monotonic() - started,
    )


def _booking_order(client: Client, class_types: dict[str, ClassType]) -> list[Want]:
    """The client's wants in their order, except that a client needing an intro books the
    1-2-1 first (a booking system will not sell them a group place before it)."""
    if not client.needs_intro:
        return list(client.wants)

    def is_one_to_one(want: Want) -> bool:
        return any(class_types[t].one_to_one for t in want.class_types)

    return sorted(client.wants, key=lambda w: not is_one_to_one(w))


def _cancel_under_min_size(
    booking: _Booking, sessions: list[Session], pinned_ids: set[str]
) -> list[Session]:
    """Cancel unpinned sessions under `min_size` until none is left; the sessions that run."""
    running = {s.id: s for s in sessions}
    while True:
        cancelled = [
            s
            for s in running.values()
            if s.id not in pinned_ids
            and len(booking.in_session[s.id]) < booking.class_types[s.class_type].min_size
        ]
        if not cancelled:
            break
        for s in cancelled:
            for client in list(booking.in_session[s.id]):
                booking.cancel(client.id, s.id)
            del running[s.id]
        # A lost 1-2-1 takes with it the group places it opened to an intro client.
        for client in booking.clients.values():
            if not client.needs_intro:
                continue
            for s in list(booking.of_client[client.id]):
                is_group = not booking.class_types[s.class_type].one_to_one
                if is_group and not booking.has_intro_before(client.id, s.start):
                    booking.cancel(client.id, s.id)
    return [s for s in sessions if s.id in running]


def _allocations(booking: _Booking, running: list[Session]) -> list[Allocation]:
    allocations = []
    for s in running:
        booked = booking.in_session[s.id]
        if booking.class_types[s.class_type].uses_reformers:
            given = assign_reformers(booking.rooms[s.room], booked, booking.fixed_reformers[s.id])
            if given is None:  # every booking kept a feasible assignment; fewer clients keep one
                raise AssertionError(f"no reformer assignment for {s.id}")
            allocations.extend(Allocation(c.id, s.id, given[c.id]) for c in booked)
        else:
            allocations.extend(Allocation(c.id, s.id, None) for c in booked)
    return allocations
