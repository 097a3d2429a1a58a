"""A 14-point sweep on the local pool and on a Dask cluster on loopback: speed-up and figures.

    python bench/cluster.py [--time-limit S] [--base-time-limit S] [-v]

The demo's coming week is solved first (`--base-time-limit`, 30 s); that plan is the
base. Then "reformers at Hitchin" is swept over 0..13 more reformers, `--time-limit`
seconds (10) of work a point, three times: on a local pool of one process (the
points one after another: the baseline), on a local pool of two, and on a Dask
cluster of a scheduler and two single-core workers that the benchmark starts on
127.0.0.1. Prints each run's wall time and speed-up over the baseline, whether
every figure of every point is equal across the three, and where the cluster's
points ran; writes `bench/out/cluster.json`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date

from common import markdown_table, write_results
from distributed import LocalCluster

from scheduler.scenarios.document import SCENARIO_FORMAT
from scheduler.scenarios.report import Base, sweep
from scheduler.studio.demo import PRICES, demo_week
from scheduler.tasks.pool import Pool
from solver.checker import check_plan
from solver.solve import solve

VALUES = list(range(14))
FIGURES = ("value", "optimiser", "fcfs", "comparison")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per point")
    parser.add_argument("--base-time-limit", type=float, default=30.0)
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args()

    week = demo_week(week_start=date(2026, 11, 30))
    plan = solve(week, time_limit=options.base_time_limit, workers=2)
    assert check_plan(week, plan) == [], "the base plan breaks a rule"
    base = Base(plan, f"the demo week solved for {options.base_time_limit:g} s")
    document = {
        "format": SCENARIO_FORMAT,
        "name": "Reformers at Hitchin",
        "base": {"week_start": week.week_start},
        "prices": {k: pence / 100 for k, pence in PRICES.items()},
        "changes": [{"kind": "add_reformers", "room": "hitchin-studio", "count": 0}],
    }

    def run(pool: Pool) -> tuple[dict, float]:
        print(f"14 points on {pool.describe()}", file=sys.stderr)
        started = time.monotonic()

        def progress(_fraction: float, stage: str) -> None:
            if options.verbose:
                print(f"  {stage} at {time.monotonic() - started:.0f}s", file=sys.stderr)

        result = sweep(
            document,
            week,
            "changes[0].count",
            VALUES,
            time_limit=options.time_limit,
            on_progress=progress,
            base=base,
            pool=pool,
        )
        return result, time.monotonic() - started

    runs = [run(Pool(processes=1)), run(Pool(processes=2))]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        runs.append(run(Pool(cluster=cluster.scheduler_address)))

    def figures(result: dict) -> list[dict]:
        return [{k: p[k] for k in FIGURES} for p in result["points"]]

    equal = all(figures(r) == figures(runs[0][0]) for r, _ in runs)
    baseline = runs[0][1]
    names = ["local pool, 1 process (baseline)", "local pool, 2 processes", "Dask, 2 workers"]
    print(
        markdown_table(
            ["14 points", "wall time", "speed-up", "priority places, 0 to 13 more reformers"],
            [
                [
                    name,
                    f"{seconds:.0f} s",
                    f"{baseline / seconds:.2f}x",
                    " ".join(str(p["optimiser"]["priority_places"]) for p in result["points"]),
                ]
                for name, (result, seconds) in zip(names, runs, strict=True)
            ],
        )
    )
    print(f"\nevery figure of every point equal in the three runs: {'yes' if equal else 'NO'}")
    where = Counter(p["ran_on"] for p in runs[2][0]["points"])
    print("the cluster's points ran on: " + ", ".join(f"{w} ({n})" for w, n in where.items()))
    written = write_results(
        "cluster",
        {
            "time_limit": options.time_limit,
            "seconds": {name: round(s, 1) for name, (_, s) in zip(names, runs, strict=True)},
            "equal": equal,
            "ran_on": dict(where),
            "sweep": runs[2][0],
        },
    )
    print(f"wrote {written}", file=sys.stderr)


if __name__ == "__main__":
    main()
