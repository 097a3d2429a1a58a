"""Hypothesis strategies: broken week documents, small open weeks and fixed timetables.

Each strategy draws from the builders in `tests.builders`, so a generated week
reads like a hand-written one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import replace

from hypothesis import strategies as st

from solver.domain import Week
from tests.builders import (
    BAD_TIMES,
    base_week_document,
    class_type,
    client,
    instructor,
    pinned_session,
    reformer,
    room,
    session,
    venue,
    want,
    week,
)


def _some(draw, items: list) -> int:
    return draw(st.integers(0, len(items) - 1))


def _windows_in(doc: dict) -> list[tuple[str, dict]]:
    where = [
        (f"$.venues[{i}].open[{j}]", w)
        for i, v in enumerate(doc["venues"])
        for j, w in enumerate(v["open"])
    ]
    where += [
        (f"$.instructors[{i}].availability[{j}]", w)
        for i, t in enumerate(doc["instructors"])
        for j, w in enumerate(t["availability"])
    ]
    where += [
        (f"$.clients[{i}].availability[{j}]", w)
        for i, c in enumerate(doc["clients"])
        for j, w in enumerate(c["availability"])
    ]
    return where


def _unknown_venue_for_a_client(draw, doc: dict) -> str:
    i = _some(draw, doc["clients"])
    j = _some(draw, doc["clients"][i]["venues"])
    doc["clients"][i]["venues"][j] = "atlantis"
    return f"$.clients[{i}].venues[{j}]"


def _unknown_class_type_in_a_want(draw, doc: dict) -> str:
    i = _some(draw, doc["clients"])
    k = _some(draw, doc["clients"][i]["wants"])
    types = doc["clients"][i]["wants"][k]["class_types"]
    m = _some(draw, types)
    types[m] = "aerial-yoga"
    return f"$.clients[{i}].wants[{k}].class_types[{m}]"


def _unknown_reference_elsewhere(draw, doc: dict) -> str:
    where = draw(st.sampled_from(["teaches", "travel", "pinned room", "pinned client", "prefers"]))
    if where == "teaches":
        doc["instructors"][0]["teaches"][0] = "aerial-yoga"
        return "$.instructors[0].teaches[0]"
    if where == "travel":
        doc["travel_minutes"][0]["between"][1] = "atlantis"
        return "$.travel_minutes[0].between[1]"
    if where == "pinned room":
        doc["pinned_sessions"][0]["room"] = "atlantis-pool"
        return "$.pinned_sessions[0].room"
    if where == "pinned client":
        doc["pinned_allocations"][0]["client"] = "c999"
        return "$.pinned_allocations[0].client"
    doc["clients"][1]["prefers"]["instructors"] = ["nobody"]
    return "$.clients[1].prefers.instructors[0]"


def _bad_time(draw, doc: dict) -> str:
    windows = _windows_in(doc)
    path, w = windows[_some(draw, windows)]
    end = draw(st.sampled_from(["from", "to"]))
    w[end] = draw(st.sampled_from(BAD_TIMES))
    return f"{path}.{end}"


def _window_ending_before_it_starts(draw, doc: dict) -> str:
    windows = _windows_in(doc)
    path, w = windows[_some(draw, windows)]
    start = draw(st.sampled_from(["09:00", "12:30", "20:45"]))
    w["from"], w["to"] = start, draw(st.sampled_from([start, "06:00", "08:45"]))
    return f"{path}.to"


def _duplicate_id(draw, doc: dict) -> str:
    where = draw(
        st.sampled_from(
            [
                "venues",
                "rooms",
                "reformers",
                "clients",
                "instructors",
                "class_types",
                "pinned_sessions",
            ]
        )
    )
    if where == "rooms":
        # Room ids are unique across all venues, not only within one.
        doc["venues"][1]["rooms"][0]["id"] = doc["venues"][0]["rooms"][0]["id"]
        return "$.venues[1].rooms[0].id"
    if where == "reformers":
        reformers = doc["venues"][0]["rooms"][0]["reformers"]
        reformers[2]["id"] = reformers[0]["id"]
        return "$.venues[0].rooms[0].reformers[2].id"
    items = doc[where]
    if len(items) < 2:
        items.append(copy.deepcopy(items[0]))
    else:
        items[-1]["id"] = items[0]["id"]
    return f"$.{where}[{len(items) - 1}].id"


def _overlapping_wants(draw, doc: dict) -> str:
    wants = doc["clients"][0]["wants"]  # [reformer x2], [mat x1]
    shared = draw(st.sampled_from(wants[0]["class_types"]))
    wants[1]["class_types"].append(shared)
    return "$.clients[0].wants[1].class_types"


def _intro_client_without_a_one_to_one_want(draw, doc: dict) -> str:
    if draw(st.booleans()):
        doc["clients"][0]["needs_intro"] = True
        return "$.clients[0].wants"
    intro = doc["clients"][2]
    intro["wants"] = [w for w in intro["wants"] if "121-reformer" not in w["class_types"]]
    return "$.clients[2].wants"


def _wrong_type(draw, doc: dict) -> str:
    fields = [
        ("$.grid_minutes", doc, "grid_minutes", "15"),
        ("$.clients[1].priority", doc["clients"][1], "priority", "3"),
        ("$.clients[0].max_per_day", doc["clients"][0], "max_per_day", 1.5),
        ("$.clients[0].wants[0].per_week", doc["clients"][0]["wants"][0], "per_week", "2"),
        ("$.class_types[0].minutes", doc["class_types"][0], "minutes", "50"),
        ("$.instructors[0].max_day_minutes", doc["instructors"][0], "max_day_minutes", None),
        ("$.venues[0].rooms[0].mat_spaces", doc["venues"][0]["rooms"][0], "mat_spaces", True),
        ("$.clients[2].needs_intro", doc["clients"][2], "needs_intro", 1),
        ("$.clients[3].cleared", doc["clients"][3], "cleared", "yes"),
        ("$.class_types[3].requires_clearance", doc["class_types"][3], "requires_clearance", 0),
        (
            "$.venues[0].rooms[0].reformers[0].in_service",
            doc["venues"][0]["rooms"][0]["reformers"][0],
            "in_service",
            1,
        ),
        ("$.only_pinned_sessions", doc, "only_pinned_sessions", "false"),
        ("$.clients[0].venues", doc["clients"][0], "venues", "hitchin"),
        ("$.venues[0].name", doc["venues"][0], "name", 7),
    ]
    path, obj, key, value = draw(st.sampled_from(fields))
    obj[key] = value
    return path


Breaker = Callable[[Callable, dict], str]


BREAKERS: tuple[Breaker, ...] = (
    _unknown_venue_for_a_client,
    _unknown_class_type_in_a_want,
    _unknown_reference_elsewhere,
    _bad_time,
    _window_ending_before_it_starts,
    _duplicate_id,
    _overlapping_wants,
    _intro_client_without_a_one_to_one_want,
    _wrong_type,
)


@st.composite
def _broken_week_document(draw, breakers: Sequence[Breaker]) -> tuple[dict, str]:
    doc = base_week_document()
    breaker = draw(st.sampled_from(breakers))
    return doc, breaker(draw, doc)


def broken_week_documents(
    breakers: Sequence[Breaker] = BREAKERS,
) -> st.SearchStrategy[tuple[dict, str]]:
    """A hypothesis strategy of (week document broken in one way, JSON path of the error).

    The document is the valid `base_week_document()` with one mistake the spec calls
    an input error: an unknown reference, a bad time, a window that ends before it
    starts, a duplicate id, overlapping wants, an intro client without a one-to-one
    want, or a value of the wrong type. `breakers` narrows it to some of `BREAKERS`.
    """
    return _broken_week_document(breakers)


_TYPES = ("reformer", "mat", "121-reformer")


_DAYS = ("mon", "tue")


_TIMES = ("09:00", "09:30", "10:00", "11:00")


HOURS = [
    (day, start, end) for day in _DAYS for start, end in (("09:00", "11:00"), ("10:00", "12:00"))
]


@st.composite
def _rooms(draw, venue_id: str):
    machines = [
        reformer(f"{venue_id}-R{n}", features=draw(st.sampled_from([(), ("raised",)])))
        for n in range(draw(st.integers(0, 3)))
    ]
    if machines and draw(st.booleans()):
        machines[0] = replace(machines[0], in_service=False)
    return room(f"{venue_id}-studio", reformers=machines, mat_spaces=draw(st.integers(0, 3)))


@st.composite
def _clients(draw, venue_ids: list[str], n: int):
    made = []
    for k in range(n):
        kinds = draw(st.lists(st.sampled_from(_TYPES), min_size=1, max_size=3, unique=True))
        wants = [want(t, draw(st.integers(1, 2))) for t in kinds]
        made.append(
            client(
                f"c{k}",
                wants=wants,
                venues=draw(st.lists(st.sampled_from(venue_ids), min_size=1, unique=True)),
                availability=draw(
                    st.lists(st.sampled_from(HOURS), min_size=1, max_size=3, unique=True)
                ),
                priority=draw(st.integers(1, 3)),
                needs_intro="121-reformer" in kinds and draw(st.booleans()),
                needs=draw(st.sampled_from([(), ("raised",)])),
                max_per_day=draw(st.integers(1, 2)),
                prefers_venues=draw(st.lists(st.sampled_from(venue_ids), max_size=1)),
            )
        )
    return made


@st.composite
def open_weeks(draw) -> Week:
    """Small open weeks: one or two venues, instructors with hours, clients with several wants."""
    venue_ids = ["hitchin", "baldock"][: draw(st.integers(1, 2))]
    venues = [venue(v, rooms=[draw(_rooms(v))]) for v in venue_ids]
    travel = (
        {("hitchin", "baldock"): draw(st.sampled_from([15, 60]))} if draw(st.booleans()) else {}
    )
    teachers = [
        instructor(
            f"i{k}",
            teaches=draw(st.lists(st.sampled_from(_TYPES), min_size=1, unique=True)),
            availability=[
                (
                    day,
                    start,
                    end,
                    draw(st.lists(st.sampled_from(venue_ids), min_size=1, unique=True)),
                )
                for day, start, end in draw(
                    st.lists(st.sampled_from(HOURS), min_size=1, max_size=3, unique=True)
                )
            ],
            max_day_minutes=draw(st.sampled_from([60, 120, 600])),
        )
        for k in range(draw(st.integers(1, 2)))
    ]
    return week(
        venues=venues,
        travel=travel,
        instructors=teachers,
        class_types=[
            class_type("reformer", min_size=draw(st.integers(1, 2)), max_size=3),
            class_type("mat", min_size=2),
            class_type("121-reformer"),
        ],
        clients=draw(_clients(venue_ids, draw(st.integers(1, 5)))),
    )


@st.composite
def fixed_weeks(draw) -> Week:
    """Small fixed timetables at one venue, small enough to place every client by brute force."""
    venues = [venue("hitchin", rooms=[draw(_rooms("hitchin"))])]
    times = draw(st.lists(st.sampled_from(["09:00", "10:00"]), min_size=1, max_size=2, unique=True))
    pinned = [
        pinned_session(draw(st.sampled_from(_TYPES)), day, start, room="hitchin-studio")
        for day in _DAYS
        for start in times
    ][: draw(st.integers(1, 3))]
    return week(
        venues=venues,
        class_types=[
            class_type("reformer", max_size=2),
            class_type("mat", max_size=2),
            class_type("121-reformer"),
        ],
        clients=draw(_clients(["hitchin"], draw(st.integers(1, 4)))),
        pinned_sessions=pinned,
        only_pinned_sessions=True,
    )


_FLOW_SLOTS = (("mon", "09:00"), ("mon", "18:00"), ("tue", "09:00"), ("tue", "18:00"))


_FEATURES = ((), ("raised",), ("tower",))


@st.composite
def one_want_fixed_weeks(draw) -> Week:
    """Fixed timetables where every client has one want: the weeks min-cost flow solves exactly."""
    machines = [
        reformer(
            f"R{i}",
            draw(st.sampled_from(_FEATURES)),
            in_service=draw(st.sampled_from([True, True, False])),
        )
        for i in range(1, draw(st.integers(1, 3)) + 1)
    ]
    studio = room(reformers=machines, mat_spaces=draw(st.integers(1, 2)))
    types = [class_type("reformer", max_size=2), class_type("mat", max_size=2)]
    slots = draw(st.lists(st.sampled_from(_FLOW_SLOTS), min_size=2, max_size=3, unique=True))
    sessions = [
        pinned_session(draw(st.sampled_from(["reformer", "mat"])), day, start)
        for day, start in slots
    ]
    clients = [
        client(
            f"c{i}",
            wants=[want(draw(st.sampled_from(["reformer", "mat"])), draw(st.integers(1, 2)))],
            priority=draw(st.integers(1, 3)),
            needs=draw(st.sampled_from(_FEATURES + (("raised",),))),
            availability=draw(
                st.sampled_from(
                    [
                        [("mon", "07:00", "21:00"), ("tue", "07:00", "21:00")],
                        [("mon", "07:00", "12:00")],
                        [("tue", "17:00", "21:00")],
                    ]
                )
            ),
        )
        for i in range(1, draw(st.integers(2, 4)) + 1)
    ]
    return week(
        venues=[venue(rooms=[studio])],
        class_types=types,
        clients=clients,
        pinned_sessions=sessions,
        only_pinned_sessions=True,
    )


_BOOKING_SLOTS = (
    ("mon", "09:00"),
    ("mon", "10:00"),
    ("mon", "18:00"),
    ("tue", "09:00"),
    ("wed", "09:00"),
)


@st.composite
def small_weeks(draw):
    """Small open weeks with a timetable: intros, several wants, features, minimum sizes."""
    machines = [
        reformer(f"R{i}", draw(st.sampled_from([(), ("raised",)])), draw(st.booleans()))
        for i in range(1, draw(st.integers(1, 3)) + 1)
    ]
    types = [
        class_type("reformer", max_size=3, min_size=draw(st.integers(1, 2))),
        class_type("mat", max_size=2, min_size=draw(st.integers(1, 2))),
        class_type("121-reformer"),
    ]
    slots = draw(st.lists(st.sampled_from(_BOOKING_SLOTS), min_size=1, max_size=5, unique=True))
    timetable = [
        session(draw(st.sampled_from(["reformer", "mat", "121-reformer"])), d, t) for d, t in slots
    ]
    clients = []
    for i in range(draw(st.integers(1, 5))):
        intro = draw(st.booleans())
        wants = [want(["reformer", "mat"], draw(st.integers(1, 3)))]
        if intro or draw(st.booleans()):
            wants.append(want("121-reformer"))
        clients.append(
            client(
                f"c{i}",
                wants=draw(st.permutations(wants)),
                needs_intro=intro,
                needs=draw(st.sampled_from([(), ("raised",)])),
                max_per_day=draw(st.integers(1, 2)),
                priority=draw(st.integers(1, 3)),
            )
        )
    w = week(
        venues=[venue(rooms=[room(reformers=machines, mat_spaces=2)])],
        class_types=types,
        clients=clients,
    )
    return w, timetable
