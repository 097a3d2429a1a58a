"""Data commands: `reformer db upgrade`, `import`, `export`, `clients import`, `demo`.

Each is a thin call into one service; writes are one transaction, so a
refused file leaves the database as it was.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from scheduler.formats.files import write_json
from scheduler.formats.week import WeekError
from scheduler.store.weeks import coming_monday


class WeekStart(click.ParamType):
    """A week's Monday: `YYYY-MM-DD`, or `next` for the coming Monday."""

    name = "week"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        if value == "next":
            return coming_monday()
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date YYYY-MM-DD (or 'next')", param, ctx)
        if day.weekday() != 0:
            self.fail(f"{value} is a {day:%A}; a week starts on a Monday", param, ctx)
        return day


WEEK = WeekStart()


def _refuse(errors: list[str]) -> NoReturn:
    """Print every error line to stderr and exit 1 (bad input)."""
    for line in errors:
        click.echo(line, err=True)
    raise SystemExit(1)


@click.group("db")
def db() -> None:
    """The database: create or migrate it."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Migrate to this revision.")
def db_upgrade(revision: str) -> None:
    """Create the database, or migrate it to the latest tables (DATABASE_URL)."""
    from scheduler.core.db import current_revision, upgrade

    # Alembic announces every plugin it loads; only the migrations it runs are news.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    upgrade(revision=revision)
    click.echo(f"database at revision {current_revision()}")


@click.command("import")
@click.argument("week_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def import_week(week_file: str) -> None:
    """Import a reformer-week/1 file, replacing that week whole; nothing is written on error."""
    from scheduler.core.db import session_scope
    from scheduler.store.weeks import import_week_document

    text = sys.stdin.read() if week_file == "-" else Path(week_file).read_text()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _refuse([f"$: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"])
    try:
        with session_scope() as session:
            row = import_week_document(session=session, data=data)
            week_start = row.week_start
    except WeekError as exc:
        _refuse(exc.errors)
    click.echo(f"imported the week of {week_start.isoformat()}")


@click.command("export")
@click.option("--week", "week_start", type=WEEK, required=True, help="The week's Monday.")
@click.argument("out_file", type=click.Path(dir_okay=False, allow_dash=True), default="-")
def export_week(week_start: date, out_file: str) -> None:
    """Export a stored week as reformer-week/1 to OUT_FILE (default: standard output)."""
    from scheduler.core.db import session_scope
    from scheduler.store.weeks import WeekNotFound, export_week_document

    try:
        with session_scope() as session:
            document = export_week_document(session=session, week_start=week_start)
    except WeekNotFound as exc:
        _refuse([str(exc)])
    if out_file == "-":
        click.echo(json.dumps(document, indent=2))
    else:
        write_json(document, out_file)


@click.group("clients")
def clients() -> None:
    """Clients of a stored week."""


@clients.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--week", "week_start", type=WEEK, required=True, help="The week's Monday.")
def clients_import(csv_file: str, week_start: date) -> None:
    """Add or update the week's clients from a CSV file; nothing is written on any error.

    Columns: name, email, phone, level, venues, availability (`Mon 17:30-21:00;
    Sat 08:00-12:00`); optional: id, priority, needs_intro, cleared, needs,
    max_per_day, wants (`reformer x2; mat`), prefers_venues.
    """
    from scheduler.core.db import session_scope
    from scheduler.formats.clients_csv import CsvError, import_clients_csv
    from scheduler.store.weeks import WeekNotFound

    try:
        with session_scope() as session:
            result = import_clients_csv(
                session=session, week_start=week_start, text=Path(csv_file).read_text()
            )
    except CsvError as exc:
        _refuse(exc.errors)
    except WeekNotFound as exc:
        _refuse([str(exc)])
    click.echo(f"{result.added} client(s) added, {result.updated} updated")


@click.command("demo")
@click.option("--week", "week_start", type=WEEK, default="next", help="The week's Monday.")
@click.option("--seed", default=1, show_default=True, help="Seed for the generated clients.")
@click.option(
    "--password",
    default=None,
    help="The owner's password (default: reformer-demo in development, else a made-up one).",
)
def demo(week_start: date, seed: int, password: str | None) -> None:
    """Load the demo business (three studios, ~250 clients) as the given week.

    The owner gets a sign-in, printed with the way to a client's own pages.
    """
    from scheduler.core.config import get_settings
    from scheduler.core.db import session_scope
    from scheduler.studio.accounts import AccountError
    from scheduler.studio.demo import CLIENTS, DEMO_PASSWORD, save_demo_owner, save_demo_week

    settings = get_settings()
    if password is None:
        # A known password only where nobody else can reach the app.
        password = DEMO_PASSWORD if settings.development else secrets.token_urlsafe(12)
    try:
        with session_scope() as session:
            summary = save_demo_week(session=session, week_start=week_start, seed=seed)
            email, name = save_demo_owner(session=session, password=password)
    except AccountError as exc:
        _refuse([f"not loaded: {exc}"])
    reformer, last = _this_command(), f"{CLIENTS:03d}"
    click.echo(summary)
    click.echo(
        f"\nThe owner, {name}, signs in at {settings.base_url}/auth/sign-in\n"
        f"  e-mail:   {email}\n"
        f"  password: {password}\n"
        f"A client signs in by a one-time link; print one for c001 (or any of c001-c{last}) with\n"
        f"  {reformer} client link c001"
    )


def _this_command() -> str:
    """How to run `reformer` again from here: the venv's script in this folder by its path."""
    script = Path(sys.argv[0]).absolute()
    try:
        return str(script.relative_to(Path.cwd())) if script.name == "reformer" else "reformer"
    except ValueError:
        return "reformer"
