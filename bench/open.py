"""Open timetables: the optimiser's places against its proven bound, FCFS and total demand.

    python bench/open.py studio|franchise [--time-limit S] [--workers 2] [--seed K] [-v]

`studio` solves `studio.json` for 60 s (by default) and reports priority places
against the proven bound (the gap), against first come, first served on the
optimiser's own timetable, and against total demand (every want met: the sum of
priority times places wanted), beside the peers' figures in SOLVER-NOTES.
`franchise` solves `franchise.json` within 300 s: the time to a plan with no
broken rule, and its gap. Every plan is checked. Prints a markdown table and
writes `bench/out/open-<week>.json`.
"""

from __future__ import annotations

import sys

from common import (
    arguments,
    checked,
    gap,
    load_example,
    markdown_table,
    percent,
    progress_printer,
    seconds,
    timed,
    write_results,
)

from solver.baselines.fcfs import fcfs_plan
from solver.domain import Week
from solver.solve import solve

WEEKS = {
    "studio": ("studio.json", 60.0),
    "franchise": ("franchise.json", 300.0),
}

# SOLVER-NOTES.md, measured elsewhere on the same kind of machine (2 cores), 60 s each:
# (who, places, their bound).
PEERS = {
    "studio.json": (
        ("a plain CP-SAT model, 60 s", 673, 964),
        ("an exact MIP of the whole week in HiGHS, 60 s", 669, 706),
        ("best plan known / tightest proven bound", 682, 703),
    ),
}


def total_demand(week: Week) -> int:
    """Priority places if every want were met in full."""
    return sum(c.priority * w.per_week for c in week.clients for w in c.wants)


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], time_limit=None)
    parser.add_argument("week", choices=sorted(WEEKS), help="which open example week")
    options = parser.parse_args()
    name, default_limit = WEEKS[options.week]
    time_limit = options.time_limit if options.time_limit is not None else default_limit

    week = load_example(name, options.examples)
    print(f"{name}: {len(week.clients)} clients, {len(week.venues)} venues", file=sys.stderr)
    plan, solve_seconds = timed(
        solve,
        week,
        time_limit=time_limit,
        workers=options.workers,
        seed=options.seed,
        on_progress=progress_printer(options.verbose),
    )
    solved = checked(week, plan, "optimiser plan")
    fcfs = checked(week, fcfs_plan(week, plan.sessions), "FCFS on the optimiser's timetable")
    demand = total_demand(week)
    row = {
        "example": name,
        "time_limit": time_limit,
        "places": solved.places,
        "bound": plan.bound,
        "gap_percent": gap(solved.places, plan.bound),
        "status": plan.status,
        "seconds_to_plan": solve_seconds,
        "sessions": len(plan.sessions),
        "broken_rules": solved.broken_rules,
        "fcfs_places": fcfs.places,
        "fcfs_broken_rules": fcfs.broken_rules,
        "total_demand": demand,
    }
    ours = markdown_table(
        [
            "example",
            "time limit",
            "plan after",
            "priority places",
            "proven bound",
            "gap",
            "FCFS on this timetable",
            "total demand",
            "checker",
        ],
        [
            [
                f"`{name}`",
                seconds(time_limit),
                seconds(solve_seconds),
                f"{solved.places} ({plan.status})",
                "–" if plan.bound is None else plan.bound,
                percent(row["gap_percent"]),
                f"{fcfs.places} ({percent(100.0 * fcfs.places / demand)} of demand)",
                f"{demand} (ours: {percent(100.0 * solved.places / demand)})",
                _verdict(solved.broken_rules + fcfs.broken_rules),
            ]
        ],
    )
    print(f"{options.workers} workers, seed {options.seed}\n")
    print(ours)
    peers = PEERS.get(name)
    if peers:
        print("\nPeers (SOLVER-NOTES.md, not measured in this run):\n")
        print(
            markdown_table(
                ["peer", "places", "its bound", "gap"],
                [[who, p, b, percent(gap(p, b))] for who, p, b in peers]
                + [
                    ["this project (above)", solved.places, plan.bound, percent(row["gap_percent"])]
                ],
            )
        )
    path = write_results(
        f"open-{options.week}",
        {
            "options": {"time_limit": time_limit, "workers": options.workers, "seed": options.seed},
            "row": row,
            "table": ours,
        },
    )
    print(f"\nresults written to {path}", file=sys.stderr)


def _verdict(broken: int) -> str:
    return "all plans pass" if broken == 0 else f"{broken} broken rules"


if __name__ == "__main__":
    main()
