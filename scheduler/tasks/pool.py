"""Independent solves as tasks, on a local pool of processes or on a Dask cluster.

Both are a `concurrent.futures.Executor` (a Dask client gives one), so a sweep's points,
the advisor's changes and a franchise week's parts run through one code path wherever
they run. Each task solves on one core within a budget of deterministic work, so its
answer is the same on any machine; a task whose worker dies is run again elsewhere by Dask.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

ADDRESS_VARIABLE = "DASK_SCHEDULER_ADDRESS"
"""Where Dask's own tools look for the scheduler; `--cluster` overrides it."""

LOCAL = "this machine"


class ClusterUnreachable(RuntimeError):
    """The cluster asked for cannot take tasks: said before any solve starts."""


@dataclass(frozen=True)
class Pool:
    """Where tasks run: the Dask scheduler at `cluster`, or else a local pool of
    `processes` (default: every core); a cluster that does not answer within
    `connect_seconds` is unreachable."""

    cluster: str | None = None
    processes: int | None = None
    connect_seconds: float = 5.0

    @classmethod
    def chosen(cls, cluster: str | None = None, processes: int | None = None) -> Pool:
        """`cluster` if given, else the cluster `DASK_SCHEDULER_ADDRESS` names, else local."""
        return cls(cluster or os.environ.get(ADDRESS_VARIABLE) or None, processes)

    def describe(self) -> str:
        if self.cluster is not None:
            return f"the Dask cluster at {self.cluster}"
        count = self.local_processes()
        return f"{LOCAL} ({count} process{'es' if count > 1 else ''})"

    def check(self) -> None:
        """Raise `ClusterUnreachable` unless the cluster (if any) can take the solves."""
        if self.cluster is not None:
            connect(self.cluster, self.connect_seconds).close()

    def local_processes(self) -> int:
        return self.processes or os.cpu_count() or 1


@dataclass(frozen=True)
class Finished:
    """One task's result, its place in the list of tasks, and where it ran."""

    index: int
    result: Any
    where: str


def run_tasks(
    pool: Pool,
    task: Callable[..., Any],
    arguments: list[tuple],
    on_finished: Callable[[Finished], None] | None = None,
) -> list[Finished]:
    """`task(*a)` for each `a` in `arguments` on `pool`, in their order;
    `on_finished` hears each as it finishes (in any order).

    Raises `ClusterUnreachable` before any task starts where the cluster cannot take them.
    """
    finished: list[Finished] = []
    if pool.cluster is None and min(pool.local_processes(), len(arguments)) <= 1:
        for n, a in enumerate(arguments):  # one at a time: no pool to start
            finished.append(Finished(n, task(*a), LOCAL))
            if on_finished is not None:
                on_finished(finished[-1])
        return finished
    with _executor(pool, len(arguments)) as pool:
        futures = {pool.submit(_located, task, *a): n for n, a in enumerate(arguments)}
        for future in as_completed(futures):
            result, where = future.result()
            finished.append(Finished(futures[future], result, where))
            if on_finished is not None:
                on_finished(finished[-1])
    return sorted(finished, key=lambda f: f.index)


def _located(task: Callable[..., Any], *arguments: Any) -> tuple[Any, str]:
    return task(*arguments), _where()


def _where() -> str:
    if "distributed" not in sys.modules:  # a Dask worker has it loaded; a local process not
        return LOCAL
    from distributed import get_worker

    try:
        return get_worker().address
    except ValueError:
        return LOCAL


@contextmanager
def _executor(pool: Pool, tasks: int) -> Iterator[Executor]:
    if pool.cluster is None:
        # Spawned processes start clean: safe beside the web app's threads.
        context = multiprocessing.get_context("spawn")
        workers = min(pool.local_processes(), tasks)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield pool
        return
    client = connect(pool.cluster, pool.connect_seconds)
    try:
        yield client.get_executor()
    finally:
        client.close()


def connect(address: str, seconds: float = 5.0) -> Any:
    """A Dask client of the scheduler at `address` whose workers can run the solves.

    Raises `ClusterUnreachable` saying what is wrong and what to start.
    """
    from distributed import Client

    try:
        client = Client(address, timeout=f"{seconds}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterUnreachable(
            f"no Dask scheduler answers at {address} ({exc}): start one with "
            f"`dask scheduler`, or leave the cluster out to run on {LOCAL}"
        ) from None
    try:
        workers = client.run(_can_solve)
    except OSError as exc:
        client.close()
        raise ClusterUnreachable(
            f"the Dask cluster at {address} stopped answering: {exc}"
        ) from None
    if not workers:
        client.close()
        raise ClusterUnreachable(
            f"the Dask scheduler at {address} has no workers: start some with "
            f"`dask worker {address}`"
        )
    missing = sorted(w for w, can in workers.items() if not can)
    if missing:
        client.close()
        raise ClusterUnreachable(
            f"the Dask worker{'s' if len(missing) > 1 else ''} at {', '.join(missing)} cannot "
            "load this project: install it there as here (pip install -e .)"
        )
    return client


def _can_solve() -> bool:
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("solver", "scheduler", "ortools"))


ON_THIS_MACHINE = Pool()
"""The default: a pool of every core here, nothing to start."""
