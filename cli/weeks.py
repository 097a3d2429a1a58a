"""The stored weeks: `reformer import`, `reformer export`, `reformer week new`.

Each is a thin call into one service; writes are one transaction, so a refused
file leaves the database as it was.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from cli.params import WEEK, needs_database, refuse


@click.command("import")
@click.argument("week_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@needs_database
def import_week(week_file: str) -> None:
    """Import a reformer-week/1 file, replacing that week whole; nothing is written on error."""
    from scheduler.core.db import session_scope
    from scheduler.formats.validation import load_json
    from scheduler.formats.week import WeekError
    from scheduler.store.weeks import import_week_document

    raw = sys.stdin.buffer.read() if week_file == "-" else Path(week_file).read_bytes()
    try:
        data = load_json(raw, WeekError)
        with session_scope() as session:
            row = import_week_document(session=session, data=data)
            week_start = row.week_start
    except WeekError as exc:
        refuse(exc.errors)
    click.echo(f"imported the week of {week_start.isoformat()}")


@click.command("export")
@click.option("--week", "week_start", type=WEEK, required=True, help="The week's Monday.")
@click.argument("out_file", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@needs_database
def export_week(week_start: date, out_file: str) -> None:
    """Export a stored week as reformer-week/1 to OUT_FILE (default: standard output)."""
    from scheduler.core.db import session_scope
    from scheduler.formats.files import write_json
    from scheduler.store.weeks import WeekNotFound, export_week_document

    try:
        with session_scope() as session:
            document = export_week_document(session=session, week_start=week_start)
    except WeekNotFound as exc:
        refuse([str(exc)])
    if out_file == "-":
        click.echo(json.dumps(document, indent=2))
    else:
        write_json(document, out_file)


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
@needs_database
def new_week(from_week: date | None, to_week: date) -> None:
    """Store the week of --to as a copy of --from: venues, rooms, reformers, class types,
    instructors, clients (paused ones too) and pins, but no plan.

    Refuses a week already stored (exit 1). Solve it with `reformer solve --week`.
    """
    from scheduler.core.db import session_scope
    from scheduler.planning.errors import PlanningError
    from scheduler.planning.solving import start_week

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
