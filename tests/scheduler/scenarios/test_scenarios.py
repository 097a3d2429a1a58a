"""What-if scenarios: the document, each change as a pure function, and what a run reports."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date

import pytest

from scheduler.formats.week import parse_week, week_to_json
from scheduler.scenarios.changes import (
    add_instructor,
    add_reformers,
    apply_changes,
    change_instructor,
    class_type,
    close_day,
    close_venue,
    demand,
    grid,
    mat_spaces,
    open_day,
    open_venue,
    remove_reformers,
)
from scheduler.scenarios.charts import sweep_chart
from scheduler.scenarios.document import (
    SCENARIO_FORMAT,
    ScenarioChange,
    ScenarioError,
    parse_scenario,
    parse_value,
    read_scenario_file,
    scenario_to_json,
    set_path,
)
from scheduler.scenarios.report import measure, reason_kind, run_scenario, sweep, time_of_day
from scheduler.studio.demo import demo_week
from solver.checker import check_plan
from solver.domain import DAYS, Unplaced
from solver.solve import solve
from tests.builders import (
    REPO_ROOT,
    allocation,
    at,
    client,
    pinned_allocation,
    pinned_session,
    plan,
    reformer,
    room,
    session,
    venue,
    want,
    week,
)

EXAMPLES = REPO_ROOT / "examples" / "scenarios"


def two_venue_week(**kwargs):
    """Hitchin (3 reformers) and Baldock (2 reformers), Jo teaching at both."""
    return week(
        venues=[
            venue("hitchin"),
            venue(
                "baldock",
                rooms=[room("baldock-studio", reformers=[reformer("B1"), reformer("B2")])],
            ),
        ],
        travel={("hitchin", "baldock"): 15},
        **kwargs,
    )


def document(*changes: dict, **fields) -> dict:
    return {
        "format": SCENARIO_FORMAT,
        "name": "What if",
        "base": {"week_start": "2026-11-30"},
        "changes": list(changes),
        **fields,
    }


# --- the document ---------------------------------------------------------------------------


def test_a_valid_document_reads_back_to_the_same_document():
    doc = document(
        {"kind": "add_reformers", "room": "hitchin-studio", "count": 2, "features": ["raised"]},
        {"kind": "close_day", "day": "sat", "venue": "baldock"},
        {"kind": "demand", "percent": 20, "seed": 3},
        prices={"reformer": 18.5},
    )
    scenario = parse_scenario(doc, two_venue_week())
    assert scenario_to_json(scenario) == doc
    assert [c.kind for c in scenario.changes] == ["add_reformers", "close_day", "demand"]


def test_document_errors_are_reported_with_their_json_paths():
    doc = document(
        {"kind": "add_reformers", "room": "hitchin-studio"},
        {"kind": "teleport", "room": "x"},
        {"kind": "close_day", "day": "someday"},
        {"kind": "open_day", "day": "sun", "from": "13:00", "to": "09:00"},
        {"kind": "demand", "percent": "lots"},
        {"kind": "mat_spaces", "room": "hitchin-studio", "mat_spaces": -1, "colour": "red"},
        prices={"reformer": -3},
    )
    del doc["base"]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc)
    errors = caught.value.errors
    for expected in (
        "$.base: is required",
        "$.prices.reformer: must be a price of 0 or more, not -3",
        "$.changes[0].count: is required",
        "$.changes[1].kind: unknown kind 'teleport'",
        "$.changes[2].day: must be one of mon tue wed thu fri sat sun, not 'someday'",
        "$.changes[3].to: window ends at 09:00, not after it starts at 13:00",
        "$.changes[4].percent: must be a number, not a string",
        "$.changes[5].mat_spaces: must be at least 0, not -1",
        "$.changes[5].colour: is not a field of 'mat_spaces'",
    ):
        assert any(e.startswith(expected) for e in errors), (expected, errors)


def test_ids_a_change_names_must_exist_in_the_base_week():
    doc = document(
        {"kind": "add_reformers", "room": "atlantis-studio", "count": 1},
        {"kind": "close_venue", "venue": "atlantis"},
        {"kind": "remove_reformers", "room": "hitchin-studio", "ids": ["R1", "R9"]},
        {"kind": "change_instructor", "instructor": "kim", "teaches": ["yoga"]},
        {
            "kind": "add_instructor",
            "instructor": {
                "id": "jo",
                "teaches": ["reformer"],
                "max_week_minutes": 600,
                "max_day_minutes": 300,
                "availability": [{"day": "sat", "from": "08:00", "to": "12:00", "venues": ["x"]}],
            },
        },
        prices={"spin": 10},
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, two_venue_week())
    assert set(caught.value.errors) >= {
        "$.prices.spin: unknown class type 'spin'",
        "$.changes[0].room: unknown room 'atlantis-studio'",
        "$.changes[1].venue: unknown venue 'atlantis'",
        "$.changes[2].ids[1]: unknown reformer 'R9' in room 'hitchin-studio'",
        "$.changes[3].instructor: unknown instructor 'kim'",
        "$.changes[3].teaches[0]: unknown class type 'yoga'",
        "$.changes[4].instructor.id: instructor 'jo' already exists",
        "$.changes[4].instructor.availability[0].venues[0]: unknown venue 'x'",
    }


def test_a_scenario_file_reads_its_base_week_file_beside_it(tmp_path):
    (tmp_path / "week.json").write_text(json.dumps(week_to_json(week())))
    doc = document()
    doc["base"] = {"file": "week.json"}
    (tmp_path / "s.json").write_text(json.dumps(doc))
    assert read_scenario_file(tmp_path / "s.json").base_file == str(tmp_path / "week.json")


def test_a_file_that_is_not_json_is_reported_at_the_root(tmp_path):
    (tmp_path / "s.json").write_text("{nope")
    with pytest.raises(ScenarioError) as caught:
        read_scenario_file(tmp_path / "s.json")
    assert caught.value.errors[0].startswith("$: not valid JSON")


def test_set_path_replaces_one_value_in_a_copy():
    doc = document({"kind": "add_reformers", "room": "hitchin-studio", "count": 2})
    changed = set_path(doc, "changes[0].count", 5)
    assert changed["changes"][0]["count"] == 5
    assert doc["changes"][0]["count"] == 2
    assert set_path(doc, "$.changes[0].count", 7)["changes"][0]["count"] == 7


def test_set_path_names_the_part_that_does_not_exist():
    doc = document({"kind": "add_reformers", "room": "hitchin-studio", "count": 2})
    with pytest.raises(ScenarioError, match=r"\$\.changes\[3\]: no such item"):
        set_path(doc, "changes[3].count", 5)
    with pytest.raises(ScenarioError, match="cannot read the path"):
        set_path(doc, "changes[x]", 5)


def test_sweep_values_read_as_numbers_where_they_are_numbers():
    assert [parse_value(v) for v in ("8", "-12.5", "raised")] == [8, -12.5, "raised"]


def test_every_example_scenario_fits_the_demo_business():
    demo = demo_week(week_start=date(2026, 11, 30))
    files = sorted(EXAMPLES.glob("*.json"))
    assert len(files) >= 4
    for path in files:
        scenario = parse_scenario(json.loads(path.read_text()), demo)
        changed = apply_changes(demo, scenario.changes)
        assert changed != demo, path.name
        assert parse_week(week_to_json(changed)) == changed, path.name


# --- the changes, one pure function each ----------------------------------------------------


def test_add_reformers_gives_the_room_new_machines_with_their_features():
    base = week()
    after = add_reformers(base, "hitchin-studio", 2, features=["raised"])
    machines = after.rooms["hitchin-studio"].reformers
    assert [m.id for m in machines] == [
        "R1",
        "R2",
        "R3",
        "hitchin-studio-new1",
        "hitchin-studio-new2",
    ]
    assert machines[-1].features == frozenset({"raised"})
    assert len(base.rooms["hitchin-studio"].reformers) == 3


def test_remove_reformers_takes_the_last_machines_and_frees_pinned_places_on_them():
    pinned = pinned_session()
    base = week(
        clients=[client("c1")],
        pinned_sessions=[pinned],
        pinned_allocations=[pinned_allocation("c1", pinned, reformer="R3")],
    )
    after = remove_reformers(base, "hitchin-studio", count=1)
    assert [m.id for m in after.rooms["hitchin-studio"].reformers] == ["R1", "R2"]
    assert after.pinned_allocations[0].reformer is None
    by_id = remove_reformers(base, "hitchin-studio", ids=["R1"])
    assert [m.id for m in by_id.rooms["hitchin-studio"].reformers] == ["R2", "R3"]


def test_mat_spaces_change_only_the_named_room():
    after = mat_spaces(two_venue_week(), "hitchin-studio", 20)
    assert after.rooms["hitchin-studio"].mat_spaces == 20
    assert after.rooms["baldock-studio"].mat_spaces == 10


def test_closing_a_venue_removes_its_hours_and_its_pinned_sessions():
    there = pinned_session(room="baldock-studio", day="tue")
    here = pinned_session(room="hitchin-studio", day="tue")
    base = two_venue_week(
        clients=[client("c1", venues=["baldock"])],
        pinned_sessions=[there, here],
        pinned_allocations=[pinned_allocation("c1", there)],
    )
    after = close_venue(base, "baldock")
    assert after.venue_by_id["baldock"].open == ()
    assert after.venue_by_id["hitchin"].open == base.venue_by_id["hitchin"].open
    assert [p.id for p in after.pinned_sessions] == [here.id]
    assert after.pinned_allocations == ()


def test_open_venue_sets_its_hours():
    after = open_venue(week(), "hitchin", [{"day": "sat", "from": "08:00", "to": "12:00"}])
    assert [(w.start, w.end) for w in after.venue_by_id["hitchin"].open] == [
        (at("sat", "08:00"), at("sat", "12:00"))
    ]


def test_close_day_at_one_venue_or_everywhere():
    base = two_venue_week()
    sat = DAYS.index("sat")
    one = close_day(base, "sat", venue="baldock")
    assert all(w.day != sat for w in one.venue_by_id["baldock"].open)
    assert any(w.day == sat for w in one.venue_by_id["hitchin"].open)
    everywhere = close_day(base, "sat")
    assert all(w.day != sat for v in everywhere.venues for w in v.open)


def test_open_day_replaces_that_days_hours():
    after = open_day(week(), "sun", "09:00", "13:00", venue="hitchin")
    sundays = [w for w in after.venue_by_id["hitchin"].open if w.day == DAYS.index("sun")]
    assert [(w.start, w.end) for w in sundays] == [(at("sun", "09:00"), at("sun", "13:00"))]


def test_add_instructor_with_availability_at_named_venues():
    after = add_instructor(
        two_venue_week(),
        {
            "id": "sam",
            "teaches": ["reformer"],
            "max_week_minutes": 240,
            "max_day_minutes": 240,
            "availability": [{"day": "sat", "from": "08:00", "to": "12:00", "venues": ["baldock"]}],
        },
    )
    sam = after.instructor_by_id["sam"]
    assert sam.name == "sam"
    assert sam.availability[0].venues == ("baldock",)
    assert sam.availability[0].start == at("sat", "08:00")


def test_change_instructor_keeps_what_is_not_given_and_drops_pins_outside_new_hours():
    pinned = pinned_session(day="mon", start="09:30")
    base = week(pinned_sessions=[pinned])
    after = change_instructor(
        base,
        "jo",
        availability=[{"day": "tue", "from": "09:00", "to": "12:00", "venues": ["hitchin"]}],
        max_week_minutes=500,
    )
    jo = after.instructor_by_id["jo"]
    assert jo.max_week_minutes == 500
    assert jo.max_day_minutes == base.instructor_by_id["jo"].max_day_minutes
    assert after.pinned_sessions == ()


def test_class_type_change_sets_sizes_and_length():
    after = class_type(week(), "reformer", max_size=10, minutes=45)
    changed = after.class_type_by_id["reformer"]
    assert (changed.max_size, changed.min_size, changed.minutes) == (10, 1, 45)
    assert after.class_type_by_id["mat"] == week().class_type_by_id["mat"]


def test_demand_growth_copies_existing_profiles_under_new_ids_reproducibly():
    base = week(clients=[client(f"c{i}", level=("beginner", "advanced")[i % 2]) for i in range(10)])
    grown = demand(base, 50, seed=4)
    assert len(grown.clients) == 15
    new = grown.clients[10:]
    assert [c.id for c in new] == [f"new-{i:04d}" for i in range(1, 6)]
    profiles = {(c.level, c.wants, c.availability, c.venues) for c in base.clients}
    assert all((c.level, c.wants, c.availability, c.venues) in profiles for c in new)
    assert demand(base, 50, seed=4) == grown


def test_demand_shrink_removes_clients_at_random_with_their_pinned_places():
    pinned = pinned_session()
    base = week(
        clients=[client(f"c{i}") for i in range(10)],
        pinned_sessions=[pinned],
        pinned_allocations=[pinned_allocation(f"c{i}", pinned) for i in range(3)],
    )
    shrunk = demand(base, -40, seed=1)
    assert len(shrunk.clients) == 6
    kept = {c.id for c in shrunk.clients}
    assert all(a.client in kept for a in shrunk.pinned_allocations)


def test_grid_change():
    assert grid(week(), 30).grid_minutes == 30


def test_changes_apply_in_order_and_the_result_is_a_valid_week():
    base = two_venue_week(clients=[client("c1", venues=["hitchin", "baldock"])])
    changes = [
        ScenarioChange("add_reformers", {"room": "baldock-studio", "count": 3}),
        ScenarioChange("close_day", {"day": "mon"}),
        ScenarioChange("demand", {"percent": 100, "seed": 1}),
        ScenarioChange("remove_reformers", {"room": "baldock-studio", "count": 1}),
    ]
    after = apply_changes(base, changes)
    assert len(after.rooms["baldock-studio"].reformers) == 4
    assert len(after.clients) == 2
    assert parse_week(week_to_json(after)) == after


# --- the figures ----------------------------------------------------------------------------


def test_time_of_day_splits_at_noon_and_five():
    assert [time_of_day(at("tue", t)) for t in ("07:00", "11:59", "12:00", "16:45", "17:00")] == [
        "morning",
        "morning",
        "afternoon",
        "afternoon",
        "evening",
    ]


def test_measure_counts_places_fill_clients_and_revenue():
    clients = [
        client("c1", wants=[want("reformer", 2)], priority=3),
        client("c2", wants=[want("reformer", 1)]),
        client("c3", wants=[want("mat", 1)]),
    ]
    w = week(clients=clients)
    morning = session("reformer", "mon", "09:30")
    evening = session("reformer", "tue", "18:00")
    p = plan(
        [morning, evening],
        [
            allocation("c1", morning, "R1"),
            allocation("c2", morning, "R2"),
            allocation("c1", evening, "R1"),
        ],
    )
    assert check_plan(w, p) == []
    figures = measure(w, p, prices={"reformer": 20.0})
    assert figures["priority_places"] == 3 + 1 + 3
    assert figures["places"] == 3
    assert (
        figures["clients_fully_served"],
        figures["clients_partly_served"],
        figures["clients_not_served"],
    ) == (2, 0, 1)
    assert figures["by_time_of_day"]["morning"] == {"places": 2, "capacity": 3, "fill_rate": 0.6667}
    assert figures["by_time_of_day"]["evening"]["places"] == 1
    assert figures["by_venue"]["hitchin"]["capacity"] == 6
    assert figures["instructor_minutes"] == {"jo": 100}
    assert figures["revenue"] == 60.0
    assert measure(w, p)["revenue"] is None


def test_a_scenarios_figures_count_the_fairness_points_of_its_places():
    w = week(clients=[client("missed", missed_weeks=3), client("kept")])
    s = session("reformer", "mon", "09:30")
    p = plan([s], [allocation("missed", s, "R1"), allocation("kept", s, "R2")])
    assert check_plan(w, p) == []
    assert measure(w, p)["fairness_points"] == 3


# --- solving scenarios ----------------------------------------------------------------------

TIME_LIMIT = 5


def fixed_week(seed: int):
    """A seeded fixed week: a few pinned classes at Hitchin, clients competing for them."""
    rng = random.Random(seed)
    times = [
        (day, start)
        for day in rng.sample(["mon", "tue", "wed", "thu"], 2)
        for start in rng.sample(["07:00", "09:30", "12:00", "17:30", "19:00"], 2)
    ]
    clients = []
    for i in range(rng.randint(8, 14)):
        free = [(day, start, "21:00") for day, start in rng.sample(times, rng.randint(1, 3))]
        clients.append(
            client(
                f"c{i}",
                wants=[want("reformer", rng.randint(1, 2))],
                availability=free,
                priority=rng.randint(1, 3),
                needs=["raised"] if rng.random() < 0.2 else [],
            )
        )
    machines = [reformer("R1", ["raised"]), reformer("R2")]
    return week(
        venues=[venue(rooms=[room("hitchin-studio", reformers=machines)])],
        clients=clients,
        pinned_sessions=[pinned_session("reformer", day, start) for day, start in times],
        only_pinned_sessions=True,
    )


def solved(w):
    plan = solve(w, time_limit=TIME_LIMIT, workers=1)
    assert check_plan(w, plan) == []
    return plan


@pytest.mark.parametrize("seed", range(5))
def test_on_a_fixed_timetable_adding_a_reformer_never_lowers_priority_places(seed):
    base = fixed_week(seed)
    before = solved(base)
    for features in ([], ["raised"]):
        after = solved(add_reformers(base, "hitchin-studio", 1, features=features))
        assert after.status == "OPTIMAL"
        assert after.objective.priority_places >= before.objective.priority_places


def test_closing_a_venue_moves_its_clients_elsewhere_or_says_why_they_are_unplaced():
    both = [client(f"both{i}", venues=["hitchin", "baldock"]) for i in range(3)]
    only = [client(f"only{i}", venues=["baldock"]) for i in range(2)]
    base = two_venue_week(clients=both + only)
    after = close_venue(base, "baldock")
    plan = solved(after)
    sessions = {s.id: s for s in plan.sessions}
    placed = {a.client: sessions[a.session].venue for a in plan.allocations}
    assert all(placed.get(c.id) == "hitchin" for c in both)
    unplaced = {u.client: u for u in plan.unplaced}
    for c in only:
        assert c.id not in placed
        assert unplaced[c.id].missing == 1
        assert any("closed" in reason for reason in unplaced[c.id].reasons)


@pytest.mark.slow
def test_a_run_reports_base_and_scenario_with_fcfs_on_the_same_timetable():
    base = two_venue_week(
        clients=[client(f"c{i}", venues=["hitchin", "baldock"]) for i in range(6)]
    )
    scenario = parse_scenario(
        document({"kind": "close_venue", "venue": "hitchin"}, prices={"reformer": 10}), base
    )
    stages = []
    result = run_scenario(
        scenario, base, time_limit=TIME_LIMIT, on_progress=lambda f, s: stages.append((f, s))
    )
    assert result["format"] == "reformer-scenario-result/1"
    assert result["base"]["optimiser"]["places"] == 6
    # Baldock's two reformers hold two a class; Jo teaches there at most 600 minutes a day.
    assert result["result"]["optimiser"]["by_venue"]["hitchin"]["places"] == 0
    assert result["result"]["optimiser"]["places"] == 6
    assert result["result"]["optimiser"]["revenue"] == 60.0
    for side in ("base", "result"):
        assert result[side]["fcfs"]["places"] <= result[side]["optimiser"]["places"]
    assert stages[-1] == (1.0, "done")
    assert [f for f, _ in stages] == sorted(f for f, _ in stages)


@pytest.mark.slow
def test_a_sweep_solves_each_value_in_order_on_separate_cores():
    base = fixed_week(7)
    doc = document({"kind": "add_reformers", "room": "hitchin-studio", "count": 0})
    result = sweep(doc, base, "changes[0].count", [0, 1, 2, 3], time_limit=TIME_LIMIT)
    assert [p["value"] for p in result["points"]] == [0, 1, 2, 3]
    places = [p["optimiser"]["priority_places"] for p in result["points"]]
    assert places == sorted(places)
    assert solved(base).objective.priority_places == places[0]


def test_a_sweep_refuses_a_value_that_makes_the_scenario_invalid_before_solving():
    doc = document({"kind": "add_reformers", "room": "hitchin-studio", "count": 0})
    with pytest.raises(ScenarioError, match=r"\$\.changes\[0\]\.count: must be at least 0"):
        sweep(doc, week(), "changes[0].count", [1, -1], time_limit=TIME_LIMIT)


def test_sweep_chart_draws_svg_and_png():
    result = {
        "scenario": {"name": "More reformers"},
        "path": "changes[0].count",
        "points": [
            {
                "value": v,
                "optimiser": {"priority_places": 10 + v, "revenue": None},
                "fcfs": {"priority_places": 8 + v, "revenue": None},
            }
            for v in (0, 1, 2)
        ],
    }
    svg = sweep_chart(result, "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"Priority places" in svg
    assert b"Weekly revenue" not in svg
    assert sweep_chart(result, "png").startswith(b"\x89PNG")


def test_unplaced_demand_counts_once_under_the_kind_of_its_first_reason():
    w = week(clients=[client("c1", wants=[want("reformer", 2)]), client("c2")])
    p = replace(
        plan(),
        unplaced=(
            Unplaced(
                "c1",
                ("reformer",),
                2,
                ("Tuesday 18:00 Reformer at Hitchin is full", "you already have 1 class on Monday"),
            ),
            Unplaced("c2", ("reformer",), 1, ("Monday 09:30 Reformer at Hitchin is full",)),
        ),
    )
    figures = measure(w, p)
    assert figures["unplaced_by_reason"] == {"the classes in their hours are full": 3}
    assert figures["unplaced_places"] == 3
    assert reason_kind("something new") == "something new"
    fairer = (
        "Monday 09:30 Reformer at Hitchin is full: its places went first to clients who have"
        " missed out on more weeks lately"
    )
    assert reason_kind(fairer) == "the classes in their hours are full"
