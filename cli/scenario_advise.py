"""`reformer scenario advise`: try each single change to a stored week and rank what it gains.

Reads the week (and its plan, if stored) and writes nothing to the database.
"""

from __future__ import annotations

import click

from cli.params import chosen_pool, needs_database, pool_options, refuse


@click.command("advise")
@click.option(
    "--week",
    "week_start",
    default="latest",
    show_default=True,
    help="The stored week: YYYY-MM-DD, latest or next.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Try the N most promising changes (0: every one).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.5),
    default=20.0,
    show_default=True,
    help="Seconds per change, on one core.",
)
@click.option(
    "--base-time-limit",
    type=click.FloatRange(min=0.5),
    help="Seconds for the base week, if it is solved [default: 3 x --time-limit].",
)
@click.option(
    "--costs",
    "costs_file",
    type=click.Path(exists=True, dir_okay=False),
    help='A JSON object of pounds by change key or kind, e.g. {"add_reformers": 3500}.',
)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the advice JSON here.")
@pool_options
@click.option("--solve-base", is_flag=True, help="Solve the base even where a plan is stored.")
@needs_database
def advise(
    week_start: str,
    top: int,
    time_limit: float,
    base_time_limit: float | None,
    costs_file: str | None,
    output: str | None,
    cluster: str | None,
    processes: int | None,
    solve_base: bool,
) -> None:
    """Try each single change the studio could make to WEEK; rank them by what they gain."""
    from scheduler.core.db import session_scope
    from scheduler.formats.files import write_json
    from scheduler.formats.validation import read_json_file
    from scheduler.scenarios.advisor_runs import advise_stored_week, prepare_stored_advice
    from scheduler.scenarios.document import ScenarioError

    pool = chosen_pool(cluster, processes)
    try:
        costs = read_json_file(costs_file, ScenarioError) if costs_file else None
        with session_scope() as session:
            job = prepare_stored_advice(
                session=session,
                week_start=week_start,
                time_limit=time_limit,
                base_time_limit=base_time_limit,
                top=top or None,
                costs=costs,
                use_stored_plan=not solve_base,
            )
    except ScenarioError as exc:
        refuse(exc.errors)
    if job.base_plan is not None:
        click.echo(f"Base: {job.base_source}", err=True)
    with click.progressbar(length=len(job.candidates), label="Trying changes") as bar:
        done = [0]

        def progress(finished: int, _total: int, stage: str) -> None:
            bar.label = stage[:60]
            bar.update(finished - done[0])
            done[0] = finished

        advice = advise_stored_week(job, pool=pool, on_progress=progress)
    click.echo(advice_table(advice))
    for warning in advice["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    if output:
        write_json(advice, output)
        click.echo(f"wrote {output}")


def _signed(value: float | None, pounds: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+,.2f}" if pounds else f"{value:+,}"


def advice_table(advice: dict) -> str:
    """The ranking as a table: each change, its gains, cost and how sure the gain is."""
    base = advice["base"]["figures"]
    revenue = f", £{base['revenue']:,.2f} a week" if base["revenue"] is not None else ""
    lines = [
        f"\nWeek of {advice['week_start']}: base ({advice['base']['source']}) "
        f"{base['priority_places']} priority places (bound {base['bound']}), "
        f"{base['places']} places{revenue}; {advice['time_limit']:g} s per change, "
        f"{advice['seconds']:g} s in all",
    ]
    header = (
        f"{'#':>3}  {'change':58}{'priority':>9}{'range':>11}{'places':>8}{'revenue':>10}"
        f"{'cost':>9}{'per £':>8}  sure"
    )
    lines += [header, "-" * len(header)]
    for row in advice["ranking"]:
        text = row["description"]
        text = text if len(text) <= 57 else text[:56] + "…"
        if "error" in row:
            lines.append(f"{row['rank']:>3}  {text:58}failed: {row['error'].splitlines()[0]}")
            continue
        gains, sure, per = row["gains"], row["certainty"], row["per_pound"]
        cost = f"£{row['cost']:,.0f}" if row["cost"] else "-"
        ratio = f"{per['priority_places']:.3f}" if per else "-"
        span = f"[{_signed(sure['lowest'])}, {_signed(sure['highest'])}]"
        lines.append(
            f"{row['rank']:>3}  {text:58}{_signed(gains['priority_places']):>9}"
            f"{span:>11}"
            f"{_signed(gains['places']):>8}{_signed(gains['revenue'], pounds=True):>10}"
            f"{cost:>9}{ratio:>8}  "
            f"{'yes' if sure['certain'] else 'no'}"
        )
    lines.append(
        "(priority: priority places gained; range: what the two plans' bounds allow the best "
        "plans to differ by; per £: priority places per pound)"
    )
    if advice["not_tried"]:
        lines.append(f"{len(advice['not_tried'])} more changes not tried (--top 0 tries every one)")
    return "\n".join(lines)
