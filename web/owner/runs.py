"""/owner/runs and /owner/runs/<id>: the nightly runs, and one solve's live progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, jsonify, render_template

from scheduler.core.config import get_settings
from scheduler.jobs.nightly import recent_runs
from scheduler.planning.solving import solve_run_state, solve_run_week
from scheduler.runs.lifecycle import mark_interrupted_runs
from web.db import get_session
from web.form_parts import ROW_ID
from web.owner import bp


@bp.get("/runs")
def nightly_runs() -> Any:
    """Every nightly re-solve, newest night first; one whose process died reads as failed."""
    mark_interrupted_runs(engine=get_session().get_bind())
    settings = get_settings()
    zone = ZoneInfo(settings.nightly_timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%a %-d %b %H:%M") if moment else "–"

    return render_template(
        "owner/runs.html",
        runs=recent_runs(session=get_session()),
        settings=settings,
        local=local,
    )


@bp.get(f"/runs/<{ROW_ID}:run_id>")
def run(run_id: int) -> Any:
    """A solve's live progress; the page polls `run_json` every second."""
    state = _state_or_404(run_id)
    week_row = solve_run_week(session=get_session(), run_id=run_id)
    return render_template("owner/run.html", state=state, week_row=week_row)


@bp.get(f"/runs/<{ROW_ID}:run_id>.json")
def run_json(run_id: int) -> Any:
    """A solve's state as JSON, for the progress page."""
    return jsonify(_state_or_404(run_id))


def _state_or_404(run_id: int) -> dict[str, Any]:
    state = solve_run_state(session=get_session(), run_id=run_id)
    if state is None:
        abort(404)
    return state
