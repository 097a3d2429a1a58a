"""A what-if sweep on the demo business: seven points solved in parallel, charted.

    python bench/sweep.py [--vary reformers|demand] [--time-limit S] [--processes 2] [-v]

`reformers` (the default) adds 0 to 6 reformers to the Hitchin studio (7 to 13 in
service); `demand` grows or shrinks the client list from -20% to +50%. Each point is
solved on one core (`--time-limit` seconds), booked FCFS on the optimiser's
timetable, checked, and measured; the points run `--processes` at a time. Target:
the seven points in under 3 minutes on 2 cores. Prints the elapsed time and a
markdown table, writes `bench/out/sweep.json` and the chart `bench/out/sweep.svg`
(and `sweep.png`).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from common import OUT, markdown_table, write_results

from scheduler.scenarios.charts import sweep_chart
from scheduler.scenarios.document import SCENARIO_FORMAT
from scheduler.scenarios.report import sweep
from scheduler.studio.demo import PRICES, demo_week

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
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per point")
    parser.add_argument("--processes", type=int, default=2, help="points solved at once")
    parser.add_argument("--seed", type=int, default=0, help="CP-SAT random seed")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each point as solved")
    options = parser.parse_args()

    name, change, path, values = SWEEPS[options.vary]
    week = demo_week(week_start=date(2026, 11, 30))
    document = {
        "format": SCENARIO_FORMAT,
        "name": name,
        "base": {"week_start": week.week_start},
        "prices": {k: pence / 100 for k, pence in PRICES.items()},
        "changes": [change],
    }
    print(
        f"demo business: {len(week.clients)} clients; {len(values)} points of {path}, "
        f"{options.time_limit:g} s each, {options.processes} at a time",
        file=sys.stderr,
    )

    def progress(fraction: float, stage: str) -> None:
        if options.verbose:
            print(f"  {stage} at {time.monotonic() - started:.1f}s", file=sys.stderr)

    started = time.monotonic()
    result = sweep(
        document,
        week,
        path,
        values,
        time_limit=options.time_limit,
        processes=options.processes,
        seed=options.seed,
        on_progress=progress,
    )
    elapsed = time.monotonic() - started

    rows = []
    for point in result["points"]:
        cells = [
            f"{_show(k, point['optimiser'][k])} / {_show(k, point['fcfs'][k])}" for k in COLUMNS
        ]
        rows.append([point["value"], point["optimiser"]["status"], *cells])
    print(markdown_table([path, "status", *COLUMNS], rows))
    print("(each cell: optimiser / FCFS on the optimiser's timetable; every plan checked)")
    for warning in result["warnings"]:
        print(f"warning: {warning}")
    verdict = "within" if elapsed < TARGET_SECONDS else "OVER"
    print(f"\nelapsed: {elapsed:.1f} s for {len(values)} points ({verdict} the 3-minute target)")

    OUT.mkdir(exist_ok=True)
    for image_format in ("svg", "png"):
        (OUT / f"sweep.{image_format}").write_bytes(sweep_chart(result, image_format))
    written = write_results(
        "sweep",
        {"elapsed_seconds": round(elapsed, 1), "target_seconds": TARGET_SECONDS, "sweep": result},
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


if __name__ == "__main__":  # worker processes import this module again; only the parent runs
    main()
