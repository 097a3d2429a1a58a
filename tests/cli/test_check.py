"""`reformer check week.json plan.json`: every broken rule printed with the session and
client concerned, the three objective figures, and an exit code that says which."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.formats.files import write_json
from scheduler.formats.plan import plan_to_json
from scheduler.formats.week import week_to_json
from solver.checker import HARD_RULES, check_plan, measure_objective
from solver.domain import Plan, Week
from tests.builders import (
    allocation,
    class_type,
    client,
    instructor,
    pinned_session,
    plan,
    room,
    session,
    session_of,
    venue,
    want,
    week,
)


@dataclass(frozen=True)
class Case:
    """A week, a valid plan, and a plan breaking one rule, naming the session and client."""

    week: Week
    valid: Plan
    broken: Plan
    session: str = ""
    client: str = ""


def run_check(tmp_path: Path, w: Week, p: Plan, *, claims: bool = True):
    """`reformer check` on files; the plan states its true objective unless `claims` is False."""
    if claims:
        p = replace(p, objective=measure_objective(w, p))
    write_json(week_to_json(w), tmp_path / "week.json")
    write_json(plan_to_json(p), tmp_path / "plan.json")
    return CliRunner().invoke(
        cli, ["check", str(tmp_path / "week.json"), str(tmp_path / "plan.json")]
    )


def rule_1() -> Case:
    w = week(clients=[client("c1")])
    good, off_grid = session(start="09:30"), session(start="09:40")
    return Case(
        w,
        valid=plan([good], [allocation("c1", good, "R1")]),
        broken=plan([off_grid], [allocation("c1", off_grid, "R1")]),
        session=off_grid.id,
    )


def rule_2() -> Case:
    w = week(
        clients=[client("c1")], instructors=[instructor("jo", teaches=["mat"]), instructor("ann")]
    )
    good, wrong = session(instructor="ann"), session(instructor="jo")
    return Case(
        w,
        valid=plan([good], [allocation("c1", good, "R1")]),
        broken=plan([wrong], [allocation("c1", wrong, "R1")]),
        session=wrong.id,
    )


def rule_3() -> Case:
    w = week(
        clients=[client("c1"), client("c2", wants=[want("mat")])],
        instructors=[instructor("jo"), instructor("ann")],
    )
    first = session(start="09:30")
    after, clash = (
        session("mat", start="10:30", instructor="ann"),
        session("mat", start="10:00", instructor="ann"),
    )
    return Case(
        w,
        valid=plan([first, after], [allocation("c1", first, "R1"), allocation("c2", after)]),
        broken=plan([first, clash], [allocation("c1", first, "R1"), allocation("c2", clash)]),
        session=clash.id,
    )


def rule_4() -> Case:
    two_rooms = venue(rooms=[room("hitchin-studio"), room("hitchin-hall")])
    w = week(venues=[two_rooms], clients=[client("c1"), client("c2", wants=[want("mat")])])
    first = session(start="09:30")
    after = session("mat", start="10:30", room="hitchin-hall")
    clash = session("mat", start="10:00", room="hitchin-hall")
    return Case(
        w,
        valid=plan([first, after], [allocation("c1", first, "R1"), allocation("c2", after)]),
        broken=plan([first, clash], [allocation("c1", first, "R1"), allocation("c2", clash)]),
        session=clash.id,
    )


def rule_5() -> Case:
    w = week(class_types=[class_type("reformer", max_size=1)], clients=[client("c1"), client("c2")])
    s = session()
    return Case(
        w,
        valid=plan([s], [allocation("c1", s, "R1")]),
        broken=plan([s], [allocation("c1", s, "R1"), allocation("c2", s, "R2")]),
        session=s.id,
    )


def rule_6() -> Case:
    w = week(class_types=[class_type("reformer", min_size=2)], clients=[client("c1"), client("c2")])
    s = session()
    return Case(
        w,
        valid=plan([s], [allocation("c1", s, "R1"), allocation("c2", s, "R2")]),
        broken=plan([s], [allocation("c1", s, "R1")]),
        session=s.id,
    )


def rule_7() -> Case:
    w = week(clients=[client("c1", wants=[want("mat")]), client("c2")])
    mat, reformer_class = session("mat"), session(start="11:00")
    return Case(
        w,
        valid=plan([mat], [allocation("c1", mat)]),
        broken=plan([reformer_class], [allocation("c1", reformer_class, "R1")]),
        session=reformer_class.id,
        client="c1",
    )


def rule_8() -> Case:
    w = week(clients=[client("c1", wants=[want("reformer", 2)])])
    monday, tuesday, later = session(), session(day="tue"), session(start="11:00")
    return Case(
        w,
        valid=plan(
            [monday, tuesday], [allocation("c1", monday, "R1"), allocation("c1", tuesday, "R1")]
        ),
        broken=plan(
            [monday, later], [allocation("c1", monday, "R1"), allocation("c1", later, "R1")]
        ),
        client="c1",
    )


def rule_9() -> Case:
    new = client(
        "new", needs_intro=True, wants=[want("121-reformer"), want("reformer")], max_per_day=2
    )
    w = week(clients=[new])
    intro, group = session("121-reformer", start="08:00"), session(start="09:30")
    return Case(
        w,
        valid=plan(
            [intro, group], [allocation("new", intro, "R1"), allocation("new", group, "R1")]
        ),
        broken=plan([group], [allocation("new", group, "R1")]),
        session=group.id,
        client="new",
    )


def rule_10() -> Case:
    w = week(clients=[client("c1"), client("c2")])
    s = session()
    return Case(
        w,
        valid=plan([s], [allocation("c1", s, "R1"), allocation("c2", s, "R2")]),
        broken=plan([s], [allocation("c1", s, "R1"), allocation("c2", s, "R1")]),
        session=s.id,
        client="c2",
    )


def rule_11() -> Case:
    pinned = pinned_session(start="09:30")
    w = week(clients=[client("c1")], pinned_sessions=[pinned])
    kept, moved = session_of(pinned, w), session(start="10:00", id=pinned.id)
    return Case(
        w,
        valid=plan([kept], [allocation("c1", kept, "R1")]),
        broken=plan([moved], [allocation("c1", moved, "R1")]),
        session=pinned.id,
    )


CASES: dict[int, Callable[[], Case]] = {
    1: rule_1,
    2: rule_2,
    3: rule_3,
    4: rule_4,
    5: rule_5,
    6: rule_6,
    7: rule_7,
    8: rule_8,
    9: rule_9,
    10: rule_10,
    11: rule_11,
}


def test_every_hard_rule_has_a_check_command_case():
    assert sorted(CASES) == [rule.number for rule in HARD_RULES]


@pytest.mark.parametrize("number", sorted(CASES))
def test_check_passes_a_valid_plan_and_prints_its_objective(tmp_path, number):
    case = CASES[number]()
    w, valid = case.week, case.valid
    assert check_plan(w, valid) == []

    result = run_check(tmp_path, w, valid)

    assert result.exit_code == 0, result.output
    objective = measure_objective(w, valid)
    assert f"priority_places: {objective.priority_places}" in result.output
    assert f"fairness_points: {objective.fairness_points}" in result.output
    assert f"preference_points: {objective.preference_points}" in result.output
    assert f"teaching_minutes: {objective.teaching_minutes}" in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("rule ")]


@pytest.mark.parametrize("number", sorted(CASES))
def test_check_catches_a_plan_breaking_one_rule_and_names_what_broke_it(tmp_path, number):
    case = CASES[number]()
    assert {v.rule for v in check_plan(case.week, case.broken)} == {number}

    result = run_check(tmp_path, case.week, case.broken)

    assert result.exit_code == 1, result.output
    reported = [line for line in result.stdout.splitlines() if line.startswith("rule ")]
    assert reported and all(line.startswith(f"rule {number}: ") for line in reported)
    assert case.session in result.stdout and case.client in result.stdout
    assert "priority_places: " in result.stdout


def test_check_refuses_a_plan_whose_figures_are_wrong(tmp_path):
    case = rule_1()
    places = measure_objective(case.week, case.valid).priority_places
    wrong_bound = replace(case.valid, objective=measure_objective(case.week, case.valid))
    wrong_bound = replace(wrong_bound, bound=places - 1)

    result = run_check(tmp_path, case.week, wrong_bound, claims=False)

    assert result.exit_code == 1, result.output
    assert f"the plan's bound {places - 1} is below its {places} priority places" in result.stdout

    result = run_check(tmp_path, case.week, case.valid, claims=False)

    assert result.exit_code == 1, result.output
    assert f"the plan claims priority_places 0, but holds {places}" in result.stdout
    assert not [line for line in result.output.splitlines() if line.startswith("rule ")]


def test_check_refuses_a_malformed_plan_with_its_json_path(tmp_path):
    case = rule_1()
    w, valid = case.week, case.valid
    run_check(tmp_path, w, valid)
    document = plan_to_json(valid)
    document["sessions"][0]["start"] = "9:30"
    write_json(document, tmp_path / "plan.json")

    result = CliRunner().invoke(
        cli, ["check", str(tmp_path / "week.json"), str(tmp_path / "plan.json")]
    )

    assert result.exit_code == 1
    assert "$.sessions[0].start" in result.output


def test_check_refuses_a_plan_that_is_not_json(tmp_path):
    case = rule_1()
    w, valid = case.week, case.valid
    run_check(tmp_path, w, valid)
    (tmp_path / "plan.json").write_text("{not json")

    result = CliRunner().invoke(
        cli, ["check", str(tmp_path / "week.json"), str(tmp_path / "plan.json")]
    )

    assert result.exit_code == 1
    assert "$: not valid JSON" in result.output


def test_check_refuses_a_broken_week_with_its_json_path(tmp_path):
    case = rule_1()
    w, valid = case.week, case.valid
    run_check(tmp_path, w, valid)
    document = week_to_json(w)
    document["clients"][0]["venues"] = ["atlantis"]
    write_json(document, tmp_path / "week.json")

    result = CliRunner().invoke(
        cli, ["check", str(tmp_path / "week.json"), str(tmp_path / "plan.json")]
    )

    assert result.exit_code == 1
    assert "$.clients[0].venues[0]: unknown venue 'atlantis'" in result.output
