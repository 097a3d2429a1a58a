"""A solve of a published week keeps its life: booked places stand, cancelled ones stay given up."""

from __future__ import annotations

from scheduler.bookings.booking import book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.core import models
from scheduler.planning.solving import solve_week
from tests.scheduler.bookings.life_seed import (
    NOW,
    THURSDAY,
    TUESDAY,
    WEEK_START,
    checked_live,
    publish_life_week,
)


def test_a_solve_keeps_a_make_up_and_every_standing_place_and_leaves_the_cancelled_one(db_session):
    publish_life_week(db_session, c2={"max_per_day": 2})
    cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)
    book_space(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)
    before = {
        (a.client, a.session, a.reformer) for a in checked_live(db_session).now_plan.allocations
    }
    solve_week(session=db_session, week_start=WEEK_START, time_limit=5, publish=True)
    live = checked_live(db_session)
    after = {(a.client, a.session, a.reformer) for a in live.plan.allocations}
    assert before <= after
    assert ("c2", TUESDAY.id) not in {(a.client, a.session) for a in live.now_plan.allocations}


def test_a_make_up_given_up_after_a_solve_kept_it_leaves_the_week(db_session):
    publish_life_week(db_session, c2={"max_per_day": 2})
    cancel_place(session=db_session, client_key="c2", session_key=TUESDAY.id, now=NOW)
    book_space(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)
    solve_week(session=db_session, week_start=WEEK_START, time_limit=5, publish=True)
    cancel_place(session=db_session, client_key="c2", session_key=THURSDAY.id, now=NOW)
    live = checked_live(db_session)
    assert ("c2", THURSDAY.id) in {(a.client, a.session) for a in live.plan.allocations}
    assert ("c2", THURSDAY.id) not in {(a.client, a.session) for a in live.now_plan.allocations}


def test_a_drop_in_that_met_an_unmet_want_meets_it_and_a_solve_adds_no_other(db_session):
    publish_life_week(db_session)
    db_session.add(models.StudioPolicy(drop_ins=True))
    db_session.commit()
    book_space(session=db_session, client_key="c5", session_key=THURSDAY.id, now=NOW)
    live = checked_live(db_session)
    want = next(w for w in live.now_week.client_by_id["c5"].wants if "reformer" in w.class_types)
    assert want.per_week == 1
    solve_week(session=db_session, week_start=WEEK_START, time_limit=5, publish=True)
    live = checked_live(db_session)
    assert [a.session for a in live.now_plan.allocations if a.client == "c5"] == [THURSDAY.id]
