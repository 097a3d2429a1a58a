"""/owner/registers and /owner/week/<start>/sessions/<key>/register: taking a class's register.

The owner takes any class's register; another instructor only those of the
classes they teach (any other is not found). The owner's session page holds
the same register (`owner/_register.html`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from scheduler.bookings.booking import BookingRefused, ClassNotFound
from scheduler.bookings.register import Register, mark, register_of, registers_of
from scheduler.clients.week import default_week, published_weeks
from scheduler.core.models import utcnow
from web.auth.sign_in import same_site_path
from web.db import get_session
from web.owner import bp
from web.owner.common import monday_or_404
from web.owner.forms import MarkForm


@bp.get("/registers")
def registers() -> Any:
    """The classes of a published week (`?start=`, by default this week or the next) whose
    registers the signed-in instructor takes: the owner's every class, another's their own."""
    session = get_session()
    asked = request.args.get("start")
    week_start = monday_or_404(asked) if asked else default_week(session=session, today=_today())
    found = None
    if week_start is not None:
        found = registers_of(
            session=session, week_start=week_start, by_login_id=current_user.login_id
        )
    weeks = published_weeks(session=session)
    return render_template(
        "owner/registers.html",
        registers=found,
        week_start=week_start,
        previous=max((w for w in weeks if week_start and w < week_start), default=None),
        following=min((w for w in weeks if week_start and w > week_start), default=None),
    )


def _today() -> date:
    return utcnow().date()


def register_or_none(week_start: date, key: str) -> Register | None:
    """The class's register for the signed-in instructor, if the week's published plan has
    the class and they may take it."""
    try:
        return register_of(
            session=get_session(),
            week_start=week_start,
            session_key=key,
            by_login_id=current_user.login_id,
        )
    except ClassNotFound:
        return None


@bp.get("/week/<start>/sessions/<key>/register")
def register(start: str, key: str) -> Any:
    """A class's register: each client, with Attended and No-show once the class starts."""
    found = register_or_none(monday_or_404(start), key)
    if found is None:
        abort(404)
    return render_template("owner/register.html", register=found)


@bp.post("/week/<start>/sessions/<key>/register")
def register_mark(start: str, key: str) -> Any:
    """Mark one client of the class attended or a no-show, then go back where the form was."""
    week_start = monday_or_404(start)
    form = MarkForm()
    if not form.validate_on_submit():
        abort(400)
    back = same_site_path(request.form.get("next", "")) or url_for(
        "owner.register", start=start, key=key
    )
    try:
        marked = mark(
            session=get_session(),
            week_start=week_start,
            session_key=key,
            client_key=form.client.data,
            mark=form.mark.data,
            by_login_id=current_user.login_id,
        )
    except ClassNotFound:
        abort(404)
    except BookingRefused as exc:
        flash(f"Not marked: {exc.message}", "error")
        return redirect(back)
    flash(f"{marked.name} is marked {marked.words}.", "success")
    return redirect(f"{back}#mark-{marked.client}")
