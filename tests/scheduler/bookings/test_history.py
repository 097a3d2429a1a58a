"""A client's history across weeks: attended, no-show, given up in time or late, booked."""

from __future__ import annotations

from datetime import date, timedelta

from scheduler.bookings.booking import book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.history import client_history
from scheduler.bookings.life import load_live_week
from scheduler.bookings.policy import save_policy
from scheduler.bookings.register import mark
from solver.checker import check_plan
from tests.register_seed import THURSDAY, TUESDAY, add_logins, publish_register_week

WEEKS = (date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21))


def checked(db, monday: date) -> None:
    """The week as it stands keeps every hard rule."""
    db.expire_all()
    live = load_live_week(session=db, week_start=monday)
    assert check_plan(live.now_week, live.now_plan) == []


def test_the_history_counts_and_lists_every_week_the_latest_class_first(db_session):
    a, b, c = (publish_register_week(db_session, monday) for monday in WEEKS)
    owner = add_logins(db_session)["owner"]
    save_policy(session=db_session, cancel_cutoff_hours=12, makeup_valid_weeks=4, drop_ins=True)
    days_before = timedelta(days=2)

    cancel_place(
        session=db_session,
        client_key="c1",
        session_key=TUESDAY.id,
        week_start=a.week_start,
        now=a.tuesday - days_before,
    )
    book_space(
        session=db_session,
        client_key="c1",
        session_key=THURSDAY.id,
        week_start=a.week_start,
        now=a.tuesday - days_before,
    )
    book_space(
        session=db_session,
        client_key="c1",
        session_key=THURSDAY.id,
        week_start=b.week_start,
        now=b.tuesday - days_before,
    )
    for week, session_key, said in ((a, THURSDAY.id, "attended"), (b, TUESDAY.id, "no_show")):
        mark(
            session=db_session,
            week_start=week.week_start,
            session_key=session_key,
            client_key="c1",
            mark=said,
            by_login_id=owner,
            now=week.thursday + timedelta(minutes=5),
        )
    cancel_place(
        session=db_session,
        client_key="c1",
        session_key=TUESDAY.id,
        week_start=c.week_start,
        now=c.tuesday - timedelta(hours=2),
    )
    for monday in WEEKS:
        checked(db_session, monday)

    history = client_history(session=db_session, client_key="c1", now=c.tuesday)

    assert {key: n for key, _, n in history.counts} == {
        "attended": 1,
        "no_show": 1,
        "cancelled": 1,
        "late": 1,
        "makeup": 1,
        "drop_in": 1,
        "intro": 0,
    }
    assert [(e.week_start.day, e.class_label, e.words) for e in history.entries] == [
        (21, "Tue 09:30 Reformer at Hitchin", "cancelled late"),
        (14, "Thu 18:00 Reformer at Hitchin", "drop-in"),
        (14, "Tue 09:30 Reformer at Hitchin", "no-show"),
        (7, "Thu 18:00 Reformer at Hitchin", "attended"),
        (7, "Thu 18:00 Reformer at Hitchin", "make-up"),
        (7, "Tue 09:30 Reformer at Hitchin", "cancelled"),
    ]
    assert history.entries[0].starts.isoformat() == "2026-12-22T09:30:00+00:00"
    assert history.credits_left == 0


def test_a_make_up_given_up_in_time_is_a_cancellation_and_its_credit_is_left_to_use(db_session):
    week = publish_register_week(db_session, WEEKS[0])
    early = week.tuesday - timedelta(days=2)
    for cancel, book in ((TUESDAY.id, THURSDAY.id), (THURSDAY.id, None)):
        cancel_place(session=db_session, client_key="c1", session_key=cancel, now=early)
        if book:
            book_space(session=db_session, client_key="c1", session_key=book, now=early)
    checked(db_session, week.week_start)

    history = client_history(session=db_session, client_key="c1", now=early)

    assert [(e.class_label, e.words, e.note) for e in history.entries] == [
        ("Thu 18:00 Reformer at Hitchin", "cancelled", "a make-up"),
        ("Tue 09:30 Reformer at Hitchin", "cancelled", ""),
    ]
    assert history.count("makeup") == 0
    assert (history.credits_left, history.next_credit_expires) == (1, date(2027, 1, 5))


def test_a_client_with_nothing_yet_has_an_empty_history(db_session):
    publish_register_week(db_session, WEEKS[0])

    history = client_history(session=db_session, client_key="c5")

    assert history.entries == ()
    assert all(n == 0 for _, _, n in history.counts)
    assert history.credits_left == 0
