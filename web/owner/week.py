"""/owner/ and /owner/week/...: the week's timetable, a session, starting and solving a week,
and a reformer in or out of service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from scheduler.bookings.since_publishing import since_publishing
from scheduler.core.names import week_names, weekday_time
from scheduler.jobs.nightly import night_notice
from scheduler.planning import edits, solving
from scheduler.planning.errors import PlanningError
from scheduler.planning.moves import MoveChoices, move_choices
from scheduler.planning.overview import week_overview
from scheduler.planning.solving import gap, previous_week, start_background_solve
from scheduler.store import weeks as stored_weeks
from web.db import get_session
from web.form_parts import ConfirmForm
from web.owner import bp
from web.owner.board import board_or_404
from web.owner.common import (
    monday_or_404,
    plan_asked,
    refused,
    week_start_or_default,
)
from web.owner.forms import ServiceForm, SolveForm
from web.owner.register import register_or_none


@bp.get("/")
@bp.get("/week")
def week() -> Any:
    """The week's timetable per venue and day, the plan summed up in words, and its unmet
    wants (`?venue=`, `?class=`, `?reason=` filter them)."""
    week_start = week_start_or_default(request.args.get("start"))
    if week_start is None:
        return render_template("owner/no_week.html")
    if stored_weeks.week_row(session=get_session(), week_start=week_start) is None:
        return _week_not_started(week_start)
    board = board_or_404(week_start, plan_asked())
    overview = None
    if board.plan_row is not None:
        overview = week_overview(
            session=get_session(),
            plan_id=board.plan_row.id,
            venue=request.args.get("venue"),
            class_type=request.args.get("class"),
            reason=request.args.get("reason"),
        )
    return render_template(
        "owner/week.html",
        board=board,
        overview=overview,
        names=week_names(board.week),
        gap=gap(
            board.plan_row.priority_places if board.plan_row else None,
            board.plan_row.bound if board.plan_row else None,
        ),
        solve_form=SolveForm(time_limit=current_app.config["SOLVE_SECONDS"]),
        versions=board.versions,
        week_after=week_start + timedelta(days=7),
        night_notice=night_notice(session=get_session(), week_start=week_start),
        since=since_publishing(session=get_session(), week_start=week_start)
        if board.published
        else None,
    )


def _week_not_started(week_start: date) -> Any:
    """A Monday with no week stored: offer to start it from the latest week before it."""
    if week_start.weekday() != 0:
        abort(404)
    previous = previous_week(session=get_session(), week_start=week_start)
    page = render_template(
        "owner/new_week.html", week_start=week_start, previous=previous, form=ConfirmForm()
    )
    return page, 404


@bp.post("/week/<start>/start")
def start_week(start: str) -> Any:
    """Store a new week as a copy of the latest week before it (no plan), then show it."""
    week_start = monday_or_404(start)
    if week_start.weekday() != 0 or not ConfirmForm().validate():
        abort(400)
    try:
        source = solving.start_week(session=get_session(), week_start=week_start)
    except PlanningError as exc:
        refused(exc)
        return redirect(url_for("owner.week", start=week_start.isoformat()))
    flash(
        f"The week of {week_start:%-d %B} is started from the week of {source:%-d %B}:"
        " solve it to build its timetable.",
        "success",
    )
    return redirect(url_for("owner.week", start=week_start.isoformat()))


@bp.get("/week/<start>/sessions/<key>")
def session_detail(start: str, key: str) -> Any:
    """One session: who is on which reformer, the edits that can be made to it, and its
    register once the week is published.

    `?move=CLIENT` opens the Move section: the classes the client fits, best first, and
    the ones they do not fit with what is in the way.
    """
    board = board_or_404(monday_or_404(start), plan_asked())
    if board.plan is None or key not in board.cards:
        abort(404)
    the_session = next(s for s in board.plan.sessions if s.id == key)
    room = board.week.rooms.get(the_session.room)
    places = [a for a in board.plan.allocations if a.session == key]
    on_machine = {a.reformer: a for a in places if a.reformer}
    pinned_places = {p.client for p in board.week.pinned_allocations if p.session == key}
    machines = [
        {
            "id": r.id,
            "features": sorted(r.features),
            "in_service": r.in_service,
            "place": on_machine.get(r.id),
        }
        for r in (room.reformers if room else ())
    ]
    return render_template(
        "owner/session.html",
        board=board,
        card=board.cards[key],
        the_session=the_session,
        when=weekday_time(the_session.start),
        places=sorted(places, key=lambda a: board.names.get(a.client, a.client)),
        machines=machines,
        pinned_places=pinned_places,
        moves=_moves_asked(board.plan_row.id, key),
        names=week_names(board.week),
        register=register_or_none(board.week_start, key),
    )


def _moves_asked(plan_id: int, key: str) -> MoveChoices | None:
    """Where the client `?move=` names can go from the session `key`; not found if not in it."""
    client = request.args.get("move")
    if client is None:
        return None
    try:
        return move_choices(session=get_session(), plan_id=plan_id, client=client, from_session=key)
    except PlanningError:
        abort(404)


@bp.post("/week/<start>/solve")
def solve(start: str) -> Any:
    """Start a background solve of the week and show its progress."""
    week_start = monday_or_404(start)
    form = SolveForm()
    if not form.validate():
        for error in form.time_limit.errors:
            flash(f"Time limit: {error}", "error")
        return redirect(url_for("owner.week", start=week_start.isoformat()))
    try:
        run_id = start_background_solve(
            week_start=week_start,
            time_limit=form.time_limit.data,
            database_url=current_app.config["DATABASE_URL"],
        )
    except PlanningError as exc:
        refused(exc)
        return redirect(url_for("owner.week", start=week_start.isoformat()))
    return redirect(url_for("owner.run", run_id=run_id))


@bp.post("/week/<start>/reformers/<key>/service")
def reformer_service(start: str, key: str) -> Any:
    """Mark a reformer out of service or back in service."""
    week_start = monday_or_404(start)
    form = ServiceForm()
    if form.validate_on_submit():
        in_service = form.in_service.data == "yes"
        try:
            edits.set_reformer_in_service(
                session=get_session(), week_start=week_start, reformer=key, in_service=in_service
            )
            flash(
                f"Reformer {key} is {'back in service' if in_service else 'out of service'}.",
                "success",
            )
        except PlanningError as exc:
            refused(exc)
    return redirect(request.form.get("next") or url_for("owner.venues", start=start))
