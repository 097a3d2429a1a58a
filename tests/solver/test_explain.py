"""Explanations of unmet wants: each reason is read off the week and the plan."""

from solver.checker import check_plan
from solver.domain import Reason
from solver.explain import explain_unplaced
from solver.solve import solve
from tests.builders import (
    allocation,
    class_type,
    client,
    instructor,
    pinned_session,
    plan,
    reformer,
    room,
    session,
    session_of,
    venue,
    want,
    week,
)


def fixed(sessions, clients, **kwargs):
    """A fixed week running `sessions`, and its plan sessions."""
    w = week(clients=clients, pinned_sessions=sessions, only_pinned_sessions=True, **kwargs)
    return w, [session_of(p, w) for p in sessions]


def explained(w, p):
    """The unplaced wants of a plan that keeps every rule."""
    assert check_plan(w, p) == []
    return explain_unplaced(w, p)


def reasons_of(w, p, client_id):
    (unmet,) = [u for u in explained(w, p) if u.client == client_id]
    return unmet.reasons


def test_fully_met_wants_are_not_listed_and_missing_counts_the_shortfall():
    monday = pinned_session("reformer", "mon", "09:30")
    w, sessions = fixed(
        [monday],
        [client("met"), client("short", wants=[want("reformer", 3)])],
    )
    p = plan(sessions, [allocation("met", monday.id, "R1"), allocation("short", monday.id, "R2")])

    (unmet,) = explained(w, p)

    assert (unmet.client, unmet.class_types, unmet.missing) == ("short", ("reformer",), 2)
    assert unmet.reasons == ("no other reformer class at your venues during your hours",)


def test_no_class_at_your_venues_during_your_hours_on_a_fixed_timetable():
    monday_morning = pinned_session("reformer", "mon", "09:30")
    w, sessions = fixed(
        [monday_morning],
        [client("evenings", availability=[("mon", "17:00", "21:00")])],
    )

    assert reasons_of(w, plan(sessions), "evenings") == (
        "no reformer class at your venues during your hours",
    )


def test_full_classes_are_named_with_day_time_type_and_venue():
    one_to_one = pinned_session("121-reformer", "tue", "18:00")
    types = [class_type("121-reformer", name="1-2-1 Reformer")]
    w, sessions = fixed(
        [one_to_one],
        [client("in", wants=[want("121-reformer")]), client("out", wants=[want("121-reformer")])],
        class_types=types,
    )
    p = plan(sessions, [allocation("in", one_to_one.id, "R1")])

    assert reasons_of(w, p, "out") == ("Tuesday 18:00 1-2-1 Reformer at Hitchin is full",)


def test_beyond_three_full_classes_the_rest_are_counted_in_words_and_as_facts():
    days = ("mon", "tue", "wed", "thu", "fri")
    sessions_pinned = [pinned_session("121-reformer", day, "09:30") for day in days]
    w, sessions = fixed(
        sessions_pinned,
        [client(f"in{i}", wants=[want("121-reformer")]) for i in range(5)]
        + [client("out", wants=[want("121-reformer")])],
    )
    p = plan(sessions, [allocation(f"in{i}", s.id, "R1") for i, s in enumerate(sessions_pinned)])

    reasons = reasons_of(w, p, "out")

    assert reasons[:3] == tuple(
        f"{d} 09:30 121-reformer at Hitchin is full" for d in ("Monday", "Tuesday", "Wednesday")
    )
    assert reasons[3] == "2 other classes that fit you are full"
    (unmet,) = [u for u in explained(w, p) if u.client == "out"]
    assert unmet.why == (Reason("full", sessions=tuple(s.id for s in sessions_pinned[:3]), more=2),)


def _one_place(*clients):
    """A fixed week whose one 1-2-1 class on Tuesday all `clients` want, and that class."""
    one_to_one = pinned_session("121-reformer", "tue", "18:00")
    types = [class_type("121-reformer", name="1-2-1 Reformer")]
    w, _ = fixed([one_to_one], list(clients), class_types=types)
    return w, one_to_one


def test_a_place_given_to_a_client_who_missed_out_on_more_weeks_says_so():
    w, one_to_one = _one_place(
        client("lately-missed", wants=[want("121-reformer")], missed_weeks=2),
        client("kept-up", wants=[want("121-reformer")], missed_weeks=1),
    )

    the_plan = solve(w, time_limit=2, workers=1)

    assert [a.client for a in the_plan.allocations] == ["lately-missed"]
    (unmet,) = explained(w, the_plan)
    assert unmet.client == "kept-up"
    assert unmet.reasons == (
        "Tuesday 18:00 1-2-1 Reformer at Hitchin is full: its places went first to clients"
        " who have missed out on more weeks lately",
    )
    assert unmet.why == (Reason("full_missed_more", sessions=(one_to_one.id,)),)


def test_a_full_class_of_higher_priority_or_no_more_missed_weeks_is_only_full():
    for holder in (
        client("member", wants=[want("121-reformer")], priority=3, missed_weeks=2),
        client("same", wants=[want("121-reformer")], missed_weeks=1),
    ):
        w, one_to_one = _one_place(
            holder, client("short", wants=[want("121-reformer")], missed_weeks=1)
        )
        p = plan([session_of(one_to_one, w)], [allocation(holder.id, one_to_one.id, "R1")])

        assert reasons_of(w, p, "short") == ("Tuesday 18:00 1-2-1 Reformer at Hitchin is full",)


def test_back_care_needs_gp_clearance():
    types = [class_type("back-care", equipment="mat", requires_clearance=True, name="Back Care")]
    back_care = pinned_session("back-care", "mon", "09:30")
    w, sessions = fixed([back_care], [client("c1", wants=[want("back-care")])], class_types=types)

    assert reasons_of(w, plan(sessions), "c1") == ("Back Care needs GP clearance",)


def test_class_type_not_offered_at_the_clients_level():
    types = [
        class_type("reformer-advanced", levels=["improver", "advanced"], name="Reformer Advanced")
    ]
    advanced = pinned_session("reformer-advanced", "mon", "09:30")
    w, sessions = fixed(
        [advanced], [client("c1", wants=[want("reformer-advanced")])], class_types=types
    )

    assert reasons_of(w, plan(sessions), "c1") == (
        "Reformer Advanced is not offered at your level (beginner)",
    )


def test_no_raised_reformer_free_when_the_only_one_is_taken():
    studio = room(reformers=[reformer("R1", ["raised"]), reformer("R2"), reformer("R3")])
    monday = pinned_session("reformer", "mon", "09:30")
    w, sessions = fixed(
        [monday],
        [client("first", needs=["raised"]), client("second", needs=["raised"])],
        venues=[venue(rooms=[studio])],
    )
    p = plan(sessions, [allocation("first", monday.id, "R1")])

    assert reasons_of(w, p, "second") == (
        "no raised reformer free in your hours",
        "no raised reformer is free in Monday 09:30 reformer at Hitchin",
    )


def test_no_reformer_at_the_clients_venues_carries_what_they_need():
    monday = pinned_session("reformer", "mon", "09:30")
    w, sessions = fixed([monday], [client("c1", needs=["tower"])])

    assert reasons_of(w, plan(sessions), "c1") == ("no tower reformer at your venues",)


def test_intro_client_without_a_one_to_one_is_told_one_is_needed_first():
    one_to_one = pinned_session("121-reformer", "mon", "09:30")
    group = pinned_session("reformer", "tue", "09:30")
    w, sessions = fixed(
        [one_to_one, group],
        [
            client("other", wants=[want("121-reformer")]),
            client("new", needs_intro=True, wants=[want("121-reformer"), want("reformer")]),
        ],
    )
    p = plan(sessions, [allocation("other", one_to_one.id, "R1")])

    unmet = {u.class_types: u.reasons for u in explained(w, p) if u.client == "new"}

    assert unmet[("121-reformer",)] == ("Monday 09:30 121-reformer at Hitchin is full",)
    assert unmet[("reformer",)] == ("an intro 1-2-1 is needed first and none fits",)


def test_intro_client_told_group_classes_must_follow_their_one_to_one():
    group = pinned_session("reformer", "mon", "09:30")
    one_to_one = pinned_session("121-reformer", "tue", "09:30")
    w, sessions = fixed(
        [group, one_to_one],
        [client("new", needs_intro=True, wants=[want("121-reformer"), want("reformer")])],
    )
    p = plan(sessions, [allocation("new", one_to_one.id, "R1")])

    assert reasons_of(w, p, "new") == (
        "group classes must come after your intro 1-2-1, which ends Tuesday 10:20",
    )


def test_a_day_at_max_per_day_is_named():
    mat = pinned_session("mat", "mon", "09:30")
    evening = pinned_session("reformer", "mon", "18:00")
    w, sessions = fixed([mat, evening], [client("c1", wants=[want("mat"), want("reformer")])])
    p = plan(sessions, [allocation("c1", mat.id)])

    assert reasons_of(w, p, "c1") == ("you already have 1 class on Monday",)


def test_a_clash_with_the_clients_other_class_is_named():
    studio = room("hitchin-studio")
    gym = room("hitchin-gym")
    mat = pinned_session("mat", "mon", "09:30", room="hitchin-gym")
    overlapping = pinned_session("reformer", "mon", "10:00", instructor="ann")
    instructors = [
        instructor("jo", teaches=["mat"]),
        instructor("ann", teaches=["reformer"]),
    ]
    w, sessions = fixed(
        [mat, overlapping],
        [client("c1", max_per_day=2, wants=[want("mat"), want("reformer")])],
        venues=[venue(rooms=[studio, gym])],
        instructors=instructors,
    )
    p = plan(sessions, [allocation("c1", mat.id)])

    assert reasons_of(w, p, "c1") == (
        "it clashes with your other class on Monday 09:30 mat at Hitchin",
    )


def test_a_class_with_room_left_is_named_as_a_free_place():
    monday = pinned_session("reformer", "mon", "09:30")
    w, sessions = fixed([monday], [client("c1")])

    assert reasons_of(w, plan(sessions), "c1") == (
        "Monday 09:30 reformer at Hitchin has a free place for you",
    )


def test_open_week_without_an_instructor_in_the_clients_hours():
    w = week(
        clients=[client("evenings", availability=[("mon", "17:00", "21:00")])],
        instructors=[instructor(availability=[("mon", "07:00", "12:00")])],
    )

    assert reasons_of(w, plan(), "evenings") == (
        "no reformer class at your venues during your hours",
        "no instructor is available at your venues in your hours",
    )


def test_open_week_where_the_venue_is_closed_in_the_clients_hours():
    w = week(
        venues=[venue(open=[("mon", "07:00", "12:00")])],
        clients=[client("evenings", availability=[("mon", "17:00", "21:00")])],
    )

    assert reasons_of(w, plan(), "evenings")[1] == "your venues are closed during your hours"


def test_open_week_where_the_instructor_teaches_elsewhere_in_the_clients_hours():
    types = [class_type("reformer"), class_type("mat", min_size=1)]
    w = week(
        venues=[venue(rooms=[room("hitchin-studio"), room("hitchin-gym", reformers=0)])],
        class_types=types,
        clients=[
            client("mat_fan", wants=[want("mat")]),
            client("c1", availability=[("mon", "09:00", "10:30")]),
        ],
    )
    mat = session("mat", "mon", "09:30", room="hitchin-gym")
    p = plan([mat], [allocation("mat_fan", mat)])

    assert reasons_of(w, p, "c1")[1] == (
        "the instructors available in your hours are teaching other classes then"
    )


def test_open_week_where_a_class_could_run_but_would_be_under_its_minimum():
    types = [class_type("reformer", min_size=3)]
    w = week(class_types=types, clients=[client("c1")])

    assert reasons_of(w, plan(), "c1") == (
        "no reformer class at your venues during your hours",
        "reformer classes need at least 3 clients to run",
    )


def test_open_week_where_no_room_at_the_clients_venues_holds_the_class():
    w = week(
        venues=[venue(rooms=[room(reformers=0)])],
        clients=[client("c1")],
    )

    assert reasons_of(w, plan(), "c1")[1] == "no room at your venues can hold reformer classes"


def test_open_week_where_a_class_for_one_could_run_names_when():
    w = week(
        clients=[
            client("c1", wants=[want("121-reformer")], availability=[("tue", "18:00", "21:00")])
        ]
    )

    assert (
        reasons_of(w, plan(), "c1")[1]
        == "a 121-reformer class could run for you Tuesday 18:00 at Hitchin"
    )
