"""/owner/scenarios/compare: finished runs side by side."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from scheduler.scenarios.forms import names_of_result
from scheduler.scenarios.report import KPI_LABELS, RESULT_FORMAT
from scheduler.scenarios.words import FIGURE_EXPLANATIONS
from web.db import get_session
from web.form_parts import row_id
from web.scenarios import bp, run_or_404


@bp.get("/compare")
def compare() -> Any:
    """Finished runs side by side: the base once, then each scenario, FCFS beside each."""
    runs = []
    for run_id in request.args.getlist("run", type=row_id):
        run = run_or_404(run_id)
        if run.result and run.result.get("format") == RESULT_FORMAT:
            runs.append(run)
    if not runs:
        flash("Choose at least one finished run to compare.", "info")
        return redirect(url_for("scenarios.index"))
    return render_template(
        "scenarios/compare.html",
        runs=runs,
        labels=KPI_LABELS,
        explain=FIGURE_EXPLANATIONS,
        names=names_of_result(session=get_session(), result=runs[0].result),
        time_of_day=str.capitalize,
    )
