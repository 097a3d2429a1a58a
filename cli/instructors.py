"""`reformer instructor add EMAIL`, `reformer instructor password EMAIL`: instructors' sign-ins."""

from __future__ import annotations

import click


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
    from scheduler.core.db import session_scope
    from scheduler.studio.accounts import AccountError, add_instructor_login

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


@instructor.command("password")
@click.argument("email")
@click.option(
    "--password",
    prompt="New password",
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for (twice) when not given.",
)
def instructor_password(email: str, password: str) -> None:
    """Give EMAIL a new password; every browser signed in as them is signed out."""
    from scheduler.core.db import session_scope
    from scheduler.studio.accounts import AccountError, change_password

    try:
        with session_scope() as session:
            ended = change_password(session=session, email=email, password=password)
    except AccountError as exc:
        click.echo(f"not changed: {exc}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"new password set for {email}; signed out of {ended} browser(s)")
