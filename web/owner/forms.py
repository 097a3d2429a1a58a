"""The owner's forms, each field with its own validation and error words.

Fields that take text the studio writes (`Mon 07:00-21:00`, `reformer x2`)
parse it while validating and keep the result on the field as `parsed`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from scheduler.bookings.policy import CUTOFF_HOURS, VALID_WEEKS
from scheduler.core.models import ATTENDANCE_MARKS
from scheduler.formats import bounds
from scheduler.formats.clients_csv import parse_availability
from solver.domain import Week, Window
from web.form_parts import EMAIL

LEVELS = ("beginner", "improver", "advanced")


def within(bound: tuple[int, int]) -> NumberRange:
    """A number from the format's bound, saying so."""
    low, high = bound
    return NumberRange(low, high, f"From {low} to {high}.")


class SolveForm(FlaskForm):
    """How long the optimiser may take."""

    time_limit = FloatField(
        "Seconds",
        validators=[
            InputRequired("Give a time limit in seconds."),
            NumberRange(1, 3600, "Between 1 second and an hour."),
        ],
    )


class MoveForm(FlaskForm):
    """Where a client's place goes: a session of the plan and, optionally, a reformer."""

    to_session = SelectField("Move to", validators=[DataRequired("Choose a session.")])
    reformer = StringField(
        "Reformer",
        validators=[Optional(), Length(max=40)],
        description="Leave blank for the first free machine that suits them.",
    )


class ServiceForm(FlaskForm):
    """A reformer in service or out."""

    in_service = StringField(validators=[AnyOf(("yes", "no"), "Say yes or no.")])


class MarkForm(FlaskForm):
    """A mark on the register: which client, and attended or no-show (the button pressed)."""

    client = StringField(validators=[DataRequired("Say which client."), Length(max=80)])
    mark = StringField(validators=[AnyOf(ATTENDANCE_MARKS, "Mark attended or no-show.")])


class WholeNumberField(IntegerField):
    """A whole number; text that is none is refused in the field's own words (`unreadable`)."""

    def __init__(self, label: str, unreadable: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.unreadable = unreadable

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.unreadable) from None


class PolicyForm(FlaskForm):
    """The studio's rules for the week after publishing."""

    cancel_cutoff_hours = WholeNumberField(
        "Cut-off for cancelling (hours before the class)",
        "Give a whole number of hours.",
        validators=[InputRequired("Give a number of hours."), within(CUTOFF_HOURS)],
        description="A cancellation after it is late: recorded, and earns no make-up credit.",
    )
    makeup_valid_weeks = WholeNumberField(
        "A make-up credit lasts (weeks after the class missed)",
        "Give a whole number of weeks.",
        validators=[InputRequired("Give a number of weeks."), within(VALID_WEEKS)],
    )
    drop_ins = BooleanField("Take drop-ins: any client may book a free space, credit or not")


# --- Text the studio writes, parsed while validating -----------------------------------------


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace(";", "\n").splitlines() if line.strip()]


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").replace(";", ",").split(",") if w.strip()]


class WindowsField(TextAreaField):
    """Lines of `Mon 07:00-21:00`; `parsed` is a list of (start, end) in minutes of the week."""

    parsed: list[tuple[int, int]]

    def pre_validate(self, form: Any) -> None:
        self.parsed = []
        for number, line in enumerate(_lines(self.data), start=1):
            try:
                (window,) = parse_availability(line)
            except ValueError as exc:
                raise ValidationError(f"Line {number}: {exc}") from exc
            self.parsed.append((window.start, window.end))


class TeachingWindowsField(TextAreaField):
    """Lines of `Tue 09:00-13:00 hitchin stevenage`: when, then the venues (ids)."""

    parsed: list[tuple[int, int, list[str]]]

    def pre_validate(self, form: Any) -> None:
        self.parsed = []
        venues = getattr(form, "venue_keys", set())
        for number, line in enumerate(self.data.splitlines() if self.data else [], start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 3:
                raise ValidationError(
                    f"Line {number}: write a day, hours and venues, e.g. 'Tue 09:00-13:00 hitchin'"
                )
            try:
                (window,) = parse_availability(" ".join(parts[:2]))
            except ValueError as exc:
                raise ValidationError(f"Line {number}: {exc}") from exc
            unknown = [v for v in parts[2:] if v not in venues]
            if unknown:
                raise ValidationError(f"Line {number}: unknown venue {', '.join(unknown)}")
            self.parsed.append((window.start, window.end, parts[2:]))


class WordsField(StringField):
    """Comma-separated words; `parsed` is the list."""

    parsed: list[str]

    def pre_validate(self, form: Any) -> None:
        self.parsed = _words(self.data)


class ReformersField(TextAreaField):
    """One line per reformer: its id, then its features; `parsed` maps id to features."""

    parsed: dict[str, list[str]]

    def pre_validate(self, form: Any) -> None:
        self.parsed = {}
        for line in _lines(self.data):
            key, *features = line.split()
            if len(key) > bounds.ID_LENGTH:
                raise ValidationError(f"'{key[:20]}…' is longer than {bounds.ID_LENGTH} characters")
            self.parsed[key] = features
        if len(self.parsed) > bounds.REFORMERS_PER_ROOM:
            raise ValidationError(f"At most {bounds.REFORMERS_PER_ROOM} reformers in a room.")


class WantsField(TextAreaField):
    """Lines of `reformer x2` or `reformer|reformer-advanced`; `parsed` is (types, per week)."""

    parsed: list[tuple[list[str], int]]

    def pre_validate(self, form: Any) -> None:
        self.parsed = []
        known = getattr(form, "class_type_keys", set())
        for number, line in enumerate(_lines(self.data), start=1):
            types, _, count = line.partition(" x")
            per_week = count.strip() or "1"
            low, high = bounds.PER_WEEK
            if not per_week.isascii() or not per_week.isdigit() or not low <= int(per_week) <= high:
                raise ValidationError(
                    f"Line {number}: '{line}' needs a count from x{low} to x{high}"
                )
            keys = [t.strip() for t in types.split("|") if t.strip()]
            unknown = [k for k in keys if k not in known]
            if unknown:
                raise ValidationError(f"Line {number}: unknown class type {', '.join(unknown)}")
            self.parsed.append((keys, int(per_week)))


def _known(what: str, attribute: str) -> Callable[[Any, Any], None]:
    def check(form: Any, field: Any) -> None:
        unknown = [w for w in field.parsed if w not in getattr(form, attribute, set())]
        if unknown:
            raise ValidationError(f"Unknown {what}: {', '.join(unknown)}")

    return check


# --- The studio's data ---------------------------------------------------------------------


class VenueForm(FlaskForm):
    """A venue's name and opening hours."""

    name = StringField("Name", validators=[DataRequired("Give the venue a name."), Length(max=80)])
    opening = WindowsField("Opening hours", description="One line each, e.g. Mon 07:00-21:00.")


class RoomForm(FlaskForm):
    """A room's mat spaces and its reformers' features."""

    mat_spaces = IntegerField(
        "Mat spaces",
        validators=[InputRequired("How many mats fit?"), within(bounds.MAT_SPACES)],
    )
    reformers = ReformersField(
        "Reformers", description="One line each: the reformer's id, then its features."
    )


class ClassTypeForm(FlaskForm):
    """A kind of class."""

    name = StringField("Name", validators=[DataRequired("Give the class a name."), Length(max=80)])
    minutes = IntegerField(
        "Minutes",
        validators=[InputRequired("How long is it?"), within(bounds.CLASS_MINUTES)],
    )
    max_size = IntegerField(
        "Most clients",
        validators=[InputRequired("How many at most?"), within(bounds.CLASS_SIZE)],
    )
    min_size = IntegerField(
        "Fewest clients to run",
        validators=[InputRequired("How many at least?"), within((0, bounds.CLASS_SIZE[1]))],
    )
    levels = WordsField("Levels", description="Comma-separated: beginner, improver, advanced.")
    one_to_one = BooleanField("One-to-one")
    requires_clearance = BooleanField("Needs GP clearance")

    def validate_min_size(self, field: Any) -> None:
        if (
            self.max_size.data is not None
            and field.data is not None
            and field.data > self.max_size.data
        ):
            raise ValidationError("Cannot be more than the most clients.")

    def validate_levels(self, field: Any) -> None:
        unknown = [w for w in field.parsed if w not in LEVELS]
        if not field.parsed:
            raise ValidationError("List at least one level.")
        if unknown:
            raise ValidationError(f"Unknown level: {', '.join(unknown)}")

    def validate_max_size(self, field: Any) -> None:
        if self.one_to_one.data and field.data != 1:
            raise ValidationError("A one-to-one class holds exactly 1.")

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data.strip(),
            "minutes": self.minutes.data,
            "max_size": self.max_size.data,
            "min_size": self.min_size.data,
            "levels": self.levels.parsed,
            "one_to_one": self.one_to_one.data,
            "requires_clearance": self.requires_clearance.data,
        }


def _ids(things: Any) -> str:
    """Ids to type, each beside its name: `hitchin (Hitchin), stevenage (Stevenage)`."""
    return ", ".join(f"{x.id} ({x.name})" for x in things)


class InstructorForm(FlaskForm):
    """An instructor's details and availability."""

    name = StringField("Name", validators=[DataRequired("Give a name."), Length(max=80)])
    email = StringField("E-mail", validators=[Optional(), EMAIL])
    teaches = WordsField("Teaches", description="Class type ids, comma-separated.")
    max_day_minutes = IntegerField(
        "Most minutes a day",
        validators=[InputRequired("Give a daily limit."), within(bounds.DAY_MINUTES)],
    )
    max_week_minutes = IntegerField(
        "Most minutes a week",
        validators=[InputRequired("Give a weekly limit."), within(bounds.WEEK_MINUTES)],
    )
    availability = TeachingWindowsField(
        "Availability", description="One line each: Tue 09:00-13:00 hitchin stevenage."
    )

    def known(self, week: Week) -> None:
        """The venue ids this week knows, and the ids to type beside their names."""
        self.venue_keys = {v.id for v in week.venues}
        self.teaches.description = f"Class type ids, comma-separated: {_ids(week.class_types)}."
        self.availability.description = (
            f"One line each: Tue 09:00-13:00 hitchin stevenage. Venue ids: {_ids(week.venues)}."
        )

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data.strip(),
            "email": (self.email.data or "").strip() or None,
            "teaches": self.teaches.parsed,
            "max_day_minutes": self.max_day_minutes.data,
            "max_week_minutes": self.max_week_minutes.data,
        }


class ClientForm(FlaskForm):
    """A client's details, needs, hours, venues and wishes."""

    name = StringField(
        "Name", validators=[DataRequired("Give a name."), Length(max=bounds.NAME_LENGTH)]
    )
    email = StringField("E-mail", validators=[Optional(), Length(max=bounds.EMAIL_LENGTH), EMAIL])
    phone = StringField(
        "Phone",
        validators=[
            Optional(),
            Length(max=bounds.PHONE_LENGTH),
            Regexp(bounds.PHONE_PATTERN.replace("$", r"\Z"), message="Digits, spaces and + ( ) -."),
        ],
    )
    level = SelectField("Level", choices=[SelectChoice(lv, lv.title()) for lv in LEVELS])
    priority = IntegerField(
        "Priority",
        validators=[InputRequired("Give a priority."), within(bounds.PRIORITY)],
        description="Members 3, class packs 2, drop-ins 1.",
    )
    max_per_day = IntegerField(
        "Most classes a day",
        validators=[InputRequired("How many a day?"), within(bounds.MAX_PER_DAY)],
    )
    venues = WordsField("Venues", validators=[_known("venue", "venue_keys")])
    needs = WordsField("Needs", description="Reformer features, e.g. raised.")
    prefers_venues = WordsField("Prefers venues", validators=[_known("venue", "venue_keys")])
    prefers_instructors = WordsField(
        "Prefers instructors", validators=[_known("instructor", "instructor_keys")]
    )
    availability = WindowsField("Availability", description="One line each: Mon 17:30-21:00.")
    wants = WantsField("Wants", description="One line each: reformer x2, or mat|back-care.")
    needs_intro = BooleanField("Needs a 1-2-1 intro first")
    cleared = BooleanField("GP clearance")
    active = BooleanField("Active (untick to pause)")

    def known(self, week: Week) -> None:
        """The ids this week knows, to check venues, instructors and class types against."""
        self.venue_keys = {v.id for v in week.venues}
        self.instructor_keys = {i.id for i in week.instructors}
        self.class_type_keys = {c.id for c in week.class_types}
        self.one_to_one_keys = {c.id for c in week.class_types if c.one_to_one}
        venues = f"Venue ids, comma-separated: {_ids(week.venues)}."
        self.venues.description = self.prefers_venues.description = venues
        self.prefers_instructors.description = (
            f"Instructor ids, comma-separated: {_ids(week.instructors)}."
        )
        self.wants.description = (
            "One line each: reformer x2, or mat|back-care."
            f" Class type ids: {_ids(week.class_types)}."
        )

    def fill(self, row: Any, wants: list[Any], format_availability: Callable) -> None:
        """Put a client row's list fields into the text fields."""
        self.venues.data = ", ".join(row.venues)
        self.needs.data = ", ".join(row.needs)
        self.prefers_venues.data = ", ".join(row.prefers_venues)
        self.prefers_instructors.data = ", ".join(row.prefers_instructors)
        self.availability.data = format_availability(
            tuple(Window(s, e) for s, e in row.availability)
        ).replace("; ", "\n")
        self.wants.data = "\n".join(f"{'|'.join(w.class_types)} x{w.per_week}" for w in wants)

    def validate_venues(self, field: Any) -> None:
        if not field.parsed:
            raise ValidationError("Name at least one venue.")

    def validate_needs_intro(self, field: Any) -> None:
        if field.data and not self.wants.errors:
            one_to_one = getattr(self, "one_to_one_keys", None)
            if one_to_one is not None and not any(
                set(types) & one_to_one for types, _ in self.wants.parsed
            ):
                raise ValidationError("A client who needs an intro must want a 1-2-1 class.")

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data.strip(),
            "email": (self.email.data or "").strip() or None,
            "phone": (self.phone.data or "").strip() or None,
            "level": self.level.data,
            "priority": self.priority.data,
            "max_per_day": self.max_per_day.data,
            "venues": self.venues.parsed,
            "needs": self.needs.parsed,
            "prefers_venues": self.prefers_venues.parsed,
            "prefers_instructors": self.prefers_instructors.parsed,
            "availability": self.availability.parsed,
            "wants": self.wants.parsed,
            "needs_intro": self.needs_intro.data,
            "cleared": self.cleared.data,
            "active": self.active.data,
        }


class ClientsImportForm(FlaskForm):
    """A CSV file of clients."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv", "txt"], "A .csv file, please."),
        ],
    )
