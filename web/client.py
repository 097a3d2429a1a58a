"""Client pages: sign in by a one-time link, my week, my preferences, my calendar feed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlmodel import Session
from wtforms import (
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import FieldList
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from scheduler.clients.access import (
    LinkError,
    account_for,
    check_sign_in_token,
    latest_client,
    redeem_sign_in_token,
    regenerate_ical_secret,
    send_sign_in_link,
)
from scheduler.clients.mail import SmtpSettings
from scheduler.clients.preferences import (
    Preferences,
    PreferencesError,
    preferences_of,
    save_preferences,
)
from scheduler.clients.week import client_week, default_week, place_of_client
from scheduler.core.models import utcnow
from scheduler.formats.times import parse_time
from solver.domain import DAYS
from web.auth import SignedIn, register_kind
from web.db import get_session
from web.extensions import limiter
from web.forms import EMAIL

log = logging.getLogger(__name__)

bp = Blueprint("client", __name__, url_prefix="/me")

DAY_NAMES = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
# Blank rows offered under the filled ones, so a client can add without any script.
SPARE_ROWS = 2
MAX_PER_WEEK = 7


def _load_client(session: Session, key: str) -> SignedIn | None:
    client = latest_client(session=session, client_key=key)
    if client is None or not client.active:
        return None
    return SignedIn("client", client.key, client.name)


register_kind("client", _load_client)


def client_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only a signed-in client may see the view; anyone else is asked for their e-mail."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or not getattr(current_user, "is_client", False):
            return redirect(url_for("client.sign_in", next=request.path))
        return view(*args, **kwargs)

    return guarded


def _today() -> date:
    return utcnow().date()


# --- Forms ------------------------------------------------------------------------------------


class LinkRequestForm(FlaskForm):
    """The e-mail address a client wants a sign-in link sent to."""

    email = StringField(
        "Your e-mail",
        validators=[DataRequired("Enter your e-mail."), EMAIL],
        filters=[lambda text: text.strip() if text else text],
    )


class ConfirmForm(FlaskForm):
    """A button and its CSRF token, nothing else."""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AvailabilityRow(Form):
    """One stretch of a day the client can come: day, from, to (a blank row is ignored)."""

    day = SelectField(
        "Day",
        choices=[SelectChoice("", "—")] + [SelectChoice(d, n) for d, n in DAY_NAMES.items()],
        default="",
    )
    start = StringField("From", validators=[Optional()], render_kw={"placeholder": "17:30"})
    end = StringField("To", validators=[Optional()], render_kw={"placeholder": "21:00"})

    @property
    def blank(self) -> bool:
        return not (self.day.data or self.start.data or self.end.data)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.blank:
            return ok
        if not self.day.data:
            self.day.errors = [*self.day.errors, "Choose a day."]
            ok = False
        start, end = parse_time(self.start.data or ""), parse_time(self.end.data or "")
        if start is None:
            self.start.errors = [*self.start.errors, "A time like 09:30."]
            ok = False
        if end is None:
            self.end.errors = [*self.end.errors, "A time like 12:00."]
            ok = False
        if start is not None and end is not None and end <= start:
            self.end.errors = [*self.end.errors, "Must be after the start."]
            ok = False
        return ok


class WantRow(Form):
    """A wish: places a week in any of some class types (none chosen and no number: ignored)."""

    class_types = MultiCheckboxField("Classes", choices=[])
    per_week = IntegerField(
        "Per week",
        validators=[Optional(), NumberRange(1, MAX_PER_WEEK, f"From 1 to {MAX_PER_WEEK}.")],
    )

    @property
    def blank(self) -> bool:
        return not self.class_types.data and self.per_week.data is None

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.blank:
            return ok
        if not self.class_types.data:
            self.class_types.errors = [*self.class_types.errors, "Tick at least one class."]
            ok = False
        if self.per_week.data is None and not self.per_week.errors:
            self.per_week.errors = [*self.per_week.errors, "How many a week?"]
            ok = False
        return ok


class PreferencesForm(FlaskForm):
    """When, where and what: the client's own preferences."""

    availability = FieldList(FormField(AvailabilityRow), min_entries=1)
    venues = MultiCheckboxField("Venues", choices=[])
    wants = FieldList(FormField(WantRow), min_entries=1)

    def validate_venues(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one venue.")

    def preferences(self) -> Preferences:
        return Preferences(
            availability=tuple(
                (row.day.data, row.start.data.strip(), row.end.data.strip())
                for row in (entry.form for entry in self.availability)
                if not row.blank
            ),
            venues=tuple(self.venues.data),
            wants=tuple(
                (tuple(row.class_types.data), row.per_week.data)
                for row in (entry.form for entry in self.wants)
                if not row.blank
            ),
        )


def _preferences_form(current: Preferences, choices: Any) -> PreferencesForm:
    if request.method == "POST":
        form = PreferencesForm()
    else:
        form = PreferencesForm(
            data={
                "availability": [
                    {"day": d, "start": s, "end": e} for d, s, e in current.availability
                ],
                "venues": list(current.venues),
                "wants": [{"class_types": list(t), "per_week": n} for t, n in current.wants],
            }
        )
        for rows in (form.availability, form.wants):
            for _ in range(SPARE_ROWS):
                rows.append_entry()
    form.venues.choices = [SelectChoice(key, name) for key, name in choices.venues]
    for entry in form.wants:
        entry.form.class_types.choices = [
            SelectChoice(key, name) for key, name in choices.class_types
        ]
    return form


# --- Signing in -------------------------------------------------------------------------------


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
        key = redeem_sign_in_token(
            session=get_session(), token=token, secret_key=current_app.config["SECRET_KEY"]
        )
    except LinkError as error:
        return _link_problem(error)
    signed_in = _load_client(get_session(), key)
    if signed_in is None:
        abort(404)
    login_user(signed_in)
    return redirect(url_for("client.week"))


@bp.post("/sign-out")
def sign_out() -> Any:
    """Forget the signed-in client."""
    logout_user()
    flash("You are signed out. Ask for a new link whenever you like.", "info")
    return redirect(url_for("client.sign_in"))


# --- My week ----------------------------------------------------------------------------------


@bp.get("/")
@client_required
def home() -> Any:
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
        week_start = default_week(session=session, today=_today())
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
        feed=_feed_links(account.ical_secret),
        form=ConfirmForm(),
    )


def _feed_links(secret: str) -> dict[str, str]:
    https = url_for("public.calendar_feed", secret=secret, _external=True)
    webcal = "webcal://" + https.split("://", 1)[1]
    return {
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
    }


@bp.get("/places/<int:allocation_id>")
@client_required
def place(allocation_id: int) -> Any:
    """One of the client's places; anyone else's is not found."""
    found = place_of_client(
        session=get_session(), client_key=current_user.key, allocation_id=allocation_id
    )
    if found is None:
        abort(404)
    return render_template("client/place.html", place=found)


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


# --- My preferences ---------------------------------------------------------------------------


@bp.route("/preferences", methods=["GET", "POST"])
@client_required
def preferences() -> Any:
    """When, where and what the client would like; saved for the next solve."""
    session = get_session()
    found = preferences_of(session=session, client_key=current_user.key)
    if found is None:
        abort(404)
    current, choices = found
    form = _preferences_form(current, choices)
    form_errors: list[str] = []
    if form.validate_on_submit():
        try:
            weeks = save_preferences(
                session=session,
                client_key=current_user.key,
                preferences=form.preferences(),
                today=_today(),
            )
        except PreferencesError as error:
            session.rollback()
            form_errors = _place_errors(form, error.errors)
        else:
            flash(_saved_message(weeks), "success")
            return redirect(url_for("client.preferences"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "client/preferences.html", form=form, form_errors=form_errors, days=DAY_NAMES
    ), status


def _place_errors(form: PreferencesForm, errors: dict[str, list[str]]) -> list[str]:
    """Show each service error by its field; what belongs to no field goes on top."""
    for name in ("venues",):
        if name in errors:
            getattr(form, name).errors = [*getattr(form, name).errors, *errors.pop(name)]
    return [m for ms in errors.values() for m in ms]


def _saved_message(weeks: list[date]) -> str:
    if not weeks:
        return "Saved."
    first = weeks[0]
    return f"Saved. The timetable from the week of {first:%-d %B} on will use your new preferences."
