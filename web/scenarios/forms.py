"""The what-if forms: a scenario built from forms, typed in as JSON or uploaded; a run, a sweep."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import FloatField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from scheduler.scenarios.forms import CHANGE_FORMS

EXAMPLE_CHANGES = '[\n  {"kind": "add_reformers", "room": "hitchin-studio", "count": 2}\n]'
TIME_LIMIT = NumberRange(min=1, max=600, message="Give between 1 and 600 seconds.")


class ScenarioForm(FlaskForm):
    """A scenario typed in: name, base week and its changes as a JSON list."""

    name = StringField("Name", validators=[DataRequired("Name the scenario."), Length(max=120)])
    description = StringField("What it asks", validators=[Optional(), Length(max=500)])
    week_start = SelectField("Base week", validate_choice=False)
    changes = TextAreaField(
        "Changes (JSON list)",
        default=EXAMPLE_CHANGES,
        validators=[DataRequired("List at least one change.")],
    )


class UploadForm(FlaskForm):
    """A `reformer-scenario/1` file."""

    document = FileField("Scenario file (reformer-scenario/1)")


class RunForm(FlaskForm):
    """How long each solve of a run may take."""

    time_limit = FloatField("Seconds per solve", default=30, validators=[TIME_LIMIT])


class BuilderForm(FlaskForm):
    """A scenario built from forms: name, base week, and the kind of the next change to add.

    Each change's own fields are posted as `changes-<n>-<field>` (`posted_changes`).
    """

    name = StringField("Name", validators=[Length(max=120)])
    description = StringField("What it asks", validators=[Optional(), Length(max=500)])
    week_start = SelectField("Base week", validate_choice=False)
    new_kind = SelectField(
        "Kind of change",
        choices=[SelectChoice(kind, form.title) for kind, form in CHANGE_FORMS.items()],
        validate_choice=False,
    )


_CHANGE_FIELD = re.compile(r"^changes-(\d{1,3})-([a-z_]+)$")


def posted_changes(formdata: MultiDict) -> list[tuple[str, dict[str, Any]]]:
    """Each change a builder form posted, in order: its kind and its fields' texts."""
    changes: dict[int, dict[str, Any]] = {}
    for key in formdata:
        match = _CHANGE_FIELD.match(key)
        if match:
            changes.setdefault(int(match[1]), {})[match[2]] = formdata.getlist(key)
    out = []
    for index in sorted(changes):
        fields = changes[index]
        kind = (fields.pop("kind", None) or [""])[0]
        out.append((kind, fields))
    return out


class SweepForm(FlaskForm):
    """A sweep in words: which number of the scenario to vary, from, to, step, time per point."""

    path = SelectField(
        "Vary", validate_choice=False, validators=[DataRequired("Choose what to vary.")]
    )
    start = FloatField("From", default=0, validators=[InputRequired("Give the first value.")])
    stop = FloatField("To", default=4, validators=[InputRequired("Give the last value.")])
    step = FloatField("Step", default=1, validators=[InputRequired("Give the step.")])
    time_limit = FloatField("Seconds per point", default=20, validators=[TIME_LIMIT])
