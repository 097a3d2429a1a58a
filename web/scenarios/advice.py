"""/owner/scenarios/advice...: the capacity advisor, run in the background, and its ranking.

/owner/scenarios/advice                 the form to start a run, and the latest runs
/owner/scenarios/advice/<id>            a run's progress, then its ranking
/owner/scenarios/advice/<id>.json       its state, for the page to poll
/owner/scenarios/advice/<id>/save       a ranked change stored as a scenario
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from scheduler.formats.validation import load_json
from scheduler.scenarios.advisor import ADVICE_FORMAT
from scheduler.scenarios.advisor_runs import (
    advice_run,
    advice_run_state,
    advice_runs,
    save_advice_as_scenario,
    start_advice_run,
)
from scheduler.scenarios.document import ScenarioError
from scheduler.store.weeks import week_starts
from web.db import get_session
from web.form_parts import ROW_ID
from web.scenarios import bp


class AdviceForm(FlaskForm):
    """Which week to advise on, how many changes to try, the seconds for each, any costs."""

    week_start = SelectField("Week", validate_choice=False)
    top = IntegerField(
        "Changes to try",
        default=20,
        validators=[NumberRange(min=1, max=200, message="Try between 1 and 200 changes.")],
    )
    time_limit = FloatField(
        "Seconds per change",
        default=20,
        validators=[NumberRange(min=1, max=600, message="Give between 1 and 600 seconds.")],
    )
    costs = TextAreaField(
        "Costs in pounds (JSON, optional)",
        description='by kind of change or a change\'s key, e.g. {"add_reformers": 3500}',
        validators=[Optional(), Length(max=20000)],
    )


class SaveAdviceForm(FlaskForm):
    """A ranked change to keep as a scenario."""

    rank = HiddenField(validators=[DataRequired()])


@bp.get("/advice")
def advice() -> Any:
    """The advisor's form and its latest runs."""
    return _advice_page(AdviceForm())


def _advice_page(form: AdviceForm, status: int = 200) -> Any:
    session = get_session()
    weeks = [w.isoformat() for w in reversed(week_starts(session=session))]
    form.week_start.choices = [SelectChoice(w) for w in weeks]
    page = render_template(
        "scenarios/advice.html", form=form, runs=advice_runs(session=session), has_weeks=bool(weeks)
    )
    return page, status


@bp.post("/advice")
def start_advice() -> Any:
    """Start the advisor on a stored week in the background."""
    form = AdviceForm()
    if not form.validate_on_submit():
        return _advice_page(form, status=400)
    try:
        costs = load_json(form.costs.data, ScenarioError) if form.costs.data else None
        run = start_advice_run(
            session=get_session(),
            week_start=form.week_start.data or "latest",
            time_limit=form.time_limit.data,
            top=form.top.data,
            costs=costs,
            database_url=current_app.config["DATABASE_URL"],
        )
    except ScenarioError as exc:
        # A week no longer stored is the week's error; anything else is in the costs.
        form.week_start.errors = [e for e in exc.errors if e.startswith("$.base")]
        form.costs.errors = [e for e in exc.errors if not e.startswith("$.base")]
        return _advice_page(form, status=400)
    return redirect(url_for("scenarios.advice_page", run_id=run.id))


@bp.get(f"/advice/<{ROW_ID}:run_id>")
def advice_page(run_id: int) -> Any:
    """A run: live progress while it solves, then every change tried, best first."""
    session = get_session()
    run = advice_run(session=session, run_id=run_id)
    if run is None:
        abort(404)
    result = run.result if (run.result or {}).get("format") == ADVICE_FORMAT else None
    return render_template(
        "scenarios/advice_run.html",
        run=run,
        state=advice_run_state(session=session, run_id=run_id),
        advice=result,
        save_form=SaveAdviceForm(),
    )


@bp.get(f"/advice/<{ROW_ID}:run_id>.json")
def advice_json(run_id: int) -> Any:
    """A run's status and progress, for the page to poll."""
    state = advice_run_state(session=get_session(), run_id=run_id)
    if state is None:
        abort(404)
    return jsonify(state)


@bp.post(f"/advice/<{ROW_ID}:run_id>/save")
def save_advice(run_id: int) -> Any:
    """Store one ranked change as a scenario, to run, sweep or compare later."""
    form = SaveAdviceForm()
    if not form.validate_on_submit() or not form.rank.data.isdigit():
        abort(400)
    try:
        row = save_advice_as_scenario(
            session=get_session(), run_id=run_id, rank=int(form.rank.data)
        )
    except ScenarioError as exc:
        flash("Not saved: " + "; ".join(exc.errors), "error")
        return redirect(url_for("scenarios.advice_page", run_id=run_id))
    flash(f"Scenario “{row.name}” saved.", "success")
    return redirect(url_for("scenarios.detail", scenario_id=row.id))
