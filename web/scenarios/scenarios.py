"""/owner/scenarios/ and /owner/scenarios/<id>...: create, show, download, run, sweep, delete."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from scheduler.core import models
from scheduler.formats.validation import load_json
from scheduler.scenarios.document import CHANGE_FIELDS, SCENARIO_FORMAT, ScenarioError
from scheduler.scenarios.forms import (
    CHANGE_FORMS,
    FormErrors,
    form_values,
    names_for_form,
    save_scenario_from_form,
    scenario_in_words,
    start_sweep_in_words,
)
from scheduler.scenarios.service import (
    delete_scenario,
    save_scenario,
    scenario_document,
    scenario_runs,
    start_scenario_run,
    stored_scenarios,
)
from scheduler.scenarios.words import DAY_NAMES
from scheduler.store.weeks import week_starts
from web.db import get_session
from web.form_parts import ROW_ID
from web.scenarios import bp, scenario_or_404
from web.scenarios.forms import (
    BuilderForm,
    RunForm,
    ScenarioForm,
    SweepForm,
    UploadForm,
    posted_changes,
)


@bp.get("/")
def index() -> Any:
    """Every scenario, and the forms to create one."""
    return _index(ScenarioForm(formdata=None), UploadForm(formdata=None))


def _index(
    form: ScenarioForm,
    upload: UploadForm,
    errors: list[str] = (),
    status: int = 200,
    builder: BuilderForm | None = None,
    changes: list[tuple[str, dict]] = (),
    problems: FormErrors | None = None,
):
    session = get_session()
    weeks = [w.isoformat() for w in reversed(week_starts(session=session))]
    builder = builder or BuilderForm(formdata=None)
    for f in (form.week_start, builder.week_start):
        f.choices = [SelectChoice(w) for w in weeks]
    return (
        render_template(
            "scenarios/index.html",
            scenarios=stored_scenarios(session=session),
            form=form,
            upload=upload,
            errors=errors,
            kinds=CHANGE_FIELDS,
            has_weeks=bool(weeks),
            builder=builder,
            changes=list(changes),
            change_forms=CHANGE_FORMS,
            names=names_for_form(session=session, week_start=builder.week_start.data),
            days=DAY_NAMES,
            problems=problems,
        ),
        status,
    )


@bp.post("/new")
def build() -> Any:
    """The scenario built from forms: add a change, take one out, or save it."""
    builder = BuilderForm()
    changes = posted_changes(request.form)
    action = request.form.get("action", "save")
    blank = ScenarioForm(formdata=None), UploadForm(formdata=None)
    if action == "add":
        changes.append((builder.new_kind.data, {}))
        return _index(*blank, builder=builder, changes=changes)
    if action.startswith("remove-") and action[7:].isdigit():
        del changes[int(action[7:]) : int(action[7:]) + 1]
        return _index(*blank, builder=builder, changes=changes)
    try:
        row = save_scenario_from_form(
            session=get_session(),
            name=builder.name.data or "",
            description=builder.description.data or "",
            week_start=builder.week_start.data or "latest",
            changes=changes,
        )
    except FormErrors as exc:
        return _index(*blank, builder=builder, changes=changes, problems=exc, status=400)
    flash(f"Scenario “{row.name}” saved.", "success")
    return redirect(url_for("scenarios.detail", scenario_id=row.id))


@bp.get(f"/<{ROW_ID}:scenario_id>/edit")
def edit(scenario_id: int) -> Any:
    """A stored scenario in the forms, to change and save again (under the same name it is
    replaced)."""
    row = scenario_or_404(scenario_id)
    document = scenario_document(session=get_session(), row=row)
    builder = BuilderForm(
        formdata=None,
        name=document["name"],
        description=document.get("description", ""),
        week_start=document["base"]["week_start"],
    )
    changes = [(c["kind"], form_values(c)) for c in document["changes"]]
    json_form = ScenarioForm(
        formdata=None,
        name=document["name"],
        description=document.get("description", ""),
        week_start=document["base"]["week_start"],
        changes=json.dumps(document["changes"], indent=2),
    )
    return _index(json_form, UploadForm(formdata=None), builder=builder, changes=changes)


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
    return _detail(scenario_or_404(scenario_id), SweepForm(formdata=None))


def _detail(row: models.Scenario, sweep_form: SweepForm, status: int = 200) -> Any:
    session = get_session()
    shown = scenario_in_words(session=session, row=row)
    sweep_form.path.choices = [SelectChoice(f.path, f.words) for f in shown["sweep_fields"]]
    if not sweep_form.path.data and shown["sweep_fields"]:
        first = shown["sweep_fields"][0]
        sweep_form.path.data = first.path
        if first.value is not None and sweep_form.stop.data == sweep_form.stop.default:
            sweep_form.start.data = 0 if first.whole and first.low <= 0 else first.value
            sweep_form.stop.data = max(first.value * 2, first.value + 4)
    whole = {f.path: f.whole for f in shown["sweep_fields"]}
    return (
        render_template(
            "scenarios/detail.html",
            scenario=row,
            document=shown["document"],
            change_words=shown["changes"],
            names=shown["names"],
            runs=scenario_runs(session=session, scenario_id=row.id),
            run_form=RunForm(),
            sweep_form=sweep_form,
            sweep_whole=whole,
            sweep_words={f.path: f.words for f in shown["sweep_fields"]},
        ),
        status,
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
        return _detail(row, form, status=400)
    try:
        started = start_sweep_in_words(
            session=get_session(),
            scenario_id=row.id,
            path=form.path.data,
            start=form.start.data,
            stop=form.stop.data,
            step=form.step.data,
            time_limit=form.time_limit.data,
            database_url=current_app.config["DATABASE_URL"],
        )
    except FormErrors as exc:
        for name, messages in exc.fields.items():
            getattr(form, name).errors = list(messages)
        return _detail(row, form, status=400)
    except ScenarioError as exc:
        flash("The sweep cannot run: " + "; ".join(exc.errors), "error")
        return redirect(url_for("scenarios.detail", scenario_id=row.id))
    return redirect(url_for("scenarios.run_page", run_id=started.id))


def _start(row: models.Scenario, time_limit: float) -> Any:
    started = start_scenario_run(
        session=get_session(),
        scenario_id=row.id,
        time_limit=time_limit,
        database_url=current_app.config["DATABASE_URL"],
    )
    return redirect(url_for("scenarios.run_page", run_id=started.id))


@bp.post(f"/<{ROW_ID}:scenario_id>/delete")
def delete(scenario_id: int) -> Any:
    """Forget a scenario and its runs."""
    row = scenario_or_404(scenario_id)
    delete_scenario(session=get_session(), scenario_id=row.id)
    flash(f"Scenario “{row.name}” deleted.", "info")
    return redirect(url_for("scenarios.index"))
