"""The owner's words: a refusal names the class, the client and what is in the way; a
reason for an unmet want speaks of the client; how close a plan is to the best, in words.

Each plan here is made to break a rule on purpose: the checker finds how, and the
words are built from what it finds.
"""

from __future__ import annotations

from dataclasses import replace

from scheduler.core.names import week_names
from scheduler.core.words import closeness, reason_group, reason_words, refusals
from solver.checker import check_plan
from solver.domain import Reason
from solver.explain import explain_unplaced
from tests import builders as b

TUESDAY_MORNING = [("tue", "09:00", "12:00")]
TUESDAY_EVENING = [("tue", "17:30", "21:00")]


def stevenage(reformers=2, out=()):
    """Stevenage's studio with `reformers` machines, those in `out` out of service."""
    machines = [b.reformer(f"S{i}", in_service=f"S{i}" not in out) for i in range(1, reformers + 1)]
    return b.venue(
        "stevenage", rooms=[b.room("stevenage-studio", reformers=machines)], name="Stevenage"
    )


def the_week(clients, reformers=2, out=(), **kwargs):
    return b.week(
        venues=[stevenage(reformers, out)],
        class_types=[b.class_type("reformer", name="Reformer")],
        instructors=[b.instructor("claire", venues=["stevenage"], name="Claire Whitfield")],
        clients=clients,
        **kwargs,
    )


def at_stevenage(day, start, minutes=None):
    """Claire's reformer class in Stevenage's studio."""
    return b.session(
        "reformer",
        day,
        start,
        room="stevenage-studio",
        venue="stevenage",
        instructor="claire",
        minutes=minutes,
    )


TUE = at_stevenage("tue", "10:30")
TUE_CLASS = "Tue 10:30 Reformer at Stevenage"


def said(w, p):
    """The plan's refusal sentences for the week, each with its rule."""
    return [(r.text, r.rule) for r in refusals(check_plan(w, p), w, p)]


def test_a_full_class_and_a_client_not_free_then_are_said_once_each_by_name():
    clients = [
        b.client("c1", venues=["stevenage"], availability=TUESDAY_MORNING, name="Ann Archer"),
        b.client("c2", venues=["stevenage"], availability=TUESDAY_MORNING, name="Ben Baker"),
        b.client("c3", venues=["stevenage"], availability=TUESDAY_EVENING, name="Amy Moore"),
    ]
    w = the_week(clients)
    moved_in = b.plan(
        [TUE],
        [b.allocation("c1", TUE, "S1"), b.allocation("c2", TUE, "S2"), b.allocation("c3", TUE)],
    )

    assert said(w, moved_in) == [
        (f"{TUE_CLASS} is full (2 of 2)", 5),
        (f"Amy Moore is not free for {TUE_CLASS} (free on Tuesday only 17:30–21:00)", 7),
    ]


def test_a_class_short_of_reformers_says_how_many_are_in_service():
    clients = [b.client(f"c{i}", venues=["stevenage"], name=f"Client {i}") for i in (1, 2, 3)]
    w = the_week(clients, reformers=3, out=("S3",))
    too_many = b.plan(
        [TUE], [b.allocation(f"c{i}", TUE, f"S{i}") for i in (1, 2)] + [b.allocation("c3", TUE)]
    )

    assert said(w, too_many) == [
        (f"{TUE_CLASS} would have 3 clients and only 2 reformers in service", 5)
    ]


def test_a_reformer_out_of_service_under_several_places_is_one_sentence():
    clients = [b.client(f"c{i}", venues=["stevenage"], name=f"Client {i}") for i in (1, 2)]
    w = the_week(clients, out=("S1",))
    wed = at_stevenage("wed", "10:30")
    on_s1 = b.plan([TUE, wed], [b.allocation("c1", TUE, "S1"), b.allocation("c2", wed, "S1")])

    assert said(w, on_s1) == [
        (
            "Reformer S1 would be out of service, and 2 places stand on it: Client 1 in"
            f" {TUE_CLASS} and Client 2 in Wed 10:30 Reformer at Stevenage",
            10,
        )
    ]


def test_an_instructor_over_their_day_is_told_in_hours():
    long = b.class_type("reformer", minutes=120, name="Reformer")
    w = replace(
        the_week([b.client(c, venues=["stevenage"]) for c in ("c1", "c2")]),
        class_types=(long,),
        instructors=(
            b.instructor("claire", venues=["stevenage"], max_day_minutes=150, name="Claire"),
        ),
    )
    morning, afternoon = at_stevenage("tue", "09:00", 120), at_stevenage("tue", "14:00", 120)
    p = b.plan(
        [morning, afternoon],
        [b.allocation("c1", morning, "S1"), b.allocation("c2", afternoon, "S1")],
    )

    assert said(w, p) == [
        ("Claire would teach 4 h on Tuesday, over the 2 h 30 min a day they may teach", 4)
    ]


def test_a_reason_speaks_of_the_client_and_names_the_classes():
    w = the_week([b.client("c1", venues=["stevenage"])])
    names = week_names(w)
    full = Reason("full", sessions=(TUE.id,), more=4)

    assert reason_words(full, names, {TUE.id: TUE}) == (
        f"{TUE_CLASS} and 4 other classes that fit them are full"
    )
    assert reason_words(Reason("day_at_limit", day=1, count=1), names, {}) == (
        "they already have 1 class on Tuesday, as many as they take a day"
    )


def test_a_full_class_of_clients_who_missed_out_more_says_so_and_is_grouped_as_full():
    names = week_names(the_week([]))
    why = Reason("full_missed_more", sessions=(TUE.id,))

    assert reason_words(why, names, {TUE.id: TUE}) == (
        f"{TUE_CLASS} is full, with clients of the same priority who have missed out on more"
        " weeks lately"
    )
    assert reason_group((why,)) == "full"


def test_the_owner_reads_the_same_facts_the_client_reads_in_their_own_words():
    c = b.client("c1", venues=["stevenage"], wants=[b.want("reformer")], cleared=False)
    w = replace(
        the_week([c]),
        class_types=(b.class_type("reformer", requires_clearance=True, name="Back Care"),),
    )
    (unmet,) = explain_unplaced(w, b.plan([]))

    assert unmet.reasons == ("Back Care needs GP clearance",)
    assert [reason_words(r, week_names(w), {}) for r in unmet.why] == [
        "Back Care needs GP clearance, which they do not have"
    ]


def test_a_want_with_no_class_in_its_hours_is_grouped_by_why_none_could_run():
    why = (Reason("no_class_in_hours", class_types=("reformer",)), Reason("instructors_busy"))
    assert reason_group(why) == "instructors_busy"
    assert reason_group(why[:1]) == "no_class_in_hours"
    assert reason_group((Reason("intro_first", minute=600),)) == "intro"


def test_closeness_says_the_best_possible_plan_and_what_its_bound_is_of():
    assert closeness(700, 700) == (
        "This is the best possible plan.",
        "700: no plan gives more priority places (places counted by each client's priority)",
    )
    sentence, bound = closeness(661, 661, kept=271)
    assert sentence == "This is the best possible plan that keeps the 271 places carried over."
    assert bound.startswith("661: no plan that keeps the 271 places carried over gives more")
    assert closeness(714, 739)[0] == (
        "The best possible plan gives at most 25 more places, each counted by its client's"
        " priority."
    )
    assert closeness(714, 715, pinned=True)[0].startswith(
        "The best possible plan that keeps the pinned classes and places gives at most 1 more"
        " place,"
    )
    assert closeness(10, None)[0].startswith("How close this plan is to the best possible is not")
