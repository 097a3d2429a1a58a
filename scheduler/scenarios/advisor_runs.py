"""The capacity advisor on a stored week: in the foreground, or as a background run.

The base is the week's latest plan (the version the week page shows), where it still
keeps every hard rule of the week as stored; otherwise the base is solved. A run in
the background writes its progress and its `reformer-advice/1` document to a
`SolveRun` row of kind `advice` (the page polls it), and reads the live data only.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session, select

from scheduler.core import models as db
from scheduler.runs.lifecycle import (
    ProgressWriter,
    carry_out_run,
    mark_interrupted_runs,
    start_run,
)
from scheduler.scenarios.advisor import (
    ADVICE_FORMAT,
    AdviceJob,
    AdviceProgress,
    advice_scenario,
    candidate_changes,
    check_costs,
    plan_advice,
    run_advice,
)
from scheduler.scenarios.document import ScenarioError
from scheduler.scenarios.service import save_scenario, stored_prices, stored_week
from scheduler.store.plans import find_plan, load_stored_plan
from scheduler.tasks.pool import ON_THIS_MACHINE, Pool

log = logging.getLogger(__name__)

ADVICE_KIND = "advice"


def prepare_stored_advice(
    *,
    session: Session,
    week_start: str,
    time_limit: float,
    base_time_limit: float | None = None,
    top: int | None = None,
    costs: Any = None,
    use_stored_plan: bool = True,
) -> AdviceJob:
    """What to try on a stored week (`YYYY-MM-DD`, `latest` or `next`), priced from it.

    Raises `ScenarioError` for a week that is not stored or a costs document that is wrong.
    """
    try:
        row, week = stored_week(session=session, week_start=week_start)
    except ScenarioError:
        raise
    except ValueError:  # a date that is not one
        raise ScenarioError([f"--week: '{week_start}' is not YYYY-MM-DD, latest or next"]) from None
    plan, source = None, "solved"
    if use_stored_plan:
        # The latest version, as the week page and the scenario runs compare with.
        stored = find_plan(session=session, week_start=row.week_start)
        if stored is not None:
            plan = load_stored_plan(session=session, plan_id=stored.id)
            source = f"version {stored.version} ({stored.status}) of the week"
    return plan_advice(
        week,
        stored_prices(session=session, week_id=row.id),
        time_limit=time_limit,
        base_time_limit=base_time_limit,
        top=top,
        costs=costs,
        base_plan=plan,
        base_source=source,
    )


def advise_stored_week(
    job: AdviceJob, *, pool: Pool = ON_THIS_MACHINE, on_progress: AdviceProgress | None = None
) -> dict[str, Any]:
    """Run a prepared job on `pool`: the `reformer-advice/1` document."""
    return run_advice(job, pool=pool, on_progress=on_progress)


def start_advice_run(
    *,
    session: Session,
    week_start: str,
    time_limit: float,
    top: int | None,
    costs: Any = None,
    database_url: str | None = None,
    background: bool = True,
    pool: Pool | None = None,
) -> db.SolveRun:
    """Queue an advisor run on a stored week and start it in a thread of its own.

    Candidates are tasks on `pool` (default: the cluster `DASK_SCHEDULER_ADDRESS`
    names, else every core of this machine). With
    `background=False` it runs to the end before returning (for tests).
    Raises `ScenarioError` for a week that is not stored or costs that are wrong,
    before anything is queued.
    """
    row, week = stored_week(session=session, week_start=week_start)
    if costs is not None:
        check_costs(costs, candidate_changes(week))
    run = db.SolveRun(
        week_id=row.id,
        kind=ADVICE_KIND,
        status="queued",
        time_limit=time_limit,
        progress={"fraction": 0.0, "stage": "queued", "top": top},
    )
    session.add(run)
    session.commit()
    session.refresh(run)
    job = (run.id, row.week_start.isoformat(), time_limit, top, costs, database_url, pool)
    return start_run(session, run, execute_advice_run, job, background=background)


def execute_advice_run(
    run_id: int,
    week_start: str,
    time_limit: float,
    top: int | None,
    costs: Any,
    database_url: str | None,
    pool: Pool | None = None,
) -> None:
    """Carry out a queued advisor run, recording progress, the advice or the error on its row."""

    def work(session: Session, progress: ProgressWriter) -> dict:
        job = prepare_stored_advice(
            session=session, week_start=week_start, time_limit=time_limit, top=top, costs=costs
        )
        # The stored rows are all read: let go of the database while the solves run.
        session.commit()
        return run_advice(
            job,
            pool=pool or Pool.chosen(),
            on_progress=lambda done, total, stage: progress(done / max(total, 1), stage),
        )

    carry_out_run(run_id, database_url, work, shown={"top": top})


def advice_run(*, session: Session, run_id: int) -> db.SolveRun | None:
    """The advisor run `run_id`, or None (also for a run of another kind)."""
    run = session.get(db.SolveRun, run_id)
    return run if run is not None and run.kind == ADVICE_KIND else None


def advice_runs(*, session: Session, limit: int = 10) -> list[tuple[db.SolveRun, str | None]]:
    """The latest advisor runs, newest first, each with its week's Monday."""
    query = (
        select(db.SolveRun, db.Week.week_start)
        .join(db.Week, db.Week.id == db.SolveRun.week_id, isouter=True)
        .where(db.SolveRun.kind == ADVICE_KIND)
        .order_by(db.SolveRun.id.desc())
        .limit(limit)
    )
    return [(run, start.isoformat() if start else None) for run, start in session.exec(query)]


def advice_run_state(*, session: Session, run_id: int) -> dict | None:
    """What a page polling an advisor run needs: status, progress, and any error.

    A run whose process died (a web worker restarted mid-run) reads as failed.
    """
    run = advice_run(session=session, run_id=run_id)
    if run is None:
        return None
    if run.status in ("queued", "running") and mark_interrupted_runs(engine=session.get_bind()):
        session.refresh(run)
    progress = run.progress or {}
    return {
        "id": run.id,
        "status": run.status,
        "fraction": progress.get("fraction", 0.0),
        "stage": progress.get("stage", ""),
        "error": run.error,
        "done": run.status in ("succeeded", "failed"),
    }


def save_advice_as_scenario(*, session: Session, run_id: int, rank: int) -> db.Scenario:
    """Store the change ranked `rank` by a finished advisor run as a scenario of its own.

    Raises `ScenarioError` if the run or the rank is not there.
    """
    run = advice_run(session=session, run_id=run_id)
    advice = (run.result or {}) if run is not None else {}
    if advice.get("format") != ADVICE_FORMAT:
        raise ScenarioError([f"no finished advice {run_id}"])
    row = next((r for r in advice["ranking"] if r.get("rank") == rank), None)
    if row is None:
        raise ScenarioError([f"advice {run_id} ranks no change {rank}"])
    return save_scenario(session=session, document=advice_scenario(row, advice["week_start"]))
