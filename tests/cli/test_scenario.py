"""`reformer scenario run|sweep`: files in, result files out, and the live database untouched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from cli import cli
from scheduler.core.db import dispose_engines
from scheduler.formats.week import week_to_json
from scheduler.scenarios.document import SCENARIO_FORMAT
from scheduler.store.weeks import save_week
from tests.builders import oversubscribed_week

TIME_LIMIT = "3"


def write_scenario(tmp_path: Path, base: dict, prices: dict | None = None) -> Path:
    path = tmp_path / "scenario.json"
    document = {
        "format": SCENARIO_FORMAT,
        "name": "One more reformer",
        "base": base,
        "changes": [{"kind": "add_reformers", "room": "hitchin-studio", "count": 1}],
    }
    if prices:
        document["prices"] = prices
    path.write_text(json.dumps(document))
    return path


def with_week_file(tmp_path: Path) -> Path:
    (tmp_path / "week.json").write_text(json.dumps(week_to_json(oversubscribed_week())))
    return write_scenario(tmp_path, {"file": "week.json"}, prices={"reformer": 18})


def database_state(engine: Engine) -> object:
    """The SQLite file's hash, or on PostgreSQL every row of every table."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        dispose_engines()  # closing every connection checkpoints the write-ahead log
        return hashlib.sha256(Path(make_url(url).database).read_bytes()).hexdigest()
    with engine.connect() as connection:
        return {
            table.name: sorted(map(repr, connection.execute(select(table)).all()))
            for table in SQLModel.metadata.sorted_tables
        }


def test_run_writes_the_result_beside_its_base(runner, tmp_path):
    scenario = with_week_file(tmp_path)
    out = tmp_path / "result.json"
    result = runner.invoke(
        cli, ["scenario", "run", str(scenario), "--output", str(out), "--time-limit", TIME_LIMIT]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["format"] == "reformer-scenario-result/1"
    base, after = data["base"]["optimiser"], data["result"]["optimiser"]
    assert (base["places"], after["places"]) == (8, 12)
    assert after["revenue"] == 12 * 18
    assert data["result"]["fcfs"]["places"] <= after["places"]
    assert "Priority places" in result.output


def test_run_reads_a_stored_week_and_leaves_the_database_byte_for_byte(
    runner, engine, db_session, tmp_path
):
    save_week(session=db_session, week=oversubscribed_week(), class_type_prices={"reformer": 1500})
    db_session.commit()
    scenario = write_scenario(tmp_path, {"week_start": "2026-11-30"})
    before = database_state(engine)
    out = tmp_path / "result.json"
    result = runner.invoke(
        cli,
        ["scenario", "run", str(scenario), "--time-limit", TIME_LIMIT, "--output", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "+4" in result.output  # one more place in each of the four classes
    assert json.loads(out.read_text())["result"]["optimiser"]["revenue"] == 12 * 15.0
    assert database_state(engine) == before


def test_run_refuses_a_broken_scenario_with_its_json_paths(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"format": SCENARIO_FORMAT, "name": "x", "changes": [{}]}))
    result = runner.invoke(cli, ["scenario", "run", str(path)])
    assert result.exit_code == 1
    assert "$.base: is required" in result.output
    assert "$.changes[0].kind: is required" in result.output


@pytest.mark.slow
def test_sweep_writes_its_chart_and_figures(runner, tmp_path):
    scenario = with_week_file(tmp_path)
    for chart in ("sweep.svg", "sweep.png"):
        result = runner.invoke(
            cli,
            [
                "scenario",
                "sweep",
                str(scenario),
                "--vary",
                "changes[0].count",
                "--values",
                "0,1,2",
                "--chart",
                str(tmp_path / chart),
                "--output",
                str(tmp_path / "sweep.json"),
                "--time-limit",
                TIME_LIMIT,
            ],
        )
        assert result.exit_code == 0, result.output
        assert (tmp_path / chart).stat().st_size > 1000
    data = json.loads((tmp_path / "sweep.json").read_text())
    assert [p["value"] for p in data["points"]] == [0, 1, 2]
    assert [p["optimiser"]["places"] for p in data["points"]] == [8, 12, 16]


def test_sweep_refuses_a_chart_that_is_not_svg_or_png(runner, tmp_path):
    scenario = with_week_file(tmp_path)
    result = runner.invoke(
        cli,
        ["scenario", "sweep", str(scenario), "--vary", "changes[0].count", "--values", "1"]
        + ["--chart", str(tmp_path / "chart.gif")],
    )
    assert result.exit_code == 2
    assert ".svg or .png" in result.output


def test_sweep_names_a_path_that_leads_nowhere(runner, tmp_path):
    scenario = with_week_file(tmp_path)
    result = runner.invoke(
        cli, ["scenario", "sweep", str(scenario), "--vary", "changes[4].count", "--values", "1"]
    )
    assert result.exit_code == 1
    assert "$.changes[4]: no such item in the scenario" in result.output


def test_sweep_on_a_cluster_nobody_answers_is_refused_before_any_solve(runner, tmp_path):
    scenario = with_week_file(tmp_path)
    result = runner.invoke(
        cli,
        ["scenario", "sweep", str(scenario), "--vary", "changes[0].count", "--values", "1"]
        + ["--cluster", "tcp://127.0.0.1:9", "--output", str(tmp_path / "sweep.json")],
    )
    assert result.exit_code == 1
    assert "--cluster: no Dask scheduler answers at tcp://127.0.0.1:9" in result.output
    assert "Solving points" not in result.output
    assert not (tmp_path / "sweep.json").exists()
