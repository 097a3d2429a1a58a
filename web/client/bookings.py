"""/me/bookings, /me/waitlist, /me/waitlist/leave: a client takes a free space or waits for one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from scheduler.bookings.booking import BookingRefused, ClassNotFound
from scheduler.bookings.my_week import (
    WeekChange,
    book_my_space,
    join_my_waitlist,
    leave_my_waitlist,
)
from web.client import bp, client_required
from web.client.forms import ClassForm
from web.client.week import week_start_or_404
from web.db import get_session


@bp.post("/bookings")
@client_required
def book() -> Any:
    """Book a free space with a make-up credit (or as a drop-in)."""
    return _change(book_my_space)


@bp.post("/waitlist")
@client_required
def join_waitlist() -> Any:
    """Wait for a space in a full class."""
    return _change(join_my_waitlist)


@bp.post("/waitlist/leave")
@client_required
def leave_waitlist() -> Any:
    """Stop waiting for a class."""
    return _change(leave_my_waitlist)


def _change(service: Callable[..., WeekChange]) -> Any:
    """Call `service` for the class of the form; say what came of it back on the page it was on."""
    form = ClassForm()
    if not form.validate_on_submit():
        abort(400)
    monday = week_start_or_404(form.week.data)
    if form.back.data == "timetable":
        back = url_for("public.timetable", week_start=monday.isoformat())
    else:
        back = url_for("client.week", week=monday.isoformat())
    try:
        change = service(
            session=get_session(),
            client_key=current_user.key,
            session_key=form.session.data,
            week_start=monday,
        )
    except ClassNotFound:
        abort(404)
    except BookingRefused as refused:
        flash(refused.message, "error")
        return redirect(back)
    flash(change.message, "success")
    return redirect(back)
