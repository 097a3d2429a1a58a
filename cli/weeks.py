"""`reformer week new --to next`: start a new week as a copy of an earlier one."""

from __future__ import annotations

from datetime import date

import click

from cli.data import WEEK
from scheduler.planning.errors import PlanningError
from scheduler.planning.solving import start_week


@click.group("week")
def week() -> None:
    """The stored weeks: start a new one from an earlier one."""


@week.command("new")
@click.option(
    "--from",
    "from_week",
    type=WEEK,
    help="The week to copy (YYYY-MM-DD); default: the latest stored before --to.",
)
@click.option(
    "--to", "to_week", type=WEEK, required=True, help="The new week's Monday (YYYY-MM-DD or next)."
)
def new_week(from_week: date | None, to_week: date) -> None:
    """Store the week of --to as a copy of --from: venues, rooms, reformers, class types,
    instructors, clients (paused ones too) and pins, but no plan.

    Refuses a week already stored (exit 1). Solve it with `reformer solve --week`.
    """
    from scheduler.core.db import session_scope

    if from_week is not None and from_week >= to_week:
        raise click.UsageError(f"--from {from_week} must come before --to {to_week}")
    try:
        with session_scope() as session:
            source = start_week(session=session, week_start=to_week, from_week=from_week)
    except PlanningError as exc:
        click.echo(f"not started: {exc}", err=True)
        raise SystemExit(1) from exc
    click.echo(
        f"started the week of {to_week.isoformat()} from the week of {source.isoformat()};"
        f" solve it with `reformer solve --week {to_week.isoformat()}`"
    )
