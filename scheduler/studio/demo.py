"""The demo business: three venues in North Hertfordshire, three instructors, ~250 clients.

- Stevenage: a reformer studio (12 reformers, one raised) and a hall for mat.
- Hitchin: a reformer studio (8 reformers, one raised, one away for repair) and a hall.
- Baldock: a hired town hall with mat places only, open on three sessions a week.

Claire, the physio-owner, teaches everything; Priya and Tom work part-time.
Clients come in the patterns a studio sees: early birds, school hours, after
work, weekends, retired mornings; members (priority 3), class-pack holders (2)
and drop-ins (1); back-care clients with and without their GP's clearance;
new clients who need a 1-2-1 intro before a group class. Everything is drawn
from a seeded random generator, so a seed gives the same business every time.
Every e-mail address is on example.com or example.org, every phone number in
Ofcom's range for drama (07700 900xxx).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date
from pathlib import Path

from sqlmodel import Session

from scheduler.scenarios.service import save_scenario
from scheduler.store.weeks import save_week
from scheduler.studio.accounts import add_instructor_login, find_by_email, set_password
from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    ClassType,
    Client,
    Instructor,
    InstructorWindow,
    Reformer,
    Room,
    Venue,
    Want,
    Week,
    Window,
)

CLIENTS = 250
# The example what-if scenarios, stored with the demo so its What if page starts with four.
EXAMPLE_SCENARIOS = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
ALL_LEVELS = ("beginner", "improver", "advanced")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

# What one place costs, in pence (for the what-if scenarios' revenue).
PRICES = {
    "reformer": 1800,
    "reformer-advanced": 1900,
    "mat": 1200,
    "back-care": 1500,
    "121-reformer": 5500,
    "121-mat": 4500,
}
INSTRUCTOR_EMAILS = {
    "claire": "claire@example.com",
    "priya": "priya.shah@example.com",
    "tom": "tom.avery@example.org",
}
# The owner who signs in to the demo, and her password in development (documented in the
# README); anywhere else `reformer demo` makes up a password and prints it.
DEMO_OWNER = "claire"
DEMO_PASSWORD = "reformer-demo"

# fmt: off
_FIRST = (
    "Alice", "Amelia", "Amy", "Anna", "Beth", "Caroline", "Charlotte", "Chloe", "Claire",
    "Deborah", "Eleanor", "Emily", "Emma", "Fiona", "Gemma", "Grace", "Hannah", "Harriet",
    "Helen", "Isla", "Jane", "Jess", "Joanne", "Julie", "Karen", "Kate", "Laura", "Lucy",
    "Maria", "Megan", "Nicola", "Olivia", "Pauline", "Rachel", "Rebecca", "Ruth", "Sarah",
    "Sophie", "Susan", "Zoe", "Adam", "Andrew", "Ben", "Chris", "Daniel", "David", "James",
    "John", "Mark", "Michael", "Paul", "Peter", "Raj", "Richard", "Sam", "Simon", "Steve",
    "Tom",
)
_LAST = (
    "Adams", "Ahmed", "Allen", "Baker", "Bell", "Brown", "Campbell", "Carter", "Clarke",
    "Cooper", "Davies", "Edwards", "Evans", "Fisher", "Green", "Hall", "Harris", "Hill",
    "Hughes", "Jackson", "James", "Johnson", "Jones", "Kaur", "Khan", "King", "Lewis",
    "Martin", "Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Parker", "Patel", "Phillips",
    "Price", "Roberts", "Robinson", "Shaw", "Singh", "Smith", "Taylor", "Thomas", "Thompson",
    "Turner", "Walker", "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright",
    "Young",
)
# fmt: on


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _window(day: str, start: str, end: str) -> Window:
    base = DAYS.index(day) * MINUTES_PER_DAY
    return Window(base + _minutes(start), base + _minutes(end))


def _teaching(day: str, start: str, end: str, venues: tuple[str, ...]) -> InstructorWindow:
    w = _window(day, start, end)
    return InstructorWindow(w.start, w.end, venues)


def _studio(prefix: str, count: int, raised: int, out_of_service: tuple[int, ...] = ()) -> tuple:
    return tuple(
        Reformer(
            f"{prefix}-R{n}",
            frozenset({"raised"}) if n == raised else frozenset(),
            in_service=n not in out_of_service,
        )
        for n in range(1, count + 1)
    )


def venues() -> tuple[Venue, ...]:
    """The three venues, their rooms and opening hours."""
    stevenage_open = tuple(_window(d, "06:30", "21:00") for d in WEEKDAYS) + (
        _window("sat", "08:00", "13:00"),
    )
    hitchin_open = tuple(_window(d, "07:00", "20:30") for d in WEEKDAYS) + (
        _window("sat", "08:00", "12:30"),
        _window("sun", "09:00", "12:00"),
    )
    # A hired hall: only the slots the studio books.
    baldock_open = (
        _window("tue", "18:00", "21:00"),
        _window("thu", "09:00", "12:00"),
        _window("sat", "09:00", "11:30"),
    )
    return (
        Venue(
            "stevenage",
            "Stevenage",
            stevenage_open,
            (
                Room("stevenage-studio", "stevenage", 0, _studio("STV", 12, raised=12)),
                Room("stevenage-hall", "stevenage", 16, ()),
            ),
        ),
        Venue(
            "hitchin",
            "Hitchin",
            hitchin_open,
            (
                Room(
                    "hitchin-studio", "hitchin", 0, _studio("HIT", 8, raised=3, out_of_service=(8,))
                ),
                Room("hitchin-hall", "hitchin", 12, ()),
            ),
        ),
        Venue(
            "baldock", "Baldock Town Hall", baldock_open, (Room("baldock-hall", "baldock", 14, ()),)
        ),
    )


def travel_minutes() -> dict[frozenset[str], int]:
    """Driving minutes between the towns on the A1(M) and the A505."""
    return {
        frozenset(("stevenage", "hitchin")): 20,
        frozenset(("stevenage", "baldock")): 20,
        frozenset(("hitchin", "baldock")): 25,
    }


def class_types() -> tuple[ClassType, ...]:
    """Reformer and mat group classes, back care (needs a GP's clearance), and 1-2-1s."""
    return (
        ClassType("reformer", "Reformer", "reformer", 50, 12, 3, ALL_LEVELS),
        ClassType("reformer-advanced", "Reformer Advanced", "reformer", 50, 10, 3, ALL_LEVELS[1:]),
        ClassType("mat", "APPI Mat", "mat", 60, 14, 4, ALL_LEVELS),
        ClassType(
            "back-care",
            "Clinical Back Care",
            "mat",
            60,
            8,
            2,
            ALL_LEVELS[:2],
            requires_clearance=True,
        ),
        ClassType(
            "121-reformer", "1-2-1 Reformer", "reformer", 55, 1, 1, ALL_LEVELS, one_to_one=True
        ),
        ClassType("121-mat", "1-2-1 Mat", "mat", 55, 1, 1, ALL_LEVELS, one_to_one=True),
    )


def instructors() -> tuple[Instructor, ...]:
    """Claire the owner, and two part-time instructors with their own hours and venues."""
    everywhere = ("stevenage", "hitchin", "baldock")
    claire = Instructor(
        "claire",
        "Claire Whitfield",
        tuple(PRICES),
        max_week_minutes=1500,
        max_day_minutes=330,
        availability=(
            *(_teaching(d, "06:30", "13:00", everywhere) for d in WEEKDAYS),
            *(_teaching(d, "17:00", "21:00", everywhere) for d in ("mon", "tue", "thu")),
            _teaching("sat", "08:00", "12:30", everywhere),
        ),
    )
    priya = Instructor(
        "priya",
        "Priya Shah",
        ("reformer", "reformer-advanced", "mat", "121-reformer"),
        max_week_minutes=720,
        max_day_minutes=240,
        availability=(
            _teaching("tue", "09:00", "14:30", ("stevenage", "hitchin")),
            _teaching("wed", "17:30", "21:00", ("stevenage",)),
            _teaching("thu", "09:00", "14:30", ("stevenage", "hitchin")),
            _teaching("sat", "08:00", "12:30", ("hitchin",)),
            _teaching("sun", "09:00", "12:00", ("hitchin",)),
        ),
    )
    tom = Instructor(
        "tom",
        "Tom Avery",
        ("mat", "back-care", "121-mat", "reformer"),
        max_week_minutes=600,
        max_day_minutes=180,
        availability=(
            _teaching("mon", "18:00", "21:00", ("hitchin", "stevenage")),
            _teaching("tue", "18:00", "21:00", ("baldock",)),
            _teaching("wed", "18:00", "21:00", ("hitchin",)),
            _teaching("thu", "09:00", "12:00", ("baldock",)),
            _teaching("fri", "17:30", "20:30", ("stevenage",)),
            _teaching("sat", "09:00", "11:30", ("baldock",)),
        ),
    )
    return (claire, priya, tom)


# When a client can come: each pattern gives the days it may pick from and the hours.
_PATTERNS = {
    "early bird": (WEEKDAYS, "06:30", "09:00"),
    "school hours": (WEEKDAYS, "09:15", "14:45"),
    "retired mornings": (WEEKDAYS, "09:00", "13:00"),
    "after work": (WEEKDAYS, "17:30", "21:00"),
    "weekend": (("sat", "sun"), "08:00", "12:30"),
}
_PATTERN_WEIGHTS = {
    "early bird": 12,
    "school hours": 20,
    "retired mornings": 16,
    "after work": 37,
    "weekend": 15,
}
_HOMES = {"stevenage": 45, "hitchin": 35, "baldock": 20}
_NEIGHBOURS = {
    "stevenage": ("hitchin", "baldock"),
    "hitchin": ("stevenage",),
    "baldock": ("stevenage",),
}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _availability(rng: random.Random) -> tuple[Window, ...]:
    pattern = _pick(rng, _PATTERN_WEIGHTS)
    days, start, end = _PATTERNS[pattern]
    chosen = sorted(rng.sample(days, k=min(len(days), rng.randint(2, 4))), key=DAYS.index)
    windows = [_window(d, start, end) for d in chosen]
    if pattern != "weekend" and rng.random() < 0.3:
        windows.append(_window("sat", "08:00", "12:30"))
    return tuple(windows)


def _wants(rng: random.Random, level: str, kind: str) -> tuple[Want, ...]:
    reformer = ("reformer",) if level == "beginner" else ("reformer", "reformer-advanced")
    if kind == "intro":
        one_to_one = "121-reformer" if rng.random() < 0.7 else "121-mat"
        group = reformer if one_to_one == "121-reformer" else ("mat",)
        return (Want((one_to_one,), 1), Want(group, 1))
    if kind == "back care":
        extra = (Want(("mat",), 1),) if rng.random() < 0.3 else ()
        return (Want(("back-care",), 1), *extra)
    if kind == "one to one":
        return (Want((rng.choice(("121-reformer", "121-mat")),), 1),)
    if kind == "mat":
        return (Want(("mat",), rng.choice((1, 1, 2))),)
    wants = [Want(reformer, rng.choice((1, 1, 1, 2)))]
    if rng.random() < 0.25:
        wants.append(Want(("mat",), 1))
    return tuple(wants)


_KINDS = {"reformer": 58, "mat": 16, "back care": 12, "intro": 8, "one to one": 6}


def clients(rng: random.Random, count: int = CLIENTS) -> tuple[Client, ...]:
    """`count` clients drawn from the studio's usual mix."""
    out = []
    for n in range(1, count + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        home = _pick(rng, _HOMES)
        venues = [home]
        if rng.random() < 0.5 or home == "baldock":
            venues.append(rng.choice(_NEIGHBOURS[home]))
        kind = _pick(rng, _KINDS)
        level = (
            "beginner"
            if kind == "intro"
            else rng.choice(("beginner", "improver", "improver", "advanced"))
        )
        if kind == "back care":
            level = rng.choice(ALL_LEVELS[:2])
        # Members hold the termly block; class packs and drop-ins come after them.
        priority = 1 if kind == "intro" else rng.choices((3, 2, 1), weights=(55, 25, 20))[0]
        domain = "example.com" if n % 2 else "example.org"
        out.append(
            Client(
                id=f"c{n:03d}",
                name=f"{first} {last}",
                level=level,
                priority=priority,
                needs_intro=kind == "intro",
                # Back care needs the GP's letter; about a third are still waiting for it.
                cleared=kind == "back care" and rng.random() < 0.65,
                needs=frozenset({"raised"}) if rng.random() < 0.03 else frozenset(),
                venues=tuple(venues),
                max_per_day=1,
                availability=_availability(rng),
                wants=_wants(rng, level, kind),
                prefers_venues=(home,) if rng.random() < 0.4 else (),
                prefers_instructors=(rng.choice(("claire", "priya", "tom")),)
                if rng.random() < 0.25
                else (),
                email=f"{first.lower()}.{last.lower()}{n}@{domain}",
                phone=f"07700 900{n:03d}",
            )
        )
    return tuple(out)


def demo_week(*, week_start: date, seed: int = 1, client_count: int = CLIENTS) -> Week:
    """The demo business as the week starting on `week_start`."""
    rng = random.Random(seed)
    return Week(
        week_start=week_start.isoformat(),
        timezone="Europe/London",
        grid_minutes=15,
        venues=venues(),
        travel_minutes=travel_minutes(),
        class_types=class_types(),
        instructors=instructors(),
        clients=clients(rng, client_count),
    )


def save_demo_week(*, session: Session, week_start: date, seed: int = 1) -> str:
    """Store the demo business as the week of `week_start` (replacing it); returns a summary."""
    week = demo_week(week_start=week_start, seed=seed)
    save_week(
        session=session, week=week, class_type_prices=PRICES, instructor_emails=INSTRUCTOR_EMAILS
    )
    reformers = sum(len(r.reformers) for r in week.rooms.values())
    priorities = Counter(c.priority for c in week.clients)
    return (
        f"demo business saved as the week of {week.week_start}: {len(week.venues)} venues, "
        f"{reformers} reformers, {len(week.instructors)} instructors, {len(week.clients)} clients "
        f"({priorities[3]} members, {priorities[2]} class packs, {priorities[1]} drop-ins, "
        f"{sum(c.needs_intro for c in week.clients)} new needing an intro)"
    )


def save_demo_scenarios(
    *, session: Session, week_start: date, folder: Path = EXAMPLE_SCENARIOS
) -> list[str]:
    """Store each example scenario in `folder` against the demo's week; their names.

    An example based on the `latest` week is based on the demo's week instead, so
    it reads the week it was made for even when later weeks are stored. A scenario
    of the same name is replaced; a folder that is not there stores none.
    """
    names = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("base", {}).get("week_start") in ("latest", "next"):
            document["base"] = {"week_start": week_start.isoformat()}
        names.append(save_scenario(session=session, document=document).name)
    return names


def save_demo_owner(*, session: Session, password: str) -> tuple[str, str]:
    """Give the demo's owner a sign-in with `password`, replacing any earlier; her e-mail, name."""
    owner = next(i for i in instructors() if i.id == DEMO_OWNER)
    email = INSTRUCTOR_EMAILS[DEMO_OWNER]
    account = find_by_email(session=session, email=email)
    if account is None:
        add_instructor_login(session=session, email=email, password=password, name=owner.name)
    else:
        set_password(session=session, account=account, password=password)
    return email, owner.name
