"""/me/sign-in, /me/link/<token>, /me/sign-out: a client signs in by a one-time link, and out."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from scheduler.clients.access import (
    LinkError,
    check_sign_in_token,
    redeem_sign_in_token,
    send_sign_in_link,
)
from scheduler.clients.mail import SmtpSettings
from web.auth import end_session, start_session
from web.client import bp
from web.client.forms import LinkRequestForm
from web.db import get_session
from web.extensions import limiter
from web.form_parts import ConfirmForm

log = logging.getLogger(__name__)


def _link_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def sign_in() -> Any:
    """Ask for a sign-in link; the answer is the same whether or not the address is a client's."""
    form = LinkRequestForm()
    if form.validate_on_submit():
        try:
            send_sign_in_link(
                session=get_session(),
                email=form.email.data,
                secret_key=current_app.config["SECRET_KEY"],
                base_url=current_app.config.get("BASE_URL") or request.url_root,
                smtp=SmtpSettings.from_app_config(current_app.config),
                development=current_app.config.get("ENV_NAME") == "development",
            )
        except OSError:
            # The answer must not tell a client from a stranger, even when mail fails.
            log.exception("could not send a sign-in link")
        return render_template("client/link_sent.html", email=form.email.data)
    status = 400 if request.method == "POST" else 200
    return render_template("client/sign_in.html", form=form), status


def _link_problem(error: LinkError) -> Any:
    status = 404 if error.reason == "invalid" else 410
    return render_template("client/link_problem.html", error=error), status


@bp.get("/link/<token>")
def open_link(token: str) -> Any:
    """A sign-in link from an e-mail: one button signs in (so a mail scanner opening it cannot)."""
    try:
        stored = check_sign_in_token(
            session=get_session(), token=token, secret_key=current_app.config["SECRET_KEY"]
        )
    except LinkError as error:
        return _link_problem(error)
    return render_template(
        "client/open_link.html", form=ConfirmForm(), expires_at=stored.expires_at
    )


@bp.post("/link/<token>")
def use_link(token: str) -> Any:
    """Use the link: it signs the client in once."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        granted = redeem_sign_in_token(
            session=get_session(), token=token, secret_key=current_app.config["SECRET_KEY"]
        )
    except LinkError as error:
        return _link_problem(error)
    if not start_session(granted):
        abort(404)
    return redirect(url_for("client.week"))


@bp.post("/sign-out")
def sign_out() -> Any:
    """Sign the client out; their cookie, even copied, signs nobody in again."""
    end_session()
    flash("You are signed out. Ask for a new link whenever you like.", "info")
    return redirect(url_for("client.sign_in"))
