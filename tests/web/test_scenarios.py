"""The what-if pages: owner only, CSRF-guarded, run in the background, live data untouched."""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from scheduler.core import models
from scheduler.scenarios.document import SCENARIO_FORMAT
from scheduler.scenarios.service import scenario_row, scenario_run
from scheduler.store.weeks import save_week
from scheduler.studio.accounts import add_instructor_login
from tests.builders import oversubscribed_week
from web import create_app

EMAIL, PASSWORD = "owner@example.com", "a long enough password"
PREFIX = "/owner/scenarios"


@pytest.fixture
def app(engine, db_session, database_url):
    save_week(session=db_session, week=oversubscribed_week(), class_type_prices={"reformer": 1800})
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


def scenario_document(count: int = 1) -> dict:
    return {
        "format": SCENARIO_FORMAT,
        "name": f"{count} more reformers",
        "base": {"week_start": "2026-11-30"},
        "changes": [{"kind": "add_reformers", "room": "hitchin-studio", "count": count}],
    }


def create(owner, **fields) -> object:
    page = owner.get(f"{PREFIX}/").data
    data = {
        "name": "One more reformer",
        "week_start": "2026-11-30",
        "changes": '[{"kind": "add_reformers", "room": "hitchin-studio", "count": 1}]',
        "csrf_token": token(page),
        **fields,
    }
    return owner.post(f"{PREFIX}/", data=data)


def scenario_id(response) -> int:
    return int(re.search(rf"{PREFIX}/(\d+)", response.headers["Location"]).group(1))


def wait_for(owner, run_url: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = owner.get(f"{run_url}.json").get_json()
        if state["done"]:
            return state
        time.sleep(0.2)
    raise AssertionError(f"the run at {run_url} did not finish in {seconds} s")


def live_rows(engine) -> dict:
    """Every row of every table a scenario must not write to."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(repr, connection.execute(select(table)).all()))
            for table in SQLModel.metadata.sorted_tables
            if table.name not in ("scenario", "solve_run")
        }


def test_pages_are_for_the_signed_in_owner_only(app):
    anonymous = app.test_client()
    for url in (f"{PREFIX}/", f"{PREFIX}/1", f"{PREFIX}/runs/1", f"{PREFIX}/runs/1.json"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert "/auth/sign-in" in response.headers["Location"]
    assert anonymous.post(f"{PREFIX}/1/run").status_code in (302, 400)


def test_a_form_without_its_csrf_token_is_refused(owner, engine):
    response = owner.post(
        f"{PREFIX}/",
        data={"name": "x", "week_start": "2026-11-30", "changes": "[]"},
    )
    assert response.status_code == 400
    with engine.connect() as connection:
        assert connection.execute(select(models.Scenario)).all() == []


def test_the_owner_creates_a_scenario_from_the_form(owner):
    response = create(owner)
    assert response.status_code == 302
    page = owner.get(response.headers["Location"]).data.decode()
    assert "One more reformer" in page
    assert "add_reformers" in page and "hitchin-studio" in page
    assert "£18.00" in page  # priced from the base week's class types


def test_a_broken_change_is_refused_with_its_json_path(owner):
    response = create(owner, changes='[{"kind": "add_reformers", "room": "atlantis"}]')
    assert response.status_code == 400
    page = response.data.decode()
    assert "$.changes[0].count: is required" in page
    response = create(owner, changes="[{")
    assert response.status_code == 400
    assert "not valid JSON" in response.data.decode()


def test_the_owner_uploads_a_scenario_file_and_downloads_it_back(owner):
    page = owner.get(f"{PREFIX}/").data
    response = owner.post(
        f"{PREFIX}/upload",
        data={
            "csrf_token": token(page),
            "document": (io.BytesIO(json.dumps(scenario_document(2)).encode()), "s.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    downloaded = owner.get(f"{PREFIX}/{scenario_id(response)}.json").get_json()
    assert downloaded["changes"] == scenario_document(2)["changes"]
    assert downloaded["base"] == {"week_start": "2026-11-30"}


def test_a_run_solves_in_the_background_and_leaves_live_data_alone(owner, engine):
    sid = scenario_id(create(owner))
    before = live_rows(engine)
    detail = owner.get(f"{PREFIX}/{sid}").data
    response = owner.post(
        f"{PREFIX}/{sid}/run", data={"time_limit": "2", "csrf_token": token(detail)}
    )
    assert response.status_code == 302
    run_url = response.headers["Location"]
    state = wait_for(owner, run_url)
    assert state["status"] == "succeeded", state["error"]
    page = owner.get(run_url).data.decode()
    assert "Base" in page and "Scenario" in page and "FCFS" in page
    assert "By venue" in page
    # Proven best both ways on this small week: the verdict says so, and the figures explain.
    assert "Priority places +4: certainly better" in page
    assert "Share of the reformer-minutes on offer while venues are open" in page
    assert "No plan of this week can give more priority places than this" in page
    assert "Add 1 reformer to Hitchin · Studio" in page
    chart = owner.get(f"{run_url}/chart.svg")
    assert chart.mimetype == "image/svg+xml" and b"base beside scenario" in chart.data
    assert b"bound-box" not in chart.data or b"bound" in chart.data
    assert live_rows(engine) == before
    with engine.connect() as connection:
        run = connection.execute(select(models.SolveRun)).one()
    assert run.result["base"]["optimiser"]["places"] == 8
    assert run.result["result"]["optimiser"]["places"] == 12
    assert run.result["result"]["optimiser"]["revenue"] == 12 * 18

    compare = owner.get(f"{PREFIX}/compare?run={state['id']}").data.decode()
    assert "One more reformer" in compare and "Base, week of 2026-11-30" in compare


@pytest.mark.slow
def test_a_sweep_draws_its_chart_on_the_page(owner):
    sid = scenario_id(create(owner))
    detail = owner.get(f"{PREFIX}/{sid}").data
    response = owner.post(
        f"{PREFIX}/{sid}/sweep",
        data={
            "path": "changes[0].count",
            "start": "0",
            "stop": "2",
            "step": "1",
            "time_limit": "2",
            "csrf_token": token(detail),
        },
    )
    run_url = response.headers["Location"]
    state = wait_for(owner, run_url)
    assert state["status"] == "succeeded", state["error"]
    page = owner.get(run_url).data.decode()
    assert f"{run_url}/chart.svg" in page
    chart = owner.get(f"{run_url}/chart.svg")
    assert chart.mimetype == "image/svg+xml" and b"Priority places" in chart.data
    assert owner.get(f"{run_url}/chart.png").data.startswith(b"\x89PNG")
    assert chart.data.count(b"bound-band") >= 1
    assert b"The number of reformers added to Hitchin" in chart.data
    narrow = owner.get(f"{run_url}/chart.svg?layout=narrow").data
    assert narrow != chart.data
    detail = owner.get(f"{PREFIX}/{sid}").data.decode()
    assert "Sweep of the number of reformers added to Hitchin · Studio" in detail


def test_a_sweep_over_a_field_the_scenario_has_not_is_refused_before_it_starts(owner, engine):
    sid = scenario_id(create(owner))
    detail = owner.get(f"{PREFIX}/{sid}").data
    response = owner.post(
        f"{PREFIX}/{sid}/sweep",
        data={"path": "changes[3].count", "start": "1", "stop": "2", "step": "1"}
        | {"time_limit": "2", "csrf_token": token(detail)},
    )
    assert response.status_code == 400
    assert "choose one" in response.data.decode()
    with engine.connect() as connection:
        assert connection.execute(select(models.SolveRun)).all() == []


def build(owner, data: dict, action: str = "save", page: bytes | None = None):
    """Post the scenario builder with `data` and the button `action`."""
    page = page or owner.get(f"{PREFIX}/").data
    fields = {"name": "", "week_start": "2026-11-30", "csrf_token": token(page), **data}
    return owner.post(f"{PREFIX}/new", data={**fields, "action": action})


def test_the_owner_builds_a_scenario_from_the_forms_with_names_in_drop_downs(owner):
    added = build(owner, {"new_kind": "add_reformers"}, action="add")
    assert added.status_code == 200
    page = added.data.decode()
    assert "Change 1: Add reformers" in page
    assert '<option value="hitchin-studio">Hitchin · Studio</option>' in page
    more = build(
        owner,
        {"changes-0-kind": "add_reformers", "changes-0-room": "hitchin-studio"}
        | {"changes-0-count": "2", "new_kind": "demand"},
        action="add",
        page=added.data,
    )
    assert "Change 2: More or fewer clients" in more.data.decode()
    saved = build(
        owner,
        {"name": "Two more and busier", "changes-0-kind": "add_reformers"}
        | {"changes-0-room": "hitchin-studio", "changes-0-count": "2"}
        | {"changes-1-kind": "demand", "changes-1-percent": "20"},
        page=more.data,
    )
    assert saved.status_code == 302
    sid = scenario_id(saved)
    document = owner.get(f"{PREFIX}/{sid}.json").get_json()
    assert document["base"] == {"week_start": "2026-11-30"}
    assert document["changes"] == [
        {"kind": "add_reformers", "room": "hitchin-studio", "count": 2, "features": []},
        {"kind": "demand", "percent": 20},
    ]
    detail = owner.get(f"{PREFIX}/{sid}").data.decode()
    assert "Add 2 reformers to Hitchin · Studio" in detail
    assert "20% more clients" in detail
    assert "the number of reformers added to Hitchin · Studio" in detail
    assert "demand change in percent" in detail


def test_a_change_taken_out_of_the_builder_is_gone(owner):
    page = build(
        owner,
        {"changes-0-kind": "close_venue", "changes-0-venue": "hitchin"}
        | {"changes-1-kind": "grid", "changes-1-minutes": "30"},
        action="remove-0",
    ).data.decode()
    assert "Change 1: Change the timetable grid" in page
    assert "Close a venue all week</legend>" not in page


def test_a_builder_form_without_its_csrf_token_is_refused(owner, engine):
    response = owner.post(
        f"{PREFIX}/new",
        data={"name": "x", "changes-0-kind": "grid", "changes-0-minutes": "30"},
    )
    assert response.status_code == 400
    with engine.connect() as connection:
        assert connection.execute(select(models.Scenario)).all() == []


def test_a_wrong_field_of_the_builder_is_named_in_words_and_nothing_is_saved(owner, engine):
    response = build(
        owner,
        {"name": "Too many", "changes-0-kind": "add_reformers"}
        | {"changes-0-room": "hitchin-studio", "changes-0-count": "two"}
        | {"changes-1-kind": "class_type", "changes-1-class_type": "reformer"}
        | {"changes-1-max_size": "2", "changes-1-min_size": "5"},
    )
    assert response.status_code == 400
    page = response.data.decode()
    assert "Change 1 (Add reformers), How many: must be a whole number, not &#39;two&#39;" in page
    assert "Min class size: must be at most max_size 2, not 5" in page
    # The fields keep what was typed, to be put right.
    assert 'value="two"' in page
    with engine.connect() as connection:
        assert connection.execute(select(models.Scenario)).all() == []


def test_a_scenario_opens_in_the_forms_to_edit(owner):
    sid = scenario_id(create(owner))
    page = owner.get(f"{PREFIX}/{sid}/edit").data.decode()
    assert "Change 1: Add reformers" in page
    assert '<option value="hitchin-studio" selected>Hitchin · Studio</option>' in page
    assert 'name="changes-0-count" value="1"' in page


def test_a_sweep_in_words_maps_to_the_field_s_path_and_whole_values(owner, monkeypatch):
    import scheduler.scenarios.forms as forms

    started = {}

    def fake_start(**kwargs):
        started.update(kwargs)
        return models.SolveRun(id=1)

    monkeypatch.setattr(forms, "start_scenario_run", fake_start)
    sid = scenario_id(create(owner))
    detail = owner.get(f"{PREFIX}/{sid}").data
    assert (
        b'<option selected value="changes[0].count">'
        b"the number of reformers added to Hitchin \xc2\xb7 Studio</option>" in detail
    )
    response = owner.post(
        f"{PREFIX}/{sid}/sweep",
        data={"path": "changes[0].count", "start": "0", "stop": "6", "step": "2"}
        | {"time_limit": "3", "csrf_token": token(detail)},
    )
    assert response.status_code == 302
    assert started["sweep_path"] == "changes[0].count"
    assert started["sweep_values"] == [0, 2, 4, 6]
    assert started["time_limit"] == 3


def test_a_count_is_swept_in_whole_steps_only(owner):
    sid = scenario_id(create(owner))
    detail = owner.get(f"{PREFIX}/{sid}").data
    response = owner.post(
        f"{PREFIX}/{sid}/sweep",
        data={"path": "changes[0].count", "start": "0", "stop": "3", "step": "0.5"}
        | {"time_limit": "3", "csrf_token": token(detail)},
    )
    assert response.status_code == 400
    assert "is a count: give a whole number, not 0.5" in response.data.decode()


def test_the_demo_s_what_if_page_lists_the_four_example_scenarios(owner, db_session):
    from datetime import date

    from scheduler.studio.demo import save_demo_scenarios, save_demo_week

    save_demo_week(session=db_session, week_start=date(2026, 12, 7))
    save_demo_scenarios(session=db_session, week_start=date(2026, 12, 7))
    page = owner.get(f"{PREFIX}/").data.decode()
    for name in (
        "Baldock closes",
        "Demand up 20%",
        "A second instructor on Saturday mornings",
        "Two more reformers at Hitchin",
    ):
        assert name in page
    assert page.count("2026-12-07") >= 4


def test_unknown_scenarios_and_runs_are_not_found(owner):
    assert owner.get(f"{PREFIX}/999").status_code == 404
    assert owner.get(f"{PREFIX}/runs/999").status_code == 404
    assert owner.get(f"{PREFIX}/runs/999.json").status_code == 404


def test_a_solve_run_of_the_week_is_no_scenario_run(owner, db_session):
    solve = models.SolveRun(kind="manual", status="succeeded")
    db_session.add(solve)
    db_session.commit()
    assert scenario_run(session=db_session, run_id=solve.id) is None
    assert owner.get(f"{PREFIX}/runs/{solve.id}").status_code == 404
    assert scenario_row(session=db_session, scenario_id=999) is None
