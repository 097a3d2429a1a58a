"""`reformer solve --input week.json --output plan.json`: solve a week file into a plan file."""

from __future__ import annotations

import logging
import sys
import threading
import time
from datetime import date
from typing import TYPE_CHECKING

import click

from cli.params import WEEK, chosen_pool, database_or_refuse, pool_options

if TYPE_CHECKING:
    from scheduler.tasks.pool import Pool
    from solver.solve import Progress


_STAGE_WORDS = {
    "priority_places": "priority places",
    "fairness_points": "fairness points",
    "preference_points": "preference points",
    "teaching_minutes": "teaching minutes",
}
_COARSE = "coarse "


def _figures(progress: Progress | None) -> str:
    """The latest figures in words, with the bound of the week's priority places.

    A first timetable on the hourly grid has a bound of its own model, and the later
    levels' bounds are not the spec's `bound`: neither is shown.
    """
    if progress is None:
        return "looking for a first plan"
    stage = progress.stage.removeprefix(_COARSE)
    figures = f"{progress.objective:.0f} {_STAGE_WORDS.get(stage, stage)}"
    if progress.stage.startswith(_COARSE):
        return f"{figures}, on an hourly timetable"
    if stage == "priority_places":
        return f"{figures} (bound {progress.bound:.0f})"
    return figures


class LiveProgress:
    """A solve shown live: a bar over the time limit with the latest improving figures.

    Without a terminal (a log, CI) each improvement is one line instead. The solver's
    own log lines would repeat the same figures, so they are hushed unless -v was given.
    """

    TICK = 0.25

    def __init__(self, time_limit: float) -> None:
        self.time_limit = max(time_limit, self.TICK)
        self.latest: Progress | None = None
        self.on_terminal = sys.stderr.isatty()
        self._done = threading.Event()

    def __call__(self, progress: Progress) -> None:
        self.latest = progress
        if not self.on_terminal:
            click.echo(f"{progress.seconds:7.1f}s  {_figures(progress)}")

    def __enter__(self) -> LiveProgress:
        solver_log = logging.getLogger("solver")
        self._level = solver_log.level
        if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
            solver_log.setLevel(logging.WARNING)
        if self.on_terminal:
            self._thread = threading.Thread(target=self._draw, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self.on_terminal:
            self._thread.join()
        logging.getLogger("solver").setLevel(self._level)

    def _draw(self) -> None:
        steps = int(self.time_limit / self.TICK)
        started = time.monotonic()
        with click.progressbar(
            length=steps,
            label="solving",
            show_eta=False,
            item_show_func=lambda _: _figures(self.latest),
            file=sys.stderr,
        ) as bar:
            shown = 0
            while not self._done.wait(self.TICK):
                now = min(steps, int((time.monotonic() - started) / self.TICK))
                bar.update(now - shown, self.latest)
                shown = now
            bar.update(steps - shown, self.latest)


@click.command("solve")
@click.option(
    "--input",
    "input_file",
    type=click.Path(exists=True, dir_okay=False),
    help="The week, reformer-week/1.",
)
@click.option("--output", "output_file", type=click.Path(dir_okay=False), help="The plan.")
@click.option(
    "--week",
    "week_start",
    type=WEEK,
    help="Solve the stored week of this Monday (YYYY-MM-DD or next) instead of a file.",
)
@click.option("--publish", is_flag=True, help="With --week: publish the new plan at once.")
@click.option(
    "--time-limit",
    default=30.0,
    show_default=True,
    help="Seconds of work to search (reproducible).",
)
@click.option("--workers", default=2, show_default=True, help="Cores to use.")
@click.option("--seed", default=0, show_default=True, help="Random seed of the search.")
@click.option(
    "--strategy",
    type=click.Choice(["cpsat", "fcfs"]),
    default="cpsat",
    show_default=True,
    help="The optimiser, or (with --input) first-come-first-served booking on the pinned"
    " timetable.",
)
@pool_options
def solve_command(
    input_file: str | None,
    output_file: str | None,
    week_start: date | None,
    publish: bool,
    time_limit: float,
    workers: int,
    seed: int,
    strategy: str,
    cluster: str | None,
    processes: int | None,
) -> None:
    """Solve the week in --input and write the plan to --output, showing progress live.

    With --week, solve the stored week instead and save the plan as its next version.
    A week of independent parts (a franchise's areas) has them solved side by side, as
    tasks on --processes here (default: --workers) or on a Dask --cluster.
    """
    from scheduler.formats.files import write_json
    from scheduler.formats.plan import plan_to_json
    from scheduler.formats.week import WeekError, read_week_file
    from scheduler.tasks.parts import solve_in_parts
    from solver.baselines.fcfs import fcfs_plan
    from solver.checker import check_plan
    from solver.domain import STOPPED_BY_CLOCK
    from solver.solve import NoPlanError

    pool = chosen_pool(cluster, processes or workers)
    if week_start is not None:
        if strategy == "fcfs":
            raise click.UsageError(
                "--strategy fcfs is a baseline to compare with, not a plan to keep: with --week"
                " it would save first-come bookings as the week's next version. Export the week"
                f" (reformer export --week {week_start.isoformat()} week.json) and run"
                " --strategy fcfs --input week.json on the file instead."
            )
        _solve_stored_week(week_start, time_limit, publish, workers, seed, pool)
        return
    if not input_file or not output_file:
        raise click.UsageError("give --input and --output, or --week")
    try:
        week = read_week_file(input_file)
    except WeekError as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        raise SystemExit(1) from exc
    try:
        if strategy == "fcfs":
            plan = fcfs_plan(week)
        else:
            with LiveProgress(time_limit) as show:
                plan, ran_on = solve_in_parts(
                    week,
                    time_limit=time_limit,
                    workers=workers,
                    seed=seed,
                    on_progress=show,
                    pool=pool,
                )
            if len(ran_on) > 1:
                click.echo(f"{len(ran_on)} parts solved on {pool.describe()}", err=True)
    except NoPlanError as exc:
        click.echo(f"no plan: {exc}", err=True)
        raise SystemExit(1) from exc
    write_json(plan_to_json(plan), output_file)
    o = plan.objective
    fairness = f"{o.fairness_points} fairness points, " if o.fairness_points else ""
    click.echo(
        f"{plan.status}: {o.priority_places} priority places (bound {plan.bound}), {fairness}"
        f"{o.preference_points} preference points, {o.teaching_minutes} teaching minutes, "
        f"{plan.solve_seconds:.1f}s -> {output_file}"
    )
    if plan.stopped_by_clock:
        click.echo(STOPPED_BY_CLOCK, err=True)
    violations = check_plan(week, plan)
    for v in violations:
        click.echo(str(v), err=True)
    if violations:
        raise SystemExit(1)


def _solve_stored_week(
    week_start: date, time_limit: float, publish: bool, workers: int, seed: int, pool: Pool
) -> None:
    """Solve a stored week through the planning service and say what it saved."""
    database_or_refuse()
    from scheduler.core.db import session_scope
    from scheduler.planning.errors import PlanningError
    from scheduler.planning.solving import not_carried_over, solve_week
    from solver.domain import STOPPED_BY_CLOCK
    from solver.solve import NoPlanError

    try:
        with session_scope() as session, LiveProgress(time_limit) as show:
            row = solve_week(
                session=session,
                week_start=week_start,
                time_limit=time_limit,
                publish=publish,
                on_progress=show,
                workers=workers,
                seed=seed,
                pool=pool,
            )
            saved = (row.version, row.status, row.priority_places, row.bound, row.solve_status)
            cut = row.stopped_by_clock
            dropped = not_carried_over(session=session, plan_id=row.id)
    except (PlanningError, NoPlanError) as exc:
        click.echo(f"no plan: {exc}", err=True)
        raise SystemExit(1) from exc
    version, status, places, bound, solve_status = saved
    click.echo(
        f"{solve_status}: {places} priority places (bound {bound});"
        f" saved as version {version} of the week of {week_start.isoformat()}, {status}"
    )
    if cut:
        click.echo(STOPPED_BY_CLOCK, err=True)
    for line in dropped:
        click.echo(line)
