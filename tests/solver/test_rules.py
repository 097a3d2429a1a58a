"""The rules' single checks (`solver.rules`): candidate generation, the model, the
explanations and the checker all agree with them, case by case."""

from __future__ import annotations

import pytest

from solver.candidates import candidate_slots
from solver.checker import check_plan
from solver.domain import Client, Week
from solver.explain import explain_unplaced
from solver.rules import (
    rule_1_on_grid_inside_open_window,
    rule_7_client_can_go,
)
from solver.solve import NoPlanError, solve
from tests.builders import (
    allocation,
    at,
    class_type,
    client,
    pinned_allocation,
    pinned_session,
    plan,
    session_of,
    venue,
    want,
    week,
)

MONDAY_9_TO_10 = [("mon", "09:00", "10:00")]
BACK_CARE = "back-care"

# (who, the client, the class type of the Monday 09:00 session at Hitchin)
RULE_7_CASES = [
    ("fits", client(level="advanced", availability=MONDAY_9_TO_10), "reformer"),
    (
        "wrong venue",
        client(venues=["baldock"], level="advanced", availability=MONDAY_9_TO_10),
        "reformer",
    ),
    ("wrong hours", client(level="advanced", availability=[("mon", "10:00", "11:00")]), "reformer"),
    ("wrong level", client(level="beginner", availability=MONDAY_9_TO_10), "reformer"),
    (
        "not wanted",
        client(level="advanced", wants=[want("mat")], availability=MONDAY_9_TO_10),
        "reformer",
    ),
    ("not cleared", client(wants=[want(BACK_CARE)], availability=MONDAY_9_TO_10), BACK_CARE),
    (
        "cleared",
        client(wants=[want(BACK_CARE)], cleared=True, availability=MONDAY_9_TO_10),
        BACK_CARE,
    ),
]


def _week(c: Client, pinned: bool = False) -> Week:
    """Hitchin and Baldock; a Monday 09:00 session of each class type at Hitchin if pinned."""
    sessions = [pinned_session(t, "mon", "09:00") for t in ("reformer", BACK_CARE)]
    return week(
        venues=[venue("hitchin"), venue("baldock")],
        class_types=[
            class_type("reformer", levels=["advanced"]),
            class_type("mat"),
            class_type(BACK_CARE, requires_clearance=True),
        ],
        travel={("hitchin", "baldock"): 15},
        clients=[c],
        pinned_sessions=sessions if pinned else [],
    )


def _holds(w: Week, c: Client, type_id: str) -> bool:
    start = at("mon", "09:00")
    t = w.class_type_by_id[type_id]
    return rule_7_client_can_go(c, t, "hitchin", start, start + t.minutes)


def test_the_rule_7_cases_include_both_outcomes():
    outcomes = {_holds(_week(c), c, t) for _, c, t in RULE_7_CASES}
    assert outcomes == {True, False}


@pytest.mark.parametrize(("who", "c", "type_id"), RULE_7_CASES, ids=[x[0] for x in RULE_7_CASES])
def test_rule_7_candidates_list_a_client_exactly_where_the_rule_lets_them_in(who, c, type_id):
    w = _week(c)
    key = (type_id, "hitchin-studio", at("mon", "09:00"))
    slots = candidate_slots(w, step=w.grid_minutes)
    listed = any(c.id in s.clients for s in slots if s.key == key)
    assert listed == _holds(w, c, type_id)


@pytest.mark.parametrize(("who", "c", "type_id"), RULE_7_CASES, ids=[x[0] for x in RULE_7_CASES])
def test_rule_7_the_model_keeps_a_pinned_place_exactly_where_the_rule_allows_it(who, c, type_id):
    w = _week(c, pinned=True)
    [pinned] = [p for p in w.pinned_sessions if p.class_type == type_id]
    pinned_w = week(
        venues=w.venues,
        class_types=w.class_types,
        travel={("hitchin", "baldock"): 15},
        clients=[c],
        pinned_sessions=[pinned],
        pinned_allocations=[pinned_allocation(c.id, pinned)],
        only_pinned_sessions=True,
    )
    if _holds(w, c, type_id):
        assert [a.client for a in solve(pinned_w, time_limit=2).allocations] == [c.id]
    else:
        with pytest.raises(NoPlanError):
            solve(pinned_w, time_limit=2)


@pytest.mark.parametrize(("who", "c", "type_id"), RULE_7_CASES, ids=[x[0] for x in RULE_7_CASES])
def test_rule_7_the_checker_and_the_explanations_agree_with_the_rule(who, c, type_id):
    w = _week(c, pinned=True)
    [pinned] = [p for p in w.pinned_sessions if p.class_type == type_id]
    s = session_of(pinned, w)
    placed = plan([s], [allocation(c.id, s, "R1")])
    broken = {v.rule for v in check_plan(w, placed)}
    assert (7 not in broken) == _holds(w, c, type_id)
    [unplaced] = explain_unplaced(w, plan([s]))
    offered = any("has a free place for you" in reason for reason in unplaced.reasons)
    assert offered == _holds(w, c, type_id)


def test_rule_1_holds_only_on_the_grid_inside_an_open_window():
    w = week(venues=[venue(open=[("mon", "09:00", "12:00")])])
    hitchin = w.venues[0]

    def fits(day: str, start: str, minutes: int = 50) -> bool:
        begins = at(day, start)
        return rule_1_on_grid_inside_open_window(w, hitchin, begins, begins + minutes)

    assert fits("mon", "09:00") and fits("mon", "11:00", 60)
    assert not fits("mon", "09:05")  # off the 15-minute grid
    assert not fits("mon", "08:45")  # before opening
    assert not fits("mon", "11:15")  # past closing
    assert not fits("tue", "09:00")  # closed that day
