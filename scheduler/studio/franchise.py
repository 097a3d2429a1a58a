"""Franchise weeks of any size, for benchmarks and tests: areas of the demo's kind.

Each area is a copy of the demo business (two studios and a hired hall, three
instructors who teach only there, clients who go only there) under its own town
names, with its reformer counts, opening hours and clients drawn from the seed.
Areas share nobody, so a week of N venues has N/3 independent parts, as a
franchise of studios a drive apart has. A seed gives the same week every time.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from scheduler.studio.demo import class_types, clients, instructors, travel_minutes, venues
from solver.domain import Client, Instructor, InstructorWindow, Reformer, Room, Venue, Week, Window

# The demo's towns, each area's three in this order.
_DEMO_TOWNS = ("stevenage", "hitchin", "baldock")
# fmt: off
_TOWNS = (
    "Stevenage", "Hitchin", "Baldock", "Letchworth", "Royston", "Biggleswade", "Harpenden",
    "Ware", "Hertford", "Welwyn", "Hatfield", "St Albans", "Luton", "Dunstable", "Bedford",
    "Sandy", "Potters Bar", "Tring", "Berkhamsted", "Watford", "Bishop's Stortford",
    "Sawbridgeworth", "Buntingford", "Ampthill", "Flitwick", "Shefford", "Arlesey", "Codicote",
    "Knebworth", "Wheathampstead",
)
# fmt: on
VENUES_PER_AREA = len(_DEMO_TOWNS)


def franchise_week(
    *, venues_wanted: int, seed: int = 1, clients_per_venue: int = 200, week_start: date
) -> Week:
    """A franchise of `venues_wanted` venues in areas of three (the last may have fewer),
    about `clients_per_venue` clients a venue, drawn from `seed`."""
    if venues_wanted < 1:
        raise ValueError("a franchise has at least one venue")
    rng = random.Random(seed)
    week = Week(week_start=week_start.isoformat(), class_types=class_types())
    areas = -(-venues_wanted // VENUES_PER_AREA)
    for area in range(areas):
        size = min(VENUES_PER_AREA, venues_wanted - area * VENUES_PER_AREA)
        week = _with_area(week, area, size, clients_per_venue * size, rng)
    return week


def _with_area(week: Week, area: int, size: int, client_count: int, rng: random.Random) -> Week:
    names = {town: _town(area * VENUES_PER_AREA + n) for n, town in enumerate(_DEMO_TOWNS)}
    ids = {town: f"{town}-a{area + 1}" for town in _DEMO_TOWNS[:size]}
    kept = [v for v in venues() if v.id in ids]
    new_venues = tuple(_venue(v, ids, names[v.id], rng) for v in kept)
    teachers = tuple(
        _instructor(i, area, ids) for i in instructors() if _venues_of(i.availability, ids)
    )
    teacher_ids = {i.id.rsplit("-a", 1)[0]: i.id for i in teachers}
    people = tuple(
        _client(c, area, ids, teacher_ids, next(iter(ids.values())))
        for c in clients(rng, client_count)
    )
    travel = {
        frozenset(ids[t] for t in pair): minutes
        for pair, minutes in travel_minutes().items()
        if pair <= ids.keys()
    }
    return replace(
        week,
        venues=week.venues + new_venues,
        travel_minutes={**week.travel_minutes, **travel},
        instructors=week.instructors + teachers,
        clients=week.clients + people,
    )


def _town(n: int) -> str:
    """The n-th town's name; past the list, its second and later studios are numbered."""
    round_ = n // len(_TOWNS)
    return _TOWNS[n % len(_TOWNS)] + (f" {round_ + 1}" if round_ else "")


def _venue(venue: Venue, ids: dict[str, str], name: str, rng: random.Random) -> Venue:
    # Each studio has its own fleet and each venue its own hours: an hour later or earlier.
    shift = rng.choice((-60, 0, 0, 60))
    opening = tuple(Window(w.start + max(shift, 0), w.end + min(shift, 0)) for w in venue.open)
    rooms = tuple(_room(room, ids[venue.id], rng) for room in venue.rooms)
    return Venue(ids[venue.id], name, opening, rooms)


def _room(room: Room, venue: str, rng: random.Random) -> Room:
    room_id = room.id.replace(room.venue, venue, 1)
    if not room.reformers:
        return replace(
            room, id=room_id, venue=venue, mat_spaces=room.mat_spaces + rng.randint(-4, 2)
        )
    count = len(room.reformers) + rng.randint(-3, 2)
    fleet = tuple(
        Reformer(f"{room_id}-R{n}", frozenset({"raised"}) if n == count else frozenset())
        for n in range(1, count + 1)
    )
    return replace(room, id=room_id, venue=venue, reformers=fleet)


def _venues_of(windows: tuple[InstructorWindow, ...], ids: dict[str, str]) -> set[str]:
    return {v for w in windows for v in w.venues if v in ids}


def _instructor(instructor: Instructor, area: int, ids: dict[str, str]) -> Instructor:
    windows = tuple(
        replace(w, venues=tuple(ids[v] for v in w.venues if v in ids))
        for w in instructor.availability
        if any(v in ids for v in w.venues)
    )
    return replace(
        instructor,
        id=f"{instructor.id}-a{area + 1}",
        name=f"{instructor.name} ({area + 1})",
        availability=windows,
    )


def _client(
    client: Client, area: int, ids: dict[str, str], teachers: dict[str, str], first: str
) -> Client:
    going = tuple(ids[v] for v in client.venues if v in ids) or (first,)
    return replace(
        client,
        id=f"{client.id}-a{area + 1}",
        venues=going,
        prefers_venues=tuple(ids[v] for v in client.prefers_venues if v in ids),
        prefers_instructors=tuple(teachers[i] for i in client.prefers_instructors if i in teachers),
        email=None,
        phone=None,
    )
