"""/owner/venues...: the venues, their rooms and reformers; a venue's name and opening hours."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from scheduler.core import models
from scheduler.core.names import week_names, weekday_time
from scheduler.store.weeks import load_stored_week
from scheduler.studio.data import opening_windows, update_venue
from web.db import get_session
from web.owner import bp
from web.owner.common import (
    data_form,
    data_row_or_404,
    data_week,
    edit_page,
    format_windows,
    saved,
)
from web.owner.forms import VenueForm


@bp.get("/venues")
def venues() -> Any:
    """Venues, their rooms and their reformers (with service state)."""
    week_start = data_week()
    week = load_stored_week(session=get_session(), week_start=week_start, with_clients=False)
    return render_template(
        "owner/venues.html",
        week=week,
        week_start=week_start,
        format_time=weekday_time,
        names=week_names(week),
    )


@bp.route("/venues/<key>", methods=["GET", "POST"])
def venue_edit(key: str) -> Any:
    """A venue's name and opening hours."""
    week_start = data_week()
    session = get_session()
    venue = data_row_or_404(models.Venue, week_start, key)
    form = data_form(VenueForm, venue)
    if request.method == "GET":
        form.opening.data = format_windows(opening_windows(session=session, venue_id=venue.id))
    if form.validate_on_submit():
        update_venue(
            session=session, venue_id=venue.id, name=form.name.data, opening=form.opening.parsed
        )
        return saved(form.name.data, "owner.venues", week_start)
    return edit_page(form, f"Venue {venue.name}", week_start, "owner.venues")
