"""/owner/scenarios/...: the owner's what-if pages; one blueprint, a module per area.

    /owner/scenarios/, /owner/scenarios/<id>...    scenarios.py (create, show, run, sweep, delete)
    /owner/scenarios/runs/<id>...                  runs.py (progress, results, a sweep's chart)
    /owner/scenarios/compare                       compare.py
    /owner/scenarios/advice...                     advice.py (the capacity advisor)

Views are thin: each parses its form (`forms.py`) and calls one service of
`scheduler.scenarios`. Solving happens in the background; the run page polls
`/runs/<id>.json`.
"""

from __future__ import annotations

from flask import Blueprint, abort

from scheduler.core import models
from scheduler.scenarios.service import scenario_row, scenario_run
from web.auth import owner_required
from web.db import get_session

bp = Blueprint("scenarios", __name__, url_prefix="/owner/scenarios")


@bp.before_request
@owner_required
def _signed_in_owner() -> None:
    """Every page here is for a signed-in instructor."""


def scenario_or_404(scenario_id: int | None) -> models.Scenario:
    """The stored scenario `scenario_id`; not found if there is none."""
    row = scenario_row(session=get_session(), scenario_id=scenario_id) if scenario_id else None
    if row is None:
        abort(404)
    return row


def run_or_404(run_id: int) -> models.SolveRun:
    """The scenario run `run_id`; not found if there is none (or it is not a scenario's)."""
    run = scenario_run(session=get_session(), run_id=run_id)
    if run is None:
        abort(404)
    return run


# Each module adds its views to `bp` as it is imported.
from web.scenarios import advice, compare, runs, scenarios  # noqa: E402

__all__ = ["advice", "bp", "compare", "run_or_404", "runs", "scenario_or_404", "scenarios"]
