"""/owner/plans/<id>/...: publishing a plan, and its edits (pins and moves), each checked
against the hard rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from scheduler.clients.mail import SmtpSettings
from scheduler.core import models
from scheduler.core.changes import PlanDiff
from scheduler.core.names import plural, week_names
from scheduler.planning import edits
from scheduler.planning.errors import PlanningError
from scheduler.planning.publish import differs_from_published, preview_publish, publish_plan
from scheduler.planning.rows import latest_plan
from scheduler.store.plans import plan_session_keys
from scheduler.store.weeks import load_stored_week
from solver.domain import Session
from web.db import get_session
from web.form_parts import ROW_ID, ConfirmForm
from web.owner import bp
from web.owner.board import client_names
from web.owner.common import plan_or_404, refused
from web.owner.forms import MoveForm


@bp.route(f"/plans/<{ROW_ID}:plan_id>/publish", methods=["GET", "POST"])
def publish(plan_id: int) -> Any:
    """Preview what publishing a draft changes (GET), then publish it (POST)."""
    row, week_row = plan_or_404(plan_id)
    session = get_session()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            smtp = SmtpSettings.from_app_config(current_app.config)
            diff = publish_plan(
                session=session,
                plan_id=plan_id,
                smtp=smtp,
                development=current_app.config.get("ENV_NAME") == "development",
            )
        except PlanningError as exc:
            refused(exc)
            return redirect(url_for("owner.week", start=week_row.week_start.isoformat()))
        replaced = (
            f": clients now see it instead of version {diff.previous_version}"
            if diff.previous_version
            else ""
        )
        flash(f"Version {row.version} is published{replaced}.", "success")
        if smtp is None and diff.clients:
            flash("No mail server is set (SMTP_HOST): clients were not e-mailed.", "info")
        elif diff.clients:
            flash(
                f"{plural(len(diff.emailed), 'client')} e-mailed about their changed places.",
                "success",
            )
        return _publish_page(row, week_row, form, diff, done=True)
    diff = preview_publish(session=session, plan_id=plan_id)
    return _publish_page(row, week_row, form, diff, done=False)


def _publish_page(
    row: models.Plan, week_row: models.Week, form: Any, diff: PlanDiff, *, done: bool
) -> str:
    """The publish page: what publishing changes (`done`: what it changed)."""
    return render_template(
        "owner/publish.html",
        row=row,
        week_row=week_row,
        diff=diff,
        done=done,
        form=form,
        differs=done or differs_from_published(session=get_session(), plan_id=row.id),
        **_diff_words(week_row),
    )


def _diff_words(week_row: models.Week) -> dict[str, Any]:
    """Names for the clients a diff mentions, and words for the classes of their places."""
    session = get_session()
    week = load_stored_week(session=session, week_start=week_row.week_start, with_clients=False)
    names = week_names(week)

    def describe(s: Session) -> str:
        return f"{names.session(s)} in {names.room_alone(s.room)}, {names.instructor(s.instructor)}"

    return {"names": client_names(week_row), "describe": describe}


def _back_to_session(week_start: date, key: str, move: str | None = None) -> Any:
    """The session `key` in the week's latest plan, or the week if that plan has no such session.

    `move` opens that client's Move section again (after a refused move).
    """
    session = get_session()
    latest = latest_plan(session=session, week_start=week_start)
    if latest is not None and key in plan_session_keys(session=session, plan_id=latest.id):
        where = {"move": move, "_anchor": "move"} if move else {}
        return redirect(
            url_for(
                "owner.session_detail",
                start=week_start.isoformat(),
                key=key,
                plan=latest.id,
                **where,
            )
        )
    return redirect(url_for("owner.week", start=week_start.isoformat()))


def _pin_edit(plan_id: int, key: str, done: str, edit: Callable[[date], None]) -> Any:
    """A confirmed pin or unpin in the plan's session `key`: do it, say how it went, show it.

    `edit` is given the Monday of the plan's week.
    """
    _row, week_row = plan_or_404(plan_id)
    if ConfirmForm().validate_on_submit():
        try:
            edit(week_row.week_start)
            flash(done, "success")
        except PlanningError as exc:
            refused(exc)
    return _back_to_session(week_row.week_start, key)


@bp.post(f"/plans/<{ROW_ID}:plan_id>/sessions/<key>/pin")
def pin_session(plan_id: int, key: str) -> Any:
    """Pin a session: every later solve runs it as it is."""
    return _pin_edit(
        plan_id,
        key,
        "Session pinned: later solves keep it as it is.",
        lambda _monday: edits.pin_session(session=get_session(), plan_id=plan_id, session_key=key),
    )


@bp.post(f"/plans/<{ROW_ID}:plan_id>/sessions/<key>/unpin")
def unpin_session(plan_id: int, key: str) -> Any:
    """Unpin a session (and the places pinned in it)."""
    return _pin_edit(
        plan_id,
        key,
        "Session unpinned.",
        lambda monday: edits.unpin_session(
            session=get_session(), week_start=monday, session_key=key
        ),
    )


@bp.post(f"/plans/<{ROW_ID}:plan_id>/sessions/<key>/places/<client>/pin")
def pin_place(plan_id: int, key: str, client: str) -> Any:
    """Pin a client's place, to the reformer."""
    return _pin_edit(
        plan_id,
        key,
        "Place pinned: later solves keep it, to the reformer.",
        lambda _monday: edits.pin_place(
            session=get_session(), plan_id=plan_id, client=client, session_key=key
        ),
    )


@bp.post(f"/plans/<{ROW_ID}:plan_id>/sessions/<key>/places/<client>/unpin")
def unpin_place(plan_id: int, key: str, client: str) -> Any:
    """Unpin a client's place."""
    return _pin_edit(
        plan_id,
        key,
        "Place unpinned.",
        lambda monday: edits.unpin_place(
            session=get_session(), week_start=monday, client=client, session_key=key
        ),
    )


@bp.post(f"/plans/<{ROW_ID}:plan_id>/sessions/<key>/places/<client>/move")
def move(plan_id: int, key: str, client: str) -> Any:
    """Move a client's place to another session or reformer (into a draft)."""
    _row, week_row = plan_or_404(plan_id)
    form = MoveForm()
    form.to_session.choices = [
        SelectChoice(k) for k in plan_session_keys(session=get_session(), plan_id=plan_id)
    ]
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            for error in errors:
                flash(
                    f"{getattr(form, name).label.text if hasattr(form, name) else name}: {error}",
                    "error",
                )
        return _back_to_session(week_row.week_start, key, client)
    try:
        draft = edits.move_client(
            session=get_session(),
            plan_id=plan_id,
            client=client,
            from_session=key,
            to_session=form.to_session.data,
            reformer=form.reformer.data or None,
        )
    except PlanningError as exc:
        refused(exc)
        return _back_to_session(week_row.week_start, key, client)
    flash(f"Moved into draft version {draft.version}.", "success")
    return _back_to_session(week_row.week_start, form.to_session.data)
