"""`reformer db upgrade`: create the database, or migrate it to the latest tables."""

from __future__ import annotations

import logging

import click


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
