"""Malformed input in URLs, queries and forms is a 4xx page naming what is wrong, never a 500."""

from __future__ import annotations

import pytest

from tests.studio_seed import ANN, sign_in_as

HUGE = "99999999999999999999"


@pytest.fixture
def owner(app, client, owner_login, studio):
    """The owner signed in on the seeded studio (CSRF off)."""
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/weeks/{week}/plan?version=²",
        "/api/v1/weeks/{week}/plan?version=" + HUGE,
        "/api/v1/weeks/notadate/plan",
        "/api/v1/weeks/notadate/sessions",
        "/owner/week/notadate/sessions/x",
        "/owner/week?start=notadate",
        "/owner/week?start={week}&plan=" + HUGE,
        "/owner/week/{week}/sessions/x?plan=" + HUGE,
        "/owner/plans/" + HUGE + "/publish",
        "/owner/runs/" + HUGE,
        "/owner/runs/" + HUGE + ".json",
        "/owner/scenarios/" + HUGE,
        "/owner/scenarios/" + HUGE + ".json",
        "/owner/scenarios/runs/" + HUGE,
        "/owner/venues?start=2026-02-30",
        "/owner/week?start=9999-12-27",
        "/owner/week?start=9999-12-31",
        "/owner/week?start=0001-01-01",
        "/timetable/9999-12-31",
        "/api/v1/weeks/9999-12-27/sessions",
        "/owner/clients/x?start=notadate",
        "/timetable/notadate",
    ],
)
def test_a_malformed_address_is_a_client_error_not_a_500(owner, studio, url):
    response = owner.get(url.format(week=studio.week_start.isoformat()))
    assert 400 <= response.status_code < 500, (url, response.status_code)


def test_a_huge_run_id_to_compare_is_left_out(owner):
    assert owner.get("/owner/scenarios/compare?run=" + HUGE).status_code < 500


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/owner/week/notadate/solve", {"time_limit": "5"}),
        ("/owner/week/2026-13-01/solve", {"time_limit": "5"}),
        ("/owner/week/2026-12-01/solve", {"time_limit": "5"}),
        ("/owner/week/notadate/reformers/R1/service", {"in_service": "no"}),
        ("/owner/week/2026-12-01/reformers/R1/service", {"in_service": "no"}),
        ("/owner/week/notadate/start", {}),
        ("/owner/plans/" + HUGE + "/sessions/x/pin", {}),
        ("/owner/scenarios/" + HUGE + "/run", {}),
        ("/owner/scenarios/" + HUGE + "/delete", {}),
    ],
)
def test_a_post_to_a_malformed_address_is_not_found(owner, url, data):
    assert owner.post(url, data=data).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/owner/week/9999-12-27/solve",
        "/owner/week/0001-01-01/solve",
        "/owner/week/9999-12-27/reformers/R1/service",
        "/owner/week/9999-12-27/start",
    ],
)
def test_a_post_for_a_week_at_the_end_of_the_calendar_is_not_found(owner, url):
    response = owner.post(url, data={"time_limit": "5", "in_service": "no"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/me/places/" + HUGE, "/me/week?week=notadate", "/me/week?week=2026-11-31"]
)
def test_a_clients_malformed_address_is_not_found(web, studio, db_session, path):
    sign_in_as(web, db_session, ANN)
    assert web.get(path).status_code == 404
