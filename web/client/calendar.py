"""/me/calendar/secret: a new secret address for the client's calendar feed."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from scheduler.clients.access import regenerate_ical_secret
from web.client import bp, client_required
from web.db import get_session
from web.form_parts import ConfirmForm


@bp.post("/calendar/secret")
@client_required
def new_calendar_secret() -> Any:
    """A new secret feed address; the old one stops working."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    regenerate_ical_secret(session=get_session(), client_key=current_user.key)
    flash(
        "Your calendar has a new address. Subscribe again with it: the old one no longer works.",
        "success",
    )
    return redirect(url_for("client.week") + "#calendar")


def feed_links(secret: str) -> dict[str, str]:
    """The addresses of the feed with `secret`: https, webcal, and adding it to Google."""
    https = url_for("public.calendar_feed", secret=secret, _external=True)
    webcal = "webcal://" + https.split("://", 1)[1]
    return {
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
    }
