"""A week of independent parts (a franchise's areas) solved part by part, as tasks.

Each part is solved on one core with its own proven bound: the linear relaxation
of its model, proved before its search in the same process, so every part has
one however large the week and however busy the machine. A part's budget is its
share (by clients) of `time_limit` seconds of work on each of `workers` cores, so
the plan depends on the week, the time limit, the workers and the seed, never on
the pool: a cluster gives the local run's plan, sooner. The week's bound is the
sum of the parts' bounds.
"""

from __future__ import annotations

import time
from dataclasses import replace

from scheduler.tasks.pool import LOCAL, ON_THIS_MACHINE, Finished, Pool, run_tasks
from solver.domain import Plan, Week
from solver.parts import combined, part_of, split_week
from solver.solve import DEFAULT_OPTIONS, Progress, ProgressCallback, solve

# One core and its bound proved before the search (no process beside it to wait for).
ONE_CORE = replace(DEFAULT_OPTIONS, mip_after_lp=False)


def solve_in_parts(
    week: Week,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    hint: Plan | None = None,
    pool: Pool = ON_THIS_MACHINE,
    on_progress: ProgressCallback | None = None,
) -> tuple[Plan, list[str]]:
    """The week's plan, its parts solved as tasks on `pool`, and where each part ran (in
    the order of `split_week`). `on_progress` hears each part as it is done.

    Raises `NoPlanError` (from the part) when a part's pinned sessions cannot be kept.
    """
    started = time.monotonic()
    parts = split_week(week)
    if len(parts) == 1:  # nothing to share out: every core on the one part, here
        plan = solve(
            week,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            hint=hint,
            on_progress=on_progress,
        )
        return plan, [LOCAL]
    sizes = [max(1, len(p.clients)) for p in parts]
    work = time_limit * max(1, workers)
    tasks = [
        (part, work * size / sum(sizes), seed, part_of(hint, part) if hint else None)
        for part, size in zip(parts, sizes, strict=True)
    ]
    done: list[Finished] = []

    def finished(task: Finished) -> None:
        done.append(task)
        if on_progress is not None:
            places = sum(t.result.objective.priority_places for t in done)
            bound = sum(t.result.bound or 0 for t in done)
            stage = f"{len(done)} of {len(parts)} parts solved"
            on_progress(Progress(stage, places, bound, time.monotonic() - started))

    solved = run_tasks(pool, solve_part, tasks, finished)
    plan = combined([task.result for task in solved])
    return replace(plan, solve_seconds=time.monotonic() - started), [t.where for t in solved]


def solve_part(part: Week, seconds: float, seed: int, hint: Plan | None) -> Plan:
    """One part on one core, its linear relaxation's bound proved first (a pool's task)."""
    return solve(part, time_limit=seconds, workers=1, seed=seed, hint=hint, options=ONE_CORE)
