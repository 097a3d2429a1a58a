"""Planning services: solve a week, publish a plan, and the owner's checked edits.

Plain functions taking the database session as the keyword `session`; the web
views, the CLI and the nightly job each call one of them. Every write that must
be all-or-nothing (a solve's new version, a publish, an edit) commits once at
the end, or rolls back. Only these services touch both the database and the solver.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session as DbSession
from sqlmodel import select

from scheduler import models, store
from scheduler.changes import PlanDiff, diff_plans
from scheduler.db import get_engine
from scheduler.mailer import SmtpSettings, changes_between, tell_clients
from scheduler.models import utcnow
from scheduler.runs import keep_alive, mark_interrupted_runs
from solver.checker import HARD_RULES, Violation, check_plan, measure_objective
from solver.domain import Allocation, PinnedAllocation, PinnedSession, Plan, Session, Week
from solver.solve import Progress, solve

log = logging.getLogger(__name__)

RULE_WORDS = {rule.number: rule.text for rule in HARD_RULES}
#: The states of a run still under way, as far as its row says.
UNFINISHED = ("queued", "running")


class PlanningError(ValueError):
    """A planning request that cannot be done as asked (no such week, plan, client or session)."""


class RuleBroken(PlanningError):
    """An edit refused because the plan would break a hard rule; `violations` say how."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        first = violations[0]
        super().__init__(f"Rule {first.rule}: {RULE_WORDS[first.rule]} ({first.message})")

    @property
    def rule_words(self) -> list[str]:
        """Each broken rule once, in the spec's words, with what broke it."""
        seen: dict[int, str] = {}
        for v in self.violations:
            seen.setdefault(v.rule, v.message)
        return [f"Rule {n}: {RULE_WORDS[n]} ({seen[n]})" for n in sorted(seen)]


# ---------------------------------------------------------------------------
# Solving a week


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
) -> models.Plan:
    """Solve the stored week and save the result as its next version, a draft unless `publish`.

    `workers` and `seed` are CP-SAT's search workers and random seed. With `copy_from`,
    the week is not stored yet: it is solved as a copy of that week's business and
    stored (`store.copy_week_forward`) in the same commit as its plan, so a failed
    solve leaves no week behind.

    With a published plan, its sessions and places are pinned where they still stand
    (`standing_pins`), so a re-solve moves nobody needlessly; a week with none yet
    keeps the previous stored week's published places the same way (clients book
    the same class every week of a term). The run is recorded as a
    `SolveRun` (pass `run` to carry on one already queued), kept visibly alive while
    it works (`runs.keep_alive`); a failure marks it failed with the error, writes no
    plan, and is raised again.
    """
    week_start = store.as_date(week_start)
    if copy_from is None:
        week_id = _week_row(session, week_start).id
    else:
        _week_row(session, copy_from)
        if store.week_row(session=session, week_start=week_start) is not None:
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
            session, run.id, week_start, time_limit, publish, on_progress, workers, seed, copy_from
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
) -> models.Plan:
    """The solve of `solve_week` under its running run: the plan saved and the run finished."""
    try:
        if copy_from is None:
            week = store.load_week(session=session, week_start=week_start)
            published_row = store.published_plan(session=session, week_start=week_start)
        else:
            week = replace(
                store.load_week(session=session, week_start=copy_from),
                week_start=week_start.isoformat(),
            )
            published_row = None
        # Places are sold by the term: a new week keeps last week's where they stand.
        carried_over = published_row is None
        if carried_over:
            before = copy_from or previous_week(session=session, week_start=week_start)
            if before is not None:
                published_row = store.published_plan(session=session, week_start=before)
        published = (
            store.load_plan(session=session, plan_id=published_row.id) if published_row else None
        )
        pinned, dropped = (
            standing_pins(week, published, keep_small_classes=not carried_over)
            if published
            else (week, [])
        )
        for v in dropped:
            log.info("no longer stands, not pinned again: %s", v)
        plan = solve(
            pinned,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            on_progress=on_progress,
            hint=published,
        )
        violations = check_plan(pinned, plan)
        if violations:
            raise PlanningError(f"the solver's plan breaks {violations[0]}")
        if copy_from is not None:
            _store_copy(session, copy_from, week_start, plan)
        row = store.save_plan(session=session, week_start=week_start, plan=plan)
        if publish:
            store.publish_plan(session=session, plan_id=row.id)
        diff = diff_plans(published, plan)
        run = session.get(models.SolveRun, run_id)
        # A moved place is neither kept nor new: the result counts it beside the three.
        run.kept, run.added, run.lost = diff.kept, len(diff.joined), len(diff.lost)
        run.plan_id, run.result = row.id, {**run_result(plan), "moved": len(diff.moved)}
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


def _store_copy(session: DbSession, copy_from: date, week_start: date, plan: Plan) -> None:
    """Store the week solved as a copy of `copy_from`; refuse if the stored copy differs."""
    store.copy_week_forward(session=session, from_week=copy_from, to_week=week_start)
    violations = check_plan(store.load_week(session=session, week_start=week_start), plan)
    if violations:
        raise PlanningError(f"the plan breaks {violations[0]} on the stored copy of the week")


def previous_week(*, session: DbSession, week_start: date | str) -> date | None:
    """The latest stored week before `week_start`: the one a new week starts from."""
    week_start = store.as_date(week_start)
    return max((s for s in store.week_starts(session=session) if s < week_start), default=None)


def start_week(
    *, session: DbSession, week_start: date | str, from_week: date | str | None = None
) -> date:
    """Store a new week as a copy of `from_week` (default: the latest stored before it).

    Copies the business: venues, rooms, reformers, class types, instructors, clients
    (paused ones too) and pins; no plan. Refuses a week already stored, or one with
    nothing to start from. Returns the week it was copied from; one transaction.
    """
    week_start = store.as_date(week_start)
    if store.week_row(session=session, week_start=week_start) is not None:
        raise PlanningError(f"the week of {week_start.isoformat()} is already stored")
    source = (
        store.as_date(from_week)
        if from_week is not None
        else previous_week(session=session, week_start=week_start)
    )
    if source is None:
        raise PlanningError(
            f"no week is stored before {week_start.isoformat()} to start it from;"
            " import one with `reformer import week.json`"
        )
    _week_row(session, source)
    try:
        store.copy_week_forward(session=session, from_week=source, to_week=week_start)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return source


def run_result(plan: Plan) -> dict[str, Any]:
    """The figures a finished solve shows: status, the three levels, bound, gap, time."""
    o = plan.objective
    return {
        "status": plan.status,
        "priority_places": o.priority_places,
        "preference_points": o.preference_points,
        "teaching_minutes": o.teaching_minutes,
        "bound": plan.bound,
        "gap": gap(o.priority_places, plan.bound),
        "seconds": round(plan.solve_seconds, 2),
        "unplaced": sum(u.missing for u in plan.unplaced),
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
    week_start = store.as_date(week_start)
    with DbSession(get_engine(database_url), expire_on_commit=False) as session:
        week_row = _week_row(session, week_start)
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


def run_state(*, session: DbSession, run_id: int) -> dict[str, Any] | None:
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


def _week_row(session: DbSession, week_start: date | str) -> models.Week:
    row = store.week_row(session=session, week_start=week_start)
    if row is None:
        raise PlanningError(f"no week is stored for {store.as_date(week_start).isoformat()}")
    return row


# ---------------------------------------------------------------------------
# The published plan as pins for a re-solve, minus what has become impossible


def standing_pins(
    week: Week, published: Plan, *, keep_small_classes: bool = True
) -> tuple[Week, list[Violation]]:
    """`week` with the published plan's sessions and places pinned, where they still stand.

    The published plan is checked against today's week. A session that now breaks a
    rule (its instructor away, its room closed) is dropped with its places; a place
    that breaks one (the client left, their hours changed) is dropped; a place on a
    reformer now out of service keeps the class but frees the machine; a class holding
    more than it now can loses its lowest-priority places. A class left below its
    `min_size` runs all the same (its clients were told it does), unless not
    `keep_small_classes` (last week's plan carried into a new one): then it is
    dropped and its clients placed afresh. The week's own pins come first. Returns
    the pinned week and the violations that caused each drop.
    """
    bare = replace(week, pinned_sessions=(), pinned_allocations=())
    sessions = {s.id: s for s in published.sessions}
    places = {(a.client, a.session): a for a in published.allocations if a.session in sessions}
    dropped: list[Violation] = []
    while True:
        candidate = Plan(sessions=tuple(sessions.values()), allocations=tuple(places.values()))
        # A pinned session may run below min_size (rule 6), and a freed place has no
        # reformer until the solver gives it one (rule 10): neither drops a pin.
        violations = [
            v
            for v in check_plan(bare, candidate)
            if v.rule != 6 and not (v.rule == 10 and _freed(places, v))
        ]
        changed = False
        for v in violations:
            changed |= _drop_for(v, week, sessions, places)
        dropped.extend(violations)
        if not changed:
            break
    own_sessions = {p.id for p in week.pinned_sessions}
    own_places = {(p.client, p.session) for p in week.pinned_allocations}
    if not keep_small_classes:
        _drop_small_classes(week, sessions, places, keep=own_sessions)
    pinned_sessions = list(week.pinned_sessions) + [
        PinnedSession(s.id, s.class_type, s.room, s.start, s.instructor)
        for s in sessions.values()
        if s.id not in own_sessions
    ]
    pinned_places = list(week.pinned_allocations) + [
        PinnedAllocation(a.client, a.session, a.reformer)
        for key, a in places.items()
        if key not in own_places
    ]
    pinned = replace(
        week, pinned_sessions=tuple(pinned_sessions), pinned_allocations=tuple(pinned_places)
    )
    return pinned, dropped


def _drop_small_classes(
    week: Week,
    sessions: dict[str, Session],
    places: dict[tuple[str, str], Allocation],
    keep: set[str],
) -> None:
    """Drop the sessions (not in `keep`) left with fewer places than their `min_size`."""
    held = Counter(session_id for _, session_id in places)
    for sid, s in list(sessions.items()):
        if sid not in keep and held[sid] < week.class_type_by_id[s.class_type].min_size:
            del sessions[sid]
            for key in [k for k in places if k[1] == sid]:
                del places[key]


def _freed(places: dict[tuple[str, str], Allocation], v: Violation) -> bool:
    place = places.get((v.client, v.session))
    return place is not None and place.reformer is None and "has no reformer" in v.message


def _drop_for(
    v: Violation,
    week: Week,
    sessions: dict[str, Session],
    places: dict[tuple[str, str], Allocation],
) -> bool:
    """Drop from the pins what `v` says no longer stands; True if anything went."""
    key = (v.client, v.session)
    if v.rule == 10 and key in places:
        # The place stands; only the machine under it does not.
        if places[key].reformer is None:
            del places[key]
        else:
            places[key] = replace(places[key], reformer=None)
        return True
    if v.client is not None:
        if key in places:
            del places[key]
            return True
        theirs = [k for k in places if k[0] == v.client]
        for k in theirs[-1:]:
            del places[k]
        return bool(theirs)
    if v.rule == 5 and v.session in sessions:
        return _drop_beyond_capacity(week, sessions[v.session], places)
    if v.session in sessions:
        del sessions[v.session]
        for k in [k for k in places if k[1] == v.session]:
            del places[k]
        return True
    return False


def _drop_beyond_capacity(
    week: Week, session: Session, places: dict[tuple[str, str], Allocation]
) -> bool:
    room = week.rooms.get(session.room)
    class_type = week.class_type_by_id.get(session.class_type)
    if room is None or class_type is None:
        return False
    priority = {c.id: c.priority for c in week.clients}
    held = sorted(
        (k for k in places if k[1] == session.id), key=lambda k: (-priority.get(k[0], 0), k[0])
    )
    beyond = held[week.capacity(class_type, room) :]
    for k in beyond:
        del places[k]
    return bool(beyond)


# ---------------------------------------------------------------------------
# Publishing, and what changed between two published versions


def preview_publish(*, session: DbSession, plan_id: int) -> PlanDiff:
    """What publishing this plan would change against the week's current published plan."""
    row = _plan_row(session, plan_id)
    previous, before = _published_against(session, row)
    diff = diff_plans(before, store.load_plan(session=session, plan_id=row.id))
    return replace(
        diff, version=row.version, previous_version=previous.version if previous else None
    )


def _published_against(
    session: DbSession, row: models.Plan
) -> tuple[models.Plan | None, Plan | None]:
    """The published version a plan is compared with (the one before it, if it is current)."""
    week = session.get(models.Week, row.week_id)
    previous = store.published_plan(session=session, week_start=week.week_start)
    if previous is not None and previous.id == row.id:
        previous = _published_before(session, row)
    return previous, store.load_plan(session=session, plan_id=previous.id) if previous else None


def publish_plan(
    *,
    session: DbSession,
    plan_id: int,
    smtp: SmtpSettings | None = None,
    development: bool = False,
) -> PlanDiff:
    """Make the plan its week's published plan, superseding the one before; one transaction.

    Refuses a plan that breaks a hard rule of the week as it stands now. Once it is
    published, each client whose places changed gets one e-mail, as after a nightly
    run (`mailer.tell_clients`: logged instead in development without `smtp`).
    Returns the diff against the previously published version (who moved, joined
    or lost a place) with the clients e-mailed.
    """
    row = _plan_row(session, plan_id)
    if row.status == "published":
        raise PlanningError(f"version {row.version} is already published")
    week_row = session.get(models.Week, row.week_id)
    try:
        previous, before = _published_against(session, row)
        after = store.load_plan(session=session, plan_id=plan_id)
        week = store.load_week(session=session, week_start=week_row.week_start)
        violations = check_plan(week, after)
        if violations:
            raise RuleBroken(violations)
        store.publish_plan(session=session, plan_id=plan_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    emailed = tell_clients(
        changes_between(week, before, after),
        week_start=week.week_start,
        smtp=smtp,
        development=development,
    )
    return replace(
        diff_plans(before, after),
        version=row.version,
        previous_version=previous.version if previous else None,
        emailed=tuple(emailed),
    )


def _published_before(session: DbSession, row: models.Plan) -> models.Plan | None:
    return session.exec(
        select(models.Plan)
        .where(
            models.Plan.week_id == row.week_id,
            models.Plan.status == "published",
            models.Plan.version < row.version,
        )
        .order_by(models.Plan.version.desc())
    ).first()


def _plan_row(session: DbSession, plan_id: int) -> models.Plan:
    row = session.get(models.Plan, plan_id)
    if row is None:
        raise PlanningError(f"no plan with id {plan_id}")
    return row


def latest_plan(*, session: DbSession, week_start: date | str) -> models.Plan | None:
    """The week's newest version, draft or published: the plan the owner works on."""
    return store.find_plan(session=session, week_start=week_start)


# ---------------------------------------------------------------------------
# The owner's edits, each checked against the hard rules


def _checked(
    session: DbSession, week_start: date, plan_before: Plan | None, week_before: Week
) -> None:
    """Refuse (roll back) the edit just flushed if it makes the plan break a rule it kept.

    Compares every violation of the week's latest plan before the edit with after it;
    anything new raises `RuleBroken` with the rule's words. Otherwise commits.
    """
    session.flush()
    latest = latest_plan(session=session, week_start=week_start)
    plan_after = store.load_plan(session=session, plan_id=latest.id) if latest else None
    week_after = store.load_week(session=session, week_start=week_start)
    before = {str(v) for v in check_plan(week_before, plan_before)} if plan_before else set()
    new = (
        [v for v in check_plan(week_after, plan_after) if str(v) not in before]
        if plan_after
        else []
    )
    if new:
        session.rollback()
        raise RuleBroken(new)
    session.commit()


def _before(session: DbSession, week_start: date) -> tuple[Week, Plan | None]:
    week = store.load_week(session=session, week_start=week_start)
    latest = latest_plan(session=session, week_start=week_start)
    return week, (store.load_plan(session=session, plan_id=latest.id) if latest else None)


def _edit(
    session: DbSession, week_start: date | str, change: Callable[[models.Week], None]
) -> None:
    """Apply `change` to the stored week, check the latest plan still keeps every rule, commit."""
    week_start = store.as_date(week_start)
    row = _week_row(session, week_start)
    week, plan = _before(session, week_start)
    try:
        change(row)
        _checked(session, week_start, plan, week)
    except BaseException:
        session.rollback()
        raise


def pin_session(*, session: DbSession, plan_id: int, session_key: str) -> None:
    """Pin a session of the plan: every later solve runs it exactly as it is."""
    row = _plan_row(session, plan_id)
    s = _plan_session(session, row, session_key)
    week = session.get(models.Week, row.week_id)

    def change(week_row: models.Week) -> None:
        _pin_session_row(session, week_row, s)

    _edit(session, week.week_start, change)


def _pin_session_row(session: DbSession, week_row: models.Week, s: models.PlanSession) -> None:
    existing = _pinned_session_row(session, week_row, s.key)
    if existing is None:
        session.add(
            models.PinnedSession(
                week_id=week_row.id,
                key=s.key,
                class_type=s.class_type,
                room=s.room,
                start=s.start,
                instructor=s.instructor,
            )
        )


def unpin_session(*, session: DbSession, week_start: date | str, session_key: str) -> None:
    """Let later solves move or drop a session again (and the places pinned in it)."""

    def change(week_row: models.Week) -> None:
        pinned = _pinned_session_row(session, week_row, session_key)
        if pinned is None:
            raise PlanningError(f"session {session_key} is not pinned")
        session.exec(
            delete(models.PinnedAllocation).where(
                models.PinnedAllocation.week_id == week_row.id,
                models.PinnedAllocation.session == session_key,
            )
        )
        session.delete(pinned)

    _edit(session, week_start, change)


def pin_place(*, session: DbSession, plan_id: int, client: str, session_key: str) -> None:
    """Pin a client's place (to the reformer) in a session of the plan; pins the session too."""
    row = _plan_row(session, plan_id)
    s = _plan_session(session, row, session_key)
    allocation = _allocation(session, s, client)
    week = session.get(models.Week, row.week_id)

    def change(week_row: models.Week) -> None:
        _pin_session_row(session, week_row, s)
        if _pinned_place_row(session, week_row, client, session_key) is None:
            session.add(
                models.PinnedAllocation(
                    week_id=week_row.id,
                    client=client,
                    session=session_key,
                    reformer=allocation.reformer,
                )
            )

    _edit(session, week.week_start, change)


def unpin_place(
    *, session: DbSession, week_start: date | str, client: str, session_key: str
) -> None:
    """Let later solves move a client's place again."""

    def change(week_row: models.Week) -> None:
        pinned = _pinned_place_row(session, week_row, client, session_key)
        if pinned is None:
            raise PlanningError(f"{client}'s place in {session_key} is not pinned")
        session.delete(pinned)

    _edit(session, week_start, change)


def move_client(
    *,
    session: DbSession,
    plan_id: int,
    client: str,
    from_session: str,
    to_session: str,
    reformer: str | None = None,
) -> models.Plan:
    """Move a client's place to another session or reformer; returns the draft it is in.

    A draft is edited in place; a published plan is copied to a new draft first, so
    what clients see changes only on publish. Refused with the rule's words if the
    plan would break a hard rule it kept.
    """
    row = _plan_row(session, plan_id)
    week_row = session.get(models.Week, row.week_id)
    week = store.load_week(session=session, week_start=week_row.week_start)
    plan = store.load_plan(session=session, plan_id=row.id)
    sessions = {s.id for s in plan.sessions}
    if to_session not in sessions:
        raise PlanningError(f"the plan has no session {to_session}")
    moving = [a for a in plan.allocations if a.client == client and a.session == from_session]
    if not moving:
        raise PlanningError(f"{client} has no place in {from_session}")
    allocations = [a for a in plan.allocations if a not in moving]
    target = next(s for s in plan.sessions if s.id == to_session)
    reformer = reformer or _free_reformer(week, target, allocations, client)
    allocations.append(Allocation(client, to_session, reformer))
    edited = replace(plan, allocations=tuple(allocations))
    edited = replace(edited, objective=measure_objective(week, edited))
    before = {str(v) for v in check_plan(week, plan)}
    new = [v for v in check_plan(week, edited) if str(v) not in before]
    if new:
        raise RuleBroken(new)
    try:
        if row.status == "draft":
            session.exec(
                delete(models.Allocation).where(
                    models.Allocation.plan_id == row.id, models.Allocation.client == client
                )
            )
            keys = {s.key: s.id for s in _plan_sessions(session, row)}
            session.add_all(
                models.Allocation(
                    plan_id=row.id, session_id=keys[a.session], client=a.client, reformer=a.reformer
                )
                for a in edited.allocations
                if a.client == client
            )
            o = edited.objective
            row.priority_places, row.preference_points = o.priority_places, o.preference_points
            row.teaching_minutes, row.note = o.teaching_minutes, "edited by hand"
            session.add(row)
            draft = row
        else:
            draft = store.save_plan(
                session=session,
                week_start=week_row.week_start,
                plan=edited,
                note=f"version {row.version}, edited by hand",
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return draft


def _free_reformer(
    week: Week, target: Session, allocations: list[Allocation], client: str
) -> str | None:
    """The first machine of the session's room that is free, in service and fits the client."""
    class_type = week.class_type_by_id.get(target.class_type)
    room = week.rooms.get(target.room)
    person = week.client_by_id.get(client)
    if class_type is None or room is None or person is None or not class_type.uses_reformers:
        return None
    taken = {a.reformer for a in allocations if a.session == target.id}
    for machine in room.reformers_in_service:
        if machine.id not in taken and person.needs <= machine.features:
            return machine.id
    return None


def set_reformer_in_service(
    *, session: DbSession, week_start: date | str, reformer: str, in_service: bool
) -> None:
    """Mark a reformer in or out of service (refused if a place in the plan stands on it)."""

    def change(week_row: models.Week) -> None:
        machine = session.exec(
            select(models.Reformer)
            .join(models.Room, models.Room.id == models.Reformer.room_id)
            .where(models.Room.week_id == week_row.id, models.Reformer.key == reformer)
        ).first()
        if machine is None:
            raise PlanningError(f"the week has no reformer {reformer}")
        machine.in_service = in_service
        session.add(machine)

    _edit(session, week_start, change)


def set_instructor_availability(
    *,
    session: DbSession,
    week_start: date | str,
    instructor: str,
    windows: Iterable[tuple[int, int, Iterable[str]]],
) -> None:
    """Replace an instructor's availability with `windows` (start, end, venues)."""
    windows = [(start, end, list(venues)) for start, end, venues in windows]

    def change(week_row: models.Week) -> None:
        person = session.exec(
            select(models.Instructor).where(
                models.Instructor.week_id == week_row.id, models.Instructor.key == instructor
            )
        ).first()
        if person is None:
            raise PlanningError(f"the week has no instructor {instructor}")
        session.exec(
            delete(models.InstructorWindow).where(
                models.InstructorWindow.instructor_id == person.id
            )
        )
        session.add_all(
            models.InstructorWindow(instructor_id=person.id, start=start, end=end, venues=venues)
            for start, end, venues in windows
        )

    _edit(session, week_start, change)


def _plan_sessions(session: DbSession, row: models.Plan) -> list[models.PlanSession]:
    return list(
        session.exec(select(models.PlanSession).where(models.PlanSession.plan_id == row.id)).all()
    )


def _plan_session(session: DbSession, row: models.Plan, key: str) -> models.PlanSession:
    found = session.exec(
        select(models.PlanSession).where(
            models.PlanSession.plan_id == row.id, models.PlanSession.key == key
        )
    ).first()
    if found is None:
        raise PlanningError(f"version {row.version} has no session {key}")
    return found


def _allocation(session: DbSession, s: models.PlanSession, client: str) -> models.Allocation:
    found = session.exec(
        select(models.Allocation).where(
            models.Allocation.session_id == s.id, models.Allocation.client == client
        )
    ).first()
    if found is None:
        raise PlanningError(f"{client} has no place in {s.key}")
    return found


def _pinned_session_row(
    session: DbSession, week_row: models.Week, key: str
) -> models.PinnedSession | None:
    return session.exec(
        select(models.PinnedSession).where(
            models.PinnedSession.week_id == week_row.id, models.PinnedSession.key == key
        )
    ).first()


def _pinned_place_row(
    session: DbSession, week_row: models.Week, client: str, key: str
) -> models.PinnedAllocation | None:
    return session.exec(
        select(models.PinnedAllocation).where(
            models.PinnedAllocation.week_id == week_row.id,
            models.PinnedAllocation.client == client,
            models.PinnedAllocation.session == key,
        )
    ).first()


# ---------------------------------------------------------------------------
# The studio's data, as the owner's data pages change it


def update_venue(
    *, session: DbSession, venue_id: int, name: str, opening: Iterable[tuple[int, int]]
) -> None:
    """Rename a venue and replace its opening hours; one transaction."""
    venue = session.get(models.Venue, venue_id)
    venue.name = name
    session.exec(delete(models.OpeningWindow).where(models.OpeningWindow.venue_id == venue_id))
    session.add_all(
        models.OpeningWindow(venue_id=venue_id, start=start, end=end) for start, end in opening
    )
    session.add(venue)
    session.commit()


def update_room(
    *, session: DbSession, room_id: int, mat_spaces: int, features: dict[str, list[str]]
) -> None:
    """Set a room's mat spaces and its reformers' features (reformers are named by id)."""
    room = session.get(models.Room, room_id)
    machines = {
        m.key: m
        for m in session.exec(select(models.Reformer).where(models.Reformer.room_id == room_id))
    }
    unknown = sorted(set(features) - set(machines))
    if unknown:
        raise PlanningError(f"room {room.key} has no reformer {', '.join(unknown)}")
    room.mat_spaces = mat_spaces
    session.add(room)
    for key, machine in machines.items():
        if key in features:
            machine.features = sorted(set(features[key]))
            session.add(machine)
    session.commit()


def update_class_type(*, session: DbSession, class_type_id: int, **values: Any) -> None:
    """Change a class type's name, length, sizes, levels and requirements."""
    _update(session, session.get(models.ClassType, class_type_id), values)


def update_instructor(*, session: DbSession, instructor_id: int, **values: Any) -> None:
    """Change an instructor's name, e-mail, what they teach and their limits."""
    _update(session, session.get(models.Instructor, instructor_id), values)


def update_client(
    *,
    session: DbSession,
    client_id: int,
    availability: Iterable[tuple[int, int]],
    wants: Iterable[tuple[list[str], int]],
    **values: Any,
) -> None:
    """Change a client's details, hours and wishes; used at the next solve."""
    row = session.get(models.Client, client_id)
    row.availability = [[start, end] for start, end in availability]
    session.exec(delete(models.Want).where(models.Want.client_id == client_id))
    session.add_all(
        models.Want(client_id=client_id, class_types=types, per_week=per_week)
        for types, per_week in wants
    )
    _update(session, row, values)


def _update(session: DbSession, row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()
