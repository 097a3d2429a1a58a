"""Fixed timetables: the optimiser against the exact min-cost flow optimum and FCFS.

    python bench/fixed.py [--time-limit S] [--workers 2] [--seed K] [-v]

For `studio-fixed.json` and `franchise-fixed.json`: the seconds the CP-SAT
optimiser takes to its plan and whether that plan reaches the exact optimum of
priority places; the min-cost flow optimum and its seconds; and first come,
first served on the same timetable. Every plan is checked. Prints a markdown
table and writes `bench/out/fixed.json`.
"""

from __future__ import annotations

import sys

from common import (
    arguments,
    checked,
    load_example,
    markdown_table,
    percent,
    progress_printer,
    seconds,
    timed,
    write_results,
)

from solver.baselines.fcfs import fcfs_plan
from solver.baselines.flow import solve_by_min_cost_flow
from solver.solve import solve

EXAMPLES = ("studio-fixed.json", "franchise-fixed.json")
TARGET_SECONDS = {"studio-fixed.json": 2, "franchise-fixed.json": 20}


def bench_one(name: str, options) -> dict:
    week = load_example(name, options.examples)
    print(
        f"{name}: {len(week.clients)} clients, {len(week.pinned_sessions)} sessions",
        file=sys.stderr,
    )
    flow = solve_by_min_cost_flow(week)
    flow_check = checked(week, flow.plan, "min-cost flow plan")
    fcfs, fcfs_seconds = timed(fcfs_plan, week)
    fcfs_check = checked(week, fcfs, "FCFS plan")
    plan, solve_seconds = timed(
        solve,
        week,
        time_limit=options.time_limit,
        workers=options.workers,
        seed=options.seed,
        on_progress=progress_printer(options.verbose),
    )
    solve_check = checked(week, plan, "optimiser plan")
    return {
        "example": name,
        "optimum": flow.priority_places,
        "flow_seconds": flow.seconds,
        "flow_broken_rules": flow_check.broken_rules,
        "solver_places": solve_check.places,
        "solver_status": plan.status,
        "solver_bound": plan.bound,
        "solver_seconds": solve_seconds,
        "solver_reached_optimum": solve_check.places == flow.priority_places,
        "solver_broken_rules": solve_check.broken_rules,
        "target_seconds": TARGET_SECONDS.get(name),
        "fcfs_places": fcfs_check.places,
        "fcfs_seconds": fcfs_seconds,
        "fcfs_broken_rules": fcfs_check.broken_rules,
    }


def main() -> None:
    options = arguments(__doc__.splitlines()[0], time_limit=60.0).parse_args()
    rows = [bench_one(name, options) for name in EXAMPLES]
    table = markdown_table(
        [
            "example",
            "optimiser: places (status)",
            "time to plan",
            "target",
            "min-cost flow optimum",
            "flow time",
            "FCFS places",
            "FCFS below optimum",
            "checker",
        ],
        [
            [
                f"`{r['example']}`",
                f"{r['solver_places']} ({r['solver_status']}"
                + (", exact optimum)" if r["solver_reached_optimum"] else ", BELOW optimum)"),
                seconds(r["solver_seconds"]),
                seconds(r["target_seconds"]),
                r["optimum"],
                seconds(r["flow_seconds"]),
                r["fcfs_places"],
                percent(100.0 * (r["optimum"] - r["fcfs_places"]) / r["optimum"]),
                _verdict(r),
            ]
            for r in rows
        ],
    )
    print(f"{options.workers} workers, time limit {options.time_limit:g} s, seed {options.seed}\n")
    print(table)
    path = write_results("fixed", {"options": _options(options), "rows": rows, "table": table})
    print(f"\nresults written to {path}", file=sys.stderr)


def _verdict(row: dict) -> str:
    broken = row["solver_broken_rules"] + row["flow_broken_rules"] + row["fcfs_broken_rules"]
    return "all plans pass" if broken == 0 else f"{broken} broken rules"


def _options(options) -> dict:
    return {"time_limit": options.time_limit, "workers": options.workers, "seed": options.seed}


if __name__ == "__main__":
    main()
