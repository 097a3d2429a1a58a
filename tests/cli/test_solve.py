"""`reformer solve` on files: a checked plan written, progress shown, bad input refused."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.formats.files import write_json
from scheduler.formats.plan import read_plan_file
from scheduler.formats.week import read_week_file, week_to_json
from solver.checker import check_plan, measure_objective
from tests.builders import client, want, week


@pytest.mark.slow
def test_solve_writes_a_plan_keeping_every_rule_and_shows_its_progress(tmp_path, examples_dir):
    out = tmp_path / "plan.json"
    source = examples_dir / "studio-small.json"
    result = CliRunner().invoke(
        cli, ["solve", "--input", str(source), "--output", str(out), "--time-limit", "4"]
    )
    assert result.exit_code == 0, result.output
    # A progress line per improvement: its time, then the figures in words.
    assert re.search(r"^ *\d+\.\ds  \d+ priority places", result.output, re.MULTILINE)
    w, plan = read_week_file(source), read_plan_file(out)
    assert check_plan(w, plan) == []
    assert measure_objective(w, plan) == plan.objective
    assert f"{plan.objective.priority_places} priority places" in result.output


def test_fcfs_strategy_books_the_pinned_timetable(tmp_path, examples_dir):
    out = tmp_path / "plan.json"
    source = examples_dir / "studio-fixed.json"
    result = CliRunner().invoke(
        cli, ["solve", "--input", str(source), "--output", str(out), "--strategy", "fcfs"]
    )
    assert result.exit_code == 0, result.output
    w, plan = read_week_file(source), read_plan_file(out)
    assert check_plan(w, plan) == []
    assert {s.id for s in plan.sessions} == {p.id for p in w.pinned_sessions}


def test_a_broken_week_is_refused_with_its_path_and_no_plan_written(tmp_path):
    document = week_to_json(week(clients=[client("c1", wants=[want("reformer", 1)])]))
    document["clients"][0]["venues"] = ["atlantis"]
    source, out = tmp_path / "week.json", tmp_path / "plan.json"
    write_json(document, source)
    result = CliRunner().invoke(cli, ["solve", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 1
    assert "$.clients[0].venues[0]: unknown venue 'atlantis'" in result.output
    assert not out.exists()
    assert json.loads(source.read_text())["clients"][0]["venues"] == ["atlantis"]


def test_solve_shows_fairness_points_when_a_client_missed_out(tmp_path):
    w = week(clients=[client("c1", missed_weeks=2), client("c2")])
    source, out = tmp_path / "week.json", tmp_path / "plan.json"
    write_json(week_to_json(w), source)
    result = CliRunner().invoke(
        cli, ["solve", "--input", str(source), "--output", str(out), "--time-limit", "3"]
    )
    assert result.exit_code == 0, result.output
    plan = read_plan_file(out)
    assert check_plan(w, plan) == []
    assert plan.objective.fairness_points == 2
    assert "(bound 2), 2 fairness points, " in result.output
