"""Clients: `reformer clients import CSV --week WEEK`, `reformer client link CLIENT_ID`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.params import WEEK, needs_database, refuse


@click.group("clients")
def clients() -> None:
    """Clients of a stored week."""


@clients.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--week", "week_start", type=WEEK, required=True, help="The week's Monday.")
@needs_database
def clients_import(csv_file: str, week_start: date) -> None:
    """Add or update the week's clients from a CSV file; nothing is written on any error.

    Columns: name, email, phone, level, venues, availability (`Mon 17:30-21:00;
    Sat 08:00-12:00`); optional: id, priority, needs_intro, cleared, needs,
    max_per_day, wants (`reformer x2; mat`), prefers_venues.
    """
    from scheduler.core.db import session_scope
    from scheduler.formats.clients_csv import CsvError
    from scheduler.store.weeks import WeekNotFound
    from scheduler.studio.clients import import_clients_csv

    try:
        with session_scope() as session:
            result = import_clients_csv(
                session=session, week_start=week_start, text=Path(csv_file).read_bytes()
            )
    except CsvError as exc:
        refuse(exc.errors)
    except WeekNotFound as exc:
        refuse([str(exc)])
    click.echo(f"{result.added} client(s) added, {result.updated} updated")


@click.group("client")
def client() -> None:
    """A client's access to their own pages."""


@client.command("link")
@click.argument("client_id")
@needs_database
def client_link(client_id: str) -> None:
    """Print a one-time sign-in link for CLIENT_ID (valid 30 minutes, works once)."""
    from scheduler.clients.access import issue_sign_in_link
    from scheduler.core.config import get_settings
    from scheduler.core.db import session_scope

    settings = get_settings()
    try:
        with session_scope() as session:
            link = issue_sign_in_link(
                session=session,
                client_key=client_id,
                secret_key=settings.secret_key,
                base_url=settings.base_url,
            )
    except LookupError as exc:
        click.echo(f"no client {client_id!r} is stored", err=True)
        raise SystemExit(1) from exc
    click.echo(link.url)
    click.echo(f"It works once, until {link.expires_at:%H:%M} UTC.", err=True)
