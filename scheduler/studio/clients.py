"""The studio's clients from a CSV file into a stored week: all of them, or none.

The file's columns and errors are those of `scheduler.formats.clients_csv`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import Session

from scheduler.core import models
from scheduler.formats.clients_csv import OPTIONAL, CsvError, parse_clients_csv
from scheduler.formats.week import WeekError, parse_week, week_to_json
from scheduler.store.weeks import (
    client_from_row,
    client_row,
    ensure_client_accounts,
    load_stored_week,
    require_week,
)


@dataclass(frozen=True)
class ClientsImported:
    """What an import did."""

    added: int
    updated: int


#: What an existing client keeps when the file has no column for it: a file that leaves a
#: column out says nothing about it, so the studio's records stand.
KEPT_UNLESS_GIVEN = tuple(c for c in OPTIONAL if c != "id") + ("prefers_instructors",)


def import_clients_csv(
    *, session: Session, week_start: date | str, text: str | bytes
) -> ClientsImported:
    """Add or update the week's clients from CSV `text` (or a file's bytes), all or none.

    Raises `CsvError` (every problem, by line and column) or
    `scheduler.store.WeekNotFound` before writing anything.
    """
    m = models
    week_row = require_week(session=session, week_start=week_start)
    rows = {
        r.key: r
        for r in session.exec(select(m.Client).where(m.Client.week_id == week_row.id)).scalars()
    }
    known = {r.email.lower(): r.key for r in rows.values() if r.email}
    week = load_stored_week(session=session, week_start=week_start)
    parsed = parse_clients_csv(text, week=week, known=known)
    wants_of = {}
    for key, row in rows.items():
        wants_of[key] = (
            session.exec(select(m.Want).where(m.Want.client_id == row.id)).scalars().all()
        )
    merged = {key: client_from_row(row, wants_of[key]) for key, row in rows.items()}
    for _line, client, columns in parsed:
        if client.id in merged:
            before = merged[client.id]
            kept = {f: getattr(before, f) for f in KEPT_UNLESS_GIVEN if f not in columns}
            client = replace(client, **kept)
        merged[client.id] = client
    # The week as it would be must still be a valid week (e.g. a pin of a client stays valid).
    try:
        parse_week(week_to_json(replace(week, clients=tuple(merged.values()))))
    except WeekError as exc:
        line_of = {c.id: line for line, c, _ in parsed}
        order = list(merged)
        raise CsvError([_line_for(error, order, line_of) for error in exc.errors]) from exc
    added = updated = 0
    for _line, client, columns in parsed:
        client = merged[client.id]
        row = rows.get(client.id)
        if row is None:
            row = client_row(week_row.id, client)
            added += 1
        else:
            fresh = client_row(week_row.id, client)
            for field in fresh.model_fields_set - {"week_id", "key", "active"}:
                setattr(row, field, getattr(fresh, field))
            updated += 1
        session.add(row)
        session.flush()
        if "wants" in columns or client.id not in rows:
            session.exec(delete(m.Want).where(m.Want.client_id == row.id))
            session.add_all(
                m.Want(client_id=row.id, class_types=list(w.class_types), per_week=w.per_week)
                for w in client.wants
            )
    ensure_client_accounts(session=session, keys=[c.id for _, c, _ in parsed])
    session.flush()
    return ClientsImported(added=added, updated=updated)


def _line_for(error: str, order: list[str], line_of: Mapping[str, int]) -> str:
    match = re.match(r"^\$\.clients\[(\d+)\]\.?([^:]*): (.*)$", error)
    if match and int(match[1]) < len(order) and order[int(match[1])] in line_of:
        column = match[2].split(".")[0].split("[")[0] or "row"
        return f"line {line_of[order[int(match[1])]]}, {column}: {match[3]}"
    return error
