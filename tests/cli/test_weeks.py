"""`reformer import` and `reformer export`: lossless round trips, and nothing written on error."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from cli import cli
from scheduler.formats.week import normalise_week_json
from tests.builders import base_week_document, example_files, example_names
from tests.stored import database_content
from tests.strategies import broken_week_documents


@pytest.mark.parametrize("name", example_names())
def test_every_example_exports_as_it_was_imported(name, engine, runner, tmp_path):
    source = next(p for p in example_files() if p.name == name)
    original = json.loads(source.read_text())
    imported = runner.invoke(cli, ["import", str(source)])
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "out.json"
    exported = runner.invoke(cli, ["export", "--week", original["week_start"], str(out)])
    assert exported.exit_code == 0, exported.output
    assert normalise_week_json(json.loads(out.read_text())) == normalise_week_json(original)


def test_importing_a_week_that_exists_replaces_it_whole(engine, runner, tmp_path):
    first = base_week_document()
    second = base_week_document()
    second["clients"] = [c for c in second["clients"] if not c["needs_intro"]][:1]
    second["pinned_allocations"] = []
    for number, document in enumerate((first, second)):
        path = tmp_path / f"week{number}.json"
        path.write_text(json.dumps(document))
        assert runner.invoke(cli, ["import", str(path)]).exit_code == 0
    result = runner.invoke(cli, ["export", "--week", second["week_start"]])
    assert result.exit_code == 0, result.output
    assert normalise_week_json(json.loads(result.stdout)) == normalise_week_json(second)


def test_export_of_a_week_never_imported_exits_1_saying_so(engine, runner):
    result = runner.invoke(cli, ["export", "--week", "2030-01-07"])
    assert result.exit_code == 1
    assert "2030-01-07" in result.stderr


def test_export_refuses_a_week_that_does_not_start_on_a_monday(engine, runner):
    result = runner.invoke(cli, ["export", "--week", "2030-01-08"])
    assert result.exit_code == 2
    assert "Monday" in result.stderr


def test_import_of_a_file_that_is_not_json_writes_nothing(engine, runner, tmp_path):
    path = tmp_path / "week.json"
    path.write_text("{ not json")
    before = database_content(engine)
    result = runner.invoke(cli, ["import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("$: not valid JSON")
    assert database_content(engine) == before


def test_a_broken_week_is_refused_with_every_error_and_nothing_written(engine, runner, tmp_path):
    good = base_week_document()
    good_path = tmp_path / "good.json"
    good_path.write_text(json.dumps(good))
    assert runner.invoke(cli, ["import", str(good_path)]).exit_code == 0
    broken = base_week_document()
    broken["clients"][0]["venues"] = ["atlantis"]
    broken["instructors"][0]["availability"][0]["to"] = "25:00"
    broken["grid_minutes"] = 10  # a change that must not land either
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    before = database_content(engine)
    result = runner.invoke(cli, ["import", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "$.clients[0].venues[0]: unknown venue 'atlantis'" in lines
    assert any(line.startswith("$.instructors[0].availability[0].to:") for line in lines)
    assert database_content(engine) == before


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=broken_week_documents())
def test_every_generated_broken_week_is_refused_at_its_path_with_nothing_written(
    case, engine, runner, tmp_path
):
    document, path_of_error = case
    # A stored week with the same start, which a bad import must not disturb.
    good = tmp_path / "good.json"
    good.write_text(json.dumps(base_week_document()))
    assert runner.invoke(cli, ["import", str(good)]).exit_code == 0
    file = tmp_path / "broken.json"
    file.write_text(json.dumps(document))
    before = database_content(engine)
    result = runner.invoke(cli, ["import", str(file)])
    assert result.exit_code == 1
    assert any(line.startswith(path_of_error) for line in result.stderr.splitlines()), (
        path_of_error,
        result.stderr,
    )
    assert database_content(engine) == before
