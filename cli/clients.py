"""`reformer client link CLIENT_ID`: print a one-time sign-in link for a client."""

from __future__ import annotations

import click


@click.group("client")
def client() -> None:
    """A client's access to their own pages."""


@client.command("link")
@click.argument("client_id")
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
