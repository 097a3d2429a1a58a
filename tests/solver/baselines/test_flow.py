"""The min-cost flow optimum of fixed weeks: exact, checked, and refused where it is not exact."""

from itertools import combinations, product

import pytest
from hypothesis import HealthCheck, given, settings

from solver.baselines.fcfs import pinned_timetable
from solver.baselines.flow import min_cost_flow_optimum, solve_by_min_cost_flow
from solver.checker import check_plan, measure_objective
from solver.domain import Allocation, Plan
from solver.reformers import assign_reformers
from tests.builders import (
    client,
    pinned_session,
    reformer,
    room,
    venue,
    want,
    week,
)
from tests.strategies import one_want_fixed_weeks


def brute_force_optimum(w) -> int:
    """The most priority places over every plan of the fixed week that the checker accepts."""
    sessions = pinned_timetable(w)
    by_id = {s.id: s for s in sessions}
    class_types = w.class_type_by_id
    room_of = w.rooms
    choices = []
    for c in w.clients:
        (wish,) = c.wants
        theirs = [s.id for s in sessions if s.class_type in wish.class_types]
        choices.append(
            [subset for size in range(wish.per_week + 1) for subset in combinations(theirs, size)]
        )
    best = 0
    for pick in product(*choices):
        members: dict[str, list] = {}
        for c, subset in zip(w.clients, pick, strict=True):
            for session_id in subset:
                members.setdefault(session_id, []).append(c)
        allocations = []
        for session_id, people in members.items():
            s = by_id[session_id]
            if class_types[s.class_type].uses_reformers:
                given = assign_reformers(room_of[s.room], people)
                if given is None:
                    break
                allocations += [Allocation(c.id, s.id, given[c.id]) for c in people]
            else:
                allocations += [Allocation(c.id, s.id) for c in people]
        else:
            plan = Plan(sessions=sessions, allocations=tuple(allocations))
            if not check_plan(w, plan):
                best = max(best, measure_objective(w, plan).priority_places)
    return best


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_want_fixed_weeks())
def test_flow_optimum_equals_the_brute_force_optimum_of_small_fixed_weeks(w):
    result = solve_by_min_cost_flow(w)

    assert check_plan(w, result.plan) == []
    assert result.plan.objective.priority_places == result.priority_places
    assert result.priority_places == brute_force_optimum(w)


def test_flow_gives_the_scarce_raised_reformer_to_the_client_who_needs_it():
    studio = room(reformers=[reformer("R1", ["raised"]), reformer("R2")])
    monday = pinned_session("reformer", "mon", "09:30")
    w = week(
        venues=[venue(rooms=[studio])],
        clients=[client("plain", priority=1), client("raised", needs=["raised"], priority=1)],
        pinned_sessions=[monday],
        only_pinned_sessions=True,
    )

    result = solve_by_min_cost_flow(w)

    assert check_plan(w, result.plan) == []
    assert result.priority_places == 2
    assert {(a.client, a.reformer) for a in result.plan.allocations} == {
        ("plain", "R2"),
        ("raised", "R1"),
    }


def test_flow_places_no_more_clients_needing_a_feature_than_reformers_carrying_it():
    studio = room(reformers=[reformer("R1", ["raised"]), reformer("R2"), reformer("R3")])
    monday = pinned_session("reformer", "mon", "09:30")
    w = week(
        venues=[venue(rooms=[studio])],
        clients=[client(f"raised{i}", needs=["raised"]) for i in (1, 2)],
        pinned_sessions=[monday],
        only_pinned_sessions=True,
    )

    result = solve_by_min_cost_flow(w)

    assert check_plan(w, result.plan) == []
    assert result.priority_places == 1


def test_flow_prefers_the_higher_priority_client_for_the_last_place():
    one_to_one = pinned_session("121-reformer", "mon", "09:30")
    w = week(
        clients=[
            client("drop_in", wants=[want("121-reformer")], priority=1),
            client("member", wants=[want("121-reformer")], priority=3),
        ],
        pinned_sessions=[one_to_one],
        only_pinned_sessions=True,
    )

    assert min_cost_flow_optimum(w) == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"only_pinned_sessions": False},
        {"clients": [client(wants=[want("reformer"), want("mat")])]},
        {"clients": [client(max_per_day=2)]},
        {"clients": [client(needs_intro=True, wants=[want("121-reformer")])]},
        {"venues": [venue(rooms=[room(reformers=[reformer("R1", ["raised", "tower"])])])]},
    ],
    ids=["open timetable", "two wants", "two a day", "intro", "two features on a reformer"],
)
def test_flow_refuses_weeks_where_it_is_not_exact(changes):
    arguments = {
        "clients": [client()],
        "pinned_sessions": [pinned_session()],
        "only_pinned_sessions": True,
    }
    arguments.update(changes)

    with pytest.raises(ValueError, match="not a min-cost flow week"):
        min_cost_flow_optimum(week(**arguments))
