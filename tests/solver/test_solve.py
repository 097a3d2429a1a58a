"""The optimiser on the example weeks and on re-solves: exact, valid, lexicographic."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scheduler.formats.week import read_week_file
from solver.baselines.flow import min_cost_flow_optimum
from solver.checker import check_claims, check_plan
from solver.domain import PinnedAllocation, PinnedSession, Plan, Week
from solver.solve import LEVELS, NoPlanError, Progress, SolveOptions, solve
from tests.builders import (
    REPO_ROOT,
    allocation,
    client,
    instructor,
    pinned_allocation,
    pinned_session,
    plan,
    room,
    session,
    venue,
    want,
    week,
)

EXAMPLES = REPO_ROOT.parent / "shared" / "examples"


def example(name: str) -> Week:
    path = EXAMPLES / name
    assert path.exists(), f"example week {path} is missing"
    return read_week_file(path)


def valid(w: Week, plan: Plan) -> Plan:
    assert check_plan(w, plan) == []
    assert check_claims(w, plan) == []
    return plan


def test_fixed_studio_week_reaches_the_min_cost_flow_optimum_proven():
    w = example("studio-fixed.json")
    plan = valid(w, solve(w, time_limit=20, workers=2))
    assert plan.status == "OPTIMAL"
    assert plan.objective.priority_places == min_cost_flow_optimum(w)
    assert plan.bound == plan.objective.priority_places


@pytest.mark.slow
def test_small_studio_week_solves_to_a_valid_plan_within_its_bound():
    w = example("studio-small.json")
    seen: list[Progress] = []
    plan = valid(w, solve(w, time_limit=8, workers=2, on_progress=seen.append))
    assert plan.allocations
    assert plan.objective.priority_places <= plan.bound
    assert seen and seen[0].stage.endswith("priority_places")
    assert plan.solve_seconds < 8 + 5


@pytest.mark.slow
def test_every_want_short_of_its_places_is_explained():
    w = example("studio-small.json")
    plan = valid(w, solve(w, time_limit=5, workers=2))
    missing = {u.client: u.missing for u in plan.unplaced}
    given = {c.id: 0 for c in w.clients}
    for a in plan.allocations:
        given[a.client] += 1
    for c in w.clients:
        short = sum(x.per_week for x in c.wants) - given[c.id]
        assert (short > 0) == (c.id in missing)


@pytest.mark.slow
def test_resolve_keeps_every_pinned_place_to_the_reformer():
    w = example("studio-small.json")
    first = valid(w, solve(w, time_limit=5, workers=2))
    pinned = tuple(
        PinnedSession(s.id, s.class_type, s.room, s.start, s.instructor) for s in first.sessions
    )
    places = tuple(PinnedAllocation(a.client, a.session, a.reformer) for a in first.allocations)
    again = replace(w, pinned_sessions=pinned, pinned_allocations=places)
    second = valid(again, solve(again, time_limit=5, workers=2, hint=first))
    kept = {(a.client, a.session, a.reformer) for a in second.allocations}
    assert {(a.client, a.session, a.reformer) for a in places} <= kept
    assert second.objective.priority_places >= first.objective.priority_places


@pytest.mark.slow
def test_hint_of_a_previous_plan_is_used_and_the_plan_stays_valid():
    w = example("studio-small.json")
    first = valid(w, solve(w, time_limit=5, workers=2))
    second = valid(w, solve(w, time_limit=5, workers=2, hint=first))
    assert second.objective.priority_places >= first.objective.priority_places


def test_priority_places_come_before_preferences_and_teaching_minutes():
    # One instructor, one hour: a class at the preferred venue with the preferred
    # instructor for the low-priority client, or a class for the high-priority one.
    w = week(
        venues=[venue("hitchin"), venue("baldock")],
        instructors=[
            instructor(
                "jo", venues=["hitchin", "baldock"], availability=[("mon", "09:00", "10:00")]
            )
        ],
        clients=[
            client(
                "likes-everything",
                priority=1,
                venues=["hitchin"],
                prefers_venues=["hitchin"],
                prefers_instructors=["jo"],
                availability=[("mon", "09:00", "10:00")],
            ),
            client(
                "member", priority=3, venues=["baldock"], availability=[("mon", "09:00", "10:00")]
            ),
        ],
    )
    plan = valid(w, solve(w, time_limit=5, workers=2))
    assert {a.client for a in plan.allocations} == {"member"}
    assert plan.objective.preference_points == 0
    assert plan.status == "OPTIMAL"


def test_more_places_are_worth_more_teaching_minutes():
    w = week(
        clients=[
            client("monday", availability=[("mon", "09:00", "10:00")]),
            client("tuesday", availability=[("tue", "09:00", "10:00")]),
        ],
    )
    plan = valid(w, solve(w, time_limit=5, workers=2))
    assert len(plan.sessions) == 2


def test_fewest_teaching_minutes_when_places_and_preferences_are_equal():
    w = week(
        clients=[client(f"c{n}", wants=[want("reformer")]) for n in range(3)],
    )
    plan = valid(w, solve(w, time_limit=5, workers=2))
    assert len(plan.allocations) == 3
    assert len(plan.sessions) == 1


def test_new_sessions_get_readable_ids_and_pinned_ones_keep_theirs():
    pinned = pinned_session(day="tue", start="09:30", id="my-own-id")
    w = week(
        clients=[
            client("c1", availability=[("mon", "09:00", "10:00")]),
            client("c2", availability=[("tue", "09:30", "10:30")]),
        ],
        pinned_sessions=[pinned],
        pinned_allocations=[pinned_allocation("c2", pinned)],
    )
    plan = valid(w, solve(w, time_limit=5, workers=2))
    assert sorted(s.id for s in plan.sessions) == ["mon-0900-hitchin-studio-reformer", "my-own-id"]


def test_pinned_places_that_cannot_all_be_kept_are_refused():
    pinned = pinned_session(day="mon", start="09:00")
    w = week(
        clients=[client("c1", availability=[("tue", "09:00", "10:00")])],
        pinned_sessions=[pinned],
        pinned_allocations=[pinned_allocation("c1", pinned)],
    )
    with pytest.raises(NoPlanError):
        solve(w, time_limit=5, workers=2)


@pytest.mark.slow
def test_places_on_the_timetable_found_are_the_best_that_timetable_allows():
    w = example("studio-small.json")
    plan = valid(w, solve(w, time_limit=8, workers=2))
    fixed = replace(
        w,
        pinned_sessions=tuple(
            PinnedSession(s.id, s.class_type, s.room, s.start, s.instructor) for s in plan.sessions
        ),
        only_pinned_sessions=True,
    )
    exact = valid(fixed, solve(fixed, time_limit=20, workers=2))
    assert exact.status == "OPTIMAL"
    assert plan.objective.priority_places == exact.objective.priority_places


@pytest.mark.slow
def test_a_whole_model_solve_that_finds_nothing_keeps_searching():
    # No hourly timetable, and a first whole-model solve far too short to find a plan.
    options = SolveOptions(coarse_timetable=False, whole_model_share=1e-6)
    w = example("studio.json")
    plan = valid(w, solve(w, time_limit=20, workers=1, options=options))
    assert plan.objective.priority_places > 0


def test_a_hint_naming_what_the_week_no_longer_has_is_ignored_for_those_entries():
    w = week(clients=[client("c1"), client("c2")])
    known = session(day="mon", start="09:30")
    gone = [
        session(day="tue", start="09:30", room="hitchin-hall"),
        session("stretch", day="wed", start="09:30"),
        session(day="thu", start="09:30", instructor="sam"),
    ]
    hint = plan(
        [known, *gone],
        [allocation("c1", known, "R9"), allocation("gone", known, "R1")]
        + [allocation("c2", s, "R1") for s in gone],
    )
    found = valid(w, solve(w, time_limit=5, workers=2, hint=hint))
    assert {a.client for a in found.allocations} == {"c1", "c2"}


def _one_place_for_two(missed_weeks: int) -> Week:
    """One reformer, one class: two clients of equal priority want the place; the one
    who has not missed out prefers the venue and the instructor."""
    return week(
        venues=[venue("hitchin", rooms=[room(reformers=1)])],
        instructors=[instructor("jo", availability=[("mon", "09:00", "10:00")])],
        clients=[
            client("missed-out", missed_weeks=missed_weeks),
            client("likes-it", prefers_venues=["hitchin"], prefers_instructors=["jo"]),
        ],
    )


def test_the_last_place_goes_to_the_client_who_missed_out_before_preferences():
    w = _one_place_for_two(missed_weeks=2)
    plan = valid(w, solve(w, time_limit=5, workers=2))
    assert [a.client for a in plan.allocations] == ["missed-out"]
    assert plan.objective.fairness_points == 2
    assert plan.objective.preference_points == 0
    assert plan.status == "OPTIMAL"


def test_a_week_where_nobody_missed_out_solves_as_without_the_fairness_level(monkeypatch):
    w = _one_place_for_two(missed_weeks=0)
    plan = valid(w, solve(w, time_limit=5, workers=2))
    monkeypatch.setattr(
        "solver.solve.LEVELS", tuple(lv for lv in LEVELS if lv.name != "fairness_points")
    )
    without = valid(w, solve(w, time_limit=5, workers=2))
    assert plan.objective == without.objective
    assert [a.client for a in plan.allocations] == ["likes-it"]
    assert plan.status == without.status == "OPTIMAL"
