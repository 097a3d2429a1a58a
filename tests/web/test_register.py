"""The register on the web: the class's instructor or the owner marks each client, on the
pages (forms with their CSRF token) and through the API (the token in `X-CSRFToken`).

Last week's classes have started, so their registers are open; the coming week's are not.
An instructor who does not teach the class finds no register: 404, as for a client.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlmodel import select

from scheduler.clients.week import monday_of
from scheduler.core import models
from scheduler.core.dates import coming_monday
from scheduler.studio.accounts import find_by_email
from tests.register_seed import (
    EMAILS,
    OWNER_EMAIL,
    PASSWORD,
    THURSDAY,
    TUESDAY,
    add_logins,
    publish_register_week,
)
from tests.studio_seed import csrf_token, sign_in_as

LAST_MONDAY = monday_of(date.today()) - timedelta(weeks=1)


@pytest.fixture
def last_week(db_session):
    """Last week published, its classes started; the owner's, Jo's and Amy's sign-ins."""
    add_logins(db_session)
    return publish_register_week(db_session, LAST_MONDAY)


def sign_in(http, email: str):
    """Sign in on `http` as the instructor with `email`; the answer (a redirect)."""
    token = csrf_token(http.get("/auth/sign-in").data)
    answer = http.post(
        "/auth/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302
    return answer


def register_path(monday: date, key: str) -> str:
    return f"/owner/week/{monday.isoformat()}/sessions/{key}/register"


def marks(db) -> list[tuple[str, str, str]]:
    db.expire_all()
    return sorted((a.session, a.client, a.mark) for a in db.exec(select(models.Attendance)).all())


def test_the_classes_instructor_lands_on_their_registers_and_marks_a_client(
    web, last_week, db_session
):
    landed = sign_in(web, EMAILS["jo"])
    assert landed.headers["Location"] == "/owner/registers"
    listing = web.get(f"/owner/registers?start={LAST_MONDAY.isoformat()}")
    assert "Tue 09:30 Reformer at Hitchin" in listing.text
    assert "Thu 18:00" not in listing.text
    assert "0 of 3 marked" in listing.text

    page = web.get(register_path(LAST_MONDAY, TUESDAY.id))
    assert page.status_code == 200
    for name in ("Ann Archer", "Ben Baker", "Cat Cole"):
        assert f'Attended<span class="visually-hidden">: {name}' in page.text
    answer = web.post(
        register_path(LAST_MONDAY, TUESDAY.id),
        data={"client": "c1", "mark": "attended", "csrf_token": csrf_token(page.data)},
    )

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"{register_path(LAST_MONDAY, TUESDAY.id)}#mark-c1")
    shown = web.get(register_path(LAST_MONDAY, TUESDAY.id))
    assert "Ann Archer is marked attended." in shown.text
    assert "1 attended · 0 no-show · 2 not marked" in shown.text
    assert marks(db_session) == [(TUESDAY.id, "c1", "attended")]
    row = db_session.exec(select(models.Attendance)).one()
    assert row.marked_by == find_by_email(session=db_session, email=EMAILS["jo"]).id


def test_an_instructor_who_does_not_teach_the_class_gets_not_found(web, last_week, db_session):
    sign_in(web, EMAILS["amy"])
    token = csrf_token(web.get(register_path(LAST_MONDAY, THURSDAY.id)).data)

    assert web.get(register_path(LAST_MONDAY, TUESDAY.id)).status_code == 404
    answer = web.post(
        register_path(LAST_MONDAY, TUESDAY.id),
        data={"client": "c1", "mark": "no_show", "csrf_token": token},
    )
    assert answer.status_code == 404
    assert marks(db_session) == []


def test_an_instructor_who_is_not_the_owner_sees_none_of_the_owners_pages(web, last_week):
    sign_in(web, EMAILS["jo"])
    start = LAST_MONDAY.isoformat()

    for path in (
        f"/owner/week?start={start}",
        f"/owner/week/{start}/sessions/{TUESDAY.id}",
        "/owner/policy",
        f"/owner/clients/c1?start={start}",
    ):
        assert web.get(path).status_code == 403, path
    assert web.get(f"/api/v1/weeks/{start}/plan").status_code == 404
    menu = web.get("/owner/registers").text
    assert ">Registers</a>" in menu and ">Week</a>" not in menu


def test_the_owners_session_page_holds_the_register_and_marks_go_back_to_it(
    web, last_week, db_session
):
    sign_in(web, OWNER_EMAIL)
    session_page = f"/owner/week/{LAST_MONDAY.isoformat()}/sessions/{TUESDAY.id}"
    page = web.get(session_page)
    assert 'id="register"' in page.text

    answer = web.post(
        register_path(LAST_MONDAY, TUESDAY.id),
        data={
            "client": "c2",
            "mark": "no_show",
            "next": session_page,
            "csrf_token": csrf_token(page.data),
        },
    )

    assert answer.headers["Location"] == f"{session_page}#mark-c2"
    assert "Ben Baker is marked a no-show." in web.get(session_page).text
    assert marks(db_session) == [(TUESDAY.id, "c2", "no_show")]


def test_a_mark_without_its_form_token_is_refused(web, last_week, db_session):
    sign_in(web, OWNER_EMAIL)

    answer = web.post(
        register_path(LAST_MONDAY, TUESDAY.id), data={"client": "c1", "mark": "attended"}
    )

    assert answer.status_code == 400
    assert marks(db_session) == []


def test_before_the_class_starts_the_register_says_when_it_opens(web, db_session):
    add_logins(db_session)
    coming = publish_register_week(db_session, coming_monday())
    sign_in(web, EMAILS["jo"])
    page = web.get(register_path(coming.week_start, TUESDAY.id))

    opens = f"at 09:30 on {coming.tuesday:%A %-d %B}"
    assert f"The register opens when the class starts, {opens}." in page.text
    assert 'name="mark"' not in page.text
    answer = web.post(
        register_path(coming.week_start, TUESDAY.id),
        data={"client": "c1", "mark": "attended", "csrf_token": csrf_token(page.data)},
        follow_redirects=True,
    )
    assert "Not marked: The register of Tue 09:30 Reformer at Hitchin opens when" in html.unescape(
        answer.text
    )
    assert marks(db_session) == []


# --- The API ---------------------------------------------------------------------------------


def api_path(monday: date, key: str) -> str:
    return f"/api/v1/weeks/{monday.isoformat()}/sessions/{key}/register"


def page_token(web, monday: date = LAST_MONDAY) -> str:
    """The CSRF token of a signed-in page (the registers)."""
    return csrf_token(web.get(register_path(monday, TUESDAY.id)).data)


def test_the_api_marks_a_client_with_the_pages_csrf_token(web, last_week, db_session):
    sign_in(web, EMAILS["jo"])
    document = web.get("/api/v1/openapi.json").get_json()

    answer = web.post(
        api_path(LAST_MONDAY, TUESDAY.id),
        json={"client": "c3", "mark": "attended"},
        headers={"X-CSRFToken": page_token(web)},
    )

    assert answer.status_code == 200, answer.text
    body = answer.get_json()
    assert (body["client_name"], body["mark"], body["class_label"]) == (
        "Cat Cole",
        "attended",
        "Tue 09:30 Reformer at Hitchin",
    )
    schema = {"$ref": "#/components/schemas/RegisterMark", **document}
    assert [e.message for e in Draft202012Validator(schema).iter_errors(body)] == []
    operation = document["paths"]["/weeks/{week_start}/sessions/{session_id}/register"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RegisterMarkAsked"
    }
    assert marks(db_session) == [(TUESDAY.id, "c3", "attended")]


def test_an_api_mark_without_the_csrf_header_is_refused(web, last_week, db_session):
    sign_in(web, EMAILS["jo"])

    answer = web.post(api_path(LAST_MONDAY, TUESDAY.id), json={"client": "c3", "mark": "attended"})

    assert answer.status_code == 400
    assert answer.get_json()["error"] == "csrf_token"
    assert "The CSRF token is missing." in answer.get_json()["message"]
    assert marks(db_session) == []


def test_an_api_mark_is_attended_or_no_show_said_by_its_field(web, last_week):
    sign_in(web, OWNER_EMAIL)

    answer = web.post(
        api_path(LAST_MONDAY, TUESDAY.id),
        json={"client": "c3", "mark": "late"},
        headers={"X-CSRFToken": page_token(web)},
    )

    assert answer.status_code == 400
    assert answer.get_json() == {
        "error": "bad_request",
        "message": "$.mark: must be 'attended' or 'no_show', not 'late'",
    }


def test_the_api_finds_no_class_for_another_instructor_nor_a_client(web, last_week, db_session):
    sign_in(web, EMAILS["amy"])
    token = csrf_token(web.get(register_path(LAST_MONDAY, THURSDAY.id)).data)
    mark = {"client": "c1", "mark": "attended"}

    other = web.post(api_path(LAST_MONDAY, TUESDAY.id), json=mark, headers={"X-CSRFToken": token})
    assert other.status_code == 404
    assert other.get_json()["error"] == "not_found"

    client = web.application.test_client()
    sign_in_as(client, db_session, "c1")
    token = csrf_token(client.get("/me/week").data)
    answer = client.post(
        api_path(LAST_MONDAY, TUESDAY.id), json=mark, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 404
    anonymous = web.application.test_client().post(api_path(LAST_MONDAY, TUESDAY.id), json=mark)
    assert anonymous.status_code == 401
    assert marks(db_session) == []


def test_the_api_says_the_register_opens_when_the_class_starts(web, db_session):
    add_logins(db_session)
    coming = publish_register_week(db_session, coming_monday())
    sign_in(web, OWNER_EMAIL)

    answer = web.post(
        api_path(coming.week_start, TUESDAY.id),
        json={"client": "c1", "mark": "attended"},
        headers={"X-CSRFToken": page_token(web, coming.week_start)},
    )

    assert answer.status_code == 409
    assert answer.get_json()["error"] == "not_started"


# --- Instructors' sign-ins ---------------------------------------------------------------------


def test_reformer_instructor_add_not_owner_makes_a_sign_in_for_registers_only(runner, db_session):
    from cli import cli

    result = runner.invoke(
        cli, ["instructor", "add", "amy@studio.example", "--not-owner", "--password", PASSWORD]
    )

    assert result.exit_code == 0, result.output
    assert not find_by_email(session=db_session, email="amy@studio.example").is_owner
