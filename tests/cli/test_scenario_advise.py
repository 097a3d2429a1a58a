"""`reformer scenario advise`: a stored week's single changes ranked, the database untouched."""

from __future__ import annotations

import json

from cli import cli
from scheduler.store.plans import save_plan
from scheduler.store.weeks import save_week
from solver.solve import solve
from tests.builders import full_room_week
from tests.cli.test_scenario import database_state

WEEK = "2026-11-30"


def stored(db_session, with_plan: bool = False) -> None:
    save_week(session=db_session, week=full_room_week(), class_type_prices={"reformer": 1800})
    if with_plan:
        save_plan(session=db_session, week_start=WEEK, plan=solve(full_room_week(), time_limit=2))
    db_session.commit()


def advise(runner, *options: str):
    return runner.invoke(
        cli,
        ["scenario", "advise", "--time-limit", "2", "--processes", "1", *options],
        catch_exceptions=False,
    )


def test_advise_ranks_one_more_reformer_in_the_full_room_first(
    runner, engine, db_session, tmp_path
):
    stored(db_session)
    before = database_state(engine)
    out = tmp_path / "advice.json"
    result = advise(runner, "--week", WEEK, "--top", "3", "--output", str(out))
    assert result.exit_code == 0, result.output
    advice = json.loads(out.read_text())
    assert advice["format"] == "reformer-advice/1"
    assert advice["base"]["source"] == "the week solved for 6 s"
    best = advice["ranking"][0]
    assert best["description"] == "One more reformer in Hitchin · Studio"
    assert (best["gains"]["priority_places"], best["gains"]["revenue"]) == (2, 18.0)
    assert len(advice["ranking"]) == 3
    rows = [line.split() for line in result.output.splitlines() if line[:3].strip().isdigit()]
    assert rows[0][:7] == ["1", "One", "more", "reformer", "in", "Hitchin", "·"]
    assert rows[0][8:10] == ["+2", "[+2,"]  # gained, and surely at least that many
    assert len(rows) == 3
    assert database_state(engine) == before


def test_advise_starts_from_the_weeks_stored_plan(runner, db_session, tmp_path):
    stored(db_session, with_plan=True)
    out = tmp_path / "advice.json"
    result = advise(runner, "--top", "1", "--output", str(out))
    assert result.exit_code == 0, result.output
    advice = json.loads(out.read_text())
    assert advice["base"]["source"] == "version 1 (draft) of the week"
    assert advice["ranking"][0]["key"] == "add_reformers:hitchin-studio"


def test_advise_prices_changes_from_a_costs_file(runner, db_session, tmp_path):
    stored(db_session)
    costs = tmp_path / "costs.json"
    costs.write_text(json.dumps({"add_reformers": 450}))
    out = tmp_path / "advice.json"
    result = advise(runner, "--top", "1", "--costs", str(costs), "--output", str(out))
    assert result.exit_code == 0, result.output
    best = json.loads(out.read_text())["ranking"][0]
    assert best["cost"] == 450.0 and best["per_pound"]["revenue"] == 0.04
    assert "£450" in result.output


def test_advise_refuses_a_week_not_stored_and_a_wrong_costs_file(runner, db_session, tmp_path):
    stored(db_session)
    result = advise(runner, "--week", "2027-01-04")
    assert result.exit_code == 1
    assert "no week starting 2027-01-04 is stored" in result.output
    costs = tmp_path / "costs.json"
    costs.write_text(json.dumps({"add_reformer": 450}))
    result = advise(runner, "--costs", str(costs))
    assert result.exit_code == 1
    assert "$.add_reformer: no candidate change has this key or kind" in result.output
