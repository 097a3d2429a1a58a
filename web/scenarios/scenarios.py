"""/owner/scenarios/ and /owner/scenarios/<id>...: create, show, download, run, sweep, delete."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, url_for
from wtforms import SelectChoice

from scheduler.core import models
from scheduler.formats.validation import load_json
from scheduler.scenarios.document import CHANGE_FIELDS, SCENARIO_FORMAT, ScenarioError, parse_value
from scheduler.scenarios.service import (
    delete_scenario,
    save_scenario,
    scenario_document,
    scenario_runs,
    start_scenario_run,
    stored_scenarios,
)
from scheduler.store.weeks import week_starts
from web.db import get_session
from web.form_parts import ROW_ID
from web.scenarios import bp, scenario_or_404
from web.scenarios.forms import RunForm, ScenarioForm, SweepForm, UploadForm


@bp.get("/")
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
def create() -> Any:
    """Store a scenario typed into the form."""
    form, upload = ScenarioForm(), UploadForm()
    if not form.validate_on_submit():
        return _index(form, upload, status=400)
    try:
        changes = load_json(form.changes.data, ScenarioError)
    except ScenarioError as exc:
        form.changes.errors = exc.errors
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
def upload() -> Any:
    """Store a scenario from an uploaded `reformer-scenario/1` file."""
    form, upload = ScenarioForm(formdata=None), UploadForm()
    file = upload.document.data
    if not upload.validate_on_submit() or file is None or not getattr(file, "filename", ""):
        upload.document.errors = ["Choose a scenario file to upload."]
        return _index(form, upload, status=400)
    try:
        document = load_json(file.read(), ScenarioError)
    except ScenarioError as exc:
        upload.document.errors = exc.errors
        return _index(form, upload, status=400)
    return _save(document, form, upload)


def _save(document: Any, form: ScenarioForm, upload: UploadForm) -> Any:
    try:
        row = save_scenario(session=get_session(), document=document)
    except ScenarioError as exc:
        return _index(form, upload, errors=exc.errors, status=400)
    flash(f"Scenario “{row.name}” saved.", "success")
    return redirect(url_for("scenarios.detail", scenario_id=row.id))


@bp.get(f"/<{ROW_ID}:scenario_id>")
def detail(scenario_id: int) -> Any:
    """A scenario's changes, its runs and sweeps, and the forms to start one."""
    session = get_session()
    row = scenario_or_404(scenario_id)
    return render_template(
        "scenarios/detail.html",
        scenario=row,
        document=scenario_document(session=session, row=row),
        runs=scenario_runs(session=session, scenario_id=row.id),
        run_form=RunForm(),
        sweep_form=SweepForm(),
    )


@bp.get(f"/<{ROW_ID}:scenario_id>.json")
def download(scenario_id: int) -> Any:
    """The scenario as a `reformer-scenario/1` file."""
    row = scenario_or_404(scenario_id)
    document = scenario_document(session=get_session(), row=row)
    return Response(
        json.dumps(document, indent=2) + "\n",
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="scenario-{row.id}.json"'},
    )


@bp.post(f"/<{ROW_ID}:scenario_id>/run")
def run(scenario_id: int) -> Any:
    """Start solving the scenario and its base in the background."""
    row = scenario_or_404(scenario_id)
    form = RunForm()
    if not form.validate_on_submit():
        flash(" ".join(form.time_limit.errors) or "Could not start the run.", "error")
        return redirect(url_for("scenarios.detail", scenario_id=row.id))
    return _start(row, form.time_limit.data)


@bp.post(f"/<{ROW_ID}:scenario_id>/sweep")
def sweep(scenario_id: int) -> Any:
    """Start a sweep: the scenario solved once per value of one field, in parallel."""
    row = scenario_or_404(scenario_id)
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


@bp.post(f"/<{ROW_ID}:scenario_id>/delete")
def delete(scenario_id: int) -> Any:
    """Forget a scenario and its runs."""
    row = scenario_or_404(scenario_id)
    delete_scenario(session=get_session(), scenario_id=row.id)
    flash(f"Scenario “{row.name}” deleted.", "info")
    return redirect(url_for("scenarios.index"))
