"""The published JSON Schemas: outside tools accept what the project accepts, refuse the rest."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cli import cli
from cli.schema import NAMES
from scheduler.core.models import PLAN_STATUSES
from scheduler.formats.api import WeekPlan
from scheduler.formats.plan import plan_to_json
from scheduler.formats.schemas import DOCUMENTS, document_schema
from scheduler.formats.week import WeekError, parse_week, read_week_file
from solver.checker import check_plan
from solver.solve import solve
from tests.builders import REPO_ROOT, base_week_document, example_files
from tests.strategies import BREAKERS, broken_week_documents

SCENARIOS = sorted((REPO_ROOT / "examples" / "scenarios").glob("*.json"))


def _schema(name: str) -> Draft202012Validator:
    """The validator of `reformer schema NAME`'s output."""
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def week_schema() -> Draft202012Validator:
    return _schema("week")


def test_reformer_schema_prints_each_documents_json_schema():
    for name in NAMES:
        result = CliRunner().invoke(cli, ["schema", name])
        assert result.exit_code == 0
        assert json.loads(result.stdout) == document_schema(name)
        assert json.loads(result.stdout)["$schema"].endswith("/draft/2020-12/schema")
    assert CliRunner().invoke(cli, ["schema", "timetable"]).exit_code == 2
    assert tuple(DOCUMENTS) == NAMES


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_every_example_week_is_valid_by_the_week_schema(week_schema, path):
    document = json.loads(path.read_text())
    assert [e.message for e in week_schema.iter_errors(document)] == []
    read_week_file(path)


def test_the_week_schema_refuses_a_broken_week(week_schema):
    document = base_week_document()
    document["grid_minutes"] = "15"
    document["venues"][0]["open"][0]["day"] = "someday"
    document["clients"][0]["availability"][0]["to"] = "25:00"
    del document["clients"][1]["wants"]
    wrong = {tuple(e.absolute_path) for e in week_schema.iter_errors(document)}
    assert wrong >= {
        ("grid_minutes",),
        ("venues", 0, "open", 0, "day"),
        ("clients", 0, "availability", 0, "to"),
        ("clients", 1),
    }


@pytest.mark.parametrize(
    "breaker",
    [b for b in BREAKERS if b.__name__ in ("_bad_time", "_wrong_type")],
    ids=lambda b: b.__name__.strip("_"),
)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_what_the_schema_refuses_parse_week_refuses_at_the_same_path(week_schema, breaker, data):
    document, path = data.draw(broken_week_documents([breaker]))
    schema_paths = {
        "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path)
        for e in week_schema.iter_errors(document)
    }
    with pytest.raises(WeekError) as refused:
        parse_week(document)
    assert path in schema_paths
    assert path in {error.split(": ", 1)[0] for error in refused.value.errors}


def test_a_plan_the_solver_makes_is_valid_by_the_plan_schema():
    week = parse_week(base_week_document())
    plan = solve(week, time_limit=5, workers=1)
    assert check_plan(week, plan) == []
    document = plan_to_json(plan)
    validator = _schema("plan")
    assert [e.message for e in validator.iter_errors(document)] == []
    document["sessions"][0]["start"] = "9:30"
    del document["allocations"]
    assert {tuple(e.absolute_path) for e in validator.iter_errors(document)} == {
        ("sessions", 0, "start"),
        (),
    }


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_example_scenario_is_valid_by_the_scenario_schema(path):
    document = json.loads(path.read_text())
    assert [e.message for e in _schema("scenario").iter_errors(document)] == []


def test_the_scenario_schema_refuses_a_broken_scenario():
    assert SCENARIOS, "no example scenarios in examples/scenarios/"
    document = json.loads(SCENARIOS[0].read_text())
    document["changes"] = [
        {"kind": "teleport"},
        {"kind": "mat_spaces", "room": "hitchin-studio", "mat_spaces": -1},
        {"kind": "close_venue", "venue": "baldock", "colour": "red"},
    ]
    document["prices"] = {"reformer": -3}
    validator = _schema("scenario")
    assert not validator.is_valid(document)
    for i, change in enumerate(document["changes"]):
        assert not validator.is_valid({**document, "changes": [change]}), i
    assert not validator.is_valid({**document, "changes": [], "prices": {"reformer": -3}})


def test_the_api_serves_each_schema_and_a_json_404_for_another(web):
    for name in NAMES:
        answer = web.get(f"/api/v1/schemas/{name}.json")
        assert answer.status_code == 200
        assert answer.get_json() == document_schema(name)
    missing = web.get("/api/v1/schemas/timetable.json")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"


def test_the_plan_statuses_of_the_api_are_the_stored_ones():
    assert WeekPlan.model_json_schema()["properties"]["status"]["enum"] == list(PLAN_STATUSES)


def test_the_week_schema_takes_missed_weeks_within_their_bounds(week_schema):
    document = base_week_document()
    document["clients"][0]["missed_weeks"] = 2
    assert [e.message for e in week_schema.iter_errors(document)] == []
    document["clients"][0]["missed_weeks"] = 53
    assert [tuple(e.absolute_path) for e in week_schema.iter_errors(document)] == [
        ("clients", 0, "missed_weeks")
    ]
