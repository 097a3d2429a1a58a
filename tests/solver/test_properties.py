"""Generated small weeks: every plan keeps every hard rule, and on a fixed timetable its
priority places equal a brute-force optimum over every way to place the clients."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.checker import check_plan
from solver.domain import Allocation, Plan, Week
from solver.reformers import assign_reformers
from solver.solve import solve
from tests.builders import (
    class_type,
    client,
    instructor,
    pinned_session,
    reformer,
    room,
    session_of,
    venue,
    want,
    week,
)

TYPES = ("reformer", "mat", "121-reformer")
DAYS = ("mon", "tue")
TIMES = ("09:00", "09:30", "10:00", "11:00")
HOURS = [
    (day, start, end) for day in DAYS for start, end in (("09:00", "11:00"), ("10:00", "12:00"))
]

example_settings = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def rooms(draw, venue_id: str):
    machines = [
        reformer(f"{venue_id}-R{n}", features=draw(st.sampled_from([(), ("raised",)])))
        for n in range(draw(st.integers(0, 3)))
    ]
    if machines and draw(st.booleans()):
        machines[0] = replace(machines[0], in_service=False)
    return room(f"{venue_id}-studio", reformers=machines, mat_spaces=draw(st.integers(0, 3)))


@st.composite
def clients(draw, venue_ids: list[str], n: int):
    made = []
    for k in range(n):
        kinds = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True))
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
    venue_ids = ["hitchin", "baldock"][: draw(st.integers(1, 2))]
    venues = [venue(v, rooms=[draw(rooms(v))]) for v in venue_ids]
    travel = (
        {("hitchin", "baldock"): draw(st.sampled_from([15, 60]))} if draw(st.booleans()) else {}
    )
    teachers = [
        instructor(
            f"i{k}",
            teaches=draw(st.lists(st.sampled_from(TYPES), min_size=1, unique=True)),
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
        clients=draw(clients(venue_ids, draw(st.integers(1, 5)))),
    )


@st.composite
def fixed_weeks(draw) -> Week:
    venues = [venue("hitchin", rooms=[draw(rooms("hitchin"))])]
    times = draw(st.lists(st.sampled_from(["09:00", "10:00"]), min_size=1, max_size=2, unique=True))
    pinned = [
        pinned_session(draw(st.sampled_from(TYPES)), day, start, room="hitchin-studio")
        for day in DAYS
        for start in times
    ][: draw(st.integers(1, 3))]
    return week(
        venues=venues,
        class_types=[
            class_type("reformer", max_size=2),
            class_type("mat", max_size=2),
            class_type("121-reformer"),
        ],
        clients=draw(clients(["hitchin"], draw(st.integers(1, 4)))),
        pinned_sessions=pinned,
        only_pinned_sessions=True,
    )


def brute_force_priority_places(w: Week) -> int:
    """The best priority places over every choice of sessions for every client."""
    sessions = [session_of(p, w) for p in w.pinned_sessions]
    rooms = w.rooms
    types = w.class_type_by_id

    def allocations(chosen: dict[str, tuple]) -> list[Allocation] | None:
        given = []
        for s in sessions:
            inside = [w.client_by_id[c] for c, picks in chosen.items() if s in picks]
            if not types[s.class_type].uses_reformers:
                given += [Allocation(c.id, s.id) for c in inside]
                continue
            machines = assign_reformers(rooms[s.room], inside)
            if machines is None:
                return None
            given += [Allocation(c.id, s.id, machines[c.id]) for c in inside]
        return given

    def valid(chosen: dict[str, tuple]) -> bool:
        given = allocations(chosen)
        return given is not None and not check_plan(w, Plan(tuple(sessions), tuple(given)))

    options = {}
    for c in w.clients:
        subsets = [
            picks
            for n in range(len(sessions) + 1)
            for picks in itertools.combinations(sessions, n)
            if valid({c.id: picks})
        ]
        options[c.id] = subsets
    best = 0
    ids = list(options)
    for combination in itertools.product(*(options[c] for c in ids)):
        chosen = dict(zip(ids, combination, strict=True))
        value = sum(w.client_by_id[c].priority * len(p) for c, p in chosen.items())
        if value > best and valid(chosen):
            best = value
    return best


@example_settings
@given(open_weeks())
def test_plan_of_any_small_open_week_keeps_every_hard_rule(w):
    plan = solve(w, time_limit=3, workers=2)
    assert check_plan(w, plan) == []
    assert plan.objective.priority_places <= (plan.bound or 0)


@example_settings
@given(fixed_weeks())
def test_fixed_timetable_reaches_the_brute_force_optimum(w):
    plan = solve(w, time_limit=3, workers=2)
    assert check_plan(w, plan) == []
    assert plan.status == "OPTIMAL"
    assert plan.objective.priority_places == brute_force_priority_places(w)
