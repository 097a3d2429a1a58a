"""A published week's life for the owner: places given up, booked, waited for, and marked."""

from __future__ import annotations

from datetime import date, timedelta

from scheduler.bookings.booking import book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.life import load_live_week
from scheduler.bookings.policy import save_policy
from scheduler.bookings.register import mark
from scheduler.bookings.since_publishing import since_publishing
from scheduler.bookings.waitlist import join_waitlist
from scheduler.store.weeks import save_week
from solver.checker import check_plan
from tests.register_seed import (
    THURSDAY,
    TUESDAY,
    add_logins,
    publish_register_week,
    register_week,
)

MONDAY = date(2026, 12, 7)


def test_the_panel_holds_what_was_given_up_booked_waited_for_and_marked(db_session):
    week = publish_register_week(db_session, MONDAY)
    owner = add_logins(db_session)["owner"]
    save_policy(session=db_session, cancel_cutoff_hours=12, makeup_valid_weeks=4, drop_ins=True)
    saturday = week.tuesday - timedelta(days=3)
    for n, client in enumerate(("c5", "c6")):
        join_waitlist(
            session=db_session,
            client_key=client,
            session_key=TUESDAY.id,
            now=saturday + timedelta(minutes=n),
        )
    cancel_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=saturday)
    cancel_place(
        session=db_session,
        client_key="c4",
        session_key=THURSDAY.id,
        now=week.thursday - timedelta(hours=1),
    )
    book_space(
        session=db_session,
        client_key="c1",
        session_key=THURSDAY.id,
        now=week.thursday - timedelta(minutes=30),
    )
    for client, said in (("c2", "attended"), ("c3", "no_show")):
        mark(
            session=db_session,
            week_start=MONDAY,
            session_key=TUESDAY.id,
            client_key=client,
            mark=said,
            by_login_id=owner,
            now=week.tuesday,
        )
    live = load_live_week(session=db_session, week_start=MONDAY)
    assert check_plan(live.now_week, live.now_plan) == []

    since = since_publishing(
        session=db_session, week_start=MONDAY, now=week.tuesday + timedelta(hours=1)
    )

    assert [(g.name, g.class_label, g.late) for g in since.given_up] == [
        ("Dan Dale", "Thu 18:00 Reformer at Hitchin", True),
        ("Ann Archer", "Tue 09:30 Reformer at Hitchin", False),
    ]
    assert since.late == 1
    assert [(x.name, x.class_label, x.kind_words, x.from_waitlist) for x in since.booked] == [
        ("Ann Archer", "Thu 18:00 Reformer at Hitchin", "make-up", False),
        ("Eve Evans", "Tue 09:30 Reformer at Hitchin", "drop-in", True),
    ]
    assert [(w.class_label, w.count) for w in since.waiting] == [
        ("Tue 09:30 Reformer at Hitchin", 1)
    ]
    reformer = since.attendance[0]
    assert (reformer.class_name, reformer.attended, reformer.no_show) == ("Reformer", 1, 1)
    assert (reformer.not_marked, reformer.to_come) == (1, 1)
    assert not since.is_quiet


def test_a_week_just_published_is_quiet_its_places_all_to_come(db_session):
    week = publish_register_week(db_session, MONDAY)

    since = since_publishing(
        session=db_session, week_start=MONDAY, now=week.tuesday - timedelta(days=1)
    )

    assert since.is_quiet
    assert since.published_at is not None
    assert [(a.class_name, a.to_come, a.not_marked) for a in since.attendance] == [
        ("Reformer", 4, 0)
    ]


def test_a_week_with_nothing_published_has_no_panel(db_session):
    save_week(session=db_session, week=register_week(MONDAY))
    db_session.commit()

    assert since_publishing(session=db_session, week_start=MONDAY) is None
    assert since_publishing(session=db_session, week_start=date(1999, 1, 4)) is None
