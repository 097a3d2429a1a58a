"""The register: the class's places as the week stands, marked by its instructor or the owner."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from scheduler.bookings.booking import BookingRefused, ClassNotFound, book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.life import load_live_week
from scheduler.bookings.policy import save_policy
from scheduler.bookings.register import mark, register_of, registers_of
from scheduler.core import models
from solver.checker import check_plan
from tests.register_seed import THURSDAY, TUESDAY, add_logins, publish_register_week

MONDAY = date(2026, 12, 7)
BEFORE = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def week(db_session):
    return publish_register_week(db_session, MONDAY)


@pytest.fixture
def logins(db_session):
    return add_logins(db_session)


def marks(db) -> list[tuple[str, str, str]]:
    return sorted((a.session, a.client, a.mark) for a in db.exec(select(models.Attendance)).all())


def test_the_register_lists_the_places_less_those_given_up_plus_those_booked(
    db_session, week, logins
):
    save_policy(session=db_session, cancel_cutoff_hours=12, makeup_valid_weeks=4, drop_ins=True)
    cancel_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=BEFORE)
    book_space(session=db_session, client_key="c5", session_key=TUESDAY.id, now=BEFORE)
    live = load_live_week(session=db_session, week_start=MONDAY)
    assert check_plan(live.now_week, live.now_plan) == []

    register = register_of(
        session=db_session,
        week_start=MONDAY,
        session_key=TUESDAY.id,
        by_login_id=logins["jo"],
        now=week.tuesday,
    )

    assert register.label == "Tue 09:30 Reformer at Hitchin"
    assert register.instructor_name == "Jo Evans"
    assert [(line.name, line.kind_words, line.mark) for line in register.lines] == [
        ("Ben Baker", "regular", None),
        ("Cat Cole", "regular", None),
        ("Eve Evans", "drop-in", None),
    ]
    assert register.is_open


def test_the_register_opens_when_the_class_starts(db_session, week, logins):
    early = week.tuesday - timedelta(minutes=1)

    with pytest.raises(BookingRefused) as refused:
        mark(
            session=db_session,
            week_start=MONDAY,
            session_key=TUESDAY.id,
            client_key="c1",
            mark="attended",
            by_login_id=logins["jo"],
            now=early,
        )

    assert refused.value.reason == "not_started"
    assert refused.value.message == (
        "The register of Tue 09:30 Reformer at Hitchin opens when the class starts,"
        " at 09:30 on Tuesday 8 December."
    )
    assert marks(db_session) == []
    register = register_of(
        session=db_session,
        week_start=MONDAY,
        session_key=TUESDAY.id,
        by_login_id=logins["jo"],
        now=early,
    )
    assert not register.is_open


def test_the_classes_instructor_marks_each_client_and_a_mark_can_be_changed(
    db_session, week, logins
):
    for client, said in (("c1", "attended"), ("c2", "no_show"), ("c1", "no_show")):
        mark(
            session=db_session,
            week_start=MONDAY,
            session_key=TUESDAY.id,
            client_key=client,
            mark=said,
            by_login_id=logins["jo"],
            now=week.tuesday + timedelta(minutes=5),
        )

    assert marks(db_session) == [(TUESDAY.id, "c1", "no_show"), (TUESDAY.id, "c2", "no_show")]
    row = db_session.exec(select(models.Attendance).where(models.Attendance.client == "c1")).one()
    assert row.marked_by == logins["jo"]
    register = register_of(
        session=db_session,
        week_start=MONDAY,
        session_key=TUESDAY.id,
        by_login_id=logins["jo"],
        now=week.tuesday,
    )
    assert (register.count("no_show"), register.count(None)) == (2, 1)


def test_an_instructor_who_does_not_teach_the_class_finds_no_register(db_session, week, logins):
    with pytest.raises(ClassNotFound):
        register_of(
            session=db_session,
            week_start=MONDAY,
            session_key=TUESDAY.id,
            by_login_id=logins["amy"],
            now=week.tuesday,
        )
    with pytest.raises(ClassNotFound):
        mark(
            session=db_session,
            week_start=MONDAY,
            session_key=TUESDAY.id,
            client_key="c1",
            mark="attended",
            by_login_id=logins["amy"],
            now=week.tuesday,
        )
    assert marks(db_session) == []


def test_the_owner_marks_any_class(db_session, week, logins):
    marked = mark(
        session=db_session,
        week_start=MONDAY,
        session_key=THURSDAY.id,
        client_key="c4",
        mark="attended",
        by_login_id=logins["owner"],
        now=week.thursday,
    )
    assert marks(db_session) == [(THURSDAY.id, "c4", "attended")]
    assert (marked.name, marked.words, marked.class_label) == (
        "Dan Dale",
        "attended",
        "Thu 18:00 Reformer at Hitchin",
    )


def test_an_instructor_is_known_by_their_e_mail_whatever_its_case(db_session, week, logins):
    jo = db_session.exec(select(models.Instructor).where(models.Instructor.key == "jo")).one()
    jo.email = " Jo@Studio.Example"
    db_session.add(jo)
    db_session.commit()

    register = register_of(
        session=db_session,
        week_start=MONDAY,
        session_key=TUESDAY.id,
        by_login_id=logins["jo"],
        now=week.tuesday,
    )

    assert register.instructor_name == "Jo Evans"


def test_nobody_without_an_instructors_sign_in_finds_a_register(db_session, week, logins):
    with pytest.raises(ClassNotFound):
        register_of(
            session=db_session,
            week_start=MONDAY,
            session_key=TUESDAY.id,
            by_login_id=None,
            now=week.tuesday,
        )


def test_a_client_without_a_place_in_the_class_cannot_be_marked(db_session, week, logins):
    cancel_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=BEFORE)
    for client in ("c1", "c5"):
        with pytest.raises(ClassNotFound):
            mark(
                session=db_session,
                week_start=MONDAY,
                session_key=TUESDAY.id,
                client_key=client,
                mark="attended",
                by_login_id=logins["owner"],
                now=week.tuesday,
            )
    assert marks(db_session) == []


def test_a_mark_is_attended_or_no_show(db_session, week, logins):
    with pytest.raises(ValueError, match="attended, no_show"):
        mark(
            session=db_session,
            week_start=MONDAY,
            session_key=TUESDAY.id,
            client_key="c1",
            mark="late",
            by_login_id=logins["owner"],
            now=week.tuesday,
        )


def test_the_list_of_registers_is_every_class_for_the_owner_and_their_own_for_an_instructor(
    db_session, week, logins
):
    mark(
        session=db_session,
        week_start=MONDAY,
        session_key=TUESDAY.id,
        client_key="c2",
        mark="attended",
        by_login_id=logins["jo"],
        now=week.tuesday,
    )

    def listed(who: str) -> list[tuple[str, int, int, bool]]:
        found = registers_of(
            session=db_session, week_start=MONDAY, by_login_id=logins[who], now=week.thursday
        )
        return [(c.label, c.places, c.marked, c.is_open) for c in found.classes]

    assert listed("owner") == [
        ("Tue 09:30 Reformer at Hitchin", 3, 1, True),
        ("Thu 18:00 Reformer at Hitchin", 1, 0, True),
    ]
    assert listed("jo") == [("Tue 09:30 Reformer at Hitchin", 3, 1, True)]
    assert listed("amy") == [("Thu 18:00 Reformer at Hitchin", 1, 0, True)]


def test_a_week_with_nothing_published_has_no_registers(db_session, logins):
    assert registers_of(session=db_session, week_start=MONDAY, by_login_id=logins["owner"]) is None
    with pytest.raises(ClassNotFound):
        register_of(
            session=db_session,
            week_start=MONDAY,
            session_key=TUESDAY.id,
            by_login_id=logins["owner"],
        )
