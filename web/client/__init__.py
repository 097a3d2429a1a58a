"""/me/...: a client's own pages, signed in by a one-time link; one blueprint, a module per area.

    /me/sign-in, /me/link/<token>, /me/sign-out             sign_in.py
    /me/, /me/week, /me/week/<week>/classes/<id>[/cancel]    week.py
    /me/bookings, /me/waitlist, /me/waitlist/leave          bookings.py
    /me/calendar/secret                                     calendar.py
    /me/preferences                                         preferences.py

Their forms are in `forms.py`; the guard `client_required` keeps a view for a signed-in client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user
from sqlmodel import Session

from scheduler.clients.access import latest_client
from scheduler.core.models import utcnow
from web.auth import SignedIn, register_kind

bp = Blueprint("client", __name__, url_prefix="/me")


def load_client(session: Session, key: str, token: str) -> SignedIn | None:
    """The client `key` as someone signed in; None if unknown or no longer active."""
    client = latest_client(session=session, client_key=key)
    if client is None or not client.active:
        return None
    return SignedIn("client", client.key, client.name, token)


register_kind("client", load_client)


def client_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only a signed-in client may see the view; anyone else is asked for their e-mail."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or not getattr(current_user, "is_client", False):
            return redirect(url_for("client.sign_in", next=request.path))
        return view(*args, **kwargs)

    return guarded


def today() -> date:
    """Today's date, by the clock the models use."""
    return utcnow().date()


# Each module adds its views to `bp` as it is imported.
from web.client import bookings, calendar, preferences, sign_in, week  # noqa: E402

__all__ = [
    "bookings",
    "bp",
    "calendar",
    "client_required",
    "load_client",
    "preferences",
    "sign_in",
    "today",
    "week",
]
