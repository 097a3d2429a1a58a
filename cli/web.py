"""`reformer serve` runs the web app; `reformer instructor add EMAIL` creates a sign-in."""

from __future__ import annotations

import click

from scheduler.core.db import session_scope
from scheduler.studio.accounts import AccountError, add_instructor_login


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Serve the web app (for production, run gunicorn 'web:create_app()' instead)."""
    from werkzeug.serving import run_simple

    from web import create_app

    run_simple(host, port, create_app(), threaded=True, use_reloader=False)


@click.group("instructor")
def instructor() -> None:
    """Instructors' sign-ins."""


@instructor.command("add")
@click.argument("email")
@click.option("--name", default=None, help="The name the pages greet them by.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for (twice) when not given.",
)
def instructor_add(email: str, name: str | None, password: str) -> None:
    """Create a sign-in for EMAIL; the password is stored hashed."""
    try:
        with session_scope() as session:
            account = add_instructor_login(
                session=session, email=email, password=password, name=name
            )
            created = account.email
    except AccountError as exc:
        click.echo(f"not added: {exc}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"instructor {created} can sign in")
