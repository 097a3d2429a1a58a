"""The reference checker: one test per hard rule, each a tiny week where a plan breaks
only that rule and is caught under its number, while a valid plan for the same week
passes. A registry test keeps `HARD_RULES` and these tests in step."""

from __future__ import annotations

import re
import sys
import time

import pytest

from scheduler.formats.week import read_week_file
from solver.checker import HARD_RULES, Violation, check_claims, check_plan, measure_objective
from solver.domain import Objective, Plan, Week
from tests.builders import (
    allocation,
    class_type,
    client,
    default_class_types,
    instructor,
    pinned_allocation,
    pinned_session,
    plan,
    reformer,
    room,
    session,
    session_of,
    shared_dir,
    venue,
    want,
    week,
)

EVERY_TYPE = ["reformer", "mat", "121-reformer"]


def anyone(n: int, venues=("hitchin", "stevenage"), **kwargs) -> list:
    """Clients c1..cn happy with any class at any listed venue, several a day."""
    return [
        client(
            f"c{i}",
            wants=[want(EVERY_TYPE, 7)],
            venues=venues,
            max_per_day=3,
            **kwargs,
        )
        for i in range(1, n + 1)
    ]


def one_each(*sessions) -> Plan:
    """A plan placing c1 in the first session, c2 in the second, ... on R1 (none for mat)."""
    return plan(
        sessions,
        [
            allocation(f"c{i}", s, None if "mat" in s.class_type else "R1")
            for i, s in enumerate(sessions, start=1)
        ],
    )


def rules_broken(w: Week, p: Plan) -> set[int]:
    return {v.rule for v in check_plan(w, p)}


def assert_only_rule(n: int, w: Week, valid: Plan, broken: Plan) -> list[Violation]:
    assert check_plan(w, valid) == []
    violations = check_plan(w, broken)
    assert {v.rule for v in violations} == {n}, [str(v) for v in violations]
    return violations


# Rule 1


def test_rule_1_session_off_the_grid_is_caught():
    w = week(clients=anyone(1))
    assert_only_rule(1, w, one_each(session(start="09:30")), one_each(session(start="09:40")))


def test_rule_1_session_running_past_the_venue_closing_is_caught():
    w = week(venues=[venue(open=[("mon", "07:00", "12:00")])], clients=anyone(1))
    assert_only_rule(1, w, one_each(session(start="11:00")), one_each(session(start="11:30")))


def test_rule_1_session_in_a_room_of_another_venue_is_caught():
    w = week(venues=[venue("hitchin"), venue("stevenage")], clients=anyone(1))
    valid = one_each(session(venue="stevenage", room="stevenage-studio"))
    broken = one_each(session(venue="stevenage", room="hitchin-studio"))
    [v] = assert_only_rule(1, w, valid, broken)
    assert v.session == broken.sessions[0].id


def test_rule_1_session_whose_end_is_not_its_class_length_is_caught():
    w = week(clients=anyone(1))
    assert_only_rule(1, w, one_each(session(minutes=50)), one_each(session(minutes=45)))


@pytest.mark.parametrize(
    "field, value",
    [
        ("class_type", "aerial-yoga"),
        ("room", "atlantis-pool"),
        ("venue", "atlantis"),
        ("instructor", "nobody"),
    ],
)
def test_rule_1_session_naming_what_the_week_lacks_is_caught(field, value):
    w = week(clients=anyone(1))
    broken = one_each(session(**{field: value}))
    violations = check_plan(w, broken)
    assert {v.rule for v in violations} == {1}
    assert value in str(violations[0])


# Rule 2


def test_rule_2_instructor_who_does_not_teach_the_class_is_caught():
    w = week(
        clients=anyone(1),
        instructors=[instructor("jo", teaches=["mat"]), instructor("ann")],
    )
    valid = one_each(session(instructor="ann"))
    assert_only_rule(2, w, valid, one_each(session(instructor="jo")))


def test_rule_2_instructor_outside_their_hours_is_caught():
    w = week(clients=anyone(1), instructors=[instructor(availability=[("mon", "07:00", "10:00")])])
    assert_only_rule(2, w, one_each(session(start="09:00")), one_each(session(start="09:30")))


def test_rule_2_instructor_at_a_venue_their_window_does_not_list_is_caught():
    w = week(
        venues=[venue("hitchin"), venue("stevenage")],
        clients=anyone(1),
        instructors=[instructor(availability=[("mon", "07:00", "21:00", ["hitchin"])])],
    )
    valid = one_each(session())
    broken = one_each(session(venue="stevenage", room="stevenage-studio"))
    assert_only_rule(2, w, valid, broken)


# Rule 3


def test_rule_3_two_sessions_overlapping_in_one_room_are_caught():
    w = week(clients=anyone(2), instructors=[instructor("jo"), instructor("ann")])
    first = session("reformer", start="09:30")
    valid = one_each(first, session("mat", start="10:30", instructor="ann"))
    broken = one_each(first, session("mat", start="10:00", instructor="ann"))
    [v] = assert_only_rule(3, w, valid, broken)
    assert "hitchin-studio" in str(v)


def test_rule_3_back_to_back_sessions_in_one_room_do_not_overlap():
    w = week(
        class_types=[class_type("reformer", minutes=45), class_type("mat", minutes=45)],
        clients=anyone(2),
        instructors=[instructor("jo"), instructor("ann")],
    )
    p = one_each(
        session("reformer", start="09:00", minutes=45),
        session("mat", start="09:45", minutes=45, instructor="ann"),
    )
    assert check_plan(w, p) == []


# Rule 4


def two_rooms_at(venue_id: str):
    return venue(venue_id, rooms=[room(f"{venue_id}-studio"), room(f"{venue_id}-hall")])


def test_rule_4_instructor_teaching_two_sessions_at_once_is_caught():
    w = week(venues=[two_rooms_at("hitchin")], clients=anyone(2))
    first = session(start="09:30")
    valid = one_each(first, session("mat", start="10:30", room="hitchin-hall"))
    broken = one_each(first, session("mat", start="10:00", room="hitchin-hall"))
    assert_only_rule(4, w, valid, broken)


def test_rule_4_instructor_without_time_to_travel_between_venues_is_caught():
    w = week(
        venues=[venue("hitchin"), venue("stevenage")],
        travel={("hitchin", "stevenage"): 20},
        clients=anyone(2),
    )
    # 09:30-10:20 at Hitchin; Stevenage is 20 minutes away.
    first = session(start="09:30")
    valid = one_each(first, session(start="10:45", venue="stevenage", room="stevenage-studio"))
    broken = one_each(first, session(start="10:30", venue="stevenage", room="stevenage-studio"))
    [v] = assert_only_rule(4, w, valid, broken)
    assert "20" in str(v)


def test_rule_4_travel_applies_whichever_venue_comes_first():
    w = week(
        venues=[venue("hitchin"), venue("stevenage")],
        travel={("hitchin", "stevenage"): 20},
        clients=anyone(2),
    )
    later = session(start="10:30")
    valid = one_each(session(start="09:15", venue="stevenage", room="stevenage-studio"), later)
    broken = one_each(session(start="09:30", venue="stevenage", room="stevenage-studio"), later)
    assert_only_rule(4, w, valid, broken)


def test_rule_4_venues_with_no_listed_travel_cannot_share_a_day():
    w = week(venues=[venue("hitchin"), venue("stevenage")], clients=anyone(2))
    first = session(start="09:30")
    valid = one_each(first, session(day="tue", venue="stevenage", room="stevenage-studio"))
    broken = one_each(first, session(start="15:00", venue="stevenage", room="stevenage-studio"))
    [v] = assert_only_rule(4, w, valid, broken)
    assert "no travel time" in str(v)


def test_rule_4_instructor_over_their_daily_minutes_is_caught():
    w = week(clients=anyone(2), instructors=[instructor(max_day_minutes=60)])
    first = session(start="09:30")
    valid = one_each(first, session(day="tue"))
    broken = one_each(first, session(start="11:00"))
    assert_only_rule(4, w, valid, broken)


def test_rule_4_instructor_over_their_weekly_minutes_is_caught():
    w = week(clients=anyone(3), instructors=[instructor(max_week_minutes=100)])
    valid = one_each(session(day="mon"), session(day="tue"))
    broken = one_each(session(day="mon"), session(day="tue"), session(day="wed"))
    assert_only_rule(4, w, valid, broken)


# Rule 5


@pytest.mark.parametrize(
    "studio, class_types, kind, reformers",
    [
        (room(reformers=3), [class_type("reformer", max_size=2)], "reformer", ["R1", "R2", "R3"]),
        (room(reformers=0, mat_spaces=2), [class_type("mat")], "mat", [None, None, None]),
        (room(reformers=3), [class_type("121-reformer")], "121-reformer", ["R1", "R2", None]),
    ],
    ids=["reformer-max-size", "mat-spaces", "one-to-one"],
)
def test_rule_5_session_over_capacity_is_caught(studio, class_types, kind, reformers):
    over = len([r for r in reformers if r or kind == "mat"])
    w = week(
        venues=[venue(rooms=[studio])],
        class_types=class_types,
        clients=[client(f"c{i}", wants=[want(kind)]) for i in range(1, over + 1)],
    )
    s = session(kind)
    valid = plan([s], [allocation(f"c{i}", s, reformers[i - 1]) for i in range(1, over)])
    broken = plan([s], [allocation(f"c{i}", s, reformers[i - 1]) for i in range(1, over + 1)])
    [v] = assert_only_rule(5, w, valid, broken)
    assert str(v) == f"rule 5: session {s.id} holds {over} clients, capacity is {over - 1}"
    assert (v.session, v.kind, v.count, v.limit) == (s.id, "full", over, over - 1)


# Rule 6


def test_rule_6_session_below_min_size_is_caught():
    w = week(class_types=[class_type("reformer", min_size=2)], clients=anyone(2))
    s = session()
    valid = plan([s], [allocation("c1", s, "R1"), allocation("c2", s, "R2")])
    broken = plan([s], [allocation("c1", s, "R1")])
    [v] = assert_only_rule(6, w, valid, broken)
    assert v.session == s.id


def test_rule_6_pinned_session_may_run_below_min_size():
    pinned = pinned_session()
    w = week(
        class_types=[class_type("reformer", min_size=3)],
        clients=anyone(1),
        pinned_sessions=[pinned],
    )
    p = plan([session_of(pinned, w)], [allocation("c1", pinned.id, "R1")])
    assert check_plan(w, p) == []
    assert check_plan(w, plan([session_of(pinned, w)])) == []


# Rule 7


def test_rule_7_client_at_a_venue_not_theirs_is_caught():
    w = week(venues=[venue("hitchin"), venue("stevenage")], clients=anyone(1, venues=["hitchin"]))
    valid = one_each(session())
    broken = one_each(session(venue="stevenage", room="stevenage-studio"))
    [v] = assert_only_rule(7, w, valid, broken)
    assert (v.client, v.session) == ("c1", broken.sessions[0].id)


def test_rule_7_client_outside_their_hours_is_caught():
    w = week(clients=anyone(1, availability=[("mon", "17:30", "21:00")]))
    assert_only_rule(7, w, one_each(session(start="18:00")), one_each(session(start="17:00")))


def test_rule_7_client_in_a_class_they_do_not_want_is_caught():
    w = week(clients=[client("c1", wants=[want("mat")])])
    assert_only_rule(7, w, one_each(session("mat")), one_each(session("reformer")))


def test_rule_7_client_in_a_class_not_for_their_level_is_caught():
    w = week(
        class_types=[*default_class_types(), class_type("advanced-reformer", levels=["advanced"])],
        clients=[client("c1", wants=[want(["reformer", "advanced-reformer"])])],
    )
    assert_only_rule(7, w, one_each(session("reformer")), one_each(session("advanced-reformer")))


def test_rule_7_client_without_gp_clearance_in_a_back_care_class_is_caught():
    back_care = class_type("back-care", equipment="mat", requires_clearance=True)
    w = week(
        class_types=[back_care],
        clients=[
            client("c1", wants=[want("back-care")], cleared=True),
            client("c2", wants=[want("back-care")], cleared=False),
        ],
    )
    s = session("back-care")
    valid = plan([s], [allocation("c1", s)])
    broken = plan([s], [allocation("c2", s)])
    [v] = assert_only_rule(7, w, valid, broken)
    assert v.client == "c2"


def test_rule_7_placing_an_unknown_client_or_in_an_unknown_session_is_caught():
    w = week(clients=anyone(1))
    s = session()
    valid = plan([s], [allocation("c1", s, "R1")])
    broken = plan([s], [allocation("c1", s, "R1"), allocation("c1", "ghost", "R2")])
    assert_only_rule(7, w, valid, broken)
    stranger = plan([s], [allocation("c1", s, "R1"), allocation("stranger", s, "R2")])
    assert rules_broken(w, stranger) == {7}


# Rule 8


def test_rule_8_client_in_two_overlapping_sessions_is_caught():
    w = week(
        venues=[two_rooms_at("hitchin")],
        instructors=[instructor("jo"), instructor("ann")],
        clients=anyone(1),
    )
    first = session("reformer", start="09:30")
    valid = plan(
        [first, session("mat", start="10:30", room="hitchin-hall", instructor="ann")],
        [allocation("c1", first, "R1"), allocation("c1", "mon-1030-hitchin-hall-mat")],
    )
    broken = plan(
        [first, session("mat", start="10:00", room="hitchin-hall", instructor="ann")],
        [allocation("c1", first, "R1"), allocation("c1", "mon-1000-hitchin-hall-mat")],
    )
    [v] = assert_only_rule(8, w, valid, broken)
    assert v.client == "c1"


def test_rule_8_client_over_their_sessions_a_day_is_caught():
    w = week(clients=[client("c1", wants=[want("reformer", 2)], max_per_day=1)])
    monday, tuesday, later_monday = session(), session(day="tue"), session(start="11:00")
    valid = plan(
        [monday, tuesday], [allocation("c1", monday, "R1"), allocation("c1", tuesday, "R1")]
    )
    broken = plan(
        [monday, later_monday],
        [allocation("c1", monday, "R1"), allocation("c1", later_monday, "R1")],
    )
    [v] = assert_only_rule(8, w, valid, broken)
    assert "mon" in str(v)


def test_rule_8_client_over_their_places_a_week_for_a_want_is_caught():
    w = week(clients=[client("c1", wants=[want("reformer", 1), want("mat", 1)], max_per_day=2)])
    reformer_mon, mat_tue, reformer_tue = session(), session("mat", day="tue"), session(day="tue")
    valid = plan(
        [reformer_mon, mat_tue], [allocation("c1", reformer_mon, "R1"), allocation("c1", mat_tue)]
    )
    broken = plan(
        [reformer_mon, reformer_tue],
        [allocation("c1", reformer_mon, "R1"), allocation("c1", reformer_tue, "R1")],
    )
    [v] = assert_only_rule(8, w, valid, broken)
    assert "reformer" in str(v)


# Rule 9


def intro_week(**kwargs) -> Week:
    """A new client who wants a 45-minute 1-2-1 intro and a group reformer class."""
    return week(
        class_types=[class_type("reformer"), class_type("121-reformer", minutes=45)],
        clients=[
            client(
                "new",
                needs_intro=True,
                wants=[want("121-reformer", 1), want("reformer", 1)],
                max_per_day=2,
                **kwargs,
            ),
            *anyone(1, venues=["hitchin"]),
        ],
    )


def test_rule_9_intro_client_in_a_group_before_their_one_to_one_is_caught():
    w = intro_week()
    intro_early, group, intro_late = (
        session("121-reformer", start="08:00", minutes=45),
        session(start="09:30"),
        session("121-reformer", start="11:00", minutes=45),
    )
    valid = plan(
        [intro_early, group], [allocation("new", intro_early, "R1"), allocation("new", group, "R1")]
    )
    broken = plan(
        [group, intro_late], [allocation("new", group, "R1"), allocation("new", intro_late, "R1")]
    )
    [v] = assert_only_rule(9, w, valid, broken)
    assert (v.client, v.session) == ("new", group.id)


def test_rule_9_intro_client_in_a_group_with_no_one_to_one_is_caught():
    w = intro_week()
    group = session(start="09:30")
    assert rules_broken(w, plan([group], [allocation("new", group, "R1")])) == {9}


def test_rule_9_group_may_start_the_minute_the_intro_ends():
    w = intro_week()
    intro, group = session("121-reformer", start="08:45", minutes=45), session(start="09:30")
    p = plan([intro, group], [allocation("new", intro, "R1"), allocation("new", group, "R1")])
    assert check_plan(w, p) == []


# Rule 10


def test_rule_10_two_clients_on_one_reformer_are_caught():
    w = week(clients=anyone(2))
    s = session()
    valid = plan([s], [allocation("c1", s, "R1"), allocation("c2", s, "R2")])
    broken = plan([s], [allocation("c1", s, "R1"), allocation("c2", s, "R1")])
    assert_only_rule(10, w, valid, broken)


def test_rule_10_reformer_out_of_service_is_caught():
    studio = room(reformers=[reformer("R1"), reformer("R2", in_service=False)])
    w = week(venues=[venue(rooms=[studio])], clients=anyone(1))
    s = session()
    assert_only_rule(
        10, w, plan([s], [allocation("c1", s, "R1")]), plan([s], [allocation("c1", s, "R2")])
    )


def test_rule_10_reformer_without_the_feature_the_client_needs_is_caught():
    studio = room(reformers=[reformer("R1"), reformer("R2", features=["raised"])])
    w = week(venues=[venue(rooms=[studio])], clients=anyone(1, needs=["raised"]))
    s = session()
    [v] = assert_only_rule(
        10, w, plan([s], [allocation("c1", s, "R2")]), plan([s], [allocation("c1", s, "R1")])
    )
    assert "raised" in str(v)


@pytest.mark.parametrize(
    "kind, given",
    [("reformer", None), ("reformer", "R9"), ("mat", "R1")],
    ids=["reformer-class-without-reformer", "reformer-of-another-room", "mat-class-with-reformer"],
)
def test_rule_10_wrong_or_missing_reformer_is_caught(kind, given):
    w = week(clients=anyone(1))
    s = session(kind)
    valid = plan([s], [allocation("c1", s, "R1" if kind == "reformer" else None)])
    assert_only_rule(10, w, valid, plan([s], [allocation("c1", s, given)]))


def test_rule_10_client_placed_twice_in_one_session_is_caught():
    w = week(clients=anyone(1))
    s = session()
    valid = plan([s], [allocation("c1", s, "R1")])
    broken = plan([s], [allocation("c1", s, "R1"), allocation("c1", s, "R2")])
    [v] = assert_only_rule(10, w, valid, broken)
    assert "twice" in str(v)


# Rule 11


def pinned_week(**kwargs) -> tuple[Week, Plan]:
    pinned = pinned_session(start="09:30")
    w = week(
        clients=anyone(2),
        pinned_sessions=[pinned],
        pinned_allocations=[pinned_allocation("c1", pinned, "R2")],
        **kwargs,
    )
    s = session_of(pinned, w)
    return w, plan([s], [allocation("c1", s, "R2"), allocation("c2", s, "R1")])


def test_rule_11_pinned_session_that_does_not_run_is_caught():
    w, valid = pinned_week()
    elsewhere = session(start="11:00")
    broken = plan([elsewhere], [allocation("c1", elsewhere, "R2")])
    violations = assert_only_rule(11, w, valid, broken)
    assert any(v.session == w.pinned_sessions[0].id for v in violations)


@pytest.mark.parametrize(
    "change",
    [{"start": "10:00"}, {"instructor": "ann"}, {"room": "hitchin-hall"}],
    ids=["moved", "other-instructor", "other-room"],
)
def test_rule_11_pinned_session_run_differently_is_caught(change):
    w, valid = pinned_week(
        venues=[two_rooms_at("hitchin")], instructors=[instructor("jo"), instructor("ann")]
    )
    pinned = w.pinned_sessions[0]
    moved = session(**{"id": pinned.id, **change})
    broken = plan([moved], [allocation("c1", moved, "R2"), allocation("c2", moved, "R1")])
    assert_only_rule(11, w, valid, broken)


def test_rule_11_pinned_allocation_dropped_is_caught():
    w, valid = pinned_week()
    s = valid.sessions[0]
    broken = plan([s], [allocation("c2", s, "R1")])
    [v] = assert_only_rule(11, w, valid, broken)
    assert (v.client, v.session) == ("c1", s.id)


def test_rule_11_pinned_allocation_moved_to_another_reformer_is_caught():
    w, valid = pinned_week()
    s = valid.sessions[0]
    broken = plan([s], [allocation("c1", s, "R3"), allocation("c2", s, "R1")])
    [v] = assert_only_rule(11, w, valid, broken)
    assert "R2" in str(v)


def test_rule_11_fixed_timetable_runs_no_other_session():
    w, valid = pinned_week(only_pinned_sessions=True)
    extra = session(day="tue")
    broken = plan([*valid.sessions, extra], [*valid.allocations, allocation("c2", extra, "R1")])
    [v] = assert_only_rule(11, w, valid, broken)
    assert v.session == extra.id


# The registry and the report


def test_every_hard_rule_has_a_test_here():
    names = [name for name in dir(sys.modules[__name__]) if name.startswith("test_rule_")]
    assert [rule.number for rule in HARD_RULES] == list(range(1, 12))
    untested = [
        rule.number
        for rule in HARD_RULES
        if not any(re.match(rf"test_rule_{rule.number}_", name) for name in names)
    ]
    assert untested == []


def test_hard_rules_are_worded_as_in_the_spec():
    spec = " ".join((shared_dir() / "SPEC.md").read_text().split())
    for rule in HARD_RULES:
        assert f"{rule.number}. {rule.text}" in spec


def test_a_plan_breaking_several_rules_reports_every_violation():
    w = week(class_types=[class_type("reformer", max_size=1)], clients=anyone(2))
    s = session(start="09:40")
    p = plan([s], [allocation("c1", s, "R1"), allocation("c2", s, "R1")])
    assert rules_broken(w, p) == {1, 5, 10}


def test_violation_reads_with_its_rule_number_and_names_session_and_client():
    v = Violation(7, "c1 in session s1: baldock is not one of their venues", "s1", "c1")
    assert str(v) == "rule 7: c1 in session s1: baldock is not one of their venues"


def test_fixed_franchise_timetable_keeps_every_rule_and_checks_fast():
    w = read_week_file(shared_dir() / "examples" / "franchise-fixed.json")
    timetable = plan([session_of(p, w) for p in w.pinned_sessions])
    started = time.perf_counter()
    assert check_plan(w, timetable) == []
    assert time.perf_counter() - started < 5


# The objective


def test_objective_counts_priority_preferences_and_teaching_minutes():
    w = week(
        venues=[venue("hitchin"), venue("stevenage")],
        instructors=[instructor("jo", venues=["hitchin", "stevenage"]), instructor("ann")],
        clients=[
            client("member", priority=3, prefers_venues=["hitchin"], prefers_instructors=["jo"]),
            client("drop-in", priority=1, prefers_venues=["stevenage"]),
        ],
    )
    s = session(start="09:30")
    mat = session("mat", start="11:00", instructor="ann", minutes=45)
    p = plan([s, mat], [allocation("member", s, "R1"), allocation("drop-in", s, "R2")])

    objective = measure_objective(w, p)

    member, drop_in = w.client_by_id["member"], w.client_by_id["drop-in"]
    assert objective.priority_places == member.priority + drop_in.priority
    # member: preferred venue and instructor; drop-in: neither.
    assert objective.preference_points == 2
    assert objective.teaching_minutes == (s.end - s.start) + (mat.end - mat.start)


def test_objective_ignores_what_the_plan_claims():
    w = week(clients=anyone(1, priority=5))
    s = session()
    p = plan([s], [allocation("c1", s, "R1")])
    claimed = Plan(p.sessions, p.allocations, objective=Objective(999, 999, 999))
    assert measure_objective(w, claimed) == measure_objective(w, p)
    assert measure_objective(w, p).priority_places == w.client_by_id["c1"].priority


def test_empty_plan_measures_zero():
    assert measure_objective(week(clients=anyone(3)), plan()) == Objective(0, 0, 0)


def test_fairness_points_are_the_placed_clients_missed_weeks_and_a_wrong_claim_is_caught():
    w = week(
        clients=[client("missed", missed_weeks=2), client("kept"), client("away", missed_weeks=5)]
    )
    s = session()
    p = plan([s], [allocation("missed", s, "R1"), allocation("kept", s, "R2")])
    assert measure_objective(w, p).fairness_points == 2
    claimed = Plan(p.sessions, p.allocations, objective=Objective(priority_places=2))
    assert check_claims(w, claimed) == [
        "the plan claims fairness_points 0, but holds 2",
        f"the plan claims teaching_minutes 0, but holds {s.end - s.start}",
    ]
