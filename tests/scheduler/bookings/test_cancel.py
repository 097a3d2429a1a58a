"""Cancelling one place for one date: in time a credit, late none, and the waitlist served."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from scheduler.bookings.booking import BookingRefused, ClassNotFound, book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.waitlist import join_waitlist
from scheduler.core import models
from tests.scheduler.bookings.life_seed import (
    NOW,
    THURSDAY,
    TUESDAY,
    checked_live,
    publish_life_week,
)


def rows(db, model) -> list:
    return list(db.exec(select(model)).all())


def test_a_cancellation_before_the_cut_off_frees_the_place_and_earns_a_credit(db_session):
    publish_life_week(db_session)
    outcome = cancel_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=NOW)
    assert not outcome.late
    assert outcome.credit_expires is not None
    live = checked_live(db_session)
    assert ("c1", TUESDAY.id) not in {(a.client, a.session) for a in live.now_plan.allocations}
    assert len(rows(db_session, models.MakeupCredit)) == 1


def test_a_cancellation_after_the_cut_off_is_late_and_earns_nothing(db_session):
    publish_life_week(db_session)
    just_before = NOW + timedelta(days=2, hours=14)
    outcome = cancel_place(
        session=db_session, client_key="c1", session_key=TUESDAY.id, now=just_before
    )
    assert outcome.late and outcome.credit_expires is None
    assert len(rows(db_session, models.MakeupCredit)) == 0
    assert rows(db_session, models.Cancellation)[0].late


def test_another_clients_place_cannot_be_cancelled(db_session):
    publish_life_week(db_session)
    with pytest.raises(ClassNotFound):
        cancel_place(session=db_session, client_key="c5", session_key=TUESDAY.id, now=NOW)


def test_the_freed_space_goes_to_the_fairest_waiting_client(db_session):
    publish_life_week(db_session, c5={"missed_weeks": 0}, c6={"missed_weeks": 2})
    db_session.add(models.StudioPolicy(drop_ins=True))
    db_session.commit()
    join_waitlist(session=db_session, client_key="c5", session_key=TUESDAY.id, now=NOW)
    join_waitlist(
        session=db_session, client_key="c6", session_key=TUESDAY.id, now=NOW + timedelta(minutes=5)
    )
    outcome = cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)
    assert [p.client for p in outcome.placed] == ["c6"]
    live = checked_live(db_session)
    assert ("c6", TUESDAY.id) in {(a.client, a.session) for a in live.now_plan.allocations}


def test_a_make_up_booked_with_the_credit_keeps_every_rule(db_session):
    publish_life_week(db_session, c2={"max_per_day": 2})
    cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)
    booking = book_space(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)
    assert booking.kind == "makeup" and booking.credit_id is not None
    assert booking.reformer == "R2"
    checked_live(db_session)
    with pytest.raises(BookingRefused) as refused:
        book_space(session=db_session, client_key="c3", session_key=THURSDAY.id, now=NOW)
    assert refused.value.reason == "no_credit"


def test_a_full_class_cannot_be_booked(db_session):
    publish_life_week(db_session)
    db_session.add(models.StudioPolicy(drop_ins=True))
    db_session.commit()
    with pytest.raises(BookingRefused) as refused:
        book_space(session=db_session, client_key="c5", session_key=TUESDAY.id, now=NOW)
    assert refused.value.reason == "full"


def test_a_class_every_client_gave_up_still_runs_and_keeps_every_rule(db_session):
    publish_life_week(db_session)
    cancel_place(session=db_session, client_key="c4", session_key=THURSDAY.id, now=NOW)
    live = checked_live(db_session)
    assert THURSDAY.id in {s.id for s in live.now_plan.sessions}
    assert not [a for a in live.now_plan.allocations if a.session == THURSDAY.id]


def test_a_credit_pays_only_for_a_booking_made_after_it_was_earned(db_session):
    publish_life_week(db_session, c2={"max_per_day": 2})
    cancel_place(
        session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW + timedelta(hours=1)
    )
    with pytest.raises(BookingRefused) as refused:
        book_space(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)
    assert refused.value.reason == "no_credit"
