"""/me/intro: a new client books their intro 1-2-1 (a day, then a time), or gives it up.

    GET  /me/intro           the intro booked, or the days (`?day=`) and their times
    POST /me/intro           book the time of the button pressed
    POST /me/intro/cancel    give the intro up (with the group classes that needed it)

My week links here through `client/_intro_link.html`, which asks `intro_need` (a
template function this blueprint provides) only where it is shown.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from scheduler.bookings.booking import BookingRefused, ClassNotFound
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.intros import IntroNeed, book_intro, intro_need, intro_offer
from scheduler.clients.mail import SmtpSettings
from web.client import bp, client_required
from web.client.forms import IntroCancelForm, IntroTimeForm
from web.db import get_session


@bp.context_processor
def _intro_need_for_templates() -> dict[str, Any]:
    def need(week_start: date) -> IntroNeed | None:
        if not getattr(current_user, "is_client", False):
            return None
        return intro_need(session=get_session(), client_key=current_user.key, week_start=week_start)

    return {"intro_need": need}


@bp.get("/intro")
@client_required
def intro() -> Any:
    """The client's intro booked, or the days with free times and the times of one."""
    week_start = _date_asked("week")
    try:
        offer = intro_offer(
            session=get_session(), client_key=current_user.key, week_start=week_start
        )
    except BookingRefused as refused:
        flash(refused.message, "info")
        return redirect(url_for("client.week"))
    except ClassNotFound:
        if week_start is not None:
            abort(404)
        flash("The studio has not published a timetable yet: book your intro then.", "info")
        return redirect(url_for("client.week"))
    days = offer.days
    asked = _date_asked("day")
    day = next((d for d in days if d[0] == asked), days[0] if days else None)
    return render_template(
        "client/intro.html",
        offer=offer,
        day=day,
        form=IntroTimeForm(),
        cancel_form=IntroCancelForm(
            session=offer.booked.session if offer.booked else "",
            week=offer.week_start.isoformat(),
        ),
    )


@bp.post("/intro")
@client_required
def book_intro_time() -> Any:
    """Book the intro at the time chosen; what is in the way is said on the page."""
    form = IntroTimeForm()
    if not form.validate_on_submit():
        abort(400)
    start = datetime.fromisoformat(form.start.data)
    try:
        book_intro(session=get_session(), client_key=current_user.key, start=start)
    except BookingRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("client.intro", day=start.date().isoformat()))
    except ClassNotFound:
        abort(404)
    flash(f"Your intro is booked for {start:%A %-d %B} at {start:%H:%M}.", "success")
    return redirect(url_for("client.intro"))


@bp.post("/intro/cancel")
@client_required
def cancel_intro() -> Any:
    """Give up the intro for this week; the times show again to book another."""
    form = IntroCancelForm()
    if not form.validate_on_submit():
        abort(400)
    week_start = _date_or_404(form.week.data)
    try:
        outcome = cancel_place(
            session=get_session(),
            client_key=current_user.key,
            session_key=form.session.data,
            week_start=week_start,
            smtp=SmtpSettings.from_app_config(current_app.config),
            base_url=current_app.config.get("BASE_URL") or request.url_root,
        )
    except BookingRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("client.intro", week=week_start.isoformat()))
    except ClassNotFound:
        abort(404)
    said = ["Your intro is cancelled."]
    if outcome.with_it:
        said.append("Your group classes this week need it first, so they are given up too.")
    if outcome.late:
        said.append("It was after the studio's cut-off, so it counts as a late cancellation.")
    flash(" ".join(said), "success")
    return redirect(url_for("client.intro", week=week_start.isoformat()))


def _date_asked(name: str) -> date | None:
    """The date in `?name=`; a malformed one is not found."""
    text = request.args.get(name)
    return _date_or_404(text) if text else None


def _date_or_404(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)
