"""/me/preferences: when, where and what the client would like."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from scheduler.clients.preferences import (
    Choices,
    Preferences,
    PreferencesError,
    preferences_of,
    save_preferences,
)
from web.client import bp, client_required, today
from web.client.forms import DAY_NAMES, PreferencesForm
from web.db import get_session

# Blank rows offered under the filled ones, so a client can add without any script.
SPARE_ROWS = 2


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
                today=today(),
            )
        except PreferencesError as error:
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


def _preferences_form(current: Preferences, choices: Choices) -> PreferencesForm:
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
