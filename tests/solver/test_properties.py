"""Generated small weeks: every plan keeps every hard rule, and on a fixed timetable its
priority places equal a brute-force optimum over every way to place the clients."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings

from solver.checker import check_plan
from solver.domain import Allocation, Plan, Week
from solver.reformers import assign_reformers
from solver.solve import solve
from tests.builders import (
    session_of,
)
from tests.strategies import fixed_weeks, open_weeks

example_settings = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
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
