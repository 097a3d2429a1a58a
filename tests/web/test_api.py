"""The JSON API: the same authorisation as the pages, JSON errors, and an OpenAPI document."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from scheduler.studio.accounts import add_instructor_login
from tests.studio_seed import ANN, BEA, CAT, CAT_REASON, csrf_token, sign_in_as

OWNER = {"email": "claire@example.com", "password": "a-long-password"}


@pytest.fixture
def owner(web, db_session):
    """The owner, signed in on `web`."""
    add_instructor_login(session=db_session, name="Claire", **OWNER)
    token = csrf_token(web.get("/auth/sign-in").data)
    answer = web.post("/auth/sign-in", data={**OWNER, "csrf_token": token})
    assert answer.status_code == 302


def _conforms(document: dict, schema_name: str, body: dict) -> None:
    """`body` matches the named schema of the OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", **document}
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(body)]
    assert errors == []


def _response_schema(document: dict, path: str) -> dict:
    return document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]


# --- The OpenAPI document ---------------------------------------------------------------------


def test_openapi_document_is_a_valid_openapi_3_document(web):
    answer = web.get("/api/v1/openapi.json")

    assert answer.status_code == 200
    document = answer.get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_openapi_document_describes_every_api_route_and_method(web, studio_app):
    document = web.get("/api/v1/openapi.json").get_json()
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method.lower())
        for rule in studio_app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes == described
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"200", "201"} & set(operation["responses"]), (path, method)
            for name in re.findall(r"{(\w+)}", path):
                assert name in {p["name"] for p in operation["parameters"]}, (path, name)
            if method != "get":
                assert operation["security"] == [{"signInCookie": [], "csrfToken": []}]


# --- Weeks and sessions: public ---------------------------------------------------------------


def test_weeks_lists_the_stored_weeks_with_their_published_version(web, studio):
    answer = web.get("/api/v1/weeks")

    assert answer.status_code == 200
    assert answer.get_json()["weeks"] == [
        {
            "week_start": studio.week_start.isoformat(),
            "timezone": "Europe/London",
            "published_version": 1,
            "published_at": answer.get_json()["weeks"][0]["published_at"],
        }
    ]
    assert answer.get_json()["weeks"][0]["published_at"] is not None


def test_sessions_of_a_week_carry_spaces_left_and_no_client(web, studio):
    document = web.get("/api/v1/openapi.json").get_json()

    answer = web.get(f"/api/v1/weeks/{studio.week_start.isoformat()}/sessions")

    assert answer.status_code == 200
    body = answer.get_json()
    by_id = {s["id"]: s for s in body["sessions"]}
    assert sorted(by_id) == sorted(s.id for s in studio.plan.sessions)
    monday = next(s for s in body["sessions"] if s["class_type"] == "reformer")
    assert (monday["capacity"], monday["taken"], monday["spaces_left"]) == (3, 2, 1)
    assert monday["start"].endswith("09:30:00+00:00")  # Europe/London in winter
    for text in (ANN, BEA, "R1", "R2"):
        assert text not in answer.text
    for s in body["sessions"]:
        _conforms(document, "PublishedSession", s)


def test_sessions_of_an_unknown_week_are_not_found_as_json(web, studio):
    answer = web.get("/api/v1/weeks/1999-01-04/sessions")

    assert answer.status_code == 404
    assert answer.get_json()["error"] == "not_found"


# --- The plan: the owner's ---------------------------------------------------------------------


def test_the_plan_is_401_for_an_anonymous_caller(web, studio):
    answer = web.get(f"/api/v1/weeks/{studio.week_start.isoformat()}/plan")

    assert answer.status_code == 401
    assert answer.get_json() == {"error": "unauthorized", "message": "Sign in to read this."}


def test_the_plan_is_not_found_for_a_client(web, studio, db_session):
    sign_in_as(web, db_session, ANN)

    answer = web.get(f"/api/v1/weeks/{studio.week_start.isoformat()}/plan")

    assert answer.status_code == 404
    assert BEA not in answer.text


def test_the_owner_reads_the_full_plan_with_client_names(web, studio, owner):
    document = web.get("/api/v1/openapi.json").get_json()

    answer = web.get(f"/api/v1/weeks/{studio.week_start.isoformat()}/plan")

    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["version"], body["status"]) == (1, "published")
    places = {(a["client"], a["session"], a["reformer"]) for a in body["plan"]["allocations"]}
    assert places == {(a.client, a.session, a.reformer) for a in studio.plan.allocations}
    names = {a["client"]: a["client_name"] for a in body["plan"]["allocations"]}
    assert names == {ANN: "Ann Archer", BEA: "Bea Brown"}
    Draft202012Validator(
        {**_response_schema(document, "/weeks/{week_start}/plan"), **document}
    ).validate(body)


def test_the_owner_asking_for_a_bad_status_or_a_missing_version_gets_json_errors(
    web, studio, owner
):
    base = f"/api/v1/weeks/{studio.week_start.isoformat()}/plan"

    assert web.get(base + "?status=maybe").status_code == 400
    assert web.get(base + "?version=x").status_code == 400
    missing = web.get(base + "?version=9")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"
    assert web.get(base + "?status=draft").status_code == 404


# --- A client's places -------------------------------------------------------------------------


def test_my_allocations_is_401_for_an_anonymous_caller(web, studio):
    answer = web.get("/api/v1/me/allocations")

    assert answer.status_code == 401
    assert answer.get_json()["error"] == "unauthorized"


def test_my_allocations_lists_my_places_with_reformers(web, studio, db_session):
    document = web.get("/api/v1/openapi.json").get_json()
    sign_in_as(web, db_session, ANN)

    answer = web.get("/api/v1/me/allocations")

    assert answer.status_code == 200
    body = answer.get_json()
    _conforms(document, "ClientAllocations", body)
    assert body["client"] == ANN
    assert body["week_start"] == studio.week_start.isoformat()
    assert {(a["session"], a["reformer"]) for a in body["allocations"]} == {
        (a.session, a.reformer) for a in studio.plan.allocations if a.client == ANN
    }
    assert [a["day"] for a in body["allocations"]] == ["mon", "wed"]


def test_my_allocations_show_my_unplaced_wants(web, studio, db_session):
    sign_in_as(web, db_session, CAT)

    body = web.get("/api/v1/me/allocations").get_json()

    assert body["allocations"] == []
    assert body["unplaced"] == [
        {"class_names": ["APPI Mat"], "missing": 1, "reasons": [CAT_REASON]}
    ]


def test_my_allocations_of_an_unknown_week_are_not_found(web, studio, db_session):
    sign_in_as(web, db_session, ANN)

    assert web.get("/api/v1/me/allocations?week=1999-01-04").status_code == 404
    assert web.get("/api/v1/me/allocations?week=soon").status_code == 404


def test_the_owner_has_no_allocations_of_their_own(web, studio, owner):
    assert web.get("/api/v1/me/allocations").status_code == 404


def test_a_client_reading_another_clients_allocations_gets_404(web, studio, db_session):
    sign_in_as(web, db_session, ANN)

    answer = web.get(f"/api/v1/clients/{BEA}/allocations")

    assert answer.status_code == 404
    assert "R1" not in answer.text
    assert web.get("/api/v1/clients/nobody/allocations").status_code == 404


def test_a_client_reads_their_own_allocations_by_id(web, studio, db_session):
    sign_in_as(web, db_session, BEA)

    body = web.get(f"/api/v1/clients/{BEA}/allocations").get_json()

    assert [(a["class_name"], a["reformer"]) for a in body["allocations"]] == [("Reformer", "R1")]


def test_the_owner_reads_any_clients_allocations(web, studio, owner):
    body = web.get(f"/api/v1/clients/{BEA}/allocations").get_json()

    assert [a["reformer"] for a in body["allocations"]] == ["R1"]
    assert web.get("/api/v1/clients/nobody/allocations").status_code == 404


def test_a_clients_allocations_are_401_for_an_anonymous_caller(web, studio):
    answer = web.get(f"/api/v1/clients/{ANN}/allocations")

    assert answer.status_code == 401
    assert answer.get_json()["error"] == "unauthorized"
