"""`reformer scenario run|sweep FILE`: what-if scenarios solved beside their base week.

`reformer scenario advise` (the capacity advisor) is in `scenario_advise.py`.

Neither command writes to the database: the base week is only read.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.params import chosen_pool, pool_options
from cli.scenario_advise import advise

# The rows of the comparison the CLI prints: (label, key in the figures).
SUMMARY_ROWS = (
    ("Priority places", "priority_places"),
    ("Places", "places"),
    ("Clients fully served", "clients_fully_served"),
    ("Clients partly served", "clients_partly_served"),
    ("Clients not served", "clients_not_served"),
    ("Fill rate", "fill_rate"),
    ("Reformer utilisation", "reformer_utilisation"),
    ("Teaching minutes", "teaching_minutes"),
    ("Places wanted, not given", "unplaced_places"),
    ("Weekly revenue", "revenue"),
)


@click.group()
def scenario() -> None:
    """What-if scenarios: change the week, solve it, compare with the base."""


_base_option = click.option(
    "--base",
    "base_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A week file to use as the base instead of the one the scenario names.",
)
_time_limit_option = click.option(
    "--time-limit", type=float, default=30.0, show_default=True, help="Seconds per solve."
)


@scenario.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", type=click.Path(dir_okay=False), help="Write the result JSON here.")
@_time_limit_option
@click.option("--workers", type=int, default=2, show_default=True, help="Cores for each solve.")
@click.option("--seed", type=int, default=0, show_default=True)
@_base_option
def run(
    file: str,
    output: str | None,
    time_limit: float,
    workers: int,
    seed: int,
    base_file: str | None,
) -> None:
    """Solve the scenario in FILE and its base week; print them side by side, FCFS beside."""
    from scheduler.formats.files import write_json
    from scheduler.formats.week import WeekError
    from scheduler.scenarios.report import BrokenPlanError, run_scenario
    from scheduler.scenarios.service import comparison_base, open_scenario_file

    try:
        _, loaded, base = open_scenario_file(file, base_file=base_file)
        compared_with = comparison_base(loaded, base_file=base_file)
    except WeekError as exc:
        _fail(exc.errors)
    with click.progressbar(length=1000, label="Solving", show_percent=True) as bar:
        done = [0]

        def progress(fraction: float, stage: str) -> None:
            bar.label = stage.capitalize()
            step = int(fraction * 1000) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        try:
            result = run_scenario(
                loaded,
                base,
                time_limit=time_limit,
                workers=workers,
                seed=seed,
                on_progress=progress,
                base=compared_with,
            )
        except (WeekError, BrokenPlanError) as exc:
            _fail(exc.errors)
    click.echo(f"\n{result['scenario']['name']} (week of {result['week_start']})")
    for line in result["changes"]:
        click.echo(f"  {line}")
    click.echo(f"base: {result['base_source']}")
    click.echo(_comparison(result))
    click.echo(f"Priority places: {result['comparison']['words']}")
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    reasons = result["result"]["optimiser"]["unplaced_by_reason"]
    if reasons:
        click.echo("\nPlaces not given, by reason (scenario, optimiser):")
        for reason, places in list(reasons.items())[:10]:
            click.echo(f"  {places:5d}  {reason}")
    if output:
        write_json(result, output)
        click.echo(f"wrote {output}")


@scenario.command(name="sweep")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--vary", "path", required=True, help="The field to vary, e.g. changes[0].count.")
@click.option("--values", required=True, help="Comma-separated values, e.g. 6,7,8,9.")
@click.option("--chart", type=click.Path(dir_okay=False), help="Write a chart (.svg or .png).")
@click.option("--output", type=click.Path(dir_okay=False), help="Write the sweep JSON here.")
@_time_limit_option
@click.option(
    "--workers", type=int, default=2, show_default=True, help="Cores for the base's solve."
)
@click.option("--seed", type=int, default=0, show_default=True)
@_base_option
@pool_options
def sweep_command(
    file: str,
    path: str,
    values: str,
    chart: str | None,
    output: str | None,
    time_limit: float,
    workers: int,
    seed: int,
    base_file: str | None,
    cluster: str | None,
    processes: int | None,
) -> None:
    """Solve the scenario in FILE once per value at PATH, each point a solve on one core
    (here, or on a Dask cluster), from the base plan; chart each figure."""
    from scheduler.formats.files import write_json
    from scheduler.formats.week import WeekError
    from scheduler.scenarios.document import parse_value
    from scheduler.scenarios.report import BrokenPlanError, sweep
    from scheduler.scenarios.service import comparison_base, open_scenario_file

    if chart and Path(chart).suffix.lower() not in (".svg", ".png"):
        raise click.UsageError("--chart must end in .svg or .png")
    pool = chosen_pool(cluster, processes)
    points = [parse_value(v.strip()) for v in values.split(",") if v.strip()]
    if not points:
        raise click.UsageError("--values names no value")
    try:
        document, loaded, base = open_scenario_file(file, base_file=base_file)
        compared_with = comparison_base(loaded, base_file=base_file)
    except WeekError as exc:
        _fail(exc.errors)
    with click.progressbar(length=1000, label="Solving points") as bar:
        done = [0]

        def progress(fraction: float, stage: str) -> None:
            bar.label = stage.capitalize()
            step = int(fraction * 1000) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        try:
            result = sweep(
                document,
                base,
                path,
                points,
                time_limit=time_limit,
                workers=workers,
                seed=seed,
                on_progress=progress,
                base=compared_with,
                pool=pool,
            )
        except (WeekError, BrokenPlanError) as exc:
            _fail(exc.errors)
    click.echo(f"base: {result['base_source']}")
    click.echo(f"solved on {result['solved_on']}")
    click.echo(_sweep_table(result))
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    if output:
        write_json(result, output)
        click.echo(f"wrote {output}")
    if chart:
        from scheduler.scenarios.charts import sweep_chart

        Path(chart).write_bytes(sweep_chart(result, Path(chart).suffix.lower()[1:]))
        click.echo(f"wrote {chart}")


scenario.add_command(advise)


def _fail(errors: list[str]) -> None:
    for line in errors:
        click.echo(line, err=True)
    raise SystemExit(1)


RATES = ("fill_rate", "reformer_utilisation")


def _show(value: object, key: str = "") -> str:
    if value is None:
        return "-"
    if key in RATES:
        return f"{value:.1%}"
    if key == "revenue":
        return f"£{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _comparison(result: dict) -> str:
    """Base and scenario side by side, each with FCFS on the same timetable."""
    header = f"{'':26}{'base':>12}{'scenario':>12}{'change':>10}{'FCFS base':>12}{'FCFS scen.':>12}"
    lines = [header, "-" * len(header)]
    for label, key in SUMMARY_ROWS:
        base, new = result["base"]["optimiser"][key], result["result"]["optimiser"][key]
        change = "" if base is None or new is None else _signed(new - base, key)
        fcfs_base, fcfs_new = result["base"]["fcfs"][key], result["result"]["fcfs"][key]
        lines.append(
            f"{label:26}{_show(base, key):>12}{_show(new, key):>12}{change:>10}"
            f"{_show(fcfs_base, key):>12}{_show(fcfs_new, key):>12}"
        )
    status = result["result"]["optimiser"]
    lines.append(f"scenario solve: {status['status']}, bound {_show(status['bound'])}")
    return "\n".join(lines)


def _signed(delta: float, key: str) -> str:
    if key in RATES:
        return f"{delta * 100:+.1f} pts"
    if isinstance(delta, float):
        return f"{delta:+,.2f}"
    return f"{delta:+,}"


def _sweep_table(result: dict) -> str:
    from scheduler.tasks.pool import LOCAL

    keys = [k for _, k in SUMMARY_ROWS[:3]] + ["fill_rate", "unplaced_places", "revenue"]
    header = f"{result['path']:>20}" + "".join(f"{k[:14]:>16}" for k in keys) + f"{'bound':>8}"
    lines = [header, "-" * len(header)]
    base = result["base"]
    for label, figures in (("base", base), *((_show(p["value"]), p) for p in result["points"])):
        cells = "".join(
            f"{_show(figures['optimiser'][k], k) + ' / ' + _show(figures['fcfs'][k], k):>16}"
            for k in keys
        )
        lines.append(f"{label:>20}{cells}{_show(figures['optimiser']['bound']):>8}")
    lines.append("(each cell: optimiser / FCFS on the optimiser's timetable)")
    lines.append("Priority places against the base:")
    for p in result["points"]:
        where = f" (on {p['ran_on']})" if p.get("ran_on", LOCAL) != LOCAL else ""
        lines.append(f"{_show(p['value']):>20}  {p['comparison']['words']}{where}")
    return "\n".join(lines)
