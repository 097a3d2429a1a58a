"""What the commands share: the week option's type and the way bad input is refused."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import click


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
