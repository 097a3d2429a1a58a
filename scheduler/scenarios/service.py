"""Stored scenarios: save, read, run in the background, list, delete.

Stored scenarios read their base week from the database and write only their
own `Scenario` row and the `SolveRun` rows of their runs.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from scheduler.core import models as db
from scheduler.core.dates import as_date, coming_monday
from scheduler.core.db import get_engine
from scheduler.formats.week import read_week_file
from scheduler.runs.lifecycle import (
    ProgressWriter,
    carry_out_run,
    mark_interrupted_runs,
    start_run,
)
from scheduler.scenarios.document import (
    SCENARIO_FORMAT,
    Scenario,
    ScenarioError,
    parse_scenario,
    read_scenario_file,
    scenario_to_json,
    set_path,
)
from scheduler.scenarios.report import Base, run_scenario, sweep
from scheduler.store.plans import find_plan, load_stored_plan
from scheduler.store.weeks import load_stored_week, week_row, week_starts
from scheduler.tasks.pool import Pool
from solver.domain import (
    Week,
)

log = logging.getLogger(__name__)


# Cores for each solve of a stored run or sweep (a sweep's points go one after another).
RUN_WORKERS = 2


def resolve_week_start(text: str, *, session: Session) -> date:
    """A base's `week_start`: a date, `latest` (newest stored week) or `next` (coming Monday)."""
    if text == "latest":
        stored = week_starts(session=session)
        if not stored:
            raise ScenarioError(["$.base.week_start: no week is stored yet"])
        return stored[-1]
    if text == "next":
        return coming_monday()
    return as_date(text)


def stored_week(*, session: Session, week_start: str) -> tuple[db.Week, Week]:
    """The stored week a base names, as its row and as the solver's `Week`."""
    start = resolve_week_start(week_start, session=session)
    row = week_row(session=session, week_start=start)
    if row is None:
        raise ScenarioError([f"$.base.week_start: no week starting {start.isoformat()} is stored"])
    return row, load_stored_week(session=session, week_start=start)


def stored_prices(*, session: Session, week_id: int) -> dict[str, float]:
    """Price per place of each class type of a stored week that carries one, in pounds."""
    rows = session.exec(select(db.ClassType).where(db.ClassType.week_id == week_id)).all()
    return {c.key: c.price_pence / 100 for c in rows if c.price_pence is not None}


def base_week_of(
    scenario: Scenario, *, base_file: str | None = None, session: Session | None = None
) -> tuple[Week, dict[str, float]]:
    """The week a scenario changes, and the prices per place its stored week carries.

    The week is `base_file` if given, else the scenario's base file or stored week
    (only read, in a session of its own unless one is given). A file has no prices.
    """
    if base_file or scenario.base_file:
        return read_week_file(base_file or scenario.base_file), {}
    if session is None:
        with Session(get_engine()) as own:
            return base_week_of(scenario, session=own)
    row, week = stored_week(session=session, week_start=scenario.base_week_start)
    return week, stored_prices(session=session, week_id=row.id)


def comparison_base(
    scenario: Scenario, *, base_file: str | None = None, session: Session | None = None
) -> Base:
    """What a scenario is compared with: the latest plan of its stored base week (the one
    the week page shows), or, for a week file or a week with no plan, nothing (the base
    is then solved once for the comparison)."""
    if base_file or scenario.base_file:
        return Base()
    if session is None:
        with Session(get_engine()) as own:
            return comparison_base(scenario, session=own)
    row, _ = stored_week(session=session, week_start=scenario.base_week_start)
    plan_row = find_plan(session=session, week_start=row.week_start)
    if plan_row is None:
        return Base()
    return Base(
        load_stored_plan(session=session, plan_id=plan_row.id),
        f"version {plan_row.version} ({plan_row.status}) of the week of "
        f"{row.week_start.isoformat()}",
    )


def open_scenario_file(
    path: str | Path, *, base_file: str | None = None
) -> tuple[dict, Scenario, Week]:
    """A scenario file as its document and `Scenario`, checked against its base week.

    Where the file sets no prices, the stored base week's prices are written into both.
    """
    scenario = read_scenario_file(path)
    document = scenario_to_json(scenario)
    week, stored = base_week_of(scenario, base_file=base_file)
    if not scenario.prices and stored:
        document["prices"] = stored
    return document, parse_scenario(document, week), week


def save_scenario(*, session: Session, document: Any) -> db.Scenario:
    """Validate `document` against its stored base week and store it under its name.

    A scenario of the same name is replaced. Prices come from the base week's class
    types, so a document's own `prices` are not stored.
    """
    scenario = parse_scenario(document)
    if scenario.base_week_start is None:
        raise ScenarioError(["$.base: a stored scenario's base is a stored week ('week_start')"])
    week_row, week = stored_week(session=session, week_start=scenario.base_week_start)
    parse_scenario(document, week)
    row = session.exec(select(db.Scenario).where(db.Scenario.name == scenario.name)).first()
    if row is None:
        row = db.Scenario(name=scenario.name)
    row.description = scenario.description or None
    row.base_week_id = week_row.id
    row.changes = [{"kind": c.kind, **c.fields} for c in scenario.changes]
    row.updated_at = db.utcnow()
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def scenario_document(*, session: Session, row: db.Scenario) -> dict:
    """A stored scenario as a `reformer-scenario/1` document, priced from its base week."""
    week_row = session.get(db.Week, row.base_week_id) if row.base_week_id else None
    document: dict[str, Any] = {"format": SCENARIO_FORMAT, "name": row.name}
    if row.description:
        document["description"] = row.description
    # A base week deleted since reads as the newest one.
    document["base"] = {"week_start": week_row.week_start.isoformat() if week_row else "latest"}
    prices = stored_prices(session=session, week_id=week_row.id) if week_row else {}
    if prices:
        document["prices"] = prices
    document["changes"] = list(row.changes)
    return document


def start_scenario_run(
    *,
    session: Session,
    scenario_id: int,
    time_limit: float,
    sweep_path: str | None = None,
    sweep_values: list[Any] | None = None,
    database_url: str | None = None,
    background: bool = True,
) -> db.SolveRun:
    """Queue a run (or, with `sweep_path`, a sweep) of a stored scenario and start it.

    The run goes on in a background thread with its own database session, writing
    its progress and result to its `SolveRun` row; the caller polls that row.
    With `background=False` it runs to the end before returning (for the CLI and tests).
    """
    row = session.get(db.Scenario, scenario_id)
    if row is None:
        raise ScenarioError([f"no scenario {scenario_id}"])
    document = scenario_document(session=session, row=row)
    if sweep_path is not None:
        for value in sweep_values or []:
            parse_scenario(set_path(document, sweep_path, value))
    run = db.SolveRun(
        week_id=row.base_week_id,
        scenario_id=row.id,
        kind="scenario",
        status="queued",
        time_limit=time_limit,
        progress={"fraction": 0.0, "stage": "queued", "sweep": sweep_path},
    )
    session.add(run)
    session.commit()
    session.refresh(run)
    job = (run.id, document, time_limit, sweep_path, sweep_values, database_url)
    return start_run(session, run, execute_scenario_run, job, background=background)


def execute_scenario_run(
    run_id: int,
    document: dict,
    time_limit: float,
    sweep_path: str | None,
    sweep_values: list[Any] | None,
    database_url: str | None,
) -> None:
    """Carry out a queued run, recording progress, the result or the error on its row."""

    def work(session: Session, progress: ProgressWriter) -> dict:
        scenario = parse_scenario(document)
        base, _ = base_week_of(scenario, session=session)
        compared_with = comparison_base(scenario, session=session)
        if sweep_path is not None:
            return sweep(
                document,
                base,
                sweep_path,
                list(sweep_values or []),
                time_limit=time_limit,
                workers=RUN_WORKERS,
                on_progress=progress,
                base=compared_with,
                pool=Pool.chosen(),
            )
        result = run_scenario(
            scenario,
            base,
            time_limit=time_limit,
            workers=RUN_WORKERS,
            on_progress=progress,
            base=compared_with,
        )
        # The plan itself stays out of the row: the comparison is what the page shows.
        result.pop("plan", None)
        return result

    carry_out_run(run_id, database_url, work, shown={"sweep": sweep_path})


def stored_scenarios(*, session: Session) -> list[tuple[db.Scenario, date | None, int | None]]:
    """Every stored scenario by name, with its base week's Monday and its latest finished run."""
    rows = session.exec(select(db.Scenario).order_by(db.Scenario.name)).all()
    weeks = {w.id: w.week_start for w in session.exec(select(db.Week)).all()}
    latest: dict[int, int] = {}
    finished = select(db.SolveRun).where(
        db.SolveRun.scenario_id.is_not(None), db.SolveRun.status == "succeeded"
    )
    for run in session.exec(finished.order_by(db.SolveRun.id)).all():
        if (run.result or {}).get("format") == "reformer-scenario-result/1":
            latest[run.scenario_id] = run.id
    return [(row, weeks.get(row.base_week_id), latest.get(row.id)) for row in rows]


def scenario_runs(*, session: Session, scenario_id: int) -> list[db.SolveRun]:
    """A scenario's runs and sweeps, newest first."""
    query = (
        select(db.SolveRun)
        .where(db.SolveRun.scenario_id == scenario_id)
        .order_by(db.SolveRun.id.desc())
    )
    return list(session.exec(query).all())


def scenario_run_state(*, session: Session, run_id: int) -> dict | None:
    """What a page polling a scenario run needs: status, progress, and any error.

    A run whose process died (a web worker restarted mid-run) reads as failed.
    """
    run = session.get(db.SolveRun, run_id)
    if run is None or run.scenario_id is None:
        return None
    if run.status in ("queued", "running") and mark_interrupted_runs(engine=session.get_bind()):
        session.refresh(run)
    progress = run.progress or {}
    return {
        "id": run.id,
        "scenario": run.scenario_id,
        "status": run.status,
        "fraction": progress.get("fraction", 0.0),
        "stage": progress.get("stage", ""),
        "sweep": progress.get("sweep"),
        "error": run.error,
        "done": run.status in ("succeeded", "failed"),
    }


def delete_scenario(*, session: Session, scenario_id: int) -> None:
    """Forget a scenario and its runs (live data is untouched)."""
    row = session.get(db.Scenario, scenario_id)
    if row is not None:
        for run in scenario_runs(session=session, scenario_id=scenario_id):
            session.delete(run)
        session.delete(row)
        session.commit()


def scenario_row(*, session: Session, scenario_id: int) -> db.Scenario | None:
    """The stored scenario `scenario_id`, or None."""
    return session.get(db.Scenario, scenario_id)


def scenario_run(*, session: Session, run_id: int) -> db.SolveRun | None:
    """The scenario run or sweep `run_id`, or None (also for a run that is not a scenario's)."""
    run = session.get(db.SolveRun, run_id)
    return run if run is not None and run.scenario_id is not None else None
