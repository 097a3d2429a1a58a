"""`reformer demo`: load the demo business (three studios, 250 clients) and its owner's sign-in."""

from __future__ import annotations

import secrets
from datetime import date

import click

from cli.params import WEEK, needs_database, refuse, this_command


@click.command("demo")
@click.option("--week", "week_start", type=WEEK, default="next", help="The week's Monday.")
@click.option("--seed", default=1, show_default=True, help="Seed for the generated clients.")
@click.option(
    "--password",
    default=None,
    help="The owner's password (default: reformer-demo in development, else a made-up one).",
)
@needs_database
def demo(week_start: date, seed: int, password: str | None) -> None:
    """Load the demo business (three studios, ~250 clients) as the given week.

    The owner gets a sign-in, printed with the way to a client's own pages.
    """
    from scheduler.core.config import get_settings
    from scheduler.core.db import session_scope
    from scheduler.studio.accounts import AccountError
    from scheduler.studio.demo import (
        CLIENTS,
        DEMO_PASSWORD,
        save_demo_owner,
        save_demo_scenarios,
        save_demo_week,
    )

    settings = get_settings()
    if password is None:
        # A known password only where nobody else can reach the app.
        password = DEMO_PASSWORD if settings.development else secrets.token_urlsafe(12)
    try:
        with session_scope() as session:
            summary = save_demo_week(session=session, week_start=week_start, seed=seed)
            email, name = save_demo_owner(session=session, password=password)
            # Last: storing a scenario commits, and nothing may be stored if the owner is refused.
            scenarios = save_demo_scenarios(session=session, week_start=week_start)
    except AccountError as exc:
        refuse([f"not loaded: {exc}"])
    reformer, last = this_command(), f"{CLIENTS:03d}"
    click.echo(summary)
    if scenarios:
        click.echo(f"what-if scenarios saved: {', '.join(scenarios)}")
    click.echo(
        f"\nThe owner, {name}, signs in at {settings.base_url}/auth/sign-in\n"
        f"  e-mail:   {email}\n"
        f"  password: {password}\n"
        f"A client signs in by a one-time link; print one for c001 (or any of c001-c{last}) with\n"
        f"  {reformer} client link c001"
    )
