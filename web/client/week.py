"""/me/, /me/week, /me/week/<week>/classes/<id>[/cancel]: the client's week as it stands."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from scheduler.bookings.booking import BookingRefused, ClassNotFound
from scheduler.bookings.my_week import cancel_my_place, my_place, my_week
from scheduler.clients.access import account_for
from scheduler.clients.mail import SmtpSettings
from scheduler.clients.week import default_week
from scheduler.core.models import utcnow
from web.client import bp, client_required, today
from web.client.calendar import feed_links
from web.client.forms import ClassForm
from web.db import get_session
from web.form_parts import ConfirmForm


def week_start_or_404(text: str) -> date:
    """The week's Monday given in a URL; anything else is not found."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


@bp.get("/")
@client_required
def home() -> Any:
    """The client's home is their week."""
    return redirect(url_for("client.week"))


@bp.get("/week")
@client_required
def week() -> Any:
    """The client's week: places (cancelled ones marked), credits, waitlists, make-ups, feed."""
    session = get_session()
    asked = request.args.get("week")
    week_start = week_start_or_404(asked) if asked else default_week(session=session, today=today())
    mine = (
        my_week(session=session, client_key=current_user.key, week_start=week_start, now=utcnow())
        if week_start
        else None
    )
    if asked and mine is None:
        abort(404)
    account = account_for(session=session, client_key=current_user.key)
    return render_template(
        "client/week.html",
        mine=mine,
        view=mine.view if mine else None,
        feed=feed_links(account.ical_secret),
        form=ConfirmForm(),
        class_form=ClassForm(),
    )


@bp.get("/week/<week_start>/classes/<session_key>")
@client_required
def place(week_start: str, session_key: str) -> Any:
    """One of the client's places; anyone else's is not found."""
    found = my_place(
        session=get_session(),
        client_key=current_user.key,
        week_start=week_start_or_404(week_start),
        session_key=session_key,
        now=utcnow(),
    )
    if found is None:
        abort(404)
    return render_template("client/place.html", place=found.place, terms=found.terms)


@bp.get("/week/<week_start>/classes/<session_key>/cancel")
@client_required
def cancel(week_start: str, session_key: str) -> Any:
    """Cancelling a place, to confirm: in time for a make-up credit, or late."""
    found = my_place(
        session=get_session(),
        client_key=current_user.key,
        week_start=week_start_or_404(week_start),
        session_key=session_key,
        now=utcnow(),
    )
    if found is None:
        abort(404)
    if found.terms is None:
        return redirect(url_for("client.place", week_start=week_start, session_key=session_key))
    return render_template(
        "client/cancel.html", place=found.place, terms=found.terms, form=ConfirmForm()
    )


@bp.post("/week/<week_start>/classes/<session_key>/cancel")
@client_required
def cancel_confirmed(week_start: str, session_key: str) -> Any:
    """Cancel the place for that date; the space goes to the waitlist at once."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change = cancel_my_place(
            session=get_session(),
            client_key=current_user.key,
            session_key=session_key,
            week_start=week_start_or_404(week_start),
            smtp=SmtpSettings.from_app_config(current_app.config),
            base_url=current_app.config.get("BASE_URL") or request.url_root,
        )
    except ClassNotFound:
        abort(404)
    except BookingRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("client.place", week_start=week_start, session_key=session_key))
    flash(change.message, "success")
    return redirect(url_for("client.week", week=week_start))
