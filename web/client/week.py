"""/me/, /me/week, /me/places/<id>: the client's places in the published week."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from scheduler.clients.access import account_for
from scheduler.clients.week import client_week, default_week, place_of_client
from web.client import bp, client_required, today
from web.client.calendar import feed_links
from web.db import get_session
from web.form_parts import ROW_ID, ConfirmForm


@bp.get("/")
@client_required
def home() -> Any:
    """The client's home is their week."""
    return redirect(url_for("client.week"))


@bp.get("/week")
@client_required
def week() -> Any:
    """The client's places in the published week, what is missing, and their calendar feed."""
    session = get_session()
    asked = request.args.get("week")
    if asked:
        try:
            week_start = date.fromisoformat(asked)
        except ValueError:
            abort(404)
    else:
        week_start = default_week(session=session, today=today())
    view = (
        client_week(session=session, client_key=current_user.key, week_start=week_start)
        if week_start
        else None
    )
    if asked and view is None:
        abort(404)
    account = account_for(session=session, client_key=current_user.key)
    return render_template(
        "client/week.html",
        view=view,
        feed=feed_links(account.ical_secret),
        form=ConfirmForm(),
    )


@bp.get(f"/places/<{ROW_ID}:allocation_id>")
@client_required
def place(allocation_id: int) -> Any:
    """One of the client's places; anyone else's is not found."""
    found = place_of_client(
        session=get_session(), client_key=current_user.key, allocation_id=allocation_id
    )
    if found is None:
        abort(404)
    return render_template("client/place.html", place=found)
