"""Weeks between the domain (`solver.domain`) and the database (`scheduler.core.models`).

The solver gets plain domain objects built here, never rows. Every function
takes the database session as a keyword and leaves committing to the caller,
so a service can make several of them one transaction (`session_scope()`).

Saving a week replaces it whole: its venues, class types, instructors,
travel times, clients and pins are deleted and written again. What the
`reformer-week/1` format does not carry is kept by id across a re-import: a
class type's price, an instructor's e-mail. The week's plans are kept too
(`scheduler.store.plans`)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session

from scheduler.core import models
from scheduler.core.dates import as_date
from scheduler.formats.week import parse_week, week_to_json
from solver import domain


class WeekNotFound(LookupError):
    """No week stored for that Monday."""

    def __init__(self, week_start: date):
        self.week_start = week_start
        super().__init__(f"no week starting {week_start.isoformat()} is stored")


def week_row(*, session: Session, week_start: date | str) -> models.Week | None:
    """The stored week starting on `week_start`, or None."""
    return session.exec(
        select(models.Week).where(models.Week.week_start == as_date(week_start))
    ).scalar_one_or_none()


def require_week(*, session: Session, week_start: date | str) -> models.Week:
    """The stored week starting on `week_start`; raises `WeekNotFound`."""
    row = week_row(session=session, week_start=week_start)
    if row is None:
        raise WeekNotFound(as_date(week_start))
    return row


def week_starts(*, session: Session) -> list[date]:
    """Every stored week's Monday, earliest first."""
    query = select(models.Week.week_start).order_by(models.Week.week_start)
    return list(session.exec(query).scalars())


def week_data_row(*, session: Session, week_start: date | str, model: type, key: str) -> Any:
    """The week's row of `model` (a venue, room, class type, instructor or client) by its key.

    None when the week or the row is not stored.
    """
    query = (
        select(model)
        .join(models.Week, models.Week.id == model.week_id)
        .where(models.Week.week_start == as_date(week_start), model.key == key)
    )
    return session.exec(query).scalar_one_or_none()


def column_by_key(*, session: Session, week_id: int, column: InstrumentedAttribute) -> dict:
    """One column of a week's rows by their key: `column=models.ClassType.name` gives names."""
    model = column.class_
    return dict(session.exec(select(model.key, column).where(model.week_id == week_id)).all())


def save_week(
    *,
    session: Session,
    week: domain.Week,
    class_type_prices: Mapping[str, int] | None = None,
    instructor_emails: Mapping[str, str] | None = None,
) -> models.Week:
    """Store `week`, replacing any week with the same start whole; returns its row.

    `class_type_prices` (pence) and `instructor_emails`, keyed by id, are what the
    interchange format does not carry; where not given, a replaced week's values
    for the same ids are kept.
    """
    row = week_row(session=session, week_start=week.week_start)
    if row is None:
        row = models.Week(week_start=as_date(week.week_start))
        prices: dict[str, int | None] = {}
        emails: dict[str, str | None] = {}
    else:
        prices = column_by_key(session=session, week_id=row.id, column=models.ClassType.price_pence)
        emails = column_by_key(session=session, week_id=row.id, column=models.Instructor.email)
        _delete_business(session, row.id)
        row.updated_at = models.utcnow()
    prices.update(class_type_prices or {})
    emails.update(instructor_emails or {})
    row.timezone = week.timezone
    row.grid_minutes = week.grid_minutes
    row.only_pinned_sessions = week.only_pinned_sessions
    session.add(row)
    session.flush()
    _insert_business(session, row.id, week, prices, emails)
    ensure_client_accounts(session=session, keys=[c.id for c in week.clients])
    return row


def _delete_business(session: Session, week_id: int) -> None:
    """Delete every business row of a week, children first (no reliance on ON DELETE)."""
    m = models
    clients = select(m.Client.id).where(m.Client.week_id == week_id)
    instructors = select(m.Instructor.id).where(m.Instructor.week_id == week_id)
    venues = select(m.Venue.id).where(m.Venue.week_id == week_id)
    rooms = select(m.Room.id).where(m.Room.week_id == week_id)
    session.exec(delete(m.PinnedAllocation).where(m.PinnedAllocation.week_id == week_id))
    session.exec(delete(m.PinnedSession).where(m.PinnedSession.week_id == week_id))
    session.exec(delete(m.Want).where(m.Want.client_id.in_(clients)))
    session.exec(delete(m.Client).where(m.Client.week_id == week_id))
    session.exec(
        delete(m.InstructorWindow).where(m.InstructorWindow.instructor_id.in_(instructors))
    )
    session.exec(delete(m.Instructor).where(m.Instructor.week_id == week_id))
    session.exec(delete(m.TravelTime).where(m.TravelTime.week_id == week_id))
    session.exec(delete(m.ClassType).where(m.ClassType.week_id == week_id))
    session.exec(delete(m.Reformer).where(m.Reformer.room_id.in_(rooms)))
    session.exec(delete(m.Room).where(m.Room.week_id == week_id))
    session.exec(delete(m.OpeningWindow).where(m.OpeningWindow.venue_id.in_(venues)))
    session.exec(delete(m.Venue).where(m.Venue.week_id == week_id))


def _insert_business(
    session: Session,
    week_id: int,
    week: domain.Week,
    prices: Mapping[str, int | None],
    emails: Mapping[str, str | None],
) -> None:
    m = models
    venues = {v.id: m.Venue(week_id=week_id, key=v.id, name=v.name) for v in week.venues}
    session.add_all(venues.values())
    session.flush()
    rooms = {}
    for v in week.venues:
        venue_id = venues[v.id].id
        session.add_all(
            m.OpeningWindow(venue_id=venue_id, start=w.start, end=w.end) for w in v.open
        )
        for room in v.rooms:
            rooms[room.id] = m.Room(
                week_id=week_id, venue_id=venue_id, key=room.id, mat_spaces=room.mat_spaces
            )
    session.add_all(rooms.values())
    session.flush()
    session.add_all(
        m.Reformer(
            room_id=rooms[room.id].id,
            key=r.id,
            features=sorted(r.features),
            in_service=r.in_service,
        )
        for room in week.rooms.values()
        for r in room.reformers
    )
    session.add_all(
        m.TravelTime(week_id=week_id, venue_a=a, venue_b=b, minutes=minutes)
        for (a, b), minutes in (
            (sorted(pair), minutes) for pair, minutes in week.travel_minutes.items()
        )
    )
    session.add_all(
        m.ClassType(
            week_id=week_id,
            key=c.id,
            name=c.name,
            equipment=c.equipment,
            minutes=c.minutes,
            max_size=c.max_size,
            min_size=c.min_size,
            levels=list(c.levels),
            one_to_one=c.one_to_one,
            requires_clearance=c.requires_clearance,
            price_pence=prices.get(c.id),
        )
        for c in week.class_types
    )
    instructors = {
        i.id: m.Instructor(
            week_id=week_id,
            key=i.id,
            name=i.name,
            email=emails.get(i.id),
            teaches=list(i.teaches),
            max_week_minutes=i.max_week_minutes,
            max_day_minutes=i.max_day_minutes,
        )
        for i in week.instructors
    }
    session.add_all(instructors.values())
    session.flush()
    # Clients and their wants go in as plain rows: thousands of ORM objects are slow to build.
    client_ids = _insert_returning_ids(
        session,
        models.Client,
        [client_row(week_id, c).model_dump(exclude={"id"}) for c in week.clients],
    )
    session.add_all(
        m.InstructorWindow(
            instructor_id=instructors[i.id].id, start=w.start, end=w.end, venues=list(w.venues)
        )
        for i in week.instructors
        for w in i.availability
    )
    want_rows = [
        {"client_id": client_id, "class_types": list(w.class_types), "per_week": w.per_week}
        for c, client_id in zip(week.clients, client_ids, strict=True)
        for w in c.wants
    ]
    if want_rows:
        session.exec(insert(m.Want.__table__), params=want_rows)
    session.add_all(
        m.PinnedSession(
            week_id=week_id,
            key=p.id,
            class_type=p.class_type,
            room=p.room,
            start=p.start,
            instructor=p.instructor,
        )
        for p in week.pinned_sessions
    )
    session.add_all(
        m.PinnedAllocation(week_id=week_id, client=a.client, session=a.session, reformer=a.reformer)
        for a in week.pinned_allocations
    )
    session.flush()


def _insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert `rows` into `model`'s table in one batch; their new ids, in the rows' order."""
    if not rows:
        return []
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.exec(statement, params=rows).scalars())


def client_values(c: domain.Client) -> dict:
    """A domain `Client` as the column values of its row (its wants are rows of their own)."""
    return {
        "key": c.id,
        "name": c.name,
        "level": c.level,
        "priority": c.priority,
        "needs_intro": c.needs_intro,
        "cleared": c.cleared,
        "needs": sorted(c.needs),
        "venues": list(c.venues),
        "max_per_day": c.max_per_day,
        "missed_weeks": c.missed_weeks,
        "availability": [[w.start, w.end] for w in c.availability],
        "prefers_venues": list(c.prefers_venues),
        "prefers_instructors": list(c.prefers_instructors),
        "email": c.email,
        "phone": c.phone,
        "active": True,
    }


def client_row(week_id: int, c: domain.Client) -> models.Client:
    """A domain `Client` as a new row of week `week_id`."""
    return models.Client(week_id=week_id, **client_values(c))


def ensure_client_accounts(*, session: Session, keys: Iterable[str]) -> None:
    """Give every client id in `keys` an account (calendar secret) if it has none yet."""
    wanted = set(keys)
    have: set[str] = set()
    key_list = sorted(wanted)
    # Chunked, as a database limits how many parameters one IN may carry.
    for i in range(0, len(key_list), 500):
        chunk = key_list[i : i + 500]
        have.update(
            session.exec(
                select(models.ClientAccount.key).where(models.ClientAccount.key.in_(chunk))
            ).scalars()
        )
    new = [
        {"key": key, "ical_secret": secrets.token_urlsafe(24), "created_at": models.utcnow()}
        for key in key_list
        if key not in have
    ]
    if new:
        session.exec(insert(models.ClientAccount.__table__), params=new)


def load_stored_week(
    *, session: Session, week_start: date | str, with_clients: bool = True
) -> domain.Week:
    """The stored week as plain domain data for the solver; inactive clients are left out.

    A pinned allocation of an inactive client is left out with them. `with_clients`
    false leaves every client out (a page that shows only the timetable reads much
    less). Raises `WeekNotFound`.
    """
    m = models
    row = require_week(session=session, week_start=week_start)
    wid = row.id

    def rows(model, *where):
        return session.exec(select(model).where(*where).order_by(model.id)).scalars().all()

    venues = rows(m.Venue, m.Venue.week_id == wid)
    venue_ids = [v.id for v in venues]
    opening = _group(rows(m.OpeningWindow, m.OpeningWindow.venue_id.in_(venue_ids)), "venue_id")
    rooms = rows(m.Room, m.Room.week_id == wid)
    reformers = _group(rows(m.Reformer, m.Reformer.room_id.in_([r.id for r in rooms])), "room_id")
    rooms_by_venue = _group(rooms, "venue_id")
    venue_key = {v.id: v.key for v in venues}
    domain_venues = tuple(
        domain.Venue(
            id=v.key,
            name=v.name,
            open=tuple(domain.Window(w.start, w.end) for w in opening[v.id]),
            rooms=tuple(
                domain.Room(
                    id=room.key,
                    venue=venue_key[room.venue_id],
                    mat_spaces=room.mat_spaces,
                    reformers=tuple(
                        domain.Reformer(r.key, frozenset(r.features), r.in_service)
                        for r in reformers[room.id]
                    ),
                )
                for room in rooms_by_venue[v.id]
            ),
        )
        for v in venues
    )
    instructors = rows(m.Instructor, m.Instructor.week_id == wid)
    windows = _group(
        rows(m.InstructorWindow, m.InstructorWindow.instructor_id.in_([i.id for i in instructors])),
        "instructor_id",
    )
    if with_clients:
        clients = rows(m.Client, m.Client.week_id == wid, m.Client.active.is_(True))
        wants = _group(_wants_of(session, wid), "client_id")
        active_keys = {c.key for c in clients}
    else:
        clients, wants = [], {}
        active_keys = set(
            session.exec(
                select(m.Client.key).where(m.Client.week_id == wid, m.Client.active.is_(True))
            ).scalars()
        )
    return domain.Week(
        week_start=row.week_start.isoformat(),
        timezone=row.timezone,
        grid_minutes=row.grid_minutes,
        venues=domain_venues,
        travel_minutes={
            frozenset((t.venue_a, t.venue_b)): t.minutes
            for t in rows(m.TravelTime, m.TravelTime.week_id == wid)
        },
        class_types=tuple(
            domain.ClassType(
                id=c.key,
                name=c.name,
                equipment=c.equipment,
                minutes=c.minutes,
                max_size=c.max_size,
                min_size=c.min_size,
                levels=tuple(c.levels),
                one_to_one=c.one_to_one,
                requires_clearance=c.requires_clearance,
            )
            for c in rows(m.ClassType, m.ClassType.week_id == wid)
        ),
        instructors=tuple(
            domain.Instructor(
                id=i.key,
                name=i.name,
                teaches=tuple(i.teaches),
                max_week_minutes=i.max_week_minutes,
                max_day_minutes=i.max_day_minutes,
                availability=tuple(
                    domain.InstructorWindow(w.start, w.end, tuple(w.venues)) for w in windows[i.id]
                ),
            )
            for i in instructors
        ),
        clients=tuple(client_from_row(c, wants[c.id]) for c in clients),
        pinned_sessions=tuple(
            domain.PinnedSession(p.key, p.class_type, p.room, p.start, p.instructor)
            for p in rows(m.PinnedSession, m.PinnedSession.week_id == wid)
        ),
        pinned_allocations=tuple(
            domain.PinnedAllocation(a.client, a.session, a.reformer)
            for a in rows(m.PinnedAllocation, m.PinnedAllocation.week_id == wid)
            if a.client in active_keys
        ),
        only_pinned_sessions=row.only_pinned_sessions,
    )


def _wants_of(session: Session, week_id: int) -> list[models.Want]:
    return (
        session.exec(
            select(models.Want)
            .join(models.Client, models.Client.id == models.Want.client_id)
            .where(models.Client.week_id == week_id)
            .order_by(models.Want.id)
        )
        .scalars()
        .all()
    )


def _group(rows: Iterable, attribute: str) -> defaultdict[int, list]:
    grouped: defaultdict[int, list] = defaultdict(list)
    for r in rows:
        grouped[getattr(r, attribute)].append(r)
    return grouped


def client_from_row(row: models.Client, wants: Iterable[models.Want]) -> domain.Client:
    """A client row and its wants as a domain `Client`."""
    return domain.Client(
        id=row.key,
        name=row.name,
        level=row.level,
        priority=row.priority,
        needs_intro=row.needs_intro,
        cleared=row.cleared,
        needs=frozenset(row.needs),
        venues=tuple(row.venues),
        max_per_day=row.max_per_day,
        missed_weeks=row.missed_weeks,
        availability=tuple(domain.Window(start, end) for start, end in row.availability),
        wants=tuple(domain.Want(tuple(w.class_types), w.per_week) for w in wants),
        prefers_venues=tuple(row.prefers_venues),
        prefers_instructors=tuple(row.prefers_instructors),
        email=row.email,
        phone=row.phone,
    )


def import_week_document(*, session: Session, data: object) -> models.Week:
    """Validate a `reformer-week/1` document and store it, replacing that week whole.

    Raises `scheduler.formats.week.WeekError` listing every problem before
    anything is written.
    """
    return save_week(session=session, week=parse_week(data))


def export_week_document(*, session: Session, week_start: date | str) -> dict:
    """The stored week as a `reformer-week/1` document."""
    return week_to_json(load_stored_week(session=session, week_start=week_start))


def copy_week_forward(
    *, session: Session, from_week: date | str, to_week: date | str
) -> models.Week:
    """Start week `to_week` as a copy of `from_week`'s business (inactive clients too).

    Pins and the fixed-timetable flag come along (clients book termly blocks);
    plans do not. Replaces `to_week` whole if it exists.
    """
    m = models
    source = require_week(session=session, week_start=from_week)
    week = load_stored_week(session=session, week_start=from_week)
    inactive = (
        session.exec(
            select(m.Client).where(m.Client.week_id == source.id, m.Client.active.is_(False))
        )
        .scalars()
        .all()
    )
    wants = _group(_wants_of(session, source.id), "client_id")
    paused = [client_from_row(c, wants[c.id]) for c in inactive]
    copy = replace(
        week, week_start=as_date(to_week).isoformat(), clients=week.clients + tuple(paused)
    )
    target = save_week(
        session=session,
        week=copy,
        class_type_prices=column_by_key(
            session=session, week_id=source.id, column=m.ClassType.price_pence
        ),
        instructor_emails=column_by_key(
            session=session, week_id=source.id, column=m.Instructor.email
        ),
    )
    if paused:
        paused_keys = [c.id for c in paused]
        for row in session.exec(
            select(m.Client).where(m.Client.week_id == target.id, m.Client.key.in_(paused_keys))
        ).scalars():
            row.active = False
        session.flush()
    return target
