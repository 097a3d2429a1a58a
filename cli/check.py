"""`reformer check week.json plan.json`: every hard rule of the spec, the objective and the
plan's own figures (its claimed objective and its bound)."""

from __future__ import annotations

import click


@click.command()
@click.argument("week_file", type=click.Path(exists=True, dir_okay=False))
@click.argument("plan_file", type=click.Path(exists=True, dir_okay=False))
def check(week_file: str, plan_file: str) -> None:
    """Check PLAN_FILE against every hard rule for WEEK_FILE; exit 1 if any broke or the
    plan's own figures are wrong."""
    from scheduler.formats.plan import read_plan_file
    from scheduler.formats.week import WeekError, read_week_file
    from solver.checker import check_claims, check_plan, measure_objective

    try:
        week = read_week_file(week_file)
        plan = read_plan_file(plan_file)
    except WeekError as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        raise SystemExit(1) from exc
    violations = check_plan(week, plan)
    for v in violations:
        click.echo(str(v))
    objective = measure_objective(week, plan)
    click.echo(f"priority_places: {objective.priority_places}")
    click.echo(f"fairness_points: {objective.fairness_points}")
    click.echo(f"preference_points: {objective.preference_points}")
    click.echo(f"teaching_minutes: {objective.teaching_minutes}")
    claims = check_claims(week, plan, measured=objective)
    for problem in claims:
        click.echo(problem)
    if violations:
        click.echo(f"{len(violations)} broken rule(s)", err=True)
    if claims:
        click.echo(f"{len(claims)} wrong figure(s)", err=True)
    if violations or claims:
        raise SystemExit(1)
    click.echo("every hard rule holds, and the plan's figures are right")
