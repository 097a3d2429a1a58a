"""Generated franchise weeks of 30, 45 and 60 venues: places, proven bound, gap, FCFS.

    python bench/franchise.py [--venues 30,45,60] [--seeds 1] [--time-limit 300]
                              [--workers 2] [--whole] [--example]
                              [--part-budgets 30,60,120,300] [-v]

Each week comes from `scheduler.studio.franchise` (areas of three venues, about 200
clients a venue, drawn from the seed). It is solved as the product solves it: its
independent parts (one per area) side by side on `--workers` processes, each part on
one core with the bound of its linear relaxation proved first, `--time-limit`
seconds of work on each core. Every plan is checked; FCFS books the optimiser's
timetable. With `--whole`, each week is also solved the way it was before parts
became tasks (the parts one after another in one process, their bounds proved in
a second), to compare; with `--example`, the spec's `franchise.json` is solved too.
With `--part-budgets`, instead, the first week's largest part is solved alone on one
core at each budget, to show how its gap closes with the time a part gets (a week
of N parts on `--workers` cores gives each part `time-limit x workers / N`).
Prints a markdown table and writes `bench/out/franchise.json`.
"""

from __future__ import annotations

import sys
import time
from datetime import date

from common import (
    arguments,
    checked,
    gap,
    load_example,
    markdown_table,
    percent,
    seconds,
    write_results,
)

from scheduler.studio.franchise import franchise_week
from scheduler.tasks.parts import ONE_CORE, solve_in_parts
from scheduler.tasks.pool import Pool
from solver.baselines.fcfs import fcfs_plan
from solver.parts import split_week
from solver.solve import solve

MONDAY = date(2026, 11, 30)


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], time_limit=300.0)
    parser.add_argument("--venues", default="30,45,60", help="sizes, comma-separated")
    parser.add_argument("--seeds", default="1", help="generator seeds, comma-separated")
    parser.add_argument("--whole", action="store_true", help="also solve the old way")
    parser.add_argument("--example", action="store_true", help="also solve franchise.json")
    parser.add_argument(
        "--part-budgets", default="", help="seconds, comma-separated: one part alone at each"
    )
    options = parser.parse_args()
    sizes = [int(v) for v in options.venues.split(",") if v]
    seeds = [int(s) for s in options.seeds.split(",")]
    weeks = [
        (str(venues), seed, franchise_week(venues_wanted=venues, seed=seed, week_start=MONDAY))
        for venues in sizes
        for seed in seeds
    ]
    if options.example:
        weeks.append(("`franchise.json`", None, load_example("franchise.json", options.examples)))

    if options.part_budgets:
        budgets = [float(b) for b in options.part_budgets.split(",") if b]
        curve = _one_part_curve(weeks[0][2], budgets, options.seed)
        path = write_results("franchise-part", {"venues": sizes[0], "one_part": curve})
        print(f"\nresults written to {path}", file=sys.stderr)
        return
    rows, results = [], []
    for label, seed, week in weeks:
        venues = len(week.venues)
        parts = len(split_week(week))
        print(
            f"{label} (seed {seed}): {len(week.clients)} clients, {parts} parts",
            file=sys.stderr,
        )
        ways = [("parts side by side", _in_parts)] + (
            [("one process (before)", _whole)] if options.whole else []
        )
        for way, run in ways:
            started = time.monotonic()
            plan = run(week, options)
            wall = time.monotonic() - started
            solved = checked(week, plan, f"{way} plan")
            fcfs = checked(week, fcfs_plan(week, plan.sessions), "FCFS on its timetable")
            row = {
                "venues": venues,
                "seed": seed,
                "clients": len(week.clients),
                "parts": parts,
                "way": way,
                "places": solved.places,
                "bound": plan.bound,
                "gap_percent": gap(solved.places, plan.bound),
                "wall_seconds": round(wall, 1),
                "fcfs_places": fcfs.places,
                "broken_rules": solved.broken_rules + fcfs.broken_rules,
                "stopped_by_clock": plan.stopped_by_clock,
            }
            results.append(row)
            rows.append(
                [
                    label if seed is None else f"{label} (seed {seed})",
                    f"{len(week.clients)} / {parts}",
                    way,
                    seconds(wall),
                    solved.places,
                    "–" if plan.bound is None else plan.bound,
                    percent(row["gap_percent"]),
                    fcfs.places,
                    "every rule kept" if not row["broken_rules"] else "BROKEN",
                ]
            )
            print(f"  {way}: {solved.places} of bound {plan.bound}", file=sys.stderr)
    table = markdown_table(
        [
            "venues",
            "clients / parts",
            "solved as",
            "wall time",
            "priority places",
            "proven bound",
            "gap",
            "FCFS on this timetable",
            "checker",
        ],
        rows,
    )
    print(f"{options.time_limit:g} s of work on each of {options.workers} cores\n")
    print(table)
    path = write_results(
        "franchise",
        {
            "options": {"time_limit": options.time_limit, "workers": options.workers},
            "rows": results,
            "table": table,
        },
    )
    print(f"\nresults written to {path}", file=sys.stderr)


def _one_part_curve(week, budgets: list[float], seed: int) -> list[dict]:
    """The week's largest part alone on one core at each budget: places, bound, gap."""
    part = max(split_week(week), key=lambda p: len(p.clients))
    rows, results = [], []
    for budget in budgets:
        started = time.monotonic()
        plan = solve(part, time_limit=budget, workers=1, seed=seed, options=ONE_CORE)
        wall = time.monotonic() - started
        solved = checked(part, plan, f"the part at {budget:g} s")
        row = {
            "seconds": budget,
            "places": solved.places,
            "bound": plan.bound,
            "gap_percent": gap(solved.places, plan.bound),
            "wall_seconds": round(wall, 1),
            "stopped_by_clock": plan.stopped_by_clock,
        }
        results.append(row)
        rows.append(
            [f"{budget:g} s", seconds(wall), solved.places, plan.bound, percent(row["gap_percent"])]
        )
        print(f"  one part at {budget:g} s: {solved.places} of bound {plan.bound}", file=sys.stderr)
    print(f"\nOne part alone ({len(part.clients)} clients, {len(part.venues)} venues), one core:\n")
    print(markdown_table(["work", "wall time", "priority places", "proven bound", "gap"], rows))
    return results


def _in_parts(week, options):
    plan, _ = solve_in_parts(
        week,
        time_limit=options.time_limit,
        workers=options.workers,
        seed=options.seed,
        pool=Pool(processes=options.workers),
    )
    return plan


def _whole(week, options):
    return solve(week, time_limit=options.time_limit, workers=options.workers, seed=options.seed)


if __name__ == "__main__":
    main()
