"""A client's own preferences: when they can come, where, and what they want each week.

Saved to the client's row in every week that has not started yet (or, if none
has, the latest week, which the next week is copied from), so the next solve
uses them. Before anything is written the changed week is validated as a whole
with the same rules as an imported `reformer-week/1` document: a client who
needs an intro keeps a one-to-one want, a class type is wanted once, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from scheduler.clients.access import latest_client
from scheduler.core import models
from scheduler.formats.times import day_and_time, parse_time
from scheduler.formats.week import WeekError, parse_week
from scheduler.store.weeks import export_week_document
from solver.domain import DAYS, MINUTES_PER_DAY


@dataclass(frozen=True)
class Preferences:
    """What a client may change: availability as (day, from, to), venue ids, wants."""

    availability: tuple[tuple[str, str, str], ...]
    venues: tuple[str, ...]
    wants: tuple[tuple[tuple[str, ...], int], ...]


@dataclass(frozen=True)
class Choices:
    """What the preferences form offers: the venues and the class types open to the client."""

    venues: tuple[tuple[str, str], ...]
    class_types: tuple[tuple[str, str], ...]


class PreferencesError(ValueError):
    """Preferences that cannot be saved; `errors` maps a field (`venues`, `wants`...) to words."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


def preferences_of(*, session: Session, client_key: str) -> tuple[Preferences, Choices] | None:
    """The client's current preferences and what they may choose from; None if no such client."""
    client = latest_client(session=session, client_key=client_key)
    if client is None:
        return None
    wants = session.exec(
        select(models.Want).where(models.Want.client_id == client.id).order_by(models.Want.id)
    ).all()
    availability = []
    for start, end in sorted(client.availability):
        day, start_time = day_and_time(start)
        # A window ending at midnight ends at "24:00" of its own day, not 00:00 of the next.
        end_of_day = end - (start // MINUTES_PER_DAY) * MINUTES_PER_DAY
        availability.append((day, start_time, f"{end_of_day // 60:02d}:{end_of_day % 60:02d}"))
    preferences = Preferences(
        availability=tuple(availability),
        venues=tuple(client.venues),
        wants=tuple((tuple(w.class_types), w.per_week) for w in wants),
    )
    return preferences, _choices(session, client)


def _choices(session: Session, client: models.Client) -> Choices:
    venues = session.exec(
        select(models.Venue)
        .where(models.Venue.week_id == client.week_id)
        .order_by(models.Venue.name)
    ).all()
    class_types = session.exec(
        select(models.ClassType)
        .where(models.ClassType.week_id == client.week_id)
        .order_by(models.ClassType.name)
    ).all()
    open_to_client = [
        c
        for c in class_types
        if client.level in c.levels and (client.cleared or not c.requires_clearance)
    ]
    return Choices(
        venues=tuple((v.key, v.name) for v in venues),
        class_types=tuple((c.key, c.name) for c in open_to_client),
    )


def weeks_to_update(*, session: Session, client_key: str, today: date) -> list[models.Week]:
    """The weeks whose copy of the client the next solve reads: those not started yet.

    When no week lies ahead, the latest week, from which the next one will be copied.
    """
    weeks = session.exec(
        select(models.Week)
        .join(models.Client, col(models.Client.week_id) == models.Week.id)
        .where(models.Client.key == client_key)
        .order_by(models.Week.week_start)
    ).all()
    ahead = [w for w in weeks if w.week_start > today]
    return ahead or weeks[-1:]


def save_preferences(
    *, session: Session, client_key: str, preferences: Preferences, today: date
) -> list[date]:
    """Save the client's preferences to every week `weeks_to_update` names; all or nothing.

    Returns the weeks changed. Raises `PreferencesError` (nothing written) when a
    changed week would not be a valid week.
    """
    offered = preferences_of(session=session, client_key=client_key)
    if offered is None:
        raise LookupError(f"no client {client_key!r}")
    errors = _check_against_choices(preferences, offered[1])
    if errors:
        raise PreferencesError(errors)
    weeks = weeks_to_update(session=session, client_key=client_key, today=today)
    availability = [_window(day, start, end) for day, start, end in preferences.availability]
    for week in weeks:
        document = export_week_document(session=session, week_start=week.week_start)
        for entry in document["clients"]:
            if entry["id"] == client_key:
                entry["availability"] = [
                    {"day": d, "from": f, "to": t} for d, f, t in preferences.availability
                ]
                entry["venues"] = list(preferences.venues)
                entry["wants"] = [
                    {"class_types": list(types), "per_week": n} for types, n in preferences.wants
                ]
        try:
            parse_week(document)
        except WeekError as exc:
            raise PreferencesError(_errors_of_client(exc, document, client_key)) from exc
    for week in weeks:
        row = session.exec(
            select(models.Client).where(
                models.Client.week_id == week.id, models.Client.key == client_key
            )
        ).one()
        row.availability = availability
        row.venues = list(preferences.venues)
        session.add(row)
        session.exec(delete(models.Want).where(col(models.Want.client_id) == row.id))
        session.add_all(
            models.Want(client_id=row.id, class_types=list(types), per_week=n)
            for types, n in preferences.wants
        )
        week.updated_at = models.utcnow()
        session.add(week)
    session.commit()
    return [w.week_start for w in weeks]


def _window(day: str, start: str, end: str) -> list[int]:
    offset = DAYS.index(day) * MINUTES_PER_DAY
    return [offset + parse_time(start), offset + parse_time(end)]


def _check_against_choices(preferences: Preferences, choices: Choices) -> dict[str, list[str]]:
    """What the form alone cannot know: choices that are not on offer to this client."""
    errors: dict[str, list[str]] = {}
    venue_ids = {key for key, _ in choices.venues}
    type_ids = {key for key, _ in choices.class_types}
    for venue in preferences.venues:
        if venue not in venue_ids:
            errors.setdefault("venues", []).append(f"There is no venue {venue!r}.")
    if not preferences.venues:
        errors.setdefault("venues", []).append("Choose at least one venue.")
    seen: set[str] = set()
    for types, _ in preferences.wants:
        for t in types:
            if t not in type_ids:
                errors.setdefault("wants", []).append(f"The class {t!r} is not open to you.")
            elif t in seen:
                errors.setdefault("wants", []).append(
                    f"Each class can be in one wish only: {dict(choices.class_types)[t]} is in two."
                )
            seen.add(t)
    for day, start, end in preferences.availability:
        s, e = parse_time(start), parse_time(end)
        if day not in DAYS or s is None or e is None or e <= s:
            errors.setdefault("availability", []).append(
                f"{day} {start}-{end} is not a time span that ends after it starts."
            )
    return errors


def _errors_of_client(exc: WeekError, document: dict, client_key: str) -> dict[str, list[str]]:
    """The week's validation errors about this client, by the form field they concern."""
    index = next(i for i, c in enumerate(document["clients"]) if c["id"] == client_key)
    prefix = f"$.clients[{index}]"
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        path, _, message = error.partition(": ")
        if not path.startswith(prefix):
            errors.setdefault("form", []).append(error)
            continue
        rest = path[len(prefix) :].lstrip(".")
        field = rest.split("[")[0].split(".")[0] or "form"
        if field not in ("availability", "venues", "wants"):
            field = "form"
        errors.setdefault(field, []).append(_in_words(message))
    return errors


def _in_words(message: str) -> str:
    if message.startswith("a client who needs an intro"):
        return "You start with a 1-2-1 intro, so keep a wish for a one-to-one session."
    return message[:1].upper() + message[1:] + "."
