"""What the commands share: the week option's type, the way bad input is refused, the pool
options, and the check that the database is there before a command uses it."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar, cast

import click

if TYPE_CHECKING:
    from scheduler.tasks.pool import Pool


class WeekStart(click.ParamType):
    """A week's Monday: `YYYY-MM-DD`, or `next` for the coming Monday."""

    name = "week"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        if value == "next":
            from scheduler.core.dates import coming_monday

            return coming_monday()
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date YYYY-MM-DD (or 'next')", param, ctx)
        if day.weekday() != 0:
            self.fail(f"{value} is a {day:%A}; a week starts on a Monday", param, ctx)
        from scheduler.formats.bounds import WEEK_YEARS

        if not WEEK_YEARS[0] <= day.year <= WEEK_YEARS[1]:
            self.fail(f"{value} is not a week from {WEEK_YEARS[0]} to {WEEK_YEARS[1]}", param, ctx)
        return day


WEEK = WeekStart()


def refuse(errors: list[str]) -> NoReturn:
    """Print every error line to stderr and exit 1 (bad input)."""
    for line in errors:
        click.echo(line, err=True)
    raise SystemExit(1)


def this_command() -> str:
    """How to run `reformer` again from here: the venv's script in this folder by its path."""
    script = Path(sys.argv[0]).absolute()
    try:
        return str(script.relative_to(Path.cwd())) if script.name == "reformer" else "reformer"
    except ValueError:
        return "reformer"


def pool_options(command: Callable) -> Callable:
    """`--cluster` and `--processes`: where a command's independent solves run."""
    command = click.option(
        "--processes",
        type=click.IntRange(min=1),
        help="Solves at once on this machine, one core each [every core].",
    )(command)
    return click.option(
        "--cluster",
        envvar="DASK_SCHEDULER_ADDRESS",
        metavar="tcp://HOST:8786",
        help="Run the solves on the Dask cluster of this scheduler [DASK_SCHEDULER_ADDRESS].",
    )(command)


def chosen_pool(cluster: str | None, processes: int | None) -> Pool:
    """The pool the options name, its cluster checked before any solve starts."""
    from scheduler.tasks.pool import ClusterUnreachable, Pool

    pool = Pool.chosen(cluster, processes)
    try:
        pool.check()
    except ClusterUnreachable as exc:
        refuse([f"--cluster: {exc}"])
    return pool


Command = TypeVar("Command", bound=Callable[..., object])


def database_or_refuse() -> None:
    """Exit 1 with one line saying what is wrong, if the database is missing or unmigrated."""
    from scheduler.core.config import SettingsError
    from scheduler.core.db import database_problem

    # Alembic announces each plugin and its context as it looks, burying the one line that matters.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        problem = database_problem()
    except SettingsError as exc:
        problem = str(exc)
    if problem is not None:
        refuse([problem])


def needs_database(command: Command) -> Command:
    """A command that uses the database: it runs only once `database_or_refuse` lets it."""

    @functools.wraps(command)
    def checked(*args: object, **kwargs: object) -> object:
        database_or_refuse()
        return command(*args, **kwargs)

    return cast(Command, checked)
