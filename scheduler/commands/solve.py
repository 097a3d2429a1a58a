"""`reformer solve --input week.json --output plan.json`: solve a week file into a plan file."""

from __future__ import annotations

import click

from scheduler.interchange import WeekError, load_week, plan_to_json, write_json
from solver.checker import check_plan
from solver.fcfs import fcfs_plan
from solver.solve import NoPlanError, Progress, solve


def _show(progress: Progress) -> None:
    click.echo(
        f"{progress.seconds:7.1f}s  {progress.stage}: {progress.objective:g}"
        f"  (bound {progress.bound:g})"
    )


@click.command("solve")
@click.option(
    "--input",
    "input_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The week, reformer-week/1.",
)
@click.option(
    "--output", "output_file", required=True, type=click.Path(dir_okay=False), help="The plan."
)
@click.option("--time-limit", default=30.0, show_default=True, help="Seconds to search.")
@click.option("--workers", default=2, show_default=True, help="CP-SAT search workers.")
@click.option("--seed", default=0, show_default=True, help="Random seed of the search.")
@click.option(
    "--strategy",
    type=click.Choice(["cpsat", "fcfs"]),
    default="cpsat",
    show_default=True,
    help="The optimiser, or first-come-first-served booking on the pinned timetable.",
)
def solve_command(
    input_file: str, output_file: str, time_limit: float, workers: int, seed: int, strategy: str
) -> None:
    """Solve the week in --input and write the plan to --output, showing progress live."""
    try:
        week = load_week(input_file)
    except WeekError as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        raise SystemExit(1) from exc
    try:
        if strategy == "fcfs":
            plan = fcfs_plan(week)
        else:
            plan = solve(week, time_limit=time_limit, workers=workers, seed=seed, on_progress=_show)
    except NoPlanError as exc:
        click.echo(f"no plan: {exc}", err=True)
        raise SystemExit(1) from exc
    write_json(plan_to_json(plan), output_file)
    o = plan.objective
    click.echo(
        f"{plan.status}: {o.priority_places} priority places (bound {plan.bound}), "
        f"{o.preference_points} preference points, {o.teaching_minutes} teaching minutes, "
        f"{plan.solve_seconds:.1f}s -> {output_file}"
    )
    violations = check_plan(week, plan)
    for v in violations:
        click.echo(str(v), err=True)
    if violations:
        raise SystemExit(1)
