"""`reformer-week/1` in and out: lossless on every example, and every broken week refused
with the JSON path of its mistake."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.formats.files import write_json
from scheduler.formats.plan import parse_plan, plan_to_json, read_plan_file
from scheduler.formats.times import parse_time
from scheduler.formats.week import WeekError, normalise_week_json, parse_week, week_to_json
from solver.domain import MINUTES_PER_DAY, Objective
from tests.builders import (
    allocation,
    at,
    base_week_document,
    example_files,
    example_names,
    plan,
    session,
)
from tests.strategies import BREAKERS, broken_week_documents


@cache
def example_document(name: str) -> dict:
    return json.loads(next(p for p in example_files() if p.name == name).read_text())


def sorted_deep(value):
    """The document with every list sorted: the spec gives list order no meaning."""
    if isinstance(value, dict):
        return {k: sorted_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [sorted_deep(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def with_spec_defaults(doc: dict) -> dict:
    """The document with the defaults the spec lists written out, worked out here by hand."""
    doc = copy.deepcopy(doc)
    doc.setdefault("timezone", "Europe/London")
    doc.setdefault("grid_minutes", 15)
    doc.setdefault("travel_minutes", [])
    doc.setdefault("pinned_sessions", [])
    doc.setdefault("pinned_allocations", [])
    doc.setdefault("only_pinned_sessions", False)
    for v in doc["venues"]:
        for room in v.get("rooms", []):
            room.setdefault("mat_spaces", 0)
            room.setdefault("reformers", [])
            for r in room["reformers"]:
                r.setdefault("features", [])
                r.setdefault("in_service", True)
    for c in doc["class_types"]:
        c.setdefault("min_size", 0)
        c.setdefault("one_to_one", False)
        c.setdefault("requires_clearance", False)
    for c in doc["clients"]:
        for key, value in (
            ("priority", 1),
            ("needs_intro", False),
            ("cleared", False),
            ("needs", []),
            ("max_per_day", 1),
            ("missed_weeks", 0),
            ("availability", []),
        ):
            c.setdefault(key, value)
        # An empty preference list says no more than an absent one.
        c["prefers"] = {k: v for k, v in c.get("prefers", {}).items() if v}
    for a in doc["pinned_allocations"]:
        a.setdefault("reformer", None)
    return sorted_deep(doc)


@pytest.mark.parametrize("name", example_names())
def test_every_example_round_trips_losslessly(name):
    original = example_document(name)

    week = parse_week(original)
    exported = week_to_json(week)

    assert parse_week(exported) == week
    assert normalise_week_json(exported) == normalise_week_json(original)
    assert sorted_deep(exported) == with_spec_defaults(original)


def test_examples_include_the_fixed_and_franchise_weeks():
    names = {p.name for p in example_files()}
    assert {"studio-small.json", "studio-fixed.json", "franchise.json"} <= names


def test_round_trip_survives_shuffled_lists():
    original = example_document("studio-small.json")
    shuffled = copy.deepcopy(original)
    for key in ("venues", "clients", "class_types", "instructors"):
        shuffled[key].reverse()
    assert normalise_week_json(shuffled) == normalise_week_json(original)


def test_base_week_document_is_valid_and_round_trips():
    doc = base_week_document()
    assert normalise_week_json(week_to_json(parse_week(doc))) == normalise_week_json(doc)


@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda b: b.__name__.strip("_"))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_broken_week_is_refused_with_the_path_of_its_mistake(breaker, data):
    document, path = data.draw(broken_week_documents([breaker]))
    with pytest.raises(WeekError) as refused:
        parse_week(document)
    paths = [error.split(": ", 1)[0] for error in refused.value.errors]
    assert path in paths, refused.value.errors


def test_every_error_is_reported_not_only_the_first():
    doc = base_week_document()
    doc["clients"][0]["venues"][0] = "atlantis"
    doc["venues"][0]["open"][0]["to"] = "25:00"
    doc["instructors"][1]["id"] = "jo"

    with pytest.raises(WeekError) as refused:
        parse_week(doc)

    assert "$.clients[0].venues[0]: unknown venue 'atlantis'" in refused.value.errors
    paths = {error.split(": ", 1)[0] for error in refused.value.errors}
    assert {"$.venues[0].open[0].to", "$.instructors[1].id"} <= paths


def test_document_that_is_not_a_week_is_refused():
    with pytest.raises(WeekError) as refused:
        parse_week({**base_week_document(), "format": "reformer-plan/1"})
    assert refused.value.errors[0].startswith("$.format:")
    with pytest.raises(WeekError):
        parse_week([])


@pytest.mark.parametrize(
    "text, minute",
    [("00:00", 0), ("09:30", 570), ("24:00", MINUTES_PER_DAY), ("9:30", None), ("24:01", None)],
)
def test_times_are_hh_mm_within_a_day(text, minute):
    assert parse_time(text) == minute


def test_plan_round_trips_through_json(tmp_path: Path):
    mat = session("mat", day="sat", start="08:00")
    reformer_class = session(day="tue", start="09:30")
    original = plan(
        [reformer_class, mat],
        [allocation("c1", reformer_class, "R2"), allocation("c2", mat)],
    )
    write_json(plan_to_json(original), tmp_path / "plan.json")

    loaded = read_plan_file(tmp_path / "plan.json")

    assert loaded.sessions == original.sessions
    assert loaded.allocations == original.allocations
    assert loaded.sessions[0].start == at("tue", "09:30")


def test_malformed_plan_is_refused_with_paths():
    doc = plan_to_json(plan([session()], [allocation("c1", session(), "R1")]))
    doc["sessions"][0]["start"] = "9:30"
    doc["allocations"][0]["client"] = 7
    with pytest.raises(WeekError) as refused:
        parse_plan(doc)
    paths = {error.split(": ", 1)[0] for error in refused.value.errors}
    assert {"$.sessions[0].start", "$.allocations[0].client"} <= paths


def test_missed_weeks_round_trip_through_the_week_format():
    doc = base_week_document()
    doc["clients"][0]["missed_weeks"] = 3
    w = parse_week(doc)
    assert w.clients[0].missed_weeks == 3
    assert week_to_json(w)["clients"][0]["missed_weeks"] == 3
    assert parse_week(week_to_json(w)) == w


def test_fairness_points_are_written_only_when_not_zero_and_read_back():
    s = session()
    fair = replace(plan([s], [allocation("c1", s, "R1")]), objective=Objective(1, 2, 0, 50))
    assert list(plan_to_json(fair)["objective"]) == [
        "priority_places",
        "fairness_points",
        "preference_points",
        "teaching_minutes",
    ]
    assert parse_plan(plan_to_json(fair)).objective == fair.objective
    plain = replace(fair, objective=Objective(1, 0, 0, 50))
    assert "fairness_points" not in plan_to_json(plain)["objective"]
    assert parse_plan(plan_to_json(plain)).objective == plain.objective
