"""A new client's intro 1-2-1 on the web: the link on My week, the page, and the API."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlmodel import select

from scheduler.core import models
from scheduler.core.dates import coming_monday
from scheduler.studio.accounts import add_instructor_login
from tests.scheduler.bookings.intro_seed import NEW, publish_intro_week
from tests.studio_seed import csrf_token, sign_in_as

OWNER = {"email": "claire@example.com", "password": "a-long-password"}


@pytest.fixture
def monday(db_session):
    """The coming Monday, its week published: Nia needs her intro."""
    start = coming_monday()
    publish_intro_week(db_session, week_start=start.isoformat())
    return start


@pytest.fixture
def nia(web, db_session, monday):
    """Nia, signed in on `web`."""
    sign_in_as(web, db_session, NEW)
    return web


def at(monday, day: int, clock: str) -> str:
    """The form's value of a time of the week: `YYYY-MM-DDTHH:MM`."""
    return f"{(monday + timedelta(days=day)).isoformat()}T{clock}"


def book(http, monday, day: int, clock: str):
    page = http.get(f"/me/intro?week={monday.isoformat()}")
    return http.post(
        "/me/intro", data={"csrf_token": csrf_token(page.data), "start": at(monday, day, clock)}
    )


def bookings(db) -> list[models.Booking]:
    db.expire_all()
    return list(db.exec(select(models.Booking)).all())


# --- The pages ---------------------------------------------------------------------------------


def test_my_week_sends_a_new_client_to_book_their_intro(nia, monday):
    page = nia.get("/me/week").text
    assert "Book your intro" in page
    assert f'href="/me/intro?week={monday.isoformat()}"' in page


def test_a_client_who_needs_no_intro_sees_no_intro_link(web, db_session, monday):
    sign_in_as(web, db_session, "c3")
    assert "Book your intro" not in web.get("/me/week").text
    answer = web.get("/me/intro")
    assert answer.status_code == 302 and answer.location.endswith("/me/week")
    assert "You do not need an intro" in web.get("/me/week").text


def test_the_intro_page_lists_the_days_then_the_times_of_the_one_chosen(nia, monday):
    page = nia.get("/me/intro").text
    assert [d in page for d in ("6 times", "1 time", "2 times")] == [True, True, True]
    assert page.count('name="start"') == 6
    assert f'value="{at(monday, 1, "10:45")}"' in page
    assert "1-2-1 Reformer · Hitchin, Studio · with Jo Evans" in html.unescape(page)
    thursday = nia.get(f"/me/intro?day={(monday + timedelta(days=3)).isoformat()}").text
    assert thursday.count('name="start"') == 2
    assert f'value="{at(monday, 3, "19:00")}"' in thursday


def test_pressing_a_time_books_the_intro_and_my_week_shows_it(nia, db_session, monday):
    answer = book(nia, monday, 1, "10:45")
    assert answer.status_code == 302
    page = nia.get(answer.location).text
    assert "Your intro is booked for" in page
    assert "Your intro 1-2-1 is booked" in page
    [booking] = bookings(db_session)
    assert (booking.kind, booking.client, booking.instructor) == ("intro", NEW, "jo")
    week = nia.get("/me/week").text
    assert "Book your intro" not in week
    assert "See or cancel your intro" in week


def test_booking_without_the_csrf_token_is_refused(nia, db_session, monday):
    answer = nia.post("/me/intro", data={"start": at(monday, 1, "10:45")})
    assert answer.status_code == 400
    assert bookings(db_session) == []


def test_a_time_in_the_way_of_the_instructors_journey_is_refused_in_words(nia, db_session, monday):
    answer = book(nia, monday, 1, "10:30")
    assert answer.status_code == 302
    page = html.unescape(nia.get(answer.location).text)
    assert "Tue 10:30 cannot be booked: Jo Evans would have 10 min between" in page
    assert bookings(db_session) == []


def test_cancelling_the_intro_shows_the_times_again(nia, db_session, monday):
    book(nia, monday, 1, "10:45")
    page = nia.get("/me/intro")
    [booking] = bookings(db_session)
    answer = nia.post(
        "/me/intro/cancel",
        data={
            "csrf_token": csrf_token(page.data),
            "session": booking.session,
            "week": monday.isoformat(),
        },
    )
    assert answer.status_code == 302
    again = nia.get(answer.location).text
    assert "Your intro is cancelled." in again
    assert again.count('name="start"') == 6
    assert bookings(db_session)[0].cancelled_at is not None


def test_another_clients_intro_is_not_found(web, db_session, monday):
    sign_in_as(web, db_session, NEW)
    book(web, monday, 1, "10:45")
    [booking] = bookings(db_session)
    other = web.application.test_client()
    sign_in_as(other, db_session, "c3")
    token = csrf_token(other.get("/me/preferences").data)
    answer = other.post(
        "/me/intro/cancel",
        data={"csrf_token": token, "session": booking.session, "week": monday.isoformat()},
    )
    assert answer.status_code == 404
    assert bookings(db_session)[0].cancelled_at is None


def test_the_intro_page_is_for_signed_in_clients(web, monday):
    answer = web.get("/me/intro")
    assert answer.status_code == 302 and "/me/sign-in" in answer.location


# --- The API -----------------------------------------------------------------------------------


@pytest.fixture
def owner(web, db_session):
    add_instructor_login(session=db_session, name="Claire", **OWNER)
    token = csrf_token(web.get("/auth/sign-in").data)
    assert web.post("/auth/sign-in", data={**OWNER, "csrf_token": token}).status_code == 302
    return web


def _conforms(document: dict, schema_name: str, body: dict) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", **document}
    assert [e.message for e in Draft202012Validator(schema).iter_errors(body)] == []


def test_the_api_lists_the_intro_times_as_the_openapi_document_says(nia, monday):
    answer = nia.get("/api/v1/me/intro-times")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["week_start"] == monday.isoformat() and body["booked"] is None
    assert [t["local_start"] for t in body["times"]][:2] == [
        at(monday, 1, "10:45"),
        at(monday, 1, "11:00"),
    ]
    assert body["times"][0]["instructor_name"] == "Jo Evans"
    _conforms(nia.get("/api/v1/openapi.json").get_json(), "IntroTimes", body)


def test_the_api_books_the_intro_with_the_pages_csrf_token(nia, db_session, monday):
    token = csrf_token(nia.get("/me/preferences").data)
    answer = nia.post(
        "/api/v1/me/intros",
        json={"start": at(monday, 2, "09:00")},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 201, answer.text
    body = answer.get_json()
    assert body["intro"]["session"] == f"intro-wed-0900-hitchin-studio-{NEW}"
    assert (
        body["message"]
        == "Your intro is booked: Wed 09:00 1-2-1 Reformer at Hitchin with Jo Evans."
    )
    _conforms(nia.get("/api/v1/openapi.json").get_json(), "IntroBooked", body)
    booked = nia.get("/api/v1/me/intro-times").get_json()
    assert (booked["booked"]["local_start"], booked["times"]) == (at(monday, 2, "09:00"), [])


def test_the_api_refuses_a_booking_without_the_csrf_token(nia, db_session, monday):
    answer = nia.post("/api/v1/me/intros", json={"start": at(monday, 2, "09:00")})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "csrf_token"
    assert bookings(db_session) == []


def test_the_api_says_why_an_intro_is_refused(nia, monday):
    token = csrf_token(nia.get("/me/preferences").data)
    headers = {"X-CSRFToken": token}
    refused = nia.post("/api/v1/me/intros", json={"start": at(monday, 3, "18:15")}, headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "rules"
    malformed = nia.post("/api/v1/me/intros", json={"start": "tuesday"}, headers=headers)
    assert malformed.status_code == 400 and "start" in malformed.get_json()["message"]
    nia.post("/api/v1/me/intros", json={"start": at(monday, 2, "09:00")}, headers=headers)
    again = nia.post("/api/v1/me/intros", json={"start": at(monday, 3, "19:00")}, headers=headers)
    assert (again.status_code, again.get_json()["error"]) == (409, "already")


def test_the_intro_api_is_a_clients_alone(web, owner, monday):
    assert owner.get("/api/v1/me/intro-times").status_code == 403
    anonymous = web.application.test_client()
    assert anonymous.get("/api/v1/me/intro-times").status_code == 401
    assert anonymous.post("/api/v1/me/intros", json={}).status_code == 401
