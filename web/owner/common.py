"""What the owner's views share: guards that answer 404, the words for times, refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup

from scheduler.core import models
from scheduler.core.dates import as_date, coming_monday
from scheduler.core.words import Refusal
from scheduler.formats.bounds import WEEK_YEARS
from scheduler.formats.times import format_time
from scheduler.planning.errors import RULE_WORDS, PlanningError, RuleBroken
from scheduler.store.plans import plan_with_week
from scheduler.store.weeks import week_data_row, week_row, week_starts
from solver.domain import DAYS, MINUTES_PER_DAY
from web.db import get_session
from web.form_parts import row_id

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def monday_or_404(text: str) -> date:
    """The Monday a URL gives as `YYYY-MM-DD`, in a year weeks may start; else not found."""
    try:
        monday = as_date(text)
    except ValueError:
        abort(404)
    if monday.weekday() != 0 or not WEEK_YEARS[0] <= monday.year <= WEEK_YEARS[1]:
        abort(404)
    return monday


def week_start_or_default(text: str | None) -> date | None:
    """The week asked for, else the coming Monday's if stored, else the latest stored week."""
    if text:
        return monday_or_404(text)
    starts = week_starts(session=get_session())
    if not starts:
        return None
    coming = coming_monday()
    return coming if coming in starts else starts[-1]


def plan_asked() -> int | None:
    """The plan version a page's `?plan=` asks for, if any; one that is no row id is not found."""
    text = request.args.get("plan")
    if text is None:
        return None
    try:
        return row_id(text)
    except ValueError:
        abort(404)


def plan_or_404(plan_id: int) -> tuple[models.Plan, models.Week]:
    """The plan `plan_id` and its week; not found if there is no such plan."""
    found = plan_with_week(session=get_session(), plan_id=plan_id)
    if found is None:
        abort(404)
    return found


def clock(minute: int) -> str:
    """The time of day of a minute of the week, e.g. `09:30`."""
    return format_time(minute % MINUTES_PER_DAY)


def refused(exc: PlanningError) -> None:
    """Flash a refusal: what is in the way, a sentence each, its rule in small print."""
    if isinstance(exc, RuleBroken):
        flash(Markup("Not done: ") + refusal_markup(exc.refusals), "error")
    else:
        flash(f"Not done: {exc}", "error")


def refusal_markup(refusals: list[Refusal]) -> Markup:
    """Sentences, each with its rule's number in small print (the rule's words on hover)."""
    return Markup(" ").join(
        Markup('{}. <small class="muted" title="{}">rule {}</small>').format(
            r.text, RULE_WORDS[r.rule], r.rule
        )
        for r in refusals
    )


# ---------------------------------------------------------------------------
# The studio's data pages


def data_week() -> date:
    """The stored week a data page shows (`?start=`, or the default week); else not found."""
    week_start = week_start_or_default(request.args.get("start"))
    if week_start is None or week_row(session=get_session(), week_start=week_start) is None:
        abort(404)
    return week_start


def data_row_or_404(model: type, week_start: date, key: str) -> Any:
    """The week's row of `model` (a venue, room, class type, instructor or client) by its key."""
    row = week_data_row(session=get_session(), week_start=week_start, model=model, key=key)
    if row is None:
        abort(404)
    return row


def data_form(form_class: type[FlaskForm], row: Any) -> Any:
    """A data form: filled from `row` to show it (GET), from the request when posted."""
    return form_class(obj=row) if request.method == "GET" else form_class()


def saved(what: str, listing: str, week_start: date) -> Any:
    """Say what was saved, then go back to the list it is on."""
    flash(f"{what} saved.", "success")
    return redirect(url_for(listing, start=week_start.isoformat()))


def edit_page(
    form: Any,
    title: str,
    week_start: date,
    listing: str,
    template: str = "owner/edit.html",
    **context: Any,
) -> Any:
    """A data form's page (`template`, which extends `owner/edit.html`, with `context`), with
    a way back to its list; 400 while the form has errors."""
    return render_template(
        template,
        form=form,
        title=title,
        week_start=week_start,
        back=url_for(listing, start=week_start.isoformat()),
        **context,
    ), (400 if form.errors else 200)


def format_windows(windows: Any) -> str:
    """Opening windows as lines of `Mon 07:00-21:00`."""
    return "\n".join(_span(w.start, w.end) for w in sorted(windows, key=lambda w: w.start))


def _span(start: int, end: int) -> str:
    day = start // MINUTES_PER_DAY
    until = end - day * MINUTES_PER_DAY
    return f"{DAYS[day].title()} {clock(start)}-{format_time(until)}"


def format_instructor_windows(windows: Any) -> str:
    """An instructor's windows as lines of `Tue 09:00-13:00 hitchin stevenage`."""
    return "\n".join(
        f"{format_windows([w])} {' '.join(w.venues)}"
        for w in sorted(windows, key=lambda w: w.start)
    )
