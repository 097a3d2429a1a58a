"""A client's forms: the e-mail for a sign-in link, their preferences, a class to book."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import FieldList
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from scheduler.clients.preferences import Preferences
from scheduler.formats.times import parse_time
from solver.domain import DAYS
from web.form_parts import EMAIL

DAY_NAMES = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
MAX_PER_WEEK = 7


class LinkRequestForm(FlaskForm):
    """The e-mail address a client wants a sign-in link sent to."""

    email = StringField(
        "Your e-mail",
        validators=[DataRequired("Enter your e-mail."), EMAIL],
        filters=[lambda text: text.strip() if text else text],
    )


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


class ClassForm(FlaskForm):
    """A class of a published week, to book or to wait for: its id and its week's Monday.

    `back` says which page the button was on (`timetable`, or My week by default).
    """

    session = HiddenField(validators=[DataRequired()])
    week = HiddenField(validators=[DataRequired()])
    back = HiddenField()
