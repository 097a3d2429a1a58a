"""The hard rules as tests of one thing (a start, an instructor, a client in a session).

Written once, here, and shared: candidate generation makes only the sessions and
places these allow, the model refuses pinned places that break them, and the
explanations name what stops a client with the same tests. The checker keeps its
own wording of every rule, so that it stays independent of the solver.
"""

from __future__ import annotations

from collections.abc import Iterable

from solver.domain import MINUTES_PER_DAY, ClassType, Client, Room, Venue, Week, Window


def _inside(windows: Iterable[Window], start: int, end: int) -> bool:
    """One of the windows wholly contains [start, end)."""
    return any(w.contains(start, end) for w in windows)


def rule_1_on_grid_inside_open_window(week: Week, venue: Venue, start: int, end: int) -> bool:
    """Rule 1, for a session in a room of `venue`: it starts on the grid and lies wholly
    inside one of the venue's open windows for its day."""
    on_grid = (start % MINUTES_PER_DAY) % week.grid_minutes == 0
    return on_grid and _inside(venue.open, start, end)


def rule_2_instructors_for(
    week: Week, class_type: ClassType, venue: str, start: int, end: int
) -> tuple[str, ...]:
    """Rule 2: who teaches the class type and has an availability window that lists the
    venue and wholly contains the session."""
    return tuple(
        i.id
        for i in week.instructors
        if class_type.id in i.teaches
        and any(venue in w.venues and w.contains(start, end) for w in i.availability)
    )


def rule_5_places_in(week: Week, class_type: ClassType, room: Room) -> int:
    """Rule 5: how many clients a session of this type holds in this room."""
    held = week.capacity(class_type, room)
    return min(held, 1) if class_type.one_to_one else held


def rule_7_client_may_take(client: Client, class_type: ClassType, venue: str) -> bool:
    """Rule 7, the parts that do not depend on time: the venue is one of the client's, the
    class type is in one of their wants and lists their level, and they are `cleared`
    where it requires it."""
    return (
        venue in client.venues
        and any(class_type.id in w.class_types for w in client.wants)
        and client.level in class_type.levels
        and (client.cleared or not class_type.requires_clearance)
    )


def rule_7_within_client_hours(client: Client, start: int, end: int) -> bool:
    """Rule 7, the part of time: inside one of the client's availability windows."""
    return _inside(client.availability, start, end)


def rule_7_client_can_go(
    client: Client, class_type: ClassType, venue: str, start: int, end: int
) -> bool:
    """Rule 7: a client is placed only in a session at one of their venues, inside one of
    their availability windows, of a class type in one of their wants, of a level the class
    type lists, and, where the class type requires it, only when `cleared`."""
    return rule_7_client_may_take(client, class_type, venue) and rule_7_within_client_hours(
        client, start, end
    )


def rule_10_reformer_for(client: Client, room: Room) -> bool:
    """Rule 10: some reformer of the room in service carries every feature the client needs."""
    return any(client.needs <= r.features for r in room.reformers_in_service)
