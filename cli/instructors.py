"""`reformer instructor add EMAIL`, `reformer instructor password EMAIL`: instructors' sign-ins."""

from __future__ import annotations

import click

from cli.params import needs_database

# Asked for in the command, once the database is known to be there, not while parsing.
PASSWORD = click.option("--password", default=None, help="Asked for (twice) when not given.")


def _asked(password: str | None, prompt: str) -> str:
    if password is not None:
        return password
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


@click.group("instructor")
def instructor() -> None:
    """Instructors' sign-ins."""


@instructor.command("add")
@click.argument("email")
@click.option("--name", default=None, help="The name the pages greet them by.")
@click.option(
    "--not-owner",
    is_flag=True,
    help="An instructor who is not the owner: they take the registers of the classes they"
    " teach (known by their e-mail in the week), and see nothing else.",
)
@PASSWORD
@needs_database
def instructor_add(email: str, name: str | None, not_owner: bool, password: str | None) -> None:
    """Create a sign-in for EMAIL; the password is stored hashed."""
    from scheduler.core.db import session_scope
    from scheduler.studio.accounts import AccountError, add_instructor_login

    password = _asked(password, "Password")
    try:
        with session_scope() as session:
            account = add_instructor_login(
                session=session, email=email, password=password, name=name, is_owner=not not_owner
            )
            created = account.email
    except AccountError as exc:
        click.echo(f"not added: {exc}", err=True)
        raise SystemExit(1) from exc
    takes = " to take the registers of the classes they teach" if not_owner else ""
    click.echo(f"instructor {created} can sign in{takes}")


@instructor.command("password")
@click.argument("email")
@PASSWORD
@needs_database
def instructor_password(email: str, password: str | None) -> None:
    """Give EMAIL a new password; every browser signed in as them is signed out."""
    from scheduler.core.db import session_scope
    from scheduler.studio.accounts import AccountError, change_password

    password = _asked(password, "New password")
    try:
        with session_scope() as session:
            ended = change_password(session=session, email=email, password=password)
    except AccountError as exc:
        click.echo(f"not changed: {exc}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"new password set for {email}; signed out of {ended} browser(s)")
