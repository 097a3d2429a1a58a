"""A client's places as they stand: cancelled ones kept, marked; booked ones beside the plan's."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from scheduler.bookings.booking import book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.clients.calendar import client_calendar, place_uid
from scheduler.clients.week import client_week, feed_places
from scheduler.planning.solving import solve_week
from tests.scheduler.bookings.life_seed import (
    NOW,
    THURSDAY,
    TUESDAY,
    WEEK_START,
    checked_live,
    publish_life_week,
)

MONDAY = date.fromisoformat(WEEK_START)


def places_of(db, client: str) -> list[tuple[str, str, bool, bool]]:
    view = client_week(session=db, client_key=client, week_start=MONDAY)
    return [(p.session_id, p.kind, p.cancelled, p.late) for p in view.places]


def events(db, client: str) -> dict[str, tuple[str, str]]:
    """The client's feed: each event's UID with its status and summary."""
    body = client_calendar(
        feed_places(session=db, client_key=client, today=NOW.date()),
        calendar_name="Pilates",
        timezone="Europe/London",
        stamp=NOW,
    )
    return {
        str(e["UID"]): (str(e["STATUS"]), str(e["SUMMARY"]))
        for e in Calendar.from_ical(body).walk("VEVENT")
    }


def cancel_and_make_up(db) -> None:
    cancel_place(session=db, client_key="c2", session_key=TUESDAY.id, now=NOW)
    book_space(session=db, client_key="c2", session_key=THURSDAY.id, now=NOW)


def test_a_cancelled_place_stays_marked_and_a_make_up_joins_the_week(db_session):
    publish_life_week(db_session)
    cancel_and_make_up(db_session)

    assert places_of(db_session, "c2") == [
        (TUESDAY.id, "regular", True, False),
        (THURSDAY.id, "makeup", False, False),
    ]


def test_the_feed_keeps_a_cancelled_places_uid_marked_cancelled_and_adds_the_make_up(db_session):
    publish_life_week(db_session)
    before = events(db_session, "c2")

    cancel_and_make_up(db_session)

    after = events(db_session, "c2")
    (tuesday_uid,) = before
    assert after[tuesday_uid] == ("CANCELLED", "Cancelled: reformer (reformer R2)")
    (thursday_uid,) = set(after) - set(before)
    assert after[thursday_uid] == ("CONFIRMED", "reformer (reformer R2)")
    places = feed_places(session=db_session, client_key="c2", today=NOW.date())
    assert {place_uid(p) for p in places} == set(after)


def test_a_late_cancellation_is_marked_late(db_session):
    publish_life_week(db_session)
    cancel_place(
        session=db_session, client_key="c1", session_key=TUESDAY.id, now=NOW.replace(day=7, hour=22)
    )

    assert places_of(db_session, "c1") == [(TUESDAY.id, "regular", True, True)]


def test_after_a_re_solve_the_places_read_the_same(db_session):
    publish_life_week(db_session, c2={"max_per_day": 2})
    cancel_and_make_up(db_session)
    before = places_of(db_session, "c2")

    solve_week(session=db_session, week_start=WEEK_START, time_limit=5, publish=True)

    checked_live(db_session)
    assert places_of(db_session, "c2") == before
