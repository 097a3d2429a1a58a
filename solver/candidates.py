"""Candidate sessions: the (class type, room, start) slots the model may run.

A slot obeys rules 1 and 2 by construction (the tests of `solver.rules`): it is in
a room of its venue, starts on the grid, lies wholly inside an open window of the
venue, and lists every instructor who teaches its type and whose availability
that day names the venue and contains it. Each slot also lists the clients rule 7
lets in (venue, hours, wants, level, clearance) who can have a reformer carrying
their needs there (rule 10), so the model only creates places that could be valid.

Starts are offered every `step` minutes from each opening: the week's own grid
keeps every session the spec allows (so the model's bound holds for the whole
week), and a coarse 60-minute grid makes a quick first timetable to hint it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    ClassType,
    Client,
    PinnedSession,
    Room,
    Week,
    day_of,
)
from solver.rules import (
    rule_1_on_grid_inside_open_window,
    rule_2_instructors_for,
    rule_5_places_in,
    rule_7_client_may_take,
    rule_7_within_client_hours,
    rule_10_reformer_for,
)


@dataclass(frozen=True)
class Slot:
    """A session the model may run: a class type in a room at a start, and who could be in it."""

    id: str
    class_type: ClassType
    room: Room
    start: int
    instructors: tuple[str, ...]
    clients: tuple[str, ...]
    capacity: int
    pinned: PinnedSession | None = None

    @property
    def venue(self) -> str:
        return self.room.venue

    @property
    def end(self) -> int:
        return self.start + self.class_type.minutes

    @property
    def day(self) -> int:
        return day_of(self.start)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.class_type.id, self.room.id, self.start)


def session_id(class_type: str, room: str, start: int) -> str:
    """A readable id for a new session: `tue-0930-hitchin-studio-reformer`."""
    day, minute = divmod(start, MINUTES_PER_DAY)
    return f"{DAYS[day]}-{minute // 60:02d}{minute % 60:02d}-{room}-{class_type}"


def room_suits(week: Week, class_type: ClassType, room: Room) -> bool:
    """A room can hold the type at all (it has a reformer in service or a mat space)."""
    return rule_5_places_in(week, class_type, room) > 0


class ClientIndex:
    """Which clients could take a class type in a room, to find a slot's clients quickly."""

    def __init__(self, week: Week) -> None:
        self.week = week
        self._by_type_room: dict[tuple[str, str], list[Client]] = {}

    def possible(self, class_type: ClassType, room: Room) -> list[Client]:
        key = (class_type.id, room.id)
        if key not in self._by_type_room:
            self._by_type_room[key] = [
                c
                for c in self.week.clients
                if rule_7_client_may_take(c, class_type, room.venue)
                and (not class_type.uses_reformers or rule_10_reformer_for(c, room))
            ]
        return self._by_type_room[key]

    def eligible(self, class_type: ClassType, room: Room, start: int) -> tuple[str, ...]:
        """Rule 7 (and rule 10's needs) for a session at `start`: who could be placed in it."""
        end = start + class_type.minutes
        return tuple(
            c.id
            for c in self.possible(class_type, room)
            if rule_7_within_client_hours(c, start, end)
        )


def _grid_up(week: Week, minute: int) -> int:
    day = day_of(minute) * MINUTES_PER_DAY
    offset = minute - day
    step = week.grid_minutes
    return day + -(-offset // step) * step


def candidate_slots(
    week: Week,
    *,
    step: int,
    extra: Iterable[tuple[str, str, int]] = (),
) -> list[Slot]:
    """Every slot the model may run: pinned sessions first, then candidate sessions.

    With `only_pinned_sessions` only the pinned sessions. Otherwise a start every
    `step` minutes from each opening; `extra` adds (class type, room, start) keys,
    e.g. the sessions of a previous plan used as a hint; a key naming a class type
    or room the week does not have is ignored. A candidate needs an instructor
    able to teach it and enough possible clients to reach `min_size`.
    """
    index = ClientIndex(week)
    types = week.class_type_by_id
    rooms = week.rooms
    slots = [_pinned_slot(week, index, p) for p in week.pinned_sessions]
    if week.only_pinned_sessions:
        return slots
    taken = {s.key for s in slots}
    wanted: dict[tuple[str, str], set[int]] = defaultdict(set)
    for venue in week.venues:
        for room in venue.rooms:
            for class_type in week.class_types:
                if not room_suits(week, class_type, room):
                    continue
                clients = index.possible(class_type, room)
                if len(clients) < max(class_type.min_size, 1):
                    continue
                for w in venue.open:
                    first = _grid_up(week, w.start)
                    starts = range(first, w.end - class_type.minutes + 1, step)
                    wanted[class_type.id, room.id].update(starts)
    for type_id, room_id, start in extra:
        if type_id in types and room_id in rooms:
            wanted[type_id, room_id].add(start)
    for (type_id, room_id), starts in sorted(wanted.items()):
        class_type, room = types[type_id], rooms[room_id]
        venue = week.venue_by_id[room.venue]
        for start in sorted(starts):
            end = start + class_type.minutes
            if (type_id, room_id, start) in taken:
                continue
            if not rule_1_on_grid_inside_open_window(week, venue, start, end):
                continue
            teachers = rule_2_instructors_for(week, class_type, room.venue, start, end)
            if not teachers:
                continue
            clients = index.eligible(class_type, room, start)
            if len(clients) < max(class_type.min_size, 1):
                continue
            slots.append(
                Slot(
                    id=session_id(type_id, room_id, start),
                    class_type=class_type,
                    room=room,
                    start=start,
                    instructors=teachers,
                    clients=clients,
                    capacity=rule_5_places_in(week, class_type, room),
                )
            )
            taken.add((type_id, room_id, start))
    return _with_unique_ids(slots)


def _pinned_slot(week: Week, index: ClientIndex, pinned: PinnedSession) -> Slot:
    class_type = week.class_type_by_id[pinned.class_type]
    room = week.rooms[pinned.room]
    allocated = [a.client for a in week.pinned_allocations if a.session == pinned.id]
    clients = tuple(dict.fromkeys([*allocated, *index.eligible(class_type, room, pinned.start)]))
    return Slot(
        id=pinned.id,
        class_type=class_type,
        room=room,
        start=pinned.start,
        instructors=(pinned.instructor,),
        clients=clients,
        capacity=rule_5_places_in(week, class_type, room),
        pinned=pinned,
    )


def _with_unique_ids(slots: list[Slot]) -> list[Slot]:
    """New sessions never take a pinned session's id (a pinned id may look like a new one)."""
    seen: set[str] = set()
    unique = []
    for slot in slots:
        sid = slot.id
        n = 2
        while sid in seen:
            sid = f"{slot.id}-{n}"
            n += 1
        seen.add(sid)
        unique.append(slot if sid == slot.id else replace(slot, id=sid))
    return unique
