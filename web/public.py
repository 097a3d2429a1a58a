"""The public timetable of the published week, and the clients' calendar feeds."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user

from scheduler.bookings.timetable import week_timetable
from scheduler.clients.access import client_for_ical_secret, latest_client
from scheduler.clients.calendar import client_calendar
from scheduler.clients.week import default_week, feed_places, published_weeks
from scheduler.core.models import utcnow
from web.db import get_session

bp = Blueprint("public", __name__)

FEED_TIMEZONE = "Europe/London"


@bp.get("/")
def timetable_now() -> Any:
    """This week's timetable (or the next published one)."""
    week_start = default_week(session=get_session(), today=utcnow().date())
    return _timetable(week_start)


@bp.get("/timetable/<week_start>")
def timetable(week_start: str) -> Any:
    """The timetable of the week starting `week_start` (YYYY-MM-DD)."""
    try:
        monday = date.fromisoformat(week_start)
    except ValueError:
        abort(404)
    return _timetable(monday)


def _timetable(week_start: date | None) -> Any:
    session = get_session()
    client_key = current_user.key if getattr(current_user, "is_client", False) else None
    table = (
        week_timetable(session=session, week_start=week_start, client_key=client_key)
        if week_start
        else None
    )
    if week_start is not None and table is None:
        abort(404)
    weeks = published_weeks(session=session)
    earlier = max((w for w in weeks if week_start and w < week_start), default=None)
    later = min((w for w in weeks if week_start and w > week_start), default=None)
    return render_template("public/timetable.html", table=table, earlier=earlier, later=later)


@bp.get("/calendar/<secret>.ics")
def calendar_feed(secret: str) -> Any:
    """A client's places as an iCalendar feed, at an address only they know."""
    session = get_session()
    client_key = client_for_ical_secret(session=session, secret=secret)
    if client_key is None:
        abort(404)
    client = latest_client(session=session, client_key=client_key)
    now = utcnow()
    studio = current_app.config.get("STUDIO_NAME", "Reformer studio")
    name = f"{studio}: {client.name}" if client else studio
    body = client_calendar(
        feed_places(session=session, client_key=client_key, today=now.date()),
        calendar_name=name,
        timezone=FEED_TIMEZONE,
        stamp=now,
    )
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="my-classes.ics"'
    # Calendar apps poll; a shared cache must never keep one client's feed.
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
