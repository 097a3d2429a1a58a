"""What-ifs start from what the studio has: a scenario's week is solved from the base
plan, repaired to the changed week, so a change that only adds capacity never reports
fewer priority places than the base, and a sweep that adds capacity never falls."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.scenarios.document import SCENARIO_FORMAT, parse_scenario
from scheduler.scenarios.report import Base, run_scenario, sweep
from solver.checker import check_plan
from solver.domain import Week
from solver.solve import solve
from tests.builders import example_week
from tests.strategies import open_weeks

SECONDS = 0.5


def _document(changes: list[dict]) -> dict:
    return {
        "format": SCENARIO_FORMAT,
        "name": "more room",
        "base": {"week_start": "latest"},
        "changes": changes,
    }


@st.composite
def capacity_added(draw, week: Week) -> list[dict]:
    """One to three changes that only add capacity: reformers, mats, a larger class."""
    room = draw(st.sampled_from(sorted(week.rooms)))
    choices = [
        {"kind": "add_reformers", "room": room, "count": draw(st.integers(1, 3))},
        {
            "kind": "mat_spaces",
            "room": room,
            "mat_spaces": week.rooms[room].mat_spaces + draw(st.integers(1, 3)),
        },
    ]
    for class_type in week.class_types:
        if class_type.max_size > 1:
            grown = class_type.max_size + draw(st.integers(1, 2))
            choices.append({"kind": "class_type", "class_type": class_type.id, "max_size": grown})
    return draw(st.lists(st.sampled_from(choices), min_size=1, max_size=3))


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_scenario_that_only_adds_capacity_never_reports_fewer_places_than_its_base(data):
    week = data.draw(open_weeks())
    changes = data.draw(capacity_added(week))
    base_plan = solve(week, time_limit=SECONDS, workers=1)
    scenario = parse_scenario(_document(changes), week)
    result = run_scenario(
        scenario, week, time_limit=SECONDS, workers=1, base=Base(base_plan, "the base plan")
    )
    base, changed = result["base"]["optimiser"], result["result"]["optimiser"]
    assert base["priority_places"] == base_plan.objective.priority_places
    assert changed["priority_places"] >= base["priority_places"]
    assert result["comparison"]["difference"] >= 0


def test_the_base_is_the_studios_own_plan_measured_as_it_is():
    week = example_week("studio-small")
    base_plan = solve(week, time_limit=1, workers=1)
    scenario = parse_scenario(
        _document([{"kind": "add_reformers", "room": sorted(week.rooms)[0], "count": 1}]), week
    )
    result = run_scenario(
        scenario, week, time_limit=1, workers=1, base=Base(base_plan, "version 2 (published)")
    )
    assert result["base_source"] == "version 2 (published)"
    assert result["base"]["optimiser"]["priority_places"] == base_plan.objective.priority_places
    assert result["base"]["optimiser"]["bound"] == base_plan.bound


def test_a_base_plan_that_breaks_a_rule_of_the_week_is_solved_again_and_says_so():
    week = example_week("studio-small")
    base_plan = solve(week, time_limit=1, workers=1)
    smaller = parse_scenario(_document([{"kind": "demand", "percent": -50}]), week)
    fewer_clients = replace(week, clients=week.clients[:3])
    assert check_plan(fewer_clients, base_plan) != []
    result = run_scenario(
        smaller, fewer_clients, time_limit=1, workers=1, base=Base(base_plan, "version 1")
    )
    assert result["base_source"] == "version 1 no longer keeps every rule: solved again from it"


@pytest.mark.slow
def test_a_sweep_adding_reformers_never_loses_places_along_the_way():
    week = example_week("studio-small")
    room = max(week.rooms.values(), key=lambda r: len(r.reformers)).id
    document = _document([{"kind": "add_reformers", "room": room, "count": 0}])
    result = sweep(document, week, "changes[0].count", [0, 1, 2, 3], time_limit=1, workers=1)
    places = [p["optimiser"]["priority_places"] for p in result["points"]]
    assert places == sorted(places)
    assert places[0] >= result["base"]["optimiser"]["priority_places"]
    assert all(
        p["optimiser"]["bound"] >= p["optimiser"]["priority_places"] for p in result["points"]
    )
