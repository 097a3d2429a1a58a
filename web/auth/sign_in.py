"""/auth/sign-in, /auth/sign-out[-everywhere]: an instructor signs in (throttled) and out.

The owner lands on the week; another instructor on the registers of their classes.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from scheduler.core.sign_ins import end_every_sign_in
from scheduler.studio.accounts import authenticate
from web.auth import bp, end_session, instructor_required, start_session
from web.auth.forms import SignInForm
from web.db import get_session
from web.extensions import limiter


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def sign_in() -> Any:
    """The instructor's sign-in page."""
    form = SignInForm()
    if form.validate_on_submit():
        granted = authenticate(
            session=get_session(), email=form.email.data, password=form.password.data
        )
        if granted is not None and start_session(granted):
            home = "owner.week" if current_user.is_owner else "owner.registers"
            return redirect(_safe_next() or url_for(home))
        form.password.errors.append("That e-mail and password do not match an instructor.")
    status = 400 if request.method == "POST" else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out() -> Any:
    """Sign this browser out; its cookie, even copied, signs nobody in again."""
    end_session()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.post("/sign-out-everywhere")
@instructor_required
def sign_out_everywhere() -> Any:
    """Sign the instructor out on every browser and device at once."""
    end_every_sign_in(session=get_session(), token=current_user.token)
    logout_user()
    flash("You are signed out everywhere, on every browser and device.", "info")
    return redirect(url_for("auth.sign_in"))


def _safe_next() -> str | None:
    """The page to return to after sign-in, only if it is a path on this site."""
    return same_site_path(request.args.get("next", ""))


# What a browser drops from a URL before reading it: tabs and newlines anywhere,
# control characters and spaces at either end.
_DROPPED_ANYWHERE = re.compile(r"[\t\n\r]")
_DROPPED_AT_ENDS = "".join(chr(n) for n in range(0x21))


def same_site_path(target: str) -> str | None:
    """`target` read as a browser would, if it is a path on this site; else None."""
    path = _DROPPED_ANYWHERE.sub("", target).strip(_DROPPED_AT_ENDS)
    # Browsers read a backslash as a slash, so `/\evil` is `//evil`, another site.
    if not path.startswith("/") or path[1:2] in ("/", "\\"):
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in path):
        return None
    parts = urlsplit(path.replace("\\", "/"))
    if parts.scheme or parts.netloc:
        return None
    return path
