"""Solving a stored week into its next version, in the foreground or in the background.

Plain functions taking the database session as the keyword `session`; the web
views, the CLI and the nightly job each call one of them. A solve's new version
is one transaction: it commits once at the end, or rolls back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import Session as DbSession
from sqlmodel import select

from scheduler.bookings.life import live_plan, live_week, load_life
from scheduler.core import models
from scheduler.core.changes import diff_plans
from scheduler.core.dates import as_date
from scheduler.core.db import get_engine
from scheduler.core.models import utcnow
from scheduler.planning.errors import PlanningError
from scheduler.planning.fairness import fill_missed_weeks, with_missed_weeks_from_records
from scheduler.planning.pins import standing_pins, what_still_exists
from scheduler.planning.rows import week_row_or_refuse
from scheduler.runs.lifecycle import keep_alive, mark_interrupted_runs
from scheduler.store.plans import load_stored_plan, mark_published, published_plan, save_plan
from scheduler.store.weeks import copy_week_forward, load_stored_week, week_row, week_starts
from scheduler.tasks.parts import solve_in_parts
from scheduler.tasks.pool import Pool
from solver.checker import check_plan
from solver.domain import Plan, Week
from solver.solve import Progress

log = logging.getLogger(__name__)


#: The states of a run still under way, as far as its row says.
UNFINISHED = ("queued", "running")


def solve_week(
    *,
    session: DbSession,
    week_start: date | str,
    time_limit: float,
    publish: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    kind: str = "manual",
    run: models.SolveRun | None = None,
    workers: int = 2,
    seed: int = 0,
    copy_from: date | None = None,
    pool: Pool | None = None,
) -> models.Plan:
    """Solve the stored week and save the result as its next version, a draft unless `publish`.

    `workers` is the cores the solve may use and `seed` its random seed; a week of
    independent parts has them solved as tasks on `pool` (default: the cluster
    `DASK_SCHEDULER_ADDRESS` names, else `workers` processes here). With `copy_from`,
    the week is not stored yet: it is solved as a copy of that week's business (each
    client missing out as the records say: `planning.fairness`) and stored
    (`copy_week_forward`) in the same commit as its plan, so a failed solve leaves
    no week behind.

    With a published plan, its sessions and places are pinned where they still stand
    (`standing_pins`), so a re-solve moves nobody needlessly; a week with none yet
    keeps the previous stored week's published places the same way (clients book
    the same class every week of a term). The run is recorded as a
    `SolveRun` (pass `run` to carry on one already queued), kept visibly alive while
    it works (`runs.keep_alive`); a failure marks it failed with the error, writes no
    plan, and is raised again.
    """
    week_start = as_date(week_start)
    if copy_from is None:
        week_id = week_row_or_refuse(session, week_start).id
    else:
        week_row_or_refuse(session, copy_from)
        if week_row(session=session, week_start=week_start) is not None:
            raise PlanningError(f"the week of {week_start.isoformat()} is already stored")
        week_id = None
    if run is None:
        run = models.SolveRun(week_id=week_id, kind=kind, time_limit=time_limit)
        session.add(run)
        session.commit()
    with keep_alive(session.get_bind(), run.id):
        run.status, run.started_at, run.error, run.pid = "running", utcnow(), None, os.getpid()
        run.heartbeat_at = run.started_at
        session.add(run)
        session.commit()
        return _solve_run(
            session,
            run.id,
            week_start,
            time_limit,
            publish,
            on_progress,
            workers,
            seed,
            copy_from,
            pool=pool or Pool.chosen(processes=workers),
        )


def _solve_run(
    session: DbSession,
    run_id: int,
    week_start: date,
    time_limit: float,
    publish: bool,
    on_progress: Callable[[Progress], None] | None,
    workers: int,
    seed: int,
    copy_from: date | None,
    pool: Pool,
) -> models.Plan:
    """The solve of `solve_week` under its running run: the plan saved and the run finished."""
    try:
        if copy_from is None:
            week = load_stored_week(session=session, week_start=week_start)
            published_row = published_plan(session=session, week_start=week_start)
        else:
            week = with_missed_weeks_from_records(
                session=session,
                week=replace(
                    load_stored_week(session=session, week_start=copy_from),
                    week_start=week_start.isoformat(),
                ),
            )
            published_row = None
        # Places are sold by the term: a new week keeps last week's where they stand.
        carried_over = published_row is None
        before = copy_from or previous_week(session=session, week_start=week_start)
        if carried_over and before is not None:
            published_row = published_plan(session=session, week_start=before)
        published = (
            load_stored_plan(session=session, plan_id=published_row.id) if published_row else None
        )
        if published is not None and not carried_over:
            # Cancellations, make-ups, drop-ins and intros stand like pinned places.
            life = load_life(session=session, week_id=published_row.week_id)
            week, published = live_week(week, published, life), live_plan(published, life)
        carried, not_carried = _what_still_exists(session, week, published, before)
        pinned, dropped = (
            standing_pins(week, carried, keep_small_classes=not carried_over)
            if carried
            else (week, [])
        )
        for v in dropped:
            log.info("no longer stands, not pinned again: %s", v)
        # A franchise's areas are tasks: on this machine's cores, or the cluster named.
        plan, _ = solve_in_parts(
            pinned,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            on_progress=on_progress,
            hint=carried,
            pool=pool,
        )
        violations = check_plan(pinned, plan)
        if violations:
            raise PlanningError(f"the solver's plan breaks {violations[0]}")
        if copy_from is not None:
            _store_copy(session, copy_from, week_start, plan)
        row = save_plan(session=session, week_start=week_start, plan=plan)
        if publish:
            mark_published(session=session, plan_id=row.id)
        diff = diff_plans(published, plan)
        run = session.get(models.SolveRun, run_id)
        # A moved place is neither kept nor new: the result counts it beside the three.
        run.kept, run.added, run.lost = diff.kept, len(diff.joined), len(diff.lost)
        run.plan_id, run.result = row.id, {**run_result(plan), "moved": len(diff.moved)}
        run.result["not_carried"] = not_carried
        run.result["digest"] = _plan_digest(plan)
        run.week_id = row.week_id
        if copy_from is not None:
            run.result["started_from"] = copy_from.isoformat()
        run.status, run.finished_at = "succeeded", utcnow()
        session.add(run)
        session.commit()
    except BaseException as exc:
        session.rollback()
        _mark_failed(session, run_id, exc)
        raise
    return row


def _what_still_exists(
    session: DbSession, week: Week, published: Plan | None, before: date | None
) -> tuple[Plan | None, list[str]]:
    """The published plan less what the week no longer has, and what was dropped in words.

    The words name what is gone as the week `before` named it (a re-import forgets).
    """
    if published is None:
        return None, []
    names = load_stored_week(session=session, week_start=before) if before else None
    carried, not_carried = what_still_exists(week, published, names=names)
    for line in not_carried:
        log.info("%s", line)
    return carried, not_carried


def _store_copy(session: DbSession, copy_from: date, week_start: date, plan: Plan) -> None:
    """Store the week solved as a copy of `copy_from`; refuse if the stored copy differs."""
    copy_week_forward(session=session, from_week=copy_from, to_week=week_start)
    fill_missed_weeks(session=session, week_start=week_start)
    violations = check_plan(load_stored_week(session=session, week_start=week_start), plan)
    if violations:
        raise PlanningError(f"the plan breaks {violations[0]} on the stored copy of the week")


def _plan_digest(plan: Plan) -> str:
    """A fingerprint of the plan's sessions and places: equal digests, the same timetable."""
    content = [
        sorted(
            [s.id, s.class_type, s.venue, s.room, s.start, s.end, s.instructor]
            for s in plan.sessions
        ),
        sorted([a.client, a.session, a.reformer or ""] for a in plan.allocations),
    ]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def owner_draft(*, session: DbSession, week_start: date | str) -> models.Plan | None:
    """The owner's draft of the week waiting to be published, the newest if several, or None.

    A draft counts when it is newer than the published plan (or nothing is published),
    was never published itself, and the owner made or changed it: her own solve or
    edit, or a night's draft she has edited since (its places no longer what the night
    left, by their digest). A night's draft left as it was is the night's to replace.
    """
    published = published_plan(session=session, week_start=week_start)
    query = (
        select(models.Plan)
        .join(models.Week, models.Week.id == models.Plan.week_id)
        .where(
            models.Week.week_start == as_date(week_start),
            models.Plan.status == "draft",
            models.Plan.published_at.is_(None),
            models.Plan.version > (published.version if published else 0),
        )
        .order_by(models.Plan.version.desc())
    )
    drafts = list(session.exec(query).all())
    nights = session.exec(
        select(models.SolveRun).where(
            models.SolveRun.kind == "nightly",
            models.SolveRun.plan_id.in_([d.id for d in drafts]),
        )
    ).all()
    made_by_night = {run.plan_id: run for run in nights}
    for draft in drafts:
        night = made_by_night.get(draft.id)
        if night is None or not _as_the_night_left_it(session, draft, night):
            return draft
    return None


def _as_the_night_left_it(session: DbSession, draft: models.Plan, night: models.SolveRun) -> bool:
    digest = (night.result or {}).get("digest")
    if digest is None:  # a night run from before digests: a hand edit leaves its note
        return draft.note is None
    return digest == _plan_digest(load_stored_plan(session=session, plan_id=draft.id))


def previous_week(*, session: DbSession, week_start: date | str) -> date | None:
    """The latest stored week before `week_start`: the one a new week starts from."""
    week_start = as_date(week_start)
    return max((s for s in week_starts(session=session) if s < week_start), default=None)


def start_week(
    *, session: DbSession, week_start: date | str, from_week: date | str | None = None
) -> date:
    """Store a new week as a copy of `from_week` (default: the latest stored before it).

    Copies the business: venues, rooms, reformers, class types, instructors, clients
    (paused ones too, each missing out as the records say: `planning.fairness`) and
    pins; no plan. Refuses a week already stored, or one with
    nothing to start from. Returns the week it was copied from; one transaction.
    """
    week_start = as_date(week_start)
    if week_row(session=session, week_start=week_start) is not None:
        raise PlanningError(f"the week of {week_start.isoformat()} is already stored")
    source = (
        as_date(from_week)
        if from_week is not None
        else previous_week(session=session, week_start=week_start)
    )
    if source is None:
        raise PlanningError(
            f"no week is stored before {week_start.isoformat()} to start it from;"
            " import one with `reformer import week.json`"
        )
    week_row_or_refuse(session, source)
    try:
        copy_week_forward(session=session, from_week=source, to_week=week_start)
        fill_missed_weeks(session=session, week_start=week_start)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return source


def run_result(plan: Plan) -> dict[str, Any]:
    """The figures a finished solve shows: status, the four levels, bound, gap, time."""
    o = plan.objective
    return {
        "status": plan.status,
        "priority_places": o.priority_places,
        "fairness_points": o.fairness_points,
        "preference_points": o.preference_points,
        "teaching_minutes": o.teaching_minutes,
        "bound": plan.bound,
        "gap": gap(o.priority_places, plan.bound),
        "seconds": round(plan.solve_seconds, 2),
        "unplaced": sum(u.missing for u in plan.unplaced),
        "stopped_by_clock": plan.stopped_by_clock,
    }


def gap(objective: float | None, bound: float | None) -> float | None:
    """How far the proven bound lies above the places found, as a fraction of the bound."""
    if objective is None or bound is None or bound <= 0:
        return None
    return max(0.0, (bound - objective) / bound)


def _mark_failed(session: DbSession, run_id: int, exc: BaseException) -> None:
    run = session.get(models.SolveRun, run_id)
    run.status, run.finished_at = "failed", utcnow()
    run.error = f"{type(exc).__name__}: {exc}"
    session.add(run)
    session.commit()


def start_background_solve(*, week_start: date | str, time_limit: float, database_url: str) -> int:
    """Queue a solve of the week, run it on a thread of its own, and return the run's id.

    The thread has its own database session; it records each improving solution as
    the run's progress and a failure as the run's error. The caller never waits.
    """
    week_start = as_date(week_start)
    with DbSession(get_engine(database_url), expire_on_commit=False) as session:
        week_row = week_row_or_refuse(session, week_start)
        run = models.SolveRun(week_id=week_row.id, kind="manual", time_limit=time_limit)
        session.add(run)
        session.commit()
        run_id = run.id
    threading.Thread(
        target=_solve_in_background,
        args=(run_id, week_start, time_limit, database_url),
        name=f"solve-{run_id}",
        daemon=True,
    ).start()
    return run_id


def _solve_in_background(run_id: int, week_start: date, time_limit: float, url: str) -> None:
    engine = get_engine(url)

    def report(progress: Progress) -> None:
        # Called on the solver's thread: write through a short session of its own.
        with DbSession(engine) as side:
            row = side.get(models.SolveRun, run_id)
            row.progress = {
                "stage": progress.stage,
                "objective": progress.objective,
                "bound": progress.bound,
                "seconds": round(progress.seconds, 2),
            }
            row.heartbeat_at = utcnow()
            side.add(row)
            side.commit()

    with DbSession(engine, expire_on_commit=False) as session:
        try:
            solve_week(
                session=session,
                week_start=week_start,
                time_limit=time_limit,
                on_progress=report,
                run=session.get(models.SolveRun, run_id),
            )
        except Exception:
            log.exception("background solve %s failed", run_id)


def solve_run_state(*, session: DbSession, run_id: int) -> dict[str, Any] | None:
    """A solve run as a page polls it: status, latest progress, result, error.

    A run whose process died (a web worker restarted mid-solve) reads as failed.
    """
    run = session.get(models.SolveRun, run_id)
    if run is None:
        return None
    session.refresh(run)
    if run.status in UNFINISHED and mark_interrupted_runs(engine=session.get_bind()):
        session.refresh(run)
    return {
        "id": run.id,
        "status": run.status,
        "time_limit": run.time_limit,
        "progress": run.progress or {},
        "result": run.result or {},
        "error": run.error,
        "plan_id": run.plan_id,
        "done": run.status in ("succeeded", "failed"),
    }


def not_carried_over(*, session: DbSession, plan_id: int) -> list[str]:
    """What the solve that made the plan could not carry over, one sentence each."""
    query = select(models.SolveRun).where(models.SolveRun.plan_id == plan_id)
    run = session.exec(query).first()
    return list((run.result or {}).get("not_carried", [])) if run else []


def solve_run_week(*, session: DbSession, run_id: int) -> models.Week | None:
    """The week a solve run solves, or None (no such run, or a run of no stored week)."""
    query = (
        select(models.Week)
        .join(models.SolveRun, models.SolveRun.week_id == models.Week.id)
        .where(models.SolveRun.id == run_id)
    )
    return session.exec(query).first()
