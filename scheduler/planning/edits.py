"""The owner's edits of a plan (pins, moves, reformers out of service, an instructor's edit).

Each edit is one transaction, checked against every hard rule: one that would
break a rule the plan kept is refused with `RuleBroken` and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session as DbSession
from sqlmodel import select

from scheduler.core import models
from scheduler.core.dates import as_date
from scheduler.planning.errors import FieldRefused, PlanningError, RuleBroken
from scheduler.planning.moves import reformer_for
from scheduler.planning.rows import (
    allocation_row,
    latest_plan,
    plan_row,
    plan_session,
    plan_sessions,
    week_row_or_refuse,
)
from scheduler.store.plans import load_stored_plan, save_plan
from scheduler.store.weeks import column_by_key, load_stored_week, week_data_row
from solver.checker import check_plan, measure_objective
from solver.domain import Allocation, Plan, Week


def _checked(
    session: DbSession, week_start: date, plan_before: Plan | None, week_before: Week
) -> None:
    """Refuse (roll back) the edit just flushed if it makes the plan break a rule it kept.

    Compares every violation of the week's latest plan before the edit with after it;
    anything new raises `RuleBroken` with the rule's words. Otherwise commits.
    """
    session.flush()
    latest = latest_plan(session=session, week_start=week_start)
    plan_after = load_stored_plan(session=session, plan_id=latest.id) if latest else None
    week_after = load_stored_week(session=session, week_start=week_start)
    before = {str(v) for v in check_plan(week_before, plan_before)} if plan_before else set()
    new = (
        [v for v in check_plan(week_after, plan_after) if str(v) not in before]
        if plan_after
        else []
    )
    if new:
        session.rollback()
        raise RuleBroken(new, week_after, plan_after)
    session.commit()


def _before(session: DbSession, week_start: date) -> tuple[Week, Plan | None]:
    week = load_stored_week(session=session, week_start=week_start)
    latest = latest_plan(session=session, week_start=week_start)
    return week, (load_stored_plan(session=session, plan_id=latest.id) if latest else None)


def _edit(
    session: DbSession, week_start: date | str, change: Callable[[models.Week], None]
) -> None:
    """Apply `change` to the stored week, check the latest plan still keeps every rule, commit."""
    week_start = as_date(week_start)
    row = week_row_or_refuse(session, week_start)
    week, plan = _before(session, week_start)
    try:
        change(row)
        _checked(session, week_start, plan, week)
    except BaseException:
        session.rollback()
        raise


def pin_session(*, session: DbSession, plan_id: int, session_key: str) -> None:
    """Pin a session of the plan: every later solve runs it exactly as it is."""
    row = plan_row(session, plan_id)
    s = plan_session(session, row, session_key)
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
    row = plan_row(session, plan_id)
    s = plan_session(session, row, session_key)
    allocation = allocation_row(session, s, client)
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
    row = plan_row(session, plan_id)
    week_row = session.get(models.Week, row.week_id)
    week = load_stored_week(session=session, week_start=week_row.week_start)
    plan = load_stored_plan(session=session, plan_id=row.id)
    sessions = {s.id for s in plan.sessions}
    if to_session not in sessions:
        raise PlanningError(f"the plan has no session {to_session}")
    moving = [a for a in plan.allocations if a.client == client and a.session == from_session]
    if not moving:
        raise PlanningError(f"{client} has no place in {from_session}")
    allocations = [a for a in plan.allocations if a not in moving]
    target = next(s for s in plan.sessions if s.id == to_session)
    class_type = week.class_type_by_id.get(target.class_type)
    if reformer and class_type is not None and not class_type.uses_reformers:
        raise FieldRefused(
            "reformer", f"{class_type.name} is a mat class: it has no reformers to choose from"
        )
    reformer = reformer or reformer_for(week, allocations, target, client)
    allocations.append(Allocation(client, to_session, reformer))
    edited = replace(plan, allocations=tuple(allocations))
    edited = replace(edited, objective=measure_objective(week, edited))
    before = {str(v) for v in check_plan(week, plan)}
    new = [v for v in check_plan(week, edited) if str(v) not in before]
    if new:
        raise RuleBroken(new, week, edited)
    try:
        if row.status == "draft":
            session.exec(
                delete(models.Allocation).where(
                    models.Allocation.plan_id == row.id, models.Allocation.client == client
                )
            )
            keys = {s.key: s.id for s in plan_sessions(session, row)}
            session.add_all(
                models.Allocation(
                    plan_id=row.id, session_id=keys[a.session], client=a.client, reformer=a.reformer
                )
                for a in edited.allocations
                if a.client == client
            )
            o = edited.objective
            row.priority_places, row.preference_points = o.priority_places, o.preference_points
            row.fairness_points = o.fairness_points
            row.teaching_minutes, row.note = o.teaching_minutes, "edited by hand"
            session.add(row)
            draft = row
        else:
            draft = save_plan(
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
        _replace_windows(session, _instructor_row(session, week_row, instructor), windows)

    _edit(session, week_start, change)


def update_instructor(
    *,
    session: DbSession,
    week_start: date | str,
    instructor: str,
    name: str,
    email: str | None,
    teaches: Iterable[str],
    max_day_minutes: int,
    max_week_minutes: int,
    windows: Iterable[tuple[int, int, Iterable[str]]],
) -> None:
    """Change an instructor's details, what they teach, their limits and availability, together.

    All or nothing, one transaction: a class type or venue the week does not have is
    refused (`FieldRefused`) and so is an edit that makes the latest plan break a hard
    rule it kept (`RuleBroken`); either way nothing is saved.
    """
    teaches = list(teaches)
    windows = [(start, end, list(venues)) for start, end, venues in windows]

    def change(week_row: models.Week) -> None:
        person = _instructor_row(session, week_row, instructor)
        class_types = column_by_key(
            session=session, week_id=week_row.id, column=models.ClassType.name
        )
        unknown = sorted(set(teaches) - set(class_types))
        if unknown:
            raise FieldRefused("teaches", f"Unknown class type: {', '.join(unknown)}")
        venues = column_by_key(session=session, week_id=week_row.id, column=models.Venue.name)
        unknown = sorted({v for *_, where in windows for v in where} - set(venues))
        if unknown:
            raise FieldRefused("availability", f"Unknown venue: {', '.join(unknown)}")
        person.name = name
        person.email = email
        person.teaches = teaches
        person.max_day_minutes = max_day_minutes
        person.max_week_minutes = max_week_minutes
        session.add(person)
        _replace_windows(session, person, windows)

    _edit(session, week_start, change)


def _instructor_row(session: DbSession, week_row: models.Week, key: str) -> models.Instructor:
    person = week_data_row(
        session=session, week_start=week_row.week_start, model=models.Instructor, key=key
    )
    if person is None:
        raise PlanningError(f"the week has no instructor {key}")
    return person


def _replace_windows(
    session: DbSession, person: models.Instructor, windows: list[tuple[int, int, list[str]]]
) -> None:
    session.exec(
        delete(models.InstructorWindow).where(models.InstructorWindow.instructor_id == person.id)
    )
    session.add_all(
        models.InstructorWindow(instructor_id=person.id, start=start, end=end, venues=venues)
        for start, end, venues in windows
    )


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
