"""A client's week as it stands: terms of cancelling, credits, the waitlist, make-ups offered."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from scheduler.bookings.booking import BookingRefused, book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.my_week import (
    book_my_space,
    cancel_my_place,
    client_credits,
    join_my_waitlist,
    my_week,
)
from scheduler.bookings.policy import save_policy
from scheduler.bookings.waitlist import join_waitlist
from tests import builders as b
from tests.scheduler.bookings.life_seed import (
    NOW,
    THURSDAY,
    TUESDAY,
    WEEK_START,
    checked_live,
    life_plan,
    life_week,
    publish_life_week,
)
from tests.stored import publish

MONDAY = date.fromisoformat(WEEK_START)
# Monday 22:00 in London (UTC in winter): past Tuesday 09:30's cut-off of 12 hours.
MONDAY_NIGHT = NOW + timedelta(days=2, hours=12)


def week_of(db, client: str, now=NOW):
    return my_week(session=db, client_key=client, week_start=MONDAY, now=now)


def drop_ins(db) -> None:
    save_policy(session=db, cancel_cutoff_hours=12, makeup_valid_weeks=4, drop_ins=True)


# --- The terms of cancelling -------------------------------------------------------------------


def test_before_the_cut_off_a_place_is_cancelled_for_a_credit(db_session):
    publish_life_week(db_session)

    terms = week_of(db_session, "c1").terms[TUESDAY.id]

    assert not terms.late
    assert terms.words == "Cancel before Monday 21:30 to keep a make-up credit."


def test_after_the_cut_off_cancelling_is_late_and_says_there_is_no_credit(db_session):
    publish_life_week(db_session)

    terms = week_of(db_session, "c1", now=MONDAY_NIGHT).terms[TUESDAY.id]

    assert terms.late
    assert (
        terms.words == "Cancelling now is late (the cut-off was Monday 21:30): no make-up credit."
    )


def test_a_cut_off_a_week_long_names_its_date(db_session):
    publish_life_week(db_session)
    save_policy(session=db_session, cancel_cutoff_hours=168, makeup_valid_weeks=4, drop_ins=False)

    terms = week_of(db_session, "c1", now=NOW - timedelta(days=5)).terms[TUESDAY.id]

    assert terms.words == "Cancel before Tuesday 1 December 09:30 to keep a make-up credit."


def test_a_started_or_cancelled_place_has_no_terms(db_session):
    publish_life_week(db_session)
    cancel_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=NOW)

    assert TUESDAY.id not in week_of(db_session, "c1").terms
    after_tuesday = NOW + timedelta(days=3, hours=10)
    assert TUESDAY.id not in week_of(db_session, "c2", now=after_tuesday).terms


def test_a_make_up_cancelled_in_time_gives_its_credit_back(db_session):
    publish_life_week(db_session)
    cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)
    book_space(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)
    assert week_of(db_session, "c2").terms[THURSDAY.id].words == (
        "Cancel before Thursday 06:00 to have your make-up credit back."
    )

    change = cancel_my_place(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)

    assert change.message.endswith("Your make-up credit is yours to use again.")
    assert [
        c.usable for c in client_credits(session=db_session, client_key="c2", today=NOW.date())
    ] == [True]


# --- What a change says -----------------------------------------------------------------------


def test_cancelling_in_time_says_until_when_the_credit_lasts(db_session):
    publish_life_week(db_session)

    change = cancel_my_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=NOW)

    assert change.message == (
        "Your reformer at Hitchin on Tuesday 8 December at 09:30 is cancelled."
        " You have a make-up credit to use by Tuesday 5 January."
    )
    assert change.place.cancelled and not change.late


def test_cancelling_late_says_there_is_no_credit(db_session):
    publish_life_week(db_session)

    change = cancel_my_place(
        session=db_session, client_key="c1", session_key=TUESDAY.id, now=MONDAY_NIGHT
    )

    assert change.late and change.credit_expires is None
    assert change.message.endswith("It was after the cut-off, so there is no make-up credit.")


def test_booking_says_which_class_which_reformer_and_what_pays(db_session):
    publish_life_week(db_session)
    cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)

    change = book_my_space(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)

    assert change.message == (
        "You are booked into reformer at Hitchin on Thursday 10 December at 18:00,"
        " on reformer R2. Your make-up credit pays for it."
    )
    assert change.place.kind == "makeup"
    checked_live(db_session)


def test_joining_a_waitlist_says_where_the_client_stands_in_the_fair_order(db_session):
    publish_life_week(db_session, c6={"missed_weeks": 2})
    drop_ins(db_session)
    join_waitlist(session=db_session, client_key="c5", session_key=TUESDAY.id, now=NOW)

    change = join_my_waitlist(
        session=db_session, client_key="c6", session_key=TUESDAY.id, now=NOW + timedelta(hours=1)
    )

    assert change.position == 1
    assert [w.position for w in week_of(db_session, "c5").waiting] == [2]


# --- Credits ----------------------------------------------------------------------------------


def test_credits_say_what_they_were_for_what_they_paid_for_and_when_they_expire(db_session):
    publish_life_week(db_session)
    cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)
    (earned,) = client_credits(session=db_session, client_key="c2", today=NOW.date())
    assert earned.earned_for == "reformer at Hitchin on Tuesday 8 December at 09:30"
    assert earned.usable and earned.expires_on == date(2027, 1, 5)

    book_space(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)

    (used,) = client_credits(session=db_session, client_key="c2", today=NOW.date())
    assert used.used_for == "reformer at Hitchin on Thursday 10 December at 18:00"
    assert not used.usable


def test_a_credit_past_its_last_day_is_expired(db_session):
    publish_life_week(db_session)
    cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)

    (credit,) = client_credits(session=db_session, client_key="c2", today=date(2027, 1, 6))

    assert credit.expired and not credit.usable


# --- The make-ups offered ---------------------------------------------------------------------


def test_with_a_credit_the_classes_with_a_space_are_offered_and_each_can_be_booked(db_session):
    publish_life_week(db_session)
    cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)

    mine = week_of(db_session, "c2")

    assert mine.may_book
    assert [o.session_id for o in mine.offers] == [THURSDAY.id]
    assert mine.offers[0].spaces_left == 2
    book_space(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)
    checked_live(db_session)


def test_without_a_credit_or_drop_ins_nothing_is_offered(db_session):
    publish_life_week(db_session)

    mine = week_of(db_session, "c5")

    assert not mine.may_book and mine.offers == ()


def test_drop_ins_offer_the_classes_with_a_space_in_the_clients_hours(db_session):
    publish_life_week(db_session, c6={"availability": [("mon", "07:00", "21:00")]})
    drop_ins(db_session)

    assert [o.session_id for o in week_of(db_session, "c5").offers] == [THURSDAY.id]
    assert week_of(db_session, "c6").offers == ()


def test_a_class_on_a_day_the_client_has_all_the_classes_they_take_is_not_offered(db_session):
    evening = b.session("reformer", "tue", "18:00")
    for n, max_per_day in enumerate((1, 2)):
        monday = MONDAY + timedelta(weeks=n)
        week = replace(life_week(c1={"max_per_day": max_per_day}), week_start=monday.isoformat())
        plan = replace(
            life_plan(),
            sessions=(*life_plan().sessions, evening),
            allocations=(*life_plan().allocations, b.allocation("c5", evening, "R1")),
        )
        publish(db_session, week, plan)
    drop_ins(db_session)

    def offered(monday: date) -> list[str]:
        mine = my_week(session=db_session, client_key="c1", week_start=monday, now=NOW)
        return [o.session_id for o in mine.offers]

    assert offered(MONDAY) == [THURSDAY.id]
    assert offered(MONDAY + timedelta(weeks=1)) == [evening.id, THURSDAY.id]


def test_a_class_that_has_started_is_not_offered(db_session):
    publish_life_week(db_session)
    drop_ins(db_session)

    after_thursday = NOW + timedelta(days=5, hours=9)

    assert week_of(db_session, "c5", now=after_thursday).offers == ()


def test_nobody_waits_for_a_one_to_one(db_session):
    intro = b.session("121-reformer", "wed", "10:00")
    plan = replace(
        life_plan(),
        sessions=(*life_plan().sessions, intro),
        allocations=(*life_plan().allocations, b.allocation("c6", intro, "R1")),
    )
    publish(db_session, life_week(c6={"wants": [b.want("121-reformer")]}), plan)
    drop_ins(db_session)

    with pytest.raises(BookingRefused) as refused:
        join_my_waitlist(session=db_session, client_key="c5", session_key=intro.id, now=NOW)

    assert refused.value.reason == "rules"
    assert "1-2-1" in refused.value.message
