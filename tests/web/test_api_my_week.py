"""The API on a client's week: cancel, book, wait, leave; CSRF; who may; the spaces listed."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from sqlmodel import select

from scheduler.core import models
from scheduler.studio.accounts import add_instructor_login
from tests.studio_seed import csrf_token, sign_in_as
from tests.web.life_seed import ANN, BEA, DAN, EVE, FAY, life_studio

OWNER = {"email": "claire@example.com", "password": "a-long-password"}
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def page_token(http) -> str:
    """The CSRF token of a signed-in page's meta tag, as a page's script would read it."""
    found = _META.search(http.get("/me/week").text)
    assert found, "a signed-in page has no csrf-token meta tag"
    return found.group(1)


def as_client(web, db_session, key: str) -> dict[str, str]:
    """Sign `key` in on `web`; the headers a write of theirs carries."""
    sign_in_as(web, db_session, key)
    return {"X-CSRFToken": page_token(web)}


def conforms(web, schema_name: str, body: dict) -> None:
    document = web.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{schema_name}", **document}
    assert [e.message for e in Draft202012Validator(schema).iter_errors(body)] == []


def cancel_path(s) -> str:
    return f"/api/v1/me/allocations/{s.id}/cancel"


# --- CSRF and who may ------------------------------------------------------------------------


def test_a_write_without_the_csrf_header_is_refused_as_json(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, ANN)

    answer = web.post(cancel_path(studio.tuesday))

    assert answer.status_code == 400
    assert answer.get_json()["error"] == "csrf_token"
    assert "X-CSRFToken" in answer.get_json()["message"]
    assert db_session.exec(select(models.Cancellation)).all() == []


def test_a_write_with_a_wrong_csrf_header_is_refused(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, ANN)

    answer = web.post(cancel_path(studio.tuesday), headers={"X-CSRFToken": "not-the-token"})

    assert answer.status_code == 400
    assert answer.get_json()["error"] == "csrf_token"


def test_a_write_with_the_pages_csrf_token_in_its_header_works(web, db_session):
    studio = life_studio(db_session)
    headers = as_client(web, db_session, ANN)

    answer = web.post(cancel_path(studio.tuesday), headers=headers)

    assert answer.status_code == 200, answer.text
    assert len(db_session.exec(select(models.Cancellation)).all()) == 1


def test_every_signed_in_page_carries_the_csrf_token_and_an_anonymous_one_does_not(web, db_session):
    life_studio(db_session)
    assert _META.search(web.get("/").text) is None
    sign_in_as(web, db_session, ANN)
    for path in ("/me/week", "/me/preferences", "/"):
        assert _META.search(web.get(path).text), path


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/me/allocations/x/cancel", None),
        ("post", "/api/v1/me/bookings", {"session": "x"}),
        ("post", "/api/v1/me/waitlist", {"session": "x"}),
        ("delete", "/api/v1/me/waitlist/x", None),
    ],
)
def test_an_anonymous_write_is_401_even_without_a_token(web, db_session, method, path, body):
    life_studio(db_session)

    answer = getattr(web, method)(path, json=body)

    assert answer.status_code == 401
    assert answer.get_json()["error"] == "unauthorized"


def test_the_credits_are_401_for_an_anonymous_caller(web, db_session):
    assert web.get("/api/v1/me/credits").status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/me/allocations/x/cancel", None),
        ("post", "/api/v1/me/bookings", {"session": "x"}),
        ("post", "/api/v1/me/waitlist", {"session": "x"}),
        ("delete", "/api/v1/me/waitlist/x", None),
        ("get", "/api/v1/me/credits", None),
    ],
)
def test_the_owner_is_forbidden_a_clients_writes(web, db_session, method, path, body):
    life_studio(db_session)
    add_instructor_login(session=db_session, name="Claire", **OWNER)
    signed = web.post(
        "/auth/sign-in", data={**OWNER, "csrf_token": csrf_token(web.get("/auth/sign-in").data)}
    )
    assert signed.status_code == 302
    token = _META.search(web.get("/owner/week").text).group(1)

    answer = getattr(web, method)(path, json=body, headers={"X-CSRFToken": token})

    assert answer.status_code == 403
    assert answer.get_json()["error"] == "forbidden"


def test_another_clients_place_cannot_be_cancelled_and_is_not_found(web, db_session):
    studio = life_studio(db_session)
    headers = as_client(web, db_session, DAN)

    answer = web.post(cancel_path(studio.tuesday), headers=headers)

    assert answer.status_code == 404
    assert answer.get_json()["error"] == "not_found"
    assert db_session.exec(select(models.Cancellation)).all() == []


# --- Cancel, book, wait, leave ----------------------------------------------------------------


def test_cancelling_in_time_earns_a_credit_and_says_so(web, db_session):
    studio = life_studio(db_session)
    headers = as_client(web, db_session, ANN)

    answer = web.post(
        cancel_path(studio.tuesday),
        json={"week_start": studio.week_start.isoformat()},
        headers=headers,
    )

    body = answer.get_json()
    assert (body["late"], body["week_start"]) == (False, studio.week_start.isoformat())
    assert body["credit_expires"] is not None
    assert "make-up credit" in body["message"]
    conforms(web, "CancelledPlace", body)
    credits = web.get("/api/v1/me/credits").get_json()
    assert [c["usable"] for c in credits["credits"]] == [True]
    assert credits["credits"][0]["expires_on"] == body["credit_expires"]
    conforms(web, "ClientCredits", credits)


def test_a_cancelled_place_stays_listed_marked_cancelled(web, db_session):
    studio = life_studio(db_session)
    headers = as_client(web, db_session, ANN)
    web.post(cancel_path(studio.tuesday), headers=headers)

    places = web.get("/api/v1/me/allocations").get_json()["allocations"]

    assert [(p["session"], p["cancelled"], p["kind"]) for p in places] == [
        (studio.tuesday.id, True, "regular")
    ]
    conforms(web, "ClientAllocations", web.get("/api/v1/me/allocations").get_json())


def test_a_make_up_is_booked_with_the_credit_and_the_credit_is_used(web, db_session):
    studio = life_studio(db_session)
    headers = as_client(web, db_session, ANN)
    web.post(cancel_path(studio.tuesday), headers=headers)

    answer = web.post("/api/v1/me/bookings", json={"session": studio.thursday.id}, headers=headers)

    assert answer.status_code == 201, answer.text
    body = answer.get_json()
    assert (body["place"]["kind"], body["place"]["reformer"]) == ("makeup", "R2")
    conforms(web, "BookedSpace", body)
    credit = web.get("/api/v1/me/credits").get_json()["credits"][0]
    assert credit["usable"] is False and "Thursday" in credit["used_for"]


def test_booking_without_a_credit_is_refused_with_its_reason(web, db_session):
    studio = life_studio(db_session)
    headers = as_client(web, db_session, EVE)

    answer = web.post("/api/v1/me/bookings", json={"session": studio.thursday.id}, headers=headers)

    assert answer.status_code == 409
    assert answer.get_json()["error"] == "no_credit"
    assert "make-up credit" in answer.get_json()["message"]


def test_a_malformed_body_is_refused_with_the_field_named(web, db_session):
    studio = life_studio(db_session)
    headers = as_client(web, db_session, ANN)

    missing = web.post("/api/v1/me/bookings", json={}, headers=headers)
    not_monday = web.post(
        "/api/v1/me/bookings",
        json={"session": studio.thursday.id, "week_start": "2026-12-15"},
        headers=headers,
    )
    not_json = web.post("/api/v1/me/waitlist", data="session", headers=headers)

    assert missing.status_code == 400 and "$.session" in missing.get_json()["message"]
    assert not_monday.status_code == 400 and "$.week_start" in not_monday.get_json()["message"]
    assert not_json.status_code == 400


def test_an_unknown_class_is_not_found(web, db_session):
    life_studio(db_session, drop_ins=True)
    headers = as_client(web, db_session, EVE)

    answer = web.post("/api/v1/me/bookings", json={"session": "no-such-class"}, headers=headers)

    assert answer.status_code == 404


def test_a_class_with_a_space_is_booked_not_waited_for(web, db_session):
    studio = life_studio(db_session, drop_ins=True)
    headers = as_client(web, db_session, EVE)

    answer = web.post("/api/v1/me/waitlist", json={"session": studio.thursday.id}, headers=headers)

    assert answer.status_code == 409
    assert answer.get_json()["error"] == "not_full"


def test_waiting_for_a_full_class_counts_in_the_sessions_listing_and_leaving_ends_it(
    web, db_session
):
    studio = life_studio(db_session, drop_ins=True)
    headers = as_client(web, db_session, EVE)
    week = studio.week_start.isoformat()

    joined = web.post("/api/v1/me/waitlist", json={"session": studio.tuesday.id}, headers=headers)

    assert joined.status_code == 201, joined.text
    assert joined.get_json()["position"] == 1
    conforms(web, "WaitingPlace", joined.get_json())
    sessions = web.get(f"/api/v1/weeks/{week}/sessions").get_json()["sessions"]
    tuesday = next(s for s in sessions if s["id"] == studio.tuesday.id)
    assert (tuesday["spaces_left"], tuesday["waiting"]) == (0, 1)
    for s in sessions:
        conforms(web, "PublishedSession", s)

    left = web.delete(f"/api/v1/me/waitlist/{studio.tuesday.id}?week={week}", headers=headers)

    assert left.status_code == 200
    conforms(web, "LeftWaitlist", left.get_json())
    sessions = web.get(f"/api/v1/weeks/{week}/sessions").get_json()["sessions"]
    assert next(s for s in sessions if s["id"] == studio.tuesday.id)["waiting"] == 0
    again = web.delete(f"/api/v1/me/waitlist/{studio.tuesday.id}", headers=headers)
    assert again.status_code == 404


def test_a_cancelled_place_is_a_space_in_the_sessions_listing(web, db_session):
    studio = life_studio(db_session)
    headers = as_client(web, db_session, BEA)
    week = studio.week_start.isoformat()

    web.post(cancel_path(studio.tuesday), headers=headers)

    sessions = web.get(f"/api/v1/weeks/{week}/sessions").get_json()["sessions"]
    tuesday = next(s for s in sessions if s["id"] == studio.tuesday.id)
    assert (tuesday["taken"], tuesday["spaces_left"]) == (2, 1)


def test_the_freed_space_goes_to_the_fairest_waiting_client_not_the_first(web, db_session):
    studio = life_studio(db_session, drop_ins=True, **{FAY: {"missed_weeks": 2}})
    for key in (EVE, FAY):
        http = web.application.test_client()
        joined = http.post(
            "/api/v1/me/waitlist",
            json={"session": studio.tuesday.id},
            headers=as_client(http, db_session, key),
        )
        assert joined.status_code == 201
    headers = as_client(web, db_session, BEA)

    web.post(cancel_path(studio.tuesday), headers=headers)

    booked = db_session.exec(select(models.Booking)).all()
    assert [(b.client, b.from_waitlist) for b in booked] == [(FAY, True)]
