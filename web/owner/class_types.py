"""/owner/class-types...: the kinds of class the studio runs, and one's details."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from scheduler.core import models
from scheduler.store.weeks import load_stored_week
from scheduler.studio.data import update_class_type
from web.db import get_session
from web.owner import bp
from web.owner.common import data_form, data_row_or_404, data_week, edit_page, saved
from web.owner.forms import ClassTypeForm


@bp.get("/class-types")
def class_types() -> Any:
    """The kinds of class the studio runs."""
    week_start = data_week()
    week = load_stored_week(session=get_session(), week_start=week_start)
    return render_template("owner/class_types.html", week=week, week_start=week_start)


@bp.route("/class-types/<key>", methods=["GET", "POST"])
def class_type_edit(key: str) -> Any:
    """A class type's name, length, sizes, levels and requirements."""
    week_start = data_week()
    row = data_row_or_404(models.ClassType, week_start, key)
    form = data_form(ClassTypeForm, row)
    if request.method == "GET":
        form.levels.data = ", ".join(row.levels)
    if form.validate_on_submit():
        update_class_type(session=get_session(), class_type_id=row.id, **form.values())
        return saved(form.name.data, "owner.class_types", week_start)
    return edit_page(form, f"Class type {row.name}", week_start, "owner.class_types")
