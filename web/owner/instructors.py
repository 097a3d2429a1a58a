"""/owner/instructors...: the instructors, and one's details and availability."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from scheduler.core import models
from scheduler.core.names import week_names
from scheduler.planning.edits import update_instructor
from scheduler.planning.errors import FieldRefused, RuleBroken
from scheduler.store.weeks import load_stored_week
from web.db import get_session
from web.owner import bp
from web.owner.common import (
    data_form,
    data_row_or_404,
    data_week,
    edit_page,
    format_instructor_windows,
    format_windows,
    saved,
)
from web.owner.forms import InstructorForm

# The field of the form a refused edit is about: what they teach, their limits, else their hours.
REFUSED_FIELD = {
    "not_taught": "teaches",
    "day_minutes": "max_day_minutes",
    "week_minutes": "max_week_minutes",
}


@bp.get("/instructors")
def instructors() -> Any:
    """The instructors, what they teach and when they are available."""
    week_start = data_week()
    week = load_stored_week(session=get_session(), week_start=week_start, with_clients=False)
    return render_template(
        "owner/instructors.html",
        week=week,
        week_start=week_start,
        names=week_names(week),
        hours=format_windows,
    )


@bp.route("/instructors/<key>", methods=["GET", "POST"])
def instructor_edit(key: str) -> Any:
    """An instructor's details and availability, saved together only if the plan allows them."""
    week_start = data_week()
    session = get_session()
    row = data_row_or_404(models.Instructor, week_start, key)
    week = load_stored_week(session=session, week_start=week_start)
    form = data_form(InstructorForm, row)
    form.known(week)
    if request.method == "GET":
        form.teaches.data = ", ".join(row.teaches)
        form.availability.data = format_instructor_windows(week.instructor_by_id[key].availability)
    if form.validate_on_submit():
        try:
            update_instructor(
                session=session,
                week_start=week_start,
                instructor=key,
                windows=form.availability.parsed,
                **form.values(),
            )
        except FieldRefused as exc:
            getattr(form, exc.field).errors.append(str(exc))
        except RuleBroken as exc:
            for refusal in exc.refusals:
                field = REFUSED_FIELD.get(refusal.kind, "availability")
                getattr(form, field).errors.append(f"{refusal.text} (rule {refusal.rule}).")
        else:
            return saved(form.name.data, "owner.instructors", week_start)
    return edit_page(form, f"Instructor {row.name}", week_start, "owner.instructors")
