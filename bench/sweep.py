"""What-ifs on the demo business: a scenario run twice, and a seven-point sweep, charted.

    python bench/sweep.py [--vary reformers|demand] [--time-limit S] [--workers 2] [-v]

The demo's coming week is solved first for 60 s: that plan stands for the studio's
published plan, the base of every comparison (measured as it is, not solved
again). Then "two more reformers at Hitchin" is run twice from it (`--time-limit`
seconds): every figure of the two results must be equal. Then the sweep:
`reformers` (the default) adds 0 to 6 reformers to the Hitchin studio (7 to 13 in
service); `demand` grows or shrinks the client list from -20% to +50%. Each point
is a task on one core of this machine's pool, solved from the base plan, and keeps
the plan of the point before where that gives more, so the places never fall along
a sweep that adds capacity; each is booked FCFS on the optimiser's timetable,
checked, measured, and given the bound of its linear relaxation. Target: the seven
points in under 3 minutes on 2 cores. Prints the
times and markdown tables, writes `bench/out/sweep.json` and the chart
`bench/out/sweep.svg` (and `sweep.png`).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from common import OUT, markdown_table, write_results

from scheduler.scenarios.charts import sweep_chart
from scheduler.scenarios.document import SCENARIO_FORMAT, parse_scenario
from scheduler.scenarios.report import Base, run_scenario, sweep
from scheduler.studio.demo import PRICES, demo_week
from solver.checker import check_plan
from solver.solve import solve

TARGET_SECONDS = 180
SWEEPS = {
    "reformers": (
        "Reformers at Hitchin",
        {"kind": "add_reformers", "room": "hitchin-studio", "count": 0},
        "changes[0].count",
        [0, 1, 2, 3, 4, 5, 6],
    ),
    "demand": (
        "Demand from -20% to +50%",
        {"kind": "demand", "percent": 0, "seed": 1},
        "changes[0].percent",
        [-20, -10, 0, 10, 20, 35, 50],
    ),
}
COLUMNS = (
    "priority_places",
    "places",
    "clients_fully_served",
    "fill_rate",
    "reformer_utilisation",
    "unplaced_places",
    "revenue",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vary", choices=sorted(SWEEPS), default="reformers")
    parser.add_argument("--time-limit", type=float, default=18.0, help="seconds per solve")
    parser.add_argument("--base-time-limit", type=float, default=60.0, help="for the base plan")
    parser.add_argument("--workers", type=int, default=2, help="cores for each solve")
    parser.add_argument("--seed", type=int, default=0, help="CP-SAT random seed")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each point as solved")
    options = parser.parse_args()

    name, change, path, values = SWEEPS[options.vary]
    week = demo_week(week_start=date(2026, 11, 30))
    prices = {k: pence / 100 for k, pence in PRICES.items()}
    print(f"demo business: {len(week.clients)} clients; the base plan first", file=sys.stderr)
    started = time.monotonic()
    plan = solve(week, time_limit=options.base_time_limit, workers=options.workers)
    assert check_plan(week, plan) == [], "the base plan breaks a rule"
    base = Base(plan, f"the demo week solved for {options.base_time_limit:g} s")
    base_seconds = time.monotonic() - started

    def progress(fraction: float, stage: str) -> None:
        if options.verbose:
            print(f"  {stage} at {time.monotonic() - started:.1f}s", file=sys.stderr)

    scenario = parse_scenario(
        {
            "format": SCENARIO_FORMAT,
            "name": "Two more reformers at Hitchin",
            "base": {"week_start": week.week_start},
            "prices": prices,
            "changes": [{"kind": "add_reformers", "room": "hitchin-studio", "count": 2}],
        },
        week,
    )
    twice, twice_seconds = [], []
    for _ in range(2):
        started = time.monotonic()
        result = run_scenario(
            scenario,
            week,
            time_limit=options.time_limit,
            workers=options.workers,
            seed=options.seed,
            on_progress=progress,
            base=base,
        )
        twice_seconds.append(time.monotonic() - started)
        result["plan"].pop("solve_seconds")
        twice.append(result)
    differ = [k for k in ("base", "result", "comparison", "plan") if twice[0][k] != twice[1][k]]
    first = twice[0]
    print(
        markdown_table(
            ["two more reformers at Hitchin", "base", "scenario", "bound", "certainty"],
            [
                [
                    f"run {n + 1} ({twice_seconds[n]:.0f} s)",
                    r["base"]["optimiser"]["priority_places"],
                    r["result"]["optimiser"]["priority_places"],
                    r["result"]["optimiser"]["bound"],
                    r["comparison"]["words"],
                ]
                for n, r in enumerate(twice)
            ],
        )
    )
    same = "every one equal" if not differ else "DIFFER in " + ", ".join(differ)
    print(f"the two runs' figures: {same}\n")

    document = {
        "format": SCENARIO_FORMAT,
        "name": name,
        "base": {"week_start": week.week_start},
        "prices": prices,
        "changes": [change],
    }
    print(
        f"{len(values)} points of {path}, {options.time_limit:g} s each, on every core",
        file=sys.stderr,
    )
    started = time.monotonic()
    result = sweep(
        document,
        week,
        path,
        values,
        time_limit=options.time_limit,
        workers=options.workers,
        seed=options.seed,
        on_progress=progress,
        base=base,
    )
    elapsed = time.monotonic() - started

    rows = []
    for label, point in (("base", result["base"]), *((p["value"], p) for p in result["points"])):
        cells = [
            f"{_show(k, point['optimiser'][k])} / {_show(k, point['fcfs'][k])}" for k in COLUMNS
        ]
        rows.append([label, point["optimiser"]["bound"], *cells])
    print(markdown_table([path, "bound", *COLUMNS], rows))
    print("(each cell: optimiser / FCFS on the optimiser's timetable; every plan checked)")
    for point in result["points"]:
        print(f"  {point['value']}: {point['comparison']['words']}")
    places = [p["optimiser"]["priority_places"] for p in result["points"]]
    falls = sum(b < a for a, b in zip(places, places[1:], strict=False))
    print(f"priority places fall {falls} time(s) along the sweep")
    for warning in result["warnings"]:
        print(f"warning: {warning}")
    verdict = "within" if elapsed < TARGET_SECONDS else "OVER"
    runs = " and ".join(f"{t:.1f} s" for t in twice_seconds)
    print(f"\nbase plan: {base_seconds:.1f} s; scenario runs: {runs}")
    print(f"sweep: {elapsed:.1f} s for {len(values)} points ({verdict} the 3-minute target)")

    OUT.mkdir(exist_ok=True)
    for image_format in ("svg", "png"):
        (OUT / f"sweep.{image_format}").write_bytes(sweep_chart(result, image_format))
    written = write_results(
        "sweep",
        {
            "elapsed_seconds": round(elapsed, 1),
            "target_seconds": TARGET_SECONDS,
            "falls": falls,
            "scenario_twice": {"differ": differ, "seconds": twice_seconds, "first": first},
            "sweep": result,
        },
    )
    print(f"wrote {written}, {OUT / 'sweep.svg'} and {OUT / 'sweep.png'}", file=sys.stderr)


def _show(key: str, value: object) -> str:
    if value is None:
        return "–"
    if key in ("fill_rate", "reformer_utilisation"):
        return f"{value:.1%}"
    if key == "revenue":
        return f"£{value:,.0f}"
    return str(value)


if __name__ == "__main__":  # the bound's processes import this module again
    main()
