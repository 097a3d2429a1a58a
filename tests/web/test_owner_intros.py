"""The owner's week page shows the intros clients booked: pinned sessions of the live plan."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest

from scheduler.bookings.intros import book_intro
from scheduler.core.dates import coming_monday
from scheduler.planning.solving import solve_week
from tests.scheduler.bookings.intro_seed import NEW, publish_intro_week


@pytest.fixture
def booked(db_session):
    """The coming week published, and Nia's intro booked for Tuesday 10:45 at Hitchin."""
    monday = coming_monday()
    publish_intro_week(db_session, week_start=monday.isoformat())
    tuesday = datetime.combine(monday + timedelta(days=1), datetime.min.time())
    booking = book_intro(
        session=db_session, client_key=NEW, start=tuesday.replace(hour=10, minute=45)
    )
    return monday, booking


def intro_card(page: str) -> str:
    """The week grid's card of the intro: from its link to the card's end."""
    text = html.unescape(page)
    at = text.index("booked by the client")
    return text[text.rindex("<a ", 0, at) : text.index("</a>", at)]


def test_the_week_page_shows_a_booked_intro_as_a_pinned_session_booked_by_the_client(
    client, owner_login, booked
):
    monday, booking = booked
    page = client.get(f"/owner/week?start={monday.isoformat()}").text
    card = intro_card(page)
    assert "10:45–11:35" in card and "1-2-1 Reformer" in card and "Jo Evans" in card
    assert "pinned" in card and "Nia Novak" in card
    assert f"/owner/clients/{NEW}" in card
    assert page.count("booked by the client") == 1


def test_once_a_solve_keeps_the_intro_its_card_opens_the_session(
    client, owner_login, booked, db_session
):
    monday, booking = booked
    solve_week(session=db_session, week_start=monday, time_limit=5)
    page = client.get(f"/owner/week?start={monday.isoformat()}").text
    card = intro_card(page)
    assert f"/sessions/{booking.session}" in card and "Nia Novak" in card
    assert page.count("booked by the client") == 1
    detail = client.get(f"/owner/week/{monday.isoformat()}/sessions/{booking.session}")
    assert detail.status_code == 200
