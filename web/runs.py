"""The owner's page of nightly runs: when each ran, what it kept, added and lost, any error."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template

from scheduler.core.config import get_settings
from scheduler.jobs.nightly import recent_runs
from scheduler.runs.lifecycle import mark_interrupted_runs
from web.auth import owner_required
from web.db import get_session

bp = Blueprint("runs", __name__, url_prefix="/owner")


@bp.get("/runs")
@owner_required
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
