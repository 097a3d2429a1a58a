"""The capacity advisor: which single changes it tries, and that it ranks the bottleneck first."""

from __future__ import annotations

import pytest

from scheduler.formats.week import read_week_file
from scheduler.scenarios.advisor import (
    ADVICE_FORMAT,
    advice_scenario,
    candidate_changes,
    check_costs,
    evaluate_candidate,
    plan_advice,
    prerank,
    run_advice,
)
from scheduler.scenarios.changes import apply_changes
from scheduler.scenarios.document import ScenarioError, parse_scenario
from scheduler.scenarios.report import solve_and_measure
from scheduler.tasks.pool import Pool
from solver.checker import check_plan
from tests.builders import (
    example_names,
    full_room_week,
    oversubscribed_week,
    shared_dir,
)

TIME_LIMIT = 2.0


@pytest.mark.parametrize("name", example_names())
def test_the_candidates_are_valid_scenarios_of_every_example_week(name):
    base = read_week_file(shared_dir() / "examples" / name)
    candidates = candidate_changes(base)
    assert candidates
    assert len({c.key for c in candidates}) == len(candidates), "keys are unique"
    for candidate in candidates:
        scenario = parse_scenario(advice_scenario(candidate.as_json(), "latest"), base)
        assert apply_changes(base, scenario.changes) != base, candidate.key


def test_a_fixed_timetable_is_offered_only_changes_of_room():
    base = read_week_file(shared_dir() / "examples" / "studio-fixed.json")
    kinds = {c.change["kind"] for c in candidate_changes(base)}
    assert kinds <= {"add_reformers", "mat_spaces", "class_type"}


def test_the_changes_are_described_in_the_studios_words():
    words = {c.key: c.description for c in candidate_changes(full_room_week())}
    assert words["add_reformers:hitchin-studio"] == "One more reformer in Hitchin · Studio"
    assert words["mat_spaces:hitchin-studio"] == (
        "One more mat space in Hitchin · Studio (5 instead of 4)"
    )
    assert words["change_instructor:jo:hitchin:mon-0900:later"] == (
        "Jo teaches an hour later on Monday at Hitchin (until 11:00)"
    )
    assert not any("hitchin-studio" in text for text in words.values())


def test_hours_no_instructor_could_teach_are_not_tried():
    keys = {c.key for c in candidate_changes(full_room_week())}
    # Jo teaches 09:00-10:00 only: opening an hour earlier (06:00-07:00) cannot help.
    assert not any(k.startswith("open_day") for k in keys)


def test_the_prerank_puts_the_full_room_first():
    base_week = full_room_week()
    outcome = solve_and_measure(base_week, time_limit=TIME_LIMIT)
    ranked = prerank(base_week, outcome.plan, candidate_changes(base_week))
    assert ranked[0].key == "add_reformers:hitchin-studio"
    assert ranked[0].reach == ranked[0].fitting_reach == 3 * 2  # three turned away, priority 2
    assert next(c for c in ranked if c.key == "add_reformers:stevenage-studio").reach == 0


def test_the_advisor_ranks_one_more_reformer_in_the_full_room_first():
    base_week = full_room_week()
    job = plan_advice(base_week, {"reformer": 18.0}, time_limit=TIME_LIMIT)
    advice = run_advice(job, pool=Pool(processes=1))
    assert advice["format"] == ADVICE_FORMAT
    best = advice["ranking"][0]
    assert best["change"] == {"kind": "add_reformers", "room": "hitchin-studio", "count": 1}
    assert best["description"] == "One more reformer in Hitchin · Studio"
    assert best["gains"]["priority_places"] == 2
    assert best["gains"]["revenue"] == 18.0
    assert best["certainty"]["certain"] and best["certainty"]["lowest"] > 0
    assert [r["rank"] for r in advice["ranking"]] == list(range(1, len(advice["ranking"]) + 1))
    others = advice["ranking"][1:]
    assert others and all(r["gains"]["priority_places"] <= 0 for r in others)
    for row in advice["ranking"]:
        assert row["figures"]["priority_places"] <= row["figures"]["bound"]


def test_the_plans_the_advisor_judges_keep_every_rule():
    base_week = full_room_week()
    job = plan_advice(base_week, {}, time_limit=TIME_LIMIT, top=2)
    advice = run_advice(job, pool=Pool(processes=1))
    assert len(advice["ranking"]) == 2
    assert len(advice["not_tried"]) == len(candidate_changes(base_week)) - 2
    assert advice["ranking"][0]["key"] == "add_reformers:hitchin-studio"
    # solve_and_measure checks every plan with check_plan; the base is checked here too.
    base = solve_and_measure(base_week, time_limit=TIME_LIMIT)
    assert check_plan(base_week, base.plan) == []


def test_a_stored_base_plan_is_used_and_a_broken_one_is_not():
    base_week = full_room_week()
    plan = solve_and_measure(base_week, time_limit=TIME_LIMIT).plan
    job = plan_advice(base_week, {}, time_limit=TIME_LIMIT, base_plan=plan, base_source="draft")
    assert job.base_source == "draft" and job.candidates[0].key == "add_reformers:hitchin-studio"
    broken = type(plan)(sessions=plan.sessions, allocations=plan.allocations * 2, bound=plan.bound)
    job = plan_advice(base_week, {}, time_limit=TIME_LIMIT, base_plan=broken, base_source="draft")
    assert job.base_plan is None and job.base_source == "solved"


def test_a_cost_gives_the_gain_per_pound_by_key_or_else_by_kind():
    base_week = full_room_week()
    costs = {"add_reformers": 400.0, "add_reformers:hitchin-studio": 500.0}
    job = plan_advice(base_week, {"reformer": 18.0}, time_limit=TIME_LIMIT, costs=costs)
    advice = run_advice(job, pool=Pool(processes=1))
    best = advice["ranking"][0]
    assert best["cost"] == 500.0
    assert best["per_pound"] == {"priority_places": 0.004, "revenue": 0.036}
    stevenage = next(r for r in advice["ranking"] if r["key"] == "add_reformers:stevenage-studio")
    assert stevenage["cost"] == 400.0
    assert stevenage["per_pound"]["priority_places"] == 0
    uncosted = [r for r in advice["ranking"] if r["cost"] is None]
    assert uncosted and all(r["per_pound"] is None for r in uncosted)


def test_a_costs_file_naming_no_candidate_is_refused_with_its_path():
    candidates = candidate_changes(full_room_week())
    with pytest.raises(ScenarioError) as caught:
        check_costs({"add_reformer": 10, "mat_spaces": -1}, candidates)
    assert caught.value.errors == [
        "$.add_reformer: no candidate change has this key or kind",
        "$.mat_spaces: must be a cost in pounds above 0, not -1",
    ]


def test_one_candidate_is_judged_on_the_base_timetable_first_then_the_whole_week():
    base_week = full_room_week()
    base = solve_and_measure(base_week, {"reformer": 18.0}, time_limit=TIME_LIMIT)
    change = {"kind": "add_reformers", "room": "hitchin-studio", "count": 1}
    row = evaluate_candidate(
        base_week, {"reformer": 18.0}, base.optimiser, base.plan, change, TIME_LIMIT
    )
    before = base.optimiser["priority_places"]
    assert row["stages"]["base timetable"] == before + 2  # one more client in Jo's class
    assert row["stages"]["whole week"] == before + 2
    assert row["gains"]["priority_places"] == 2 and row["certainty"]["certain"]


def test_a_week_with_pins_of_its_own_keeps_them_in_every_stage():
    base_week = oversubscribed_week()  # four pinned classes, two reformers, eight clients
    base = solve_and_measure(base_week, time_limit=TIME_LIMIT)
    change = {"kind": "add_reformers", "room": "hitchin-studio", "count": 1}
    row = evaluate_candidate(base_week, {}, base.optimiser, base.plan, change, TIME_LIMIT)
    assert row["stages"]["base timetable"] == row["stages"]["whole week"] == 12
    assert row["gains"]["places"] == 4 and row["figures"]["sessions"] == 4
