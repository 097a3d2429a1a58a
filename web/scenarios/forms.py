"""The what-if forms: a scenario typed in or uploaded, a run, a sweep."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

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


class SweepForm(FlaskForm):
    """A sweep: the field to vary, its values, and the time per point."""

    path = StringField(
        "Vary",
        default="changes[0].count",
        validators=[DataRequired("Name the field to vary, e.g. changes[0].count.")],
    )
    values = StringField(
        "Values",
        default="0,1,2,3,4",
        validators=[DataRequired("Give the values, separated by commas.")],
    )
    time_limit = FloatField("Seconds per point", default=20, validators=[TIME_LIMIT])
