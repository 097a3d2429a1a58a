"""/owner/scenarios/runs/<id>...: a run's live progress and results, and a sweep's chart."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, render_template, request

from scheduler.scenarios.forms import names_of_result
from scheduler.scenarios.report import KPI_LABELS, RESULT_FORMAT, SWEEP_FORMAT
from scheduler.scenarios.service import scenario_run_state
from scheduler.scenarios.words import FIGURE_EXPLANATIONS, change_words, sweep_label
from web.db import get_session
from web.form_parts import ROW_ID
from web.scenarios import bp, run_or_404, scenario_or_404


@bp.get(f"/runs/<{ROW_ID}:run_id>")
def run_page(run_id: int) -> Any:
    """A run: live progress while it solves, then base and scenario side by side."""
    run = run_or_404(run_id)
    result = run.result or {}
    names = names_of_result(session=get_session(), result=result) if result else None
    swept = result.get("format") == SWEEP_FORMAT
    return render_template(
        "scenarios/run.html",
        run=run,
        scenario=scenario_or_404(run.scenario_id),
        state=scenario_run_state(session=get_session(), run_id=run.id),
        result=result if result.get("format") == RESULT_FORMAT else None,
        sweep=result if result.get("format") == SWEEP_FORMAT else None,
        labels=KPI_LABELS,
        explain=FIGURE_EXPLANATIONS,
        names=names,
        change_words=[
            change_words(c, names) for c in result.get("scenario", {}).get("changes", [])
        ],
        time_of_day=str.capitalize,
        sweep_words=sweep_label(result, names) if swept else None,
    )


@bp.get(f"/runs/<{ROW_ID}:run_id>.json")
def run_json(run_id: int) -> Any:
    """A run's status and progress, for the page to poll."""
    state = scenario_run_state(session=get_session(), run_id=run_id)
    if state is None:
        abort(404)
    return jsonify(state)


@bp.get(f"/runs/<{ROW_ID}:run_id>/chart.<any(svg, png):image_format>")
def chart(run_id: int, image_format: str) -> Any:
    """A finished run's chart (base beside scenario), or a sweep's (each figure against the
    number swept); `?layout=narrow` draws one column of panels, for a phone."""
    from scheduler.scenarios.charts import stored_result_chart  # matplotlib loads only here

    run = run_or_404(run_id)
    if not run.result or run.result.get("format") not in (RESULT_FORMAT, SWEEP_FORMAT):
        abort(404)
    image = stored_result_chart(
        session=get_session(),
        result=run.result,
        image_format=image_format,
        narrow=request.args.get("layout") == "narrow",
    )
    return Response(image, mimetype="image/svg+xml" if image_format == "svg" else "image/png")
