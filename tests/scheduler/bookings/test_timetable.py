"""The public timetable as the week stands: a cancelled place is a space, a booked one is not."""

from __future__ import annotations

from datetime import date, timedelta

from scheduler.bookings.booking import book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.policy import save_policy
from scheduler.bookings.timetable import week_timetable
from scheduler.bookings.waitlist import join_waitlist
from tests.scheduler.bookings.life_seed import (
    NOW,
    THURSDAY,
    TUESDAY,
    WEEK_START,
    checked_live,
    publish_life_week,
)

MONDAY = date.fromisoformat(WEEK_START)


def spaces(db, now=NOW) -> dict[str, tuple[int, int, int]]:
    """Each class's places taken, spaces left and clients waiting."""
    table = week_timetable(session=db, week_start=MONDAY, now=now)
    return {s.id: (s.taken, s.spaces_left, s.waiting) for s in table.sessions}


def drop_ins(db) -> None:
    save_policy(session=db, cancel_cutoff_hours=12, makeup_valid_weeks=4, drop_ins=True)


def test_spaces_count_the_plan_less_cancellations_plus_bookings(db_session):
    publish_life_week(db_session)
    assert spaces(db_session) == {TUESDAY.id: (3, 0, 0), THURSDAY.id: (1, 2, 0)}

    cancel_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=NOW)
    assert spaces(db_session)[TUESDAY.id] == (2, 1, 0)

    drop_ins(db_session)
    book_space(session=db_session, client_key="c5", session_key=THURSDAY.id, now=NOW)
    assert spaces(db_session)[THURSDAY.id] == (2, 1, 0)
    checked_live(db_session)


def test_a_full_class_says_how_many_wait(db_session):
    publish_life_week(db_session)
    drop_ins(db_session)
    for client in ("c5", "c6"):
        join_waitlist(session=db_session, client_key=client, session_key=TUESDAY.id, now=NOW)

    assert spaces(db_session)[TUESDAY.id] == (3, 0, 2)


def test_a_client_is_told_their_classes_those_they_gave_up_and_those_they_wait_for(db_session):
    publish_life_week(db_session)
    drop_ins(db_session)
    join_waitlist(session=db_session, client_key="c5", session_key=TUESDAY.id, now=NOW)
    cancel_place(session=db_session, client_key="c4", session_key=THURSDAY.id, now=NOW)

    def marks(client: str):
        return week_timetable(
            session=db_session, week_start=MONDAY, client_key=client, now=NOW
        ).client

    assert marks("c1").holding == {TUESDAY.id}
    assert marks("c4").given_up == {THURSDAY.id} and not marks("c4").holding
    assert marks("c5").waiting == {TUESDAY.id}
    assert week_timetable(session=db_session, week_start=MONDAY, now=NOW).client is None


def test_a_client_may_book_with_a_credit_or_where_the_studio_takes_drop_ins(db_session):
    publish_life_week(db_session)

    def may_book(client: str) -> bool:
        table = week_timetable(session=db_session, week_start=MONDAY, client_key=client, now=NOW)
        return table.client.may_book

    assert not may_book("c1")
    cancel_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=NOW)
    assert may_book("c1") and not may_book("c5")
    drop_ins(db_session)
    assert may_book("c5")


def test_a_class_that_has_started_says_so(db_session):
    publish_life_week(db_session)
    wednesday = NOW + timedelta(days=4)

    table = week_timetable(session=db_session, week_start=MONDAY, now=wednesday)

    assert {s.id: s.started for s in table.sessions} == {TUESDAY.id: True, THURSDAY.id: False}


def test_a_client_is_offered_only_the_classes_their_rules_allow(db_session):
    publish_life_week(db_session, c5={"availability": [("thu", "07:00", "21:00")]})
    drop_ins(db_session)

    def fits(client: str) -> frozenset[str]:
        table = week_timetable(session=db_session, week_start=MONDAY, client_key=client, now=NOW)
        return table.client.fits

    assert fits("c5") == {THURSDAY.id}
    assert fits("c6") == {TUESDAY.id, THURSDAY.id}
    assert fits("c1") == {THURSDAY.id}
