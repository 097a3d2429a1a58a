"""Where a client's place can move: the classes they fit ranked by the week's figures, each on
a reformer carrying their needs, and the classes they do not fit with what is in the way.

Every moved plan a test makes passes the checker.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from scheduler.planning.edits import move_client
from scheduler.planning.errors import FieldRefused, PlanningError
from scheduler.planning.moves import MoveChoices, move_choices
from scheduler.store.plans import load_stored_plan
from solver.checker import check_plan
from solver.domain import Allocation, Plan, Week
from tests import builders as b
from tests import move_seed as seed
from tests.stored import publish


@pytest.fixture
def moving_ann(db_session) -> tuple[int, MoveChoices]:
    """The move week published; where Ann's Monday place can go."""
    plan_id = publish(db_session, seed.move_week(), seed.move_plan())
    choices = move_choices(
        session=db_session, plan_id=plan_id, client=seed.ANN, from_session=seed.MONDAY.id
    )
    return plan_id, choices


def moved(week: Week, plan: Plan, client: str, from_session: str, to: Allocation) -> Plan:
    """`plan` with the client's place in `from_session` replaced by `to`; checked."""
    kept = [a for a in plan.allocations if (a.client, a.session) != (client, from_session)]
    after = replace(plan, allocations=(*kept, to))
    assert check_plan(week, after) == []
    return after


def move_ann(db, plan_id: int, to_session: str, reformer: str | None = None) -> Plan:
    """Move Ann's Monday place as the owner does; the draft it is in, checked."""
    draft = move_client(
        session=db,
        plan_id=plan_id,
        client=seed.ANN,
        from_session=seed.MONDAY.id,
        to_session=to_session,
        reformer=reformer,
    )
    after = load_stored_plan(session=db, plan_id=draft.id)
    assert check_plan(seed.move_week(), after) == []
    return after


def reasons_by_class(choices: MoveChoices) -> dict[str, tuple[str, ...]]:
    return {u.target.session.id: u.reasons for u in choices.not_fitting}


def test_the_classes_a_client_fits_come_best_first_by_the_weeks_figures(moving_ann):
    _plan_id, choices = moving_ann

    ranked = [c.target.session.id for c in choices.choices]

    assert ranked == [seed.WEDNESDAY.id, seed.TUESDAY.id, seed.SUNDAY_MAT.id]
    best = choices.choices[0]
    assert (best.effect.preference_points, best.effect.priority_places) == (1, 0)
    assert best.effect.words == "+1 preference point"
    assert (best.preferred, choices.choices[1].preferred) == (("Kim Lee",), ())
    assert choices.choices[1].effect.words == "the week's figures stay as they are"
    figures = [
        (c.effect.after.priority_places, c.effect.after.preference_points) for c in choices.choices
    ]
    assert figures == sorted(figures, reverse=True)


def test_each_choice_is_on_a_reformer_carrying_the_clients_needs_and_keeps_every_rule(moving_ann):
    _plan_id, choices = moving_ann
    week, plan = seed.move_week(), seed.move_plan()

    for choice in choices.choices:
        target = choice.target
        if target.uses_reformers:
            assert choice.reformer in {"H2", "H3"} and choice.reformer_features == ("raised",)
        else:
            assert choice.reformer is None
        moved(
            week,
            plan,
            seed.ANN,
            seed.MONDAY.id,
            Allocation(seed.ANN, target.session.id, choice.reformer),
        )


def test_the_classes_a_client_does_not_fit_are_apart_with_what_is_in_the_way(moving_ann):
    _plan_id, choices = moving_ann

    assert reasons_by_class(choices) == {
        seed.TUESDAY_LATE_MAT.id: ("outside their hours (on Tuesdays they are free 07:00–20:00)",),
        seed.THURSDAY.id: ("no free reformer carrying raised",),
        seed.FRIDAY.id: ("full (3 of 3)",),
        seed.SATURDAY.id: ("at Stevenage, not one of their venues (Hitchin)",),
    }
    friday = next(u.target for u in choices.not_fitting if u.target.session.id == seed.FRIDAY.id)
    assert friday.label == "Fri 09:30 Reformer at Hitchin"
    assert (choices.leaving, choices.needs, choices.reformer) == ((), ("raised",), "H2")


def test_the_client_may_change_to_another_free_reformer_carrying_their_needs(moving_ann):
    _plan_id, choices = moving_ann

    assert choices.reformers_here == ("H3",)


def test_moving_to_the_first_choice_gives_the_reformer_it_named(db_session, moving_ann):
    plan_id, choices = moving_ann
    best = choices.choices[0]

    after = move_ann(db_session, plan_id, best.target.session.id, best.reformer)

    assert [a for a in after.allocations if a.client == seed.ANN] == [
        Allocation(seed.ANN, seed.WEDNESDAY.id, best.reformer)
    ]
    assert after.objective.preference_points == best.effect.after.preference_points


def test_a_move_left_to_choose_the_reformer_takes_the_one_the_choices_name(db_session, moving_ann):
    plan_id, choices = moving_ann
    tuesday = next(c for c in choices.choices if c.target.session.id == seed.TUESDAY.id)

    after = move_ann(db_session, plan_id, seed.TUESDAY.id)

    assert Allocation(seed.ANN, seed.TUESDAY.id, tuesday.reformer) in after.allocations


def test_a_reformer_asked_for_in_a_mat_class_is_refused_in_words(db_session, moving_ann):
    plan_id, _choices = moving_ann

    with pytest.raises(FieldRefused, match="APPI Mat is a mat class: it has no reformers") as info:
        move_ann(db_session, plan_id, seed.SUNDAY_MAT.id, "H1")
    assert info.value.field == "reformer"


def test_a_client_with_no_place_in_the_class_has_no_moves(db_session, moving_ann):
    plan_id, _choices = moving_ann

    with pytest.raises(PlanningError, match="Eve Evans has no place in that class"):
        move_choices(
            session=db_session, plan_id=plan_id, client=seed.EVE, from_session=seed.MONDAY.id
        )


# --- Each kind of reason, worded for the owner ------------------------------------------------

STUDIO, HALL = "hitchin-studio", "hitchin-hall"
MON = b.session("reformer", "mon", "09:30")
TUE_MAT = b.session("mat", "tue", "09:30", room=HALL, instructor="kim")
TUE_CLASH = b.session("reformer", "tue", "09:45")
TUE_NOON = b.session("reformer", "tue", "12:00")
WED_121 = b.session("121-reformer", "wed", "09:30")
THU_BACK = b.session("back-care", "thu", "09:30")
FRI_ADVANCED = b.session("advanced", "fri", "09:30")
SAT_MAT = b.session("mat", "sat", "09:30", room=HALL)
SUN_SMALL = b.session("small", "sun", "09:30")
SUN_121_MAT = b.session("121-mat", "sun", "12:00", room=HALL)


def kinds_week() -> Week:
    """Zoe (a beginner with no GP clearance, one class a day) on Monday's reformer class and
    Tuesday's mat; Xia, who needs an intro, has only her 1-2-1; Yan's Monday place is pinned;
    Wen and Vic are the two a small class needs to run, Una the one of her 1-2-1 mat."""
    group = dict(min_size=0)
    class_types = [
        b.class_type("reformer", **group),
        b.class_type("mat", **group),
        b.class_type("121-reformer", min_size=0),
        b.class_type("back-care", requires_clearance=True, **group),
        b.class_type("advanced", levels=["advanced"], **group),
        b.class_type("small", min_size=2),
        b.class_type("121-mat"),
    ]
    teaches = [c.id for c in class_types]
    return b.week(
        venues=[b.venue(rooms=[b.room(STUDIO), b.room(HALL, reformers=0)], name="Hitchin")],
        class_types=class_types,
        instructors=[b.instructor("jo", teaches=teaches), b.instructor("kim", teaches=teaches)],
        clients=[
            b.client(
                "zoe",
                wants=[b.want(["reformer", "back-care", "advanced", "small"]), b.want("mat")],
            ),
            b.client("xia", needs_intro=True, wants=[b.want("121-reformer"), b.want("reformer")]),
            b.client("yan"),
            b.client("wen", wants=[b.want("small")]),
            b.client("vic", wants=[b.want("small")]),
            b.client("una", wants=[b.want("121-mat")]),
        ],
        pinned_sessions=[b.pinned_session("reformer", "mon", "09:30")],
        pinned_allocations=[b.pinned_allocation("yan", MON.id)],
    )


def kinds_plan() -> Plan:
    return b.plan(
        [MON, TUE_MAT, TUE_CLASH, TUE_NOON, WED_121, THU_BACK, FRI_ADVANCED, SAT_MAT, SUN_SMALL]
        + [SUN_121_MAT],
        [
            b.allocation("zoe", MON, "R1"),
            b.allocation("zoe", TUE_MAT),
            b.allocation("xia", WED_121, "R1"),
            b.allocation("yan", MON, "R2"),
            b.allocation("wen", SUN_SMALL, "R1"),
            b.allocation("vic", SUN_SMALL, "R2"),
            b.allocation("una", SUN_121_MAT),
        ],
    )


@pytest.fixture
def kinds(db_session):
    """The kinds week published: (where a client's place can go) for a client and class."""
    plan_id = publish(db_session, kinds_week(), kinds_plan())

    def of(client: str, session: str) -> MoveChoices:
        return move_choices(
            session=db_session, plan_id=plan_id, client=client, from_session=session
        )

    return of


def test_each_rule_in_the_way_of_a_move_is_worded_for_the_owner(kinds):
    choices = kinds("zoe", MON.id)

    one_to_one_taken = (
        "full (1 of 1)",
        "not a class they asked for (they want reformer, back-care, advanced, small, mat)",
    )
    assert reasons_by_class(choices) == {
        TUE_MAT.id: ("they already have a place in this class",),
        TUE_CLASH.id: (
            "clashes with their Tue 09:30 mat at Hitchin",
            "already has Tue 09:30 mat at Hitchin that day (at most 1 class a day)",
        ),
        TUE_NOON.id: ("already has Tue 09:30 mat at Hitchin that day (at most 1 class a day)",),
        WED_121.id: one_to_one_taken,
        SUN_121_MAT.id: one_to_one_taken,
        THU_BACK.id: ("back-care needs GP clearance, which they do not have",),
        FRI_ADVANCED.id: ("advanced is not for their level (beginner)",),
        SAT_MAT.id: ("already has the 1 mat class a week they asked for",),
    }
    assert [c.target.session.id for c in choices.choices] == [SUN_SMALL.id]


def test_a_client_who_needs_an_intro_joins_no_group_class_without_one(kinds):
    choices = kinds("xia", WED_121.id)

    assert reasons_by_class(choices)[MON.id] == (
        "intro needed: they join group classes only after a 1-2-1, and have none",
    )


def test_a_pinned_place_cannot_leave_its_class_and_no_class_is_offered(kinds):
    choices = kinds("yan", MON.id)

    assert choices.leaving == (
        "their place in Mon 09:30 reformer at Hitchin is pinned: unpin it to move them",
    )
    assert (choices.choices, choices.not_fitting) == ((), ())


def test_leaving_a_class_below_its_minimum_is_what_is_in_the_way(kinds):
    choices = kinds("wen", SUN_SMALL.id)

    assert choices.leaving == (
        "Sun 09:30 small at Hitchin would be left with 1, fewer than the 2 it needs to run"
        " (pin the class to let it run smaller)",
    )
    assert choices.choices == ()


def test_leaving_a_class_empty_is_what_is_in_the_way(kinds):
    choices = kinds("una", SUN_121_MAT.id)

    assert choices.leaving == (
        "Sun 12:00 121-mat at Hitchin would be left with nobody, and it needs 1 to run",
    )
