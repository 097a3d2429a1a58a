"""First come, first served: the booking-system baseline keeps every rule and books in order."""

from hypothesis import given, settings

from solver.baselines.fcfs import fcfs_plan
from solver.checker import check_plan
from tests.builders import (
    class_type,
    client,
    pinned_allocation,
    pinned_session,
    reformer,
    room,
    session,
    venue,
    want,
    week,
)
from tests.strategies import small_weeks


def places(plan, client_id):
    """The session ids a client is placed in."""
    return sorted(a.session for a in plan.allocations if a.client == client_id)


def booked(w, timetable=None):
    plan = fcfs_plan(w, timetable)
    assert check_plan(w, plan) == []
    return plan


def fixed_week(sessions, clients, **kwargs):
    return week(clients=clients, pinned_sessions=sessions, only_pinned_sessions=True, **kwargs)


def test_earlier_sign_up_takes_the_last_place_even_when_a_later_client_pays_more():
    one_to_one = pinned_session("121-reformer", "mon", "09:30")
    w = fixed_week(
        [one_to_one],
        [
            client("first", wants=[want("121-reformer")], priority=1),
            client("second", wants=[want("121-reformer")], priority=3),
        ],
    )

    plan = booked(w)

    assert places(plan, "first") == [one_to_one.id]
    assert places(plan, "second") == []
    assert plan.objective.priority_places == 1
    assert plan.status == "FEASIBLE" and plan.bound is None


def test_each_client_takes_the_earliest_places_that_fit_on_separate_days():
    monday, tuesday, wednesday = (
        pinned_session("reformer", day, "09:30") for day in ("mon", "tue", "wed")
    )
    monday_late = pinned_session("reformer", "mon", "18:00")
    w = fixed_week(
        [wednesday, monday_late, tuesday, monday],
        [client("c1", wants=[want("reformer", 2)])],
    )

    plan = booked(w)

    assert places(plan, "c1") == sorted([monday.id, tuesday.id])


def test_client_is_only_booked_inside_their_hours_and_venues():
    hitchin_am = pinned_session("reformer", "mon", "09:30")
    hitchin_pm = pinned_session("reformer", "mon", "18:00")
    w = fixed_week(
        [hitchin_am, hitchin_pm],
        [
            client("evenings", availability=[("mon", "17:00", "21:00")]),
            client("elsewhere", venues=["baldock"]),
        ],
        venues=[venue("hitchin"), venue("baldock")],
    )

    plan = booked(w)

    assert places(plan, "evenings") == [hitchin_pm.id]
    assert places(plan, "elsewhere") == []


def test_intro_client_books_the_one_to_one_first_and_group_classes_only_after_it():
    group_monday = pinned_session("reformer", "mon", "09:30")
    intro_tuesday = pinned_session("121-reformer", "tue", "09:30")
    group_wednesday = pinned_session("reformer", "wed", "09:30")
    w = fixed_week(
        [group_monday, intro_tuesday, group_wednesday],
        [client("new", needs_intro=True, wants=[want("reformer"), want("121-reformer")])],
    )

    plan = booked(w)

    assert places(plan, "new") == sorted([intro_tuesday.id, group_wednesday.id])


def test_client_needing_a_raised_reformer_is_booked_only_where_one_is_free():
    studio = room(reformers=[reformer("R1", ["raised"]), reformer("R2"), reformer("R3")])
    monday = pinned_session("reformer", "mon", "09:30")
    tuesday = pinned_session("reformer", "tue", "09:30")
    w = fixed_week(
        [monday, tuesday],
        [client("a", needs=["raised"]), client("b", needs=["raised"])],
        venues=[venue(rooms=[studio])],
    )

    plan = booked(w)

    assert places(plan, "a") == [monday.id]
    assert places(plan, "b") == [tuesday.id]
    assert {a.reformer for a in plan.allocations} == {"R1"}


def test_pinned_places_are_booked_before_anyone_signs_up():
    one_to_one = pinned_session("121-reformer", "mon", "09:30")
    w = fixed_week(
        [one_to_one],
        [
            client("first", wants=[want("121-reformer")]),
            client("kept", wants=[want("121-reformer")]),
        ],
        pinned_allocations=[pinned_allocation("kept", one_to_one)],
    )

    plan = booked(w)

    assert places(plan, "kept") == [one_to_one.id]
    assert places(plan, "first") == []


def test_session_under_its_minimum_is_cancelled_and_its_clients_are_not_rebooked():
    types = [class_type("reformer", min_size=2), class_type("121-reformer")]
    monday = session("reformer", "mon", "09:30")
    tuesday = session("reformer", "tue", "09:30")
    w = week(
        class_types=types,
        clients=[
            client("both_days", wants=[want("reformer")]),
            *(client(f"tuesday_only{i}", availability=[("tue", "07:00", "21:00")]) for i in (1, 2)),
        ],
    )

    plan = booked(w, [monday, tuesday])

    assert [s.id for s in plan.sessions] == [tuesday.id]
    assert places(plan, "both_days") == []
    assert places(plan, "tuesday_only1") == places(plan, "tuesday_only2") == [tuesday.id]


def test_pinned_session_under_its_minimum_still_runs():
    types = [class_type("reformer", min_size=3), class_type("121-reformer")]
    monday = pinned_session("reformer", "mon", "09:30")
    w = fixed_week([monday], [client("c1")], class_types=types)

    plan = booked(w)

    assert places(plan, "c1") == [monday.id]


def test_group_place_of_an_intro_client_goes_when_their_one_to_one_is_cancelled():
    types = [class_type("reformer"), class_type("121-reformer", min_size=2, max_size=2)]
    intro = session("121-reformer", "mon", "09:30")
    group = session("reformer", "tue", "09:30")
    w = week(
        class_types=types,
        clients=[client("new", needs_intro=True, wants=[want("121-reformer"), want("reformer")])],
    )

    plan = booked(w, [intro, group])

    assert places(plan, "new") == []


def test_fcfs_plan_explains_every_want_it_leaves_unmet():
    one_to_one = pinned_session("121-reformer", "mon", "09:30")
    w = fixed_week(
        [one_to_one],
        [client(c, wants=[want("121-reformer")]) for c in ("first", "second")],
    )

    plan = booked(w)

    assert [(u.client, u.missing) for u in plan.unplaced] == [("second", 1)]
    assert plan.unplaced[0].reasons == ("Monday 09:30 121-reformer at Hitchin is full",)


@settings(max_examples=80, deadline=None)
@given(small_weeks())
def test_fcfs_plans_keep_every_rule_on_any_small_week(week_and_timetable):
    w, timetable = week_and_timetable

    plan = booked(w, timetable)

    missing = {(u.client, u.class_types): u.missing for u in plan.unplaced}
    for c in w.clients:
        for wish in c.wants:
            given = sum(
                1
                for a in plan.allocations
                if a.client == c.id
                and next(s for s in plan.sessions if s.id == a.session).class_type
                in wish.class_types
            )
            assert missing.get((c.id, wish.class_types), 0) == wish.per_week - given
