"""Fairness across weeks: how many clients miss out two weeks running, under three policies.

    python bench/fairness.py [--weeks 8] [--away 0.1] [--time-limit S] [--seed K] [-v]

The demo business (250 clients, more wanting places than its classes hold) over
`--weeks` simulated weeks; each week a seeded random `--away` share of the
clients is away (not in the week), so no two weeks are the same. Each week is
solved afresh as an open timetable, under three policies measured in the same run:

- **level on**: the optimiser, each client's `missed_weeks` filled from the
  simulated records as the studio's records fill it (`scheduler.planning.fairness`:
  of the last `RECENT_WEEKS` weeks, those the client was in and had a want not
  fully met, under this policy);
- **level off**: the optimiser with every `missed_weeks` 0;
- **FCFS**: first-come booking (`solver.baselines.fcfs`, sign-up order) on the
  level-on optimiser's timetable of the same week.

A client **misses out** in a week they are in when a want of theirs is not fully
met; they miss out **two weeks running** when they missed out the week before too.
The first week has no records, so its two optimiser solves are one (the same input
gives the same plan). Every solve has the same deterministic budget (`--time-limit`
seconds of work on one core, the default 30: about 20 s of wall time each, some 6
minutes in all), so a run repeats exactly. Every plan is checked. Prints the
budget, a week-by-week table and the totals (leaving out, where it says so, the
clients no class can take whatever the timetable); writes `bench/out/fairness.json`.
`--week FILE` runs an example week instead of the demo.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from common import (
    arguments,
    checked,
    load_example,
    markdown_table,
    progress_printer,
    write_results,
)

from scheduler.planning.fairness import RECENT_WEEKS
from scheduler.studio.demo import demo_week
from solver.baselines.fcfs import fcfs_plan
from solver.domain import Plan, Week
from solver.explain import explain_unplaced
from solver.solve import solve

FIRST_MONDAY = date(2026, 11, 30)
POLICIES = ("level on", "level off", "FCFS")
# Reasons that rule a want out whatever the timetable: its client can never have it met.
WHATEVER_THE_TIMETABLE = {"not_at_level", "needs_clearance", "no_reformer_at_venues"}


@dataclass
class Record:
    """One policy's weeks: who missed out each week, its figures, and the checker's count."""

    missed: list[set[str]] = field(default_factory=list)
    running: list[set[str]] = field(default_factory=list)
    places: list[int] = field(default_factory=list)
    fairness_points: list[int] = field(default_factory=list)
    broken_rules: int = 0

    def add(self, week: Week, plan: Plan, broken_rules: int) -> None:
        missed = missed_out(week, plan)
        self.running.append(missed & self.missed[-1] if self.missed else set())
        self.missed.append(missed)
        self.places.append(plan.objective.priority_places)
        self.fairness_points.append(plan.objective.fairness_points)
        self.broken_rules += broken_rules

    def missed_weeks(self, client: str) -> int:
        """Of the last `RECENT_WEEKS` weeks, those the client was in and missed out in."""
        return sum(1 for missed in self.missed[-RECENT_WEEKS:] if client in missed)


def missed_out(week: Week, plan: Plan) -> set[str]:
    """The clients of `week` with a want `plan` does not fully meet."""
    types_of = {s.id: s.class_type for s in plan.sessions}
    got = Counter((a.client, types_of[a.session]) for a in plan.allocations)
    return {
        c.id
        for c in week.clients
        for w in c.wants
        if sum(got[c.id, t] for t in w.class_types) < w.per_week
    }


def never_placed(week: Week) -> set[str]:
    """Clients with a want no class can meet, whatever the timetable (back care without
    GP clearance, a class type not at their level): they miss out every week they are in."""
    return {
        u.client
        for u in explain_unplaced(week, Plan())
        if u.why and all(r.kind in WHATEVER_THE_TIMETABLE for r in u.why)
    }


def simulated_weeks(base: Week, weeks: int, away: float, seed: int) -> list[Week]:
    """`weeks` weeks of the business, each with a seeded random `away` share of clients away."""
    rng = random.Random(seed)
    out = []
    for n in range(weeks):
        gone = set(rng.sample([c.id for c in base.clients], round(away * len(base.clients))))
        out.append(
            replace(
                base,
                week_start=(FIRST_MONDAY + timedelta(weeks=n)).isoformat(),
                clients=tuple(c for c in base.clients if c.id not in gone),
            )
        )
    return out


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], time_limit=30.0)
    parser.set_defaults(workers=1)
    parser.add_argument("--weeks", type=int, default=8, help="weeks simulated (default 8)")
    parser.add_argument(
        "--away", type=float, default=0.1, help="share of clients away each week (default 0.1)"
    )
    parser.add_argument("--week", default="demo", help="demo, or an example week's file name")
    options = parser.parse_args()
    if options.week == "demo":
        base = demo_week(week_start=FIRST_MONDAY)
    else:
        base = load_example(options.week, options.examples)
    weeks = simulated_weeks(base, options.weeks, options.away, options.seed)
    never = never_placed(base)
    budget = (
        f"{options.time_limit:g} s of work for each optimiser solve on {options.workers}"
        f" core(s), seed {options.seed}; {options.weeks} weeks, {options.away:.0%} of the"
        f" {len(base.clients)} clients away each week"
    )
    print(budget, file=sys.stderr)
    records = {policy: Record() for policy in POLICIES}
    progress = progress_printer(options.verbose)
    started = time.monotonic()
    for n, week in enumerate(weeks, start=1):
        on = records["level on"]
        fair_week = replace(
            week,
            clients=tuple(replace(c, missed_weeks=on.missed_weeks(c.id)) for c in week.clients),
        )
        print(f"week {n} ({week.week_start}):", file=sys.stderr)
        fair_plan = _solve(fair_week, options, progress)
        on.add(fair_week, fair_plan, checked(fair_week, fair_plan, "level on").broken_rules)
        # Nobody on record yet: the same input, the same plan.
        plain_plan = fair_plan if fair_week == week else _solve(week, options, progress)
        records["level off"].add(
            week, plain_plan, checked(week, plain_plan, "level off").broken_rules
        )
        fcfs = fcfs_plan(week, fair_plan.sessions)
        records["FCFS"].add(week, fcfs, checked(week, fcfs, "FCFS").broken_rules)
    wall = time.monotonic() - started

    by_week = markdown_table(
        [
            "week",
            *(f"{p}: missing out" for p in POLICIES),
            *(f"{p}: two weeks running" for p in POLICIES),
        ],
        [
            [
                n + 1,
                *(len(records[p].missed[n]) for p in POLICIES),
                *(len(records[p].running[n]) if n else "–" for p in POLICIES),
            ]
            for n in range(options.weeks)
        ]
        + [
            [
                "total",
                *(sum(map(len, records[p].missed)) for p in POLICIES),
                *(sum(map(len, records[p].running)) for p in POLICIES),
            ]
        ],
    )
    totals = markdown_table(
        [
            "policy",
            "priority places, all weeks",
            "two weeks running, all weeks",
            f"of which clients a class could take (all but the {len(never)} never placed)",
            "such clients ever two weeks running",
            "most weeks such a client missed out",
            f"two weeks running by priority {' / '.join(map(str, _priorities(base)))}",
            "checker",
        ],
        [_totals(policy, records[policy], never, base) for policy in POLICIES],
    )
    print(f"\n{budget}; {wall:.0f} s of wall time\n")
    print(by_week)
    print()
    print(totals)
    path = write_results(
        "fairness",
        {
            "options": {
                "time_limit": options.time_limit,
                "workers": options.workers,
                "seed": options.seed,
                "weeks": options.weeks,
                "away": options.away,
            },
            "wall_seconds": round(wall, 1),
            "never_placed": sorted(never),
            "policies": {
                p: {
                    "missing_out": [len(m) for m in records[p].missed],
                    "two_weeks_running": [len(r) for r in records[p].running],
                    "priority_places": records[p].places,
                    "fairness_points": records[p].fairness_points,
                    "broken_rules": records[p].broken_rules,
                }
                for p in POLICIES
            },
            "tables": [by_week, totals],
        },
    )
    print(f"\nresults written to {path}", file=sys.stderr)


def _solve(week: Week, options, progress) -> Plan:
    return solve(
        week,
        time_limit=options.time_limit,
        workers=options.workers,
        seed=options.seed,
        on_progress=progress,
    )


def _priorities(week: Week) -> list[int]:
    """The clients' priorities, highest first."""
    return sorted({c.priority for c in week.clients}, reverse=True)


def _totals(policy: str, record: Record, never: set[str], base: Week) -> list[object]:
    running = [c for week in record.running for c in week]
    placeable = [c for c in running if c not in never]
    weeks_missed = Counter(c for week in record.missed for c in week if c not in never)
    priorities = Counter(base.client_by_id[c].priority for c in running)
    return [
        policy,
        sum(record.places),
        len(running),
        len(placeable),
        len(set(placeable)),
        max(weeks_missed.values(), default=0),
        " / ".join(str(priorities[p]) for p in _priorities(base)),
        "all plans pass" if record.broken_rules == 0 else f"{record.broken_rules} BROKEN",
    ]


if __name__ == "__main__":
    main()
