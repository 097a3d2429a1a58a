"""One test per hard rule of the spec: a tiny week where breaking the rule would pay more,
and the optimiser does not break it. Tests are found by number (`test_rule_<n>_...`)."""

from __future__ import annotations

import sys

import pytest

from solver import checker
from solver.candidates import candidate_slots
from solver.checker import check_claims, check_plan
from solver.domain import Client, Plan, Week
from solver.model import HARD_RULES
from solver.solve import solve
from tests.builders import (
    at,
    class_type,
    client,
    instructor,
    pinned_allocation,
    pinned_session,
    reformer,
    room,
    venue,
    want,
    week,
)

MONDAY_9_TO_10 = [("mon", "09:00", "10:00")]


def solved(w: Week) -> Plan:
    plan = solve(w, time_limit=5, workers=2)
    assert check_plan(w, plan) == []
    assert check_claims(w, plan) == []
    return plan


def placed(plan: Plan) -> set[str]:
    return {a.client for a in plan.allocations}


def test_every_hard_rule_of_the_model_has_a_test():
    tests = [name for name in dir(sys.modules[__name__]) if name.startswith("test_rule_")]
    assert [rule.number for rule in HARD_RULES] == list(range(1, 12))
    for rule in HARD_RULES:
        assert any(name.startswith(f"test_rule_{rule.number}_") for name in tests), rule.number


def test_the_model_names_every_hard_rule_as_the_checker_does():
    assert [rule.name for rule in HARD_RULES] == [rule.name for rule in checker.HARD_RULES]


def test_only_rule_1_is_left_to_candidate_generation_alone():
    assert [rule.number for rule in HARD_RULES if rule.add is None] == [1]


def test_rule_1_session_stays_inside_opening_hours_and_on_the_grid():
    w = week(
        venues=[venue(open=[("mon", "09:00", "12:00")])],
        clients=[
            # Only a session from 08:45 (before opening) would fit this client.
            client("early", availability=[("mon", "08:00", "09:40")]),
            # Only a session from 09:05 (off the 15-minute grid) would fit this one.
            client("offgrid", availability=[("mon", "09:05", "10:00")]),
        ],
    )
    plan = solved(w)
    assert plan.sessions == ()
    assert placed(plan) == set()


def test_rule_1_candidates_start_only_on_the_grid_inside_opening_hours():
    w = week(venues=[venue(open=[("mon", "09:00", "12:00")])], clients=[client()])
    before_opening = ("reformer", "hitchin-studio", at("mon", "08:45"))
    off_grid = ("reformer", "hitchin-studio", at("mon", "09:05"))
    past_closing = ("reformer", "hitchin-studio", at("mon", "11:30"))
    slots = candidate_slots(w, step=5, extra=[before_opening, off_grid, past_closing])
    starts = {s.start for s in slots}
    assert starts == {at("mon", "09:00") + 15 * n for n in range(9)}
    assert all(s.room in w.venue_by_id[s.venue].rooms for s in slots)


def test_rule_2_instructor_teaches_only_their_types_where_and_when_available():
    w = week(
        venues=[venue("hitchin"), venue("baldock")],
        instructors=[
            instructor("jo", teaches=["reformer"], availability=[("mon", "09:00", "10:00")]),
            instructor(
                "sam", teaches=["mat"], availability=[("mon", "09:00", "10:00", ["baldock"])]
            ),
        ],
        clients=[
            client("mat-at-hitchin", wants=[want("mat")], availability=MONDAY_9_TO_10),
            client("reformer-tuesday", availability=[("tue", "09:00", "10:00")]),
            client("reformer-monday", availability=MONDAY_9_TO_10),
        ],
    )
    plan = solved(w)
    assert placed(plan) == {"reformer-monday"}
    assert [s.instructor for s in plan.sessions] == ["jo"]


def test_rule_3_sessions_in_one_room_never_overlap():
    w = week(
        instructors=[instructor("jo", teaches=["reformer"]), instructor("sam", teaches=["mat"])],
        clients=[
            client("c1", availability=MONDAY_9_TO_10),
            client("c2", wants=[want("mat")], availability=MONDAY_9_TO_10),
        ],
    )
    plan = solved(w)
    assert len(plan.sessions) == 1
    assert len(placed(plan)) == 1


def test_rule_4_instructor_needs_the_travel_time_between_venues():
    w = week(
        venues=[venue("hitchin"), venue("baldock")],
        travel={("hitchin", "baldock"): 30},
        clients=[
            client("c1", venues=["hitchin"], availability=MONDAY_9_TO_10),
            client("c2", venues=["baldock"], availability=[("mon", "10:00", "10:50")]),
        ],
    )
    plan = solved(w)
    assert len(placed(plan)) == 1


def test_rule_4_instructor_never_serves_venues_without_listed_travel_on_one_day():
    w = week(
        venues=[venue("hitchin"), venue("baldock")],
        clients=[
            client("c1", venues=["hitchin"], availability=[("mon", "09:00", "10:00")]),
            client("c2", venues=["baldock"], availability=[("mon", "16:00", "17:00")]),
        ],
    )
    plan = solved(w)
    assert len(placed(plan)) == 1


def test_rule_4_instructor_never_overlaps_and_keeps_daily_and_weekly_minutes():
    two_rooms = venue(rooms=[room("hitchin-studio"), room("hitchin-hall", reformers=3)])
    w = week(
        venues=[two_rooms],
        instructors=[instructor(max_day_minutes=100, max_week_minutes=150)],
        clients=[
            client("same-time-1", availability=MONDAY_9_TO_10),
            client("same-time-2", wants=[want("mat")], availability=MONDAY_9_TO_10),
            client("monday-later", availability=[("mon", "12:00", "13:00")]),
            client("monday-evening", availability=[("mon", "17:00", "18:00")]),
            client("tuesday", availability=[("tue", "09:00", "10:00")]),
            client("wednesday", availability=[("wed", "09:00", "10:00")]),
        ],
    )
    plan = solved(w)
    assert sum(s.end - s.start for s in plan.sessions) <= 150
    assert len(plan.sessions) == 3


def test_rule_5_capacity_is_the_reformers_in_service():
    machines = [reformer("R1"), reformer("R2"), reformer("R3", in_service=False)]
    w = week(
        venues=[venue(rooms=[room(reformers=machines, mat_spaces=1)])],
        clients=[client(f"c{n}", availability=MONDAY_9_TO_10) for n in range(4)]
        + [client(f"m{n}", wants=[want("mat")], availability=MONDAY_9_TO_10) for n in range(2)],
    )
    plan = solved(w)
    assert len(plan.sessions) == 1
    held = len(plan.allocations)
    assert held == (2 if plan.sessions[0].class_type == "reformer" else 1)


def test_rule_5_one_to_one_holds_one_client():
    w = week(
        clients=[
            client(f"c{n}", wants=[want("121-reformer")], availability=MONDAY_9_TO_10)
            for n in range(3)
        ],
    )
    plan = solved(w)
    assert len(plan.allocations) == 1


def test_rule_6_session_runs_only_with_min_size():
    monday_or_tuesday = [("mon", "09:00", "10:00"), ("tue", "09:00", "10:00")]
    w = week(
        class_types=[class_type("reformer", min_size=3)],
        clients=[
            client("mon-1", availability=MONDAY_9_TO_10),
            client("mon-2", availability=MONDAY_9_TO_10),
            client("either", availability=monday_or_tuesday),
            client("tue-1", availability=[("tue", "09:00", "10:00")]),
            client("tue-2", availability=[("tue", "09:00", "10:00")]),
        ],
    )
    plan = solved(w)
    # Two classes of two would hold four; only one class of three may run.
    assert len(plan.sessions) == 1
    assert len(plan.allocations) == 3


def test_rule_6_pinned_session_runs_below_min_size():
    pinned = pinned_session(day="mon", start="09:00")
    w = week(
        class_types=[class_type("reformer", min_size=3)],
        clients=[client("c1", availability=MONDAY_9_TO_10)],
        pinned_sessions=[pinned],
    )
    plan = solved(w)
    assert [s.id for s in plan.sessions] == [pinned.id]
    assert placed(plan) == {"c1"}


def test_rule_7_client_placed_only_where_they_can_go():
    w = week(
        venues=[venue("hitchin"), venue("baldock")],
        class_types=[
            class_type("reformer", levels=["advanced"]),
            class_type("mat"),
            class_type("back-care-mat", requires_clearance=True),
        ],
        travel={("hitchin", "baldock"): 15},
        clients=[
            client("fits", level="advanced", availability=MONDAY_9_TO_10),
            client(
                "wrong-venue", venues=["baldock"], level="advanced", availability=MONDAY_9_TO_10
            ),
            client("wrong-hours", level="advanced", availability=[("mon", "10:00", "11:00")]),
            client("wrong-level", level="beginner", availability=MONDAY_9_TO_10),
            client(
                "not-wanted", level="advanced", wants=[want("mat")], availability=MONDAY_9_TO_10
            ),
            client("no-clearance", wants=[want("back-care-mat")], availability=MONDAY_9_TO_10),
        ],
        instructors=[
            instructor(
                teaches=["reformer", "back-care-mat"],
                availability=[("mon", "09:00", "10:00", ["hitchin"])],
            )
        ],
    )
    plan = solved(w)
    assert placed(plan) == {"fits"}


@pytest.mark.slow
def test_rule_8_client_sessions_never_overlap_and_keep_daily_and_weekly_limits():
    two_rooms = venue(rooms=[room("hitchin-studio"), room("hitchin-hall")])
    w = week(
        venues=[two_rooms],
        instructors=[instructor("jo", teaches=["reformer"]), instructor("sam", teaches=["mat"])],
        clients=[
            client(
                "overlap",
                wants=[want("reformer"), want("mat")],
                max_per_day=2,
                availability=MONDAY_9_TO_10,
            ),
            client(
                "one-a-day",
                wants=[want("reformer", 2)],
                availability=[("tue", "09:00", "12:00")],
            ),
            client("once-a-week", wants=[want("mat", 1)]),
        ],
    )
    plan = solved(w)
    count = {c: sum(a.client == c for a in plan.allocations) for c in placed(plan)}
    assert count == {"overlap": 1, "one-a-day": 1, "once-a-week": 1}


def class_types_in_order(plan: Plan, client_id: str) -> list[str]:
    """The class types of a client's sessions, earliest first."""
    sessions = {s.id: s for s in plan.sessions}
    theirs = [sessions[a.session] for a in plan.allocations if a.client == client_id]
    return [s.class_type for s in sorted(theirs, key=lambda s: s.start)]


def intro_week(*clients: Client) -> Week:
    """Jo teaches the group reformer class (two clients make it run), Sam the 1-2-1s."""
    return week(
        class_types=[class_type("reformer", min_size=2), class_type("121-reformer")],
        instructors=[
            instructor("jo", teaches=["reformer"]),
            instructor("sam", teaches=["121-reformer"]),
        ],
        clients=clients,
    )


def test_rule_9_intro_client_joins_group_only_after_their_one_to_one():
    both_days = [("mon", "09:00", "10:00"), ("tue", "09:00", "10:00")]
    w = intro_week(
        client(
            "new",
            needs_intro=True,
            priority=3,
            wants=[want("reformer"), want("121-reformer")],
            availability=both_days,
        ),
        # The group can only run on Monday, with both: before any Tuesday intro.
        client("regular", availability=MONDAY_9_TO_10),
    )
    plan = solved(w)
    group = {a.client for a in plan.allocations if "121" not in a.session}
    assert "new" not in group


def test_rule_9_intro_client_can_join_group_after_an_earlier_intro():
    both_days = [("mon", "09:00", "10:00"), ("tue", "09:00", "10:00")]
    w = week(
        class_types=[class_type("reformer", min_size=2), class_type("121-reformer")],
        clients=[
            client(
                "new",
                needs_intro=True,
                wants=[want("reformer"), want("121-reformer")],
                availability=both_days,
            ),
            client("regular", availability=[("tue", "09:00", "10:00")]),
        ],
    )
    plan = solved(w)
    assert class_types_in_order(plan, "new") == ["121-reformer", "reformer"]


def test_rule_9_one_intro_opens_every_later_group_that_day_and_none_before_it():
    morning = [("mon", "09:00", "13:00")]
    w = intro_week(
        client(
            "new",
            needs_intro=True,
            max_per_day=3,
            wants=[want("reformer", 2), want("121-reformer")],
            availability=morning,
        ),
        client("regular", max_per_day=2, wants=[want("reformer", 2)], availability=morning),
    )
    plan = solved(w)
    assert class_types_in_order(plan, "new") == ["121-reformer", "reformer", "reformer"]


def test_rule_10_each_client_has_a_reformer_carrying_what_they_need():
    machines = [
        reformer("R1"),
        reformer("R2", features=["raised"]),
        reformer("R3", features=["raised"], in_service=False),
    ]
    w = week(
        venues=[venue(rooms=[room(reformers=machines)])],
        clients=[
            client("raised-1", needs=["raised"], priority=2, availability=MONDAY_9_TO_10),
            client("raised-2", needs=["raised"], priority=2, availability=MONDAY_9_TO_10),
            client("plain", availability=MONDAY_9_TO_10),
        ],
    )
    plan = solved(w)
    raised = [a for a in plan.allocations if a.client.startswith("raised")]
    assert len(raised) == 1
    assert raised[0].reformer == "R2"
    assert "plain" in placed(plan)


def test_rule_11_pinned_sessions_and_places_are_kept_to_the_reformer():
    pinned = pinned_session(day="mon", start="09:00")
    nobody_comes = pinned_session(day="sun", start="07:00")
    w = week(
        venues=[venue(rooms=[room(reformers=[reformer("R1"), reformer("R2")])])],
        clients=[
            client("kept", priority=1, availability=MONDAY_9_TO_10),
            client("better-1", priority=3, availability=MONDAY_9_TO_10),
            client("better-2", priority=3, availability=MONDAY_9_TO_10),
        ],
        pinned_sessions=[pinned, nobody_comes],
        pinned_allocations=[pinned_allocation("kept", pinned, reformer="R2")],
    )
    plan = solved(w)
    assert sorted((s.id, s.start, s.instructor) for s in plan.sessions) == [
        (pinned.id, at("mon", "09:00"), "jo"),
        (nobody_comes.id, at("sun", "07:00"), "jo"),
    ]
    kept = [a for a in plan.allocations if a.client == "kept"]
    assert [(a.session, a.reformer) for a in kept] == [(pinned.id, "R2")]


def test_rule_11_fixed_timetable_runs_no_other_session():
    pinned = pinned_session(day="mon", start="09:00")
    w = week(
        clients=[
            client("c1", availability=MONDAY_9_TO_10),
            client("c2", availability=[("tue", "09:00", "10:00")]),
        ],
        pinned_sessions=[pinned],
        only_pinned_sessions=True,
    )
    plan = solved(w)
    assert [s.id for s in plan.sessions] == [pinned.id]
    assert placed(plan) == {"c1"}


@pytest.mark.parametrize("number", range(1, len(HARD_RULES) + 1))
def test_hard_rules_are_listed_in_spec_order(number):
    rule = HARD_RULES[number - 1]
    assert rule.number == number
    if rule.add is not None:
        assert rule.add.__name__ == f"add_rule_{number}_{rule.name}"
