"""Edits of the studio's data in a stored week: venues, rooms, class types, instructors, clients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session as DbSession
from sqlmodel import select

from scheduler.core import models
from scheduler.planning.errors import PlanningError


def update_venue(
    *, session: DbSession, venue_id: int, name: str, opening: Iterable[tuple[int, int]]
) -> None:
    """Rename a venue and replace its opening hours; one transaction."""
    venue = session.get(models.Venue, venue_id)
    venue.name = name
    session.exec(delete(models.OpeningWindow).where(models.OpeningWindow.venue_id == venue_id))
    session.add_all(
        models.OpeningWindow(venue_id=venue_id, start=start, end=end) for start, end in opening
    )
    session.add(venue)
    session.commit()


def update_room(
    *, session: DbSession, room_id: int, mat_spaces: int, features: dict[str, list[str]]
) -> None:
    """Set a room's mat spaces and its reformers' features (reformers are named by id)."""
    room = session.get(models.Room, room_id)
    machines = {
        m.key: m
        for m in session.exec(select(models.Reformer).where(models.Reformer.room_id == room_id))
    }
    unknown = sorted(set(features) - set(machines))
    if unknown:
        raise PlanningError(f"room {room.key} has no reformer {', '.join(unknown)}")
    room.mat_spaces = mat_spaces
    session.add(room)
    for key, machine in machines.items():
        if key in features:
            machine.features = sorted(set(features[key]))
            session.add(machine)
    session.commit()


def update_class_type(*, session: DbSession, class_type_id: int, **values: Any) -> None:
    """Change a class type's name, length, sizes, levels and requirements."""
    _update(session, session.get(models.ClassType, class_type_id), values)


def update_instructor(*, session: DbSession, instructor_id: int, **values: Any) -> None:
    """Change an instructor's name, e-mail, what they teach and their limits."""
    _update(session, session.get(models.Instructor, instructor_id), values)


def update_client(
    *,
    session: DbSession,
    client_id: int,
    availability: Iterable[tuple[int, int]],
    wants: Iterable[tuple[list[str], int]],
    **values: Any,
) -> None:
    """Change a client's details, hours and wishes; used at the next solve."""
    row = session.get(models.Client, client_id)
    row.availability = [[start, end] for start, end in availability]
    session.exec(delete(models.Want).where(models.Want.client_id == client_id))
    session.add_all(
        models.Want(client_id=client_id, class_types=types, per_week=per_week)
        for types, per_week in wants
    )
    _update(session, row, values)


def _update(session: DbSession, row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()
