"""The capacity advisor's pages: owner only, CSRF-guarded, run in the background, names shown."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from scheduler.core import models
from scheduler.scenarios.advisor_runs import advice_run, start_advice_run
from scheduler.store.weeks import save_week
from scheduler.studio.accounts import add_instructor_login
from scheduler.tasks.pool import Pool
from tests.builders import full_room_week
from web import create_app

EMAIL, PASSWORD = "owner@example.com", "a long enough password"
ADVICE = "/owner/scenarios/advice"


@pytest.fixture
def app(engine, db_session, database_url):
    save_week(session=db_session, week=full_room_week(), class_type_prices={"reformer": 1800})
    add_instructor_login(session=db_session, email=EMAIL, password=PASSWORD, name="Jo")
    db_session.commit()
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})


def token(page: bytes) -> str:
    match = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1).decode()


@pytest.fixture
def owner(app):
    browser = app.test_client()
    page = browser.get("/auth/sign-in").data
    response = browser.post(
        "/auth/sign-in", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token(page)}
    )
    assert response.status_code == 302
    return browser


def finished_run(db_session, database_url) -> int:
    """An advisor run on the stored week, run to the end here on one core."""
    run = start_advice_run(
        session=db_session,
        week_start="latest",
        time_limit=2,
        top=3,
        database_url=database_url,
        background=False,
        pool=Pool(processes=1),
    )
    assert run.status == "succeeded", run.error
    return run.id


def test_the_advisor_is_for_the_signed_in_owner_only(app):
    anonymous = app.test_client()
    for url in (ADVICE, f"{ADVICE}/1", f"{ADVICE}/1.json"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert "/auth/sign-in" in response.headers["Location"]
    assert anonymous.post(ADVICE).status_code in (302, 400)
    assert anonymous.post(f"{ADVICE}/1/save").status_code in (302, 400)


def test_starting_the_advisor_without_the_csrf_token_is_refused(owner, engine):
    response = owner.post(ADVICE, data={"week_start": "2026-11-30", "top": 3, "time_limit": 2})
    assert response.status_code == 400
    with engine.connect() as connection:
        assert connection.execute(select(models.SolveRun)).all() == []


def test_the_what_if_page_links_to_the_advisor(owner):
    page = owner.get("/owner/scenarios/").data.decode()
    assert f'href="{ADVICE}"' in page


def test_the_owner_starts_the_advisor_and_its_page_follows_it(owner):
    page = owner.get(ADVICE).data
    assert b"2026-11-30" in page
    response = owner.post(
        ADVICE,
        data={"week_start": "2026-11-30", "top": 1, "time_limit": 1, "csrf_token": token(page)},
    )
    assert response.status_code == 302
    run_url = response.headers["Location"]
    state = owner.get(f"{run_url}.json").get_json()
    assert state["status"] in ("queued", "running", "succeeded")
    deadline = time.monotonic() + 120
    while not state["done"] and time.monotonic() < deadline:
        time.sleep(0.2)
        state = owner.get(f"{run_url}.json").get_json()
    assert state["status"] == "succeeded", state["error"]
    assert "One more reformer in Hitchin · Studio" in owner.get(run_url).data.decode()


def test_the_ranking_shows_names_and_certainty_in_words(owner, db_session, database_url):
    run_id = finished_run(db_session, database_url)
    page = owner.get(f"{ADVICE}/{run_id}").data.decode()
    rows = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert rows[0] == "One more reformer in Hitchin · Studio"
    assert "certainly better: at least 2 more priority places" in page
    first = page.split('<th scope="row">')[1].split("</tr>")[0]
    assert "on the base plan&#39;s timetable, clients booked again" in first  # which solve
    assert "hitchin-studio" not in page and "add_reformers" not in page
    assert "<script>" not in page and "style=" not in page


def test_a_ranked_change_is_saved_as_a_scenario(owner, db_session, database_url):
    run_id = finished_run(db_session, database_url)
    page = owner.get(f"{ADVICE}/{run_id}").data
    assert owner.post(f"{ADVICE}/{run_id}/save", data={"rank": "1"}).status_code == 400
    response = owner.post(f"{ADVICE}/{run_id}/save", data={"rank": "1", "csrf_token": token(page)})
    assert response.status_code == 302
    scenario = db_session.exec(select(models.Scenario)).scalars().one()
    assert scenario.name == "One more reformer in Hitchin · Studio"
    assert scenario.changes == [{"kind": "add_reformers", "room": "hitchin-studio", "count": 1}]
    assert str(scenario.id) in response.headers["Location"]
    missing = owner.post(f"{ADVICE}/{run_id}/save", data={"rank": "99", "csrf_token": token(page)})
    assert missing.status_code == 302 and advice_run(session=db_session, run_id=run_id)


def test_costs_typed_in_are_checked_before_the_advisor_starts(owner, engine):
    page = owner.get(ADVICE).data
    data = {"week_start": "2026-11-30", "top": 1, "time_limit": 1, "csrf_token": token(page)}
    response = owner.post(ADVICE, data={**data, "costs": '{"add_reformer": 10}'})
    assert response.status_code == 400
    assert "$.add_reformer: no candidate change has this key or kind" in response.data.decode()
    response = owner.post(ADVICE, data={**data, "costs": "{"})
    assert response.status_code == 400 and "not valid JSON" in response.data.decode()
    with engine.connect() as connection:
        assert connection.execute(select(models.SolveRun)).all() == []


def test_costs_typed_in_give_the_gain_per_pound(owner, db_session, database_url):
    run = start_advice_run(
        session=db_session,
        week_start="latest",
        time_limit=2,
        top=1,
        costs={"add_reformers": 500},
        database_url=database_url,
        background=False,
        pool=Pool(processes=1),
    )
    page = owner.get(f"{ADVICE}/{run.id}").data.decode()
    assert "£500.00" in page and "0.004 places per £" in page


def test_a_week_not_stored_is_refused_on_the_form(owner):
    page = owner.get(ADVICE).data
    data = {"week_start": "2027-01-04", "top": 1, "time_limit": 1, "csrf_token": token(page)}
    response = owner.post(ADVICE, data=data)
    assert response.status_code == 400
    assert "no week starting 2027-01-04 is stored" in response.data.decode()
