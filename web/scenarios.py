"""The owner's what-if pages: create scenarios, run them with live progress, compare, sweep.

Views are thin: each parses its form and calls one service of `scheduler.scenarios`.
Solving happens in the background; the run page polls `/runs/<id>.json`.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FloatField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from scheduler.core import models
from scheduler.scenarios.document import CHANGE_FIELDS, SCENARIO_FORMAT, ScenarioError, parse_value
from scheduler.scenarios.report import KPI_LABELS, RESULT_FORMAT, SWEEP_FORMAT
from scheduler.scenarios.service import (
    delete_scenario,
    save_scenario,
    scenario_document,
    scenario_run_state,
    scenario_runs,
    start_scenario_run,
    stored_scenarios,
)
from scheduler.store.weeks import week_starts
from web.auth import owner_required
from web.db import get_session

bp = Blueprint("scenarios", __name__, url_prefix="/owner/scenarios")

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
    time_limit = FloatField("Seconds per solve", default=30, validators=[TIME_LIMIT])


class SweepForm(FlaskForm):
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


@bp.get("/")
@owner_required
def index() -> Any:
    """Every scenario, and the forms to create one."""
    return _index(ScenarioForm(), UploadForm())


def _index(form: ScenarioForm, upload: UploadForm, errors: list[str] = (), status: int = 200):
    session = get_session()
    weeks = [w.isoformat() for w in reversed(week_starts(session=session))]
    form.week_start.choices = [SelectChoice(w) for w in weeks]
    return (
        render_template(
            "scenarios/index.html",
            scenarios=stored_scenarios(session=session),
            form=form,
            upload=upload,
            errors=errors,
            kinds=CHANGE_FIELDS,
            has_weeks=bool(weeks),
        ),
        status,
    )


@bp.post("/")
@owner_required
def create() -> Any:
    """Store a scenario typed into the form."""
    form, upload = ScenarioForm(), UploadForm()
    if not form.validate_on_submit():
        return _index(form, upload, status=400)
    try:
        changes = json.loads(form.changes.data)
    except json.JSONDecodeError as exc:
        form.changes.errors = [f"Not valid JSON: {exc.msg} at line {exc.lineno}."]
        return _index(form, upload, status=400)
    document = {
        "format": SCENARIO_FORMAT,
        "name": form.name.data.strip(),
        "description": form.description.data or "",
        "base": {"week_start": form.week_start.data or "latest"},
        "changes": changes,
    }
    return _save(document, form, upload)


@bp.post("/upload")
@owner_required
def upload() -> Any:
    """Store a scenario from an uploaded `reformer-scenario/1` file."""
    form, upload = ScenarioForm(formdata=None), UploadForm()
    file = upload.document.data
    if not upload.validate_on_submit() or file is None or not getattr(file, "filename", ""):
        upload.document.errors = ["Choose a scenario file to upload."]
        return _index(form, upload, status=400)
    try:
        document = json.loads(file.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        upload.document.errors = ["That file is not JSON."]
        return _index(form, upload, status=400)
    return _save(document, form, upload)


def _save(document: Any, form: ScenarioForm, upload: UploadForm) -> Any:
    try:
        row = save_scenario(session=get_session(), document=document)
    except ScenarioError as exc:
        return _index(form, upload, errors=exc.errors, status=400)
    flash(f"Scenario “{row.name}” saved.", "success")
    return redirect(url_for("scenarios.detail", scenario_id=row.id))


@bp.get("/<int:scenario_id>")
@owner_required
def detail(scenario_id: int) -> Any:
    """A scenario's changes, its runs and sweeps, and the forms to start one."""
    session = get_session()
    row = _scenario_or_404(scenario_id)
    return render_template(
        "scenarios/detail.html",
        scenario=row,
        document=scenario_document(session=session, row=row),
        runs=scenario_runs(session=session, scenario_id=row.id),
        run_form=RunForm(),
        sweep_form=SweepForm(),
    )


@bp.get("/<int:scenario_id>.json")
@owner_required
def download(scenario_id: int) -> Any:
    """The scenario as a `reformer-scenario/1` file."""
    row = _scenario_or_404(scenario_id)
    document = scenario_document(session=get_session(), row=row)
    return Response(
        json.dumps(document, indent=2) + "\n",
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="scenario-{row.id}.json"'},
    )


@bp.post("/<int:scenario_id>/run")
@owner_required
def run(scenario_id: int) -> Any:
    """Start solving the scenario and its base in the background."""
    row = _scenario_or_404(scenario_id)
    form = RunForm()
    if not form.validate_on_submit():
        flash(" ".join(form.time_limit.errors) or "Could not start the run.", "error")
        return redirect(url_for("scenarios.detail", scenario_id=row.id))
    return _start(row, form.time_limit.data)


@bp.post("/<int:scenario_id>/sweep")
@owner_required
def sweep(scenario_id: int) -> Any:
    """Start a sweep: the scenario solved once per value of one field, in parallel."""
    row = _scenario_or_404(scenario_id)
    form = SweepForm()
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(" ".join(errors) or "Could not start the sweep.", "error")
        return redirect(url_for("scenarios.detail", scenario_id=row.id))
    values = [parse_value(v.strip()) for v in form.values.data.split(",") if v.strip()]
    return _start(row, form.time_limit.data, form.path.data.strip(), values)


def _start(row: models.Scenario, time_limit: float, path: str | None = None, values=None) -> Any:
    try:
        started = start_scenario_run(
            session=get_session(),
            scenario_id=row.id,
            time_limit=time_limit,
            sweep_path=path,
            sweep_values=values,
            database_url=current_app.config["DATABASE_URL"],
        )
    except ScenarioError as exc:
        flash("The sweep cannot run: " + "; ".join(exc.errors), "error")
        return redirect(url_for("scenarios.detail", scenario_id=row.id))
    return redirect(url_for("scenarios.run_page", run_id=started.id))


@bp.get("/runs/<int:run_id>")
@owner_required
def run_page(run_id: int) -> Any:
    """A run: live progress while it solves, then base and scenario side by side."""
    run = _run_or_404(run_id)
    result = run.result or {}
    return render_template(
        "scenarios/run.html",
        run=run,
        scenario=_scenario_or_404(run.scenario_id),
        state=scenario_run_state(session=get_session(), run_id=run.id),
        result=result if result.get("format") == RESULT_FORMAT else None,
        sweep=result if result.get("format") == SWEEP_FORMAT else None,
        labels=KPI_LABELS,
    )


@bp.get("/runs/<int:run_id>.json")
@owner_required
def run_json(run_id: int) -> Any:
    """A run's status and progress, for the page to poll."""
    state = scenario_run_state(session=get_session(), run_id=run_id)
    if state is None:
        abort(404)
    return jsonify(state)


@bp.get("/runs/<int:run_id>/chart.<any(svg, png):image_format>")
@owner_required
def chart(run_id: int, image_format: str) -> Any:
    """A finished sweep's chart: each figure against the value swept."""
    from scheduler.scenarios.charts import sweep_chart

    run = _run_or_404(run_id)
    if not run.result or run.result.get("format") != SWEEP_FORMAT:
        abort(404)
    mimetype = "image/svg+xml" if image_format == "svg" else "image/png"
    return Response(sweep_chart(run.result, image_format), mimetype=mimetype)


@bp.get("/compare")
@owner_required
def compare() -> Any:
    """Finished runs side by side: the base once, then each scenario, FCFS beside each."""
    runs = []
    for run_id in request.args.getlist("run", type=int):
        run = _run_or_404(run_id)
        if run.result and run.result.get("format") == RESULT_FORMAT:
            runs.append(run)
    if not runs:
        flash("Choose at least one finished run to compare.", "info")
        return redirect(url_for("scenarios.index"))
    return render_template("scenarios/compare.html", runs=runs, labels=KPI_LABELS)


@bp.post("/<int:scenario_id>/delete")
@owner_required
def delete(scenario_id: int) -> Any:
    """Forget a scenario and its runs."""
    row = _scenario_or_404(scenario_id)
    delete_scenario(session=get_session(), scenario_id=row.id)
    flash(f"Scenario “{row.name}” deleted.", "info")
    return redirect(url_for("scenarios.index"))


def _scenario_or_404(scenario_id: int | None) -> models.Scenario:
    row = get_session().get(models.Scenario, scenario_id) if scenario_id else None
    if row is None:
        abort(404)
    return row


def _run_or_404(run_id: int) -> models.SolveRun:
    run = get_session().get(models.SolveRun, run_id)
    if run is None or run.scenario_id is None:
        abort(404)
    return run
