"""What the benchmark scripts share: finding the example weeks, checking plans, reporting.

Every plan a benchmark reports is passed through the project's checker first,
and the report says how many rules it broke (0 is the only good answer).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scheduler.formats.week import read_week_file
from solver.checker import check_claims, check_plan
from solver.domain import Plan, Week
from solver.solve import Progress

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_DIRS = (REPO / "examples", REPO.parent / "shared" / "examples")
OUT = Path(__file__).resolve().parent / "out"


def arguments(description: str, time_limit: float | None) -> argparse.ArgumentParser:
    """The options every benchmark takes; `time_limit` None means each week has its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=time_limit,
        help="seconds for each optimiser run (a small value makes a quick smoke run)",
    )
    parser.add_argument("--workers", type=int, default=2, help="cores for each solve (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="CP-SAT random seed")
    parser.add_argument(
        "--examples", type=Path, default=None, help="folder holding the example weeks"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print solver progress")
    return parser


def load_example(name: str, folder: Path | None) -> Week:
    """An example week by file name, from `folder` or the usual places beside the repo."""
    folders = (folder,) if folder is not None else EXAMPLE_DIRS
    for f in folders:
        if (f / name).is_file():
            return read_week_file(f / name)
    raise SystemExit(f"{name} not found in {', '.join(str(f) for f in folders)}; use --examples")


def progress_printer(verbose: bool):
    """A solver progress callback that prints to stderr, or None when not verbose."""
    if not verbose:
        return None

    def show(p: Progress) -> None:
        print(
            f"  {p.stage}: {p.objective:g} (bound {p.bound:g}) at {p.seconds:.1f}s",
            file=sys.stderr,
        )

    return show


@dataclass(frozen=True)
class Checked:
    """A plan and what the checker said of it."""

    plan: Plan
    broken_rules: int

    @property
    def places(self) -> int:
        return self.plan.objective.priority_places

    @property
    def verdict(self) -> str:
        if self.broken_rules == 0:
            return "no broken rule"
        return f"{self.broken_rules} BROKEN RULES OR WRONG FIGURES"


def checked(week: Week, plan: Plan, what: str) -> Checked:
    """Check `plan`, say so on stderr, and keep the count of broken rules."""
    violations = [*check_plan(week, plan), *check_claims(week, plan)]
    result = Checked(plan, len(violations))
    print(f"  checked {what}: {result.verdict}", file=sys.stderr)
    for v in violations[:5]:
        print(f"    {v}", file=sys.stderr)
    return result


def timed(call, *args, **kwargs):
    """`call(*args, **kwargs)` and the wall seconds it took."""
    started = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - started


def gap(places: int, bound: int | None) -> float | None:
    """How far below its proven bound a plan is, in percent of the bound."""
    if bound is None or bound <= 0:
        return None
    return 100.0 * (bound - places) / bound


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 1 else f"{value:.1f} s"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def command_line() -> str:
    """The command that made these figures, as it would be typed in the repo."""
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(REPO) if script.is_relative_to(REPO) else script.name
    return " ".join(["python", str(shown), *sys.argv[1:]])


def write_results(name: str, results: dict) -> Path:
    """Write the figures as JSON to `bench/out/<name>.json` (not kept in git)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    results = {
        "command": command_line(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        **results,
    }
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path
