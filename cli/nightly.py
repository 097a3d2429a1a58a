"""The scheduled jobs: `reformer scheduler`, `reformer nightly --now`, `reformer runs`,
`reformer reminders`.

`reformer scheduler` is the recommended production layout: one process of its
own beside the web app, running the nightly re-solve and the day-before
reminders. A second one, or a `nightly --now` or `reminders` at the same time,
is harmless: a night runs once, and each reminder is sent once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

if TYPE_CHECKING:
    from scheduler.core.config import Settings

from cli.params import database_or_refuse, needs_database
from scheduler.core.config import NIGHTLY_TIME_LIMIT

TIME_LIMIT = click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    default=NIGHTLY_TIME_LIMIT,
    show_default=True,
    help="Seconds the optimiser may take.",
)


def _settings() -> Settings:
    """The environment's settings, or a clear error naming the bad variable."""
    from scheduler.core.config import SettingsError, get_settings

    try:
        return get_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("scheduler")
@TIME_LIMIT
@needs_database
def scheduler_command(time_limit: float) -> None:
    """Run the scheduler in this process until stopped: the nightly re-solve at NIGHTLY_TIME,
    and every quarter of an hour the reminders of the classes starting within a day."""
    from scheduler.jobs.nightly import run_scheduler
    from scheduler.jobs.reminders import EVERY_MINUTES

    settings = _settings()
    mail = f"by mail from {settings.smtp_from}" if settings.smtp_host else "logged (no SMTP_HOST)"
    click.echo(
        f"nightly re-solve at {settings.nightly_time} {settings.nightly_timezone};"
        f" {'publishing' if settings.auto_publish else 'leaving drafts'}."
        f" Reminders every {EVERY_MINUTES} minutes, {mail}, linking to {settings.base_url}."
        " Ctrl-C stops."
    )
    run_scheduler(settings, time_limit=time_limit)


@click.command("nightly")
@click.option("--now", "run_now", is_flag=True, help="Run tonight's re-solve at once.")
@click.option(
    "--night",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The night to run (its local date); default: tonight's.",
)
@click.option("--retry", is_flag=True, help="Run the night again if it failed.")
@TIME_LIMIT
def nightly(run_now: bool, night: datetime | None, retry: bool, time_limit: float) -> None:
    """Show when the nightly re-solve runs; with --now, run tonight's at once.

    A night that already ran, or is running elsewhere, is left alone (exit 0).
    A failed run exits 1 and leaves the published plan as it was.
    """
    from scheduler.jobs.nightly import coming_week, nightly_trigger, run_night

    settings = _settings()
    if not run_now:
        trigger = nightly_trigger(settings.nightly_time, settings.nightly_timezone)
        upcoming = trigger.get_next_fire_time(None, datetime.now(UTC))
        local = upcoming.astimezone(ZoneInfo(settings.nightly_timezone))
        click.echo(
            f"the nightly re-solve runs at {settings.nightly_time} {settings.nightly_timezone};"
            f" next {local:%a %Y-%m-%d %H:%M %Z}, for the week of {coming_week(local.date())}."
            " `reformer nightly --now` runs it at once."
        )
        return
    database_or_refuse()
    outcome = run_night(
        settings=settings,
        night=night.date() if night else None,
        time_limit=time_limit,
        retry=retry,
    )
    click.echo(outcome.message)
    if outcome.status == "failed":
        raise SystemExit(1)


@click.command("reminders")
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]),
    help="Send what is due at this time on the studio's clock (YYYY-MM-DD HH:MM); default now.",
)
@needs_database
def reminders_command(at: datetime | None) -> None:
    """Send the day-before reminders due now: each place in a class starting within a day,
    once, whatever else sends them (the scheduler does every quarter of an hour).

    Exits 1 when some could not be sent; the next run tries them again.
    """
    from scheduler.jobs.reminders import send_reminders

    settings = _settings()
    now = at.replace(tzinfo=ZoneInfo(settings.nightly_timezone)) if at else None
    outcome = send_reminders(settings=settings, now=now)
    click.echo(outcome.message)
    if outcome.unsent:
        raise SystemExit(1)


@click.command("runs")
@click.option("--json", "as_json", is_flag=True, help="A JSON list, one object per run.")
@click.option("--limit", type=click.IntRange(min=1), default=30, show_default=True)
@needs_database
def runs(as_json: bool, limit: int) -> None:
    """List the nightly runs, newest first: status, places kept, added and lost, any error,
    and what each made of the week in words."""
    from sqlmodel import Session

    from scheduler.core.db import get_engine
    from scheduler.jobs.nightly import recent_runs, run_record

    with Session(get_engine(_settings().database_url)) as session:
        records = [run_record(run) for run in recent_runs(session=session, limit=limit)]
    if as_json:
        click.echo(json.dumps(records, indent=2))
        return
    if not records:
        click.echo("no nightly runs yet")
        return
    heading = f"{'night':<11} {'status':<10} {'started (UTC)':<17}"
    click.echo(f"{heading} {'kept':>5} {'added':>5} {'lost':>5}")
    for r in records:
        started = _minute(r["started_at"])
        figures = " ".join(f"{'' if r[k] is None else r[k]:>5}" for k in ("kept", "added", "lost"))
        click.echo(f"{r['night'] or '':<11} {r['status']:<10} {started:<17} {figures}")
        for words in (r["error"], r["outcome"]):
            if words:
                click.echo(f"{'':<11} {words}")


def _minute(instant: str | None) -> str:
    """`2026-11-26T02:00:03.1+00:00` -> `2026-11-26 02:00Z`."""
    return f"{instant[:16].replace('T', ' ')}Z" if instant else ""
