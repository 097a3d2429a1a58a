"""The studio's data in a stored week: venues, rooms, class types and clients, read and edited.

Each edit is one transaction: it checks what it is given, writes, and commits once.
An instructor's edit is checked against the plan too: `scheduler.planning.edits`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session as DbSession
from sqlmodel import select

from scheduler.core import models
from scheduler.core.dates import as_date
from scheduler.formats.clients_csv import CsvError
from scheduler.planning.errors import PlanningError
from scheduler.studio.clients import ClientsImported, import_clients_csv


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
        machines_named = "reformers" if len(unknown) > 1 else "reformer"
        raise PlanningError(f"this room has no {machines_named} {', '.join(unknown)}")
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


def opening_windows(*, session: DbSession, venue_id: int) -> list[models.OpeningWindow]:
    """The venue's opening windows, earliest first."""
    query = (
        select(models.OpeningWindow)
        .where(models.OpeningWindow.venue_id == venue_id)
        .order_by(models.OpeningWindow.start)
    )
    return list(session.exec(query).all())


def room_reformers(*, session: DbSession, room_id: int) -> list[models.Reformer]:
    """The room's reformers, in the order they were stored."""
    query = (
        select(models.Reformer)
        .where(models.Reformer.room_id == room_id)
        .order_by(models.Reformer.id)
    )
    return list(session.exec(query).all())


def client_wants(*, session: DbSession, client_id: int) -> list[models.Want]:
    """The client's wishes, in the order they were stored."""
    query = select(models.Want).where(models.Want.client_id == client_id).order_by(models.Want.id)
    return list(session.exec(query).all())


def search_clients(
    *, session: DbSession, week_start: date | str, text: str = ""
) -> list[models.Client]:
    """The week's clients by name whose name, id or e-mail holds `text` (any case); all if blank."""
    query = (
        select(models.Client)
        .join(models.Week, models.Week.id == models.Client.week_id)
        .where(models.Week.week_start == as_date(week_start))
    )
    if text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(
            models.Client.name.ilike(like)
            | models.Client.key.ilike(like)
            | models.Client.email.ilike(like)
        )
    return list(session.exec(query.order_by(models.Client.name)).all())


def import_clients(
    *, session: DbSession, week_start: date | str, text: str | bytes
) -> ClientsImported:
    """Add or update the week's clients from CSV `text` (or a file's bytes): all rows, or none.

    Raises `CsvError` (every problem, by line) with nothing written.
    """
    try:
        done = import_clients_csv(session=session, week_start=week_start, text=text)
    except CsvError:
        session.rollback()
        raise
    session.commit()
    return done
