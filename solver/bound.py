"""A proven bound on priority places: the week model's linear relaxation and then the model
as a MIP, solved by HiGHS for their bounds.

CP-SAT's own bound on an open timetable stays far above the optimum for minutes
(on the studio example near 960 after a minute). The same model handed to HiGHS,
with its root LP solved by interior point and then tightened by cutting planes,
proves much more on one core: on studio.json 736 after 11 s (the LP relaxation),
707 after 32 s and 699 after 55 s. The MIP is read straight from the CP-SAT model,
dropping only enforced linear rows (which loosens it), so its bound is a bound of
exactly the model searched. HiGHS's plans are not used: CP-SAT's search finds better.

It runs in a process of its own beside the search. First the linear relaxation
of each part (741 on studio.json, in about 14 s of one core): its optimum is
unique, so that bound is the same whatever the machine's load, and a comparison
of two weeks can rest on it. Then, where the solve wants it, the MIP of each part
until its share of the time left, every improvement sent as soon as it is proven;
the solve takes the latest one of each part when it ends.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import highspy
import numpy as np
from ortools.sat.python import cp_model

from solver.domain import Week

log = logging.getLogger("solver")

CP_SAT_INFINITY = 2**62
STDOUT = 1  # the file descriptor, whatever `sys.stdout` is now
# HiGHS's bound is exact up to its tolerances; rounding up by this much keeps the
# integer bound valid (a larger bound is always still a bound).
TOLERANCE = 1e-4


class _Rows:
    """The constraint matrix of the MIP, row by row, over CP-SAT's literals."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def add(self, coefficients: dict[int, float], lower: float, upper: float) -> None:
        self.starts.append(len(self.index))
        self.index.extend(coefficients)
        self.value.extend(coefficients.values())
        self.lower.append(lower)
        self.upper.append(upper)

    def add_literals(self, literals: list[int], lower: float, upper: float) -> None:
        """A row over literals: a negated literal `not x` is `1 - x`."""
        coefficients: dict[int, float] = {}
        for literal in literals:
            if literal >= 0:
                coefficients[literal] = coefficients.get(literal, 0) + 1
            else:
                var = -literal - 1
                coefficients[var] = coefficients.get(var, 0) - 1
                lower, upper = lower - 1, upper - 1
        self.add(coefficients, lower, upper)

    def add_clause(self, literals: list[int], enforced_by: list[int]) -> None:
        """At least one literal true, unless an enforcement literal is false."""
        self.add_literals([*literals, *(-e - 1 for e in enforced_by)], 1, highspy.kHighsInf)


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance, made without its banner on standard output (where the CLI may
    be writing a plan): HiGHS prints it as it is made, before any option can stop it."""
    sys.stdout.flush()
    kept = os.dup(STDOUT)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, STDOUT)
        return highspy.Highs()
    finally:
        os.dup2(kept, STDOUT)
        os.close(kept)
        os.close(devnull)


def highs_model(model: cp_model.CpModel, relaxed: bool = False) -> highspy.Highs:
    """The CP-SAT model as a HiGHS MIP minimising CP-SAT's internal (minimising) objective,
    or, `relaxed`, as its linear relaxation."""
    proto = model.Proto()
    rows = _Rows()
    for c in proto.constraints:
        enforced = list(c.enforcement_literal)
        if c.has_linear():
            if enforced:
                continue  # dropped: the MIP only loosens
            domain = c.linear.domain
            lower, upper = domain[0], domain[len(domain) - 1]
            coefficients: dict[int, float] = {}
            for var, coeff in zip(c.linear.vars, c.linear.coeffs, strict=True):
                coefficients[var] = coefficients.get(var, 0) + coeff
            rows.add(
                coefficients,
                lower if lower > -CP_SAT_INFINITY else -highspy.kHighsInf,
                upper if upper < CP_SAT_INFINITY else highspy.kHighsInf,
            )
        elif c.has_at_most_one() and not enforced:
            rows.add_literals(list(c.at_most_one.literals), -highspy.kHighsInf, 1)
        elif c.has_exactly_one() and not enforced:
            rows.add_literals(list(c.exactly_one.literals), 1, 1)
        elif c.has_bool_or():
            rows.add_clause(list(c.bool_or.literals), enforced)
        elif c.has_bool_and():
            for literal in c.bool_and.literals:
                rows.add_clause([literal], enforced)
    lp = highspy.HighsLp()
    lp.num_col_ = len(proto.variables)
    lp.num_row_ = len(rows.lower)
    lp.col_lower_ = np.array([v.domain[0] for v in proto.variables], dtype=float)
    lp.col_upper_ = np.array([v.domain[len(v.domain) - 1] for v in proto.variables], dtype=float)
    cost = np.zeros(lp.num_col_)
    for var, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        cost[var] += coeff
    lp.col_cost_ = cost
    lp.row_lower_ = np.array(rows.lower, dtype=float)
    lp.row_upper_ = np.array(rows.upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array([*rows.starts, len(rows.index)], dtype=np.int32)
    lp.a_matrix_.index_ = np.array(rows.index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(rows.value, dtype=float)
    if not relaxed:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    highs = _quiet_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    # The interior point method solves the root LP of a week about five times faster
    # than dual simplex (11 s against 52 s on studio.json), leaving the time to cuts.
    highs.setOptionValue("mip_lp_solver", "ipm")
    highs.setOptionValue("solver", "ipm")
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.passModel(lp)
    return highs


def lp_bound(model: cp_model.CpModel, stop: Callable[[], bool] = lambda: False) -> int | None:
    """The bound the linear relaxation of a maximising model proves, or None (stopped, or
    infeasible). The relaxation's optimum is unique, so the bound does not depend on
    how long it took: the same model always gets the same bound."""
    proto = model.Proto()
    scale, offset = proto.objective.scaling_factor or 1.0, proto.objective.offset
    highs = highs_model(model, relaxed=True)
    highs.setOptionValue("run_crossover", "off")

    def interrupt_if_stopped(event: highspy.cb.HighsCallbackEvent) -> None:
        if stop():
            event.interrupt()

    for interruptible in (highs.cbIpmInterrupt, highs.cbSimplexInterrupt):
        interruptible.subscribe(interrupt_if_stopped)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    value = scale * (highs.getInfo().objective_function_value + offset)
    # Rounded up past the solver's tolerances: a larger bound is still a bound.
    return math.floor(value + abs(value) * 1e-6 + TOLERANCE)


def mip_bound(
    model: cp_model.CpModel,
    seconds: float = math.inf,
    on_bound: Callable[[int], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> int | None:
    """The best bound HiGHS proves on a maximising model within `seconds`, or None.

    `on_bound` hears each improvement as it is proven; HiGHS gives up as soon as
    `stop()` says so.
    """
    proto = model.Proto()
    scale, offset = proto.objective.scaling_factor or 1.0, proto.objective.offset
    best: list[int] = []

    def bound_of(dual: float) -> int | None:
        # CP-SAT keeps a maximisation as the minimisation of its negation.
        return math.floor(scale * (dual + offset) + TOLERANCE) if math.isfinite(dual) else None

    def offer(value: int | None) -> None:
        if value is not None and (not best or value < best[-1]):
            best.append(value)
            if on_bound is not None:
                on_bound(value)

    def heard(event: highspy.cb.HighsCallbackEvent) -> None:
        offer(bound_of(event.data_out.mip_dual_bound))

    def interrupt_if_stopped(event: highspy.cb.HighsCallbackEvent) -> None:
        if stop():
            event.interrupt()

    highs = highs_model(model)
    if math.isfinite(seconds):
        highs.setOptionValue("time_limit", max(seconds, 0.1))
    highs.cbMipInterrupt.subscribe(heard)
    for interruptible in (highs.cbMipInterrupt, highs.cbIpmInterrupt, highs.cbSimplexInterrupt):
        interruptible.subscribe(interrupt_if_stopped)
    highs.run()
    if highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
        return None
    offer(bound_of(highs.getInfo().mip_dual_bound))
    return best[-1] if best else None


def _bounds_of_parts(parts: list[Week], deadline: float, mip: bool, connection: Connection) -> None:
    from solver.candidates import candidate_slots
    from solver.model import build_model

    # HiGHS prints its banner on stdout, where the CLI may be writing a plan.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    # The search comes first: the bound takes the time the search leaves.
    os.nice(10)
    parent = os.getppid()

    def orphaned() -> bool:
        # A solve killed outright cannot stop its helper: the helper stops itself.
        return os.getppid() != parent

    def tell(part: int, value: int | None) -> None:
        # If the solve is gone, `orphaned` stops HiGHS at its next check.
        with contextlib.suppress(OSError):
            connection.send((part, value))

    models = []
    for n, part in enumerate(parts):
        if orphaned():
            break
        wm = build_model(part, candidate_slots(part, step=part.grid_minutes))
        wm.model.maximize(wm.levels()["priority_places"])
        models.append(wm.model)
        # Told even when there is none (an empty part), so the solve need not wait for it.
        tell(n, lp_bound(wm.model, orphaned))
    sizes = [max(1, len(p.clients)) for p in parts]
    for n, model in enumerate(models if mip else []):
        if orphaned() or time.monotonic() >= deadline:
            break
        share = (deadline - time.monotonic()) * sizes[n] / sum(sizes[n:])
        mip_bound(model, share, lambda value, n=n: tell(n, value), orphaned)
    connection.close()


class BoundsInBackground:
    """The bounds of a week's parts, proven in a separate process while the parts are
    searched: first the linear relaxation of each part in turn (the same bound however
    long it takes), then, with `mip`, the MIP of each part in turn, each until its share
    of the time left before `deadline` (a `time.monotonic()` instant)."""

    def __init__(self, parts: list[Week], deadline: float, mip: bool = True) -> None:
        context = multiprocessing.get_context("spawn")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_bounds_of_parts, args=(parts, deadline, mip, sender), daemon=True
        )
        self._process.start()
        sender.close()
        self.deadline = deadline
        self._best: list[int | None] = [None] * len(parts)
        self._heard = [False] * len(parts)
        self._open = True

    def latest(self, part: int) -> int | None:
        """The best bound proven so far for this part (by its index), without waiting."""
        self._receive(0.0)
        return self._best[part]

    def results(self, wait: float = 0.0, wait_for_every_part: bool = False) -> list[int | None]:
        """The best bound proven so far for each part, None where there is none yet.

        Waits up to `wait` seconds for the process to finish, and with
        `wait_for_every_part` until the deadline for a part with no bound yet; then stops
        the process.
        """
        self._receive(wait)
        while wait_for_every_part and not all(self._heard) and self._open:
            self._receive(max(self.deadline - time.monotonic(), 0.0), until_new=True)
            if time.monotonic() >= self.deadline:
                break
        self.stop()
        return list(self._best)

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        if self._open:
            self._receiver.close()
            self._open = False

    def _receive(self, wait: float, until_new: bool = False) -> None:
        """Take in what has been proven (None: a part with no bound to prove), waiting up
        to `wait` seconds for the process to finish (or, `until_new`, for its next
        message)."""
        deadline = time.monotonic() + max(wait, 0.0)
        try:
            while self._open and self._receiver.poll(max(deadline - time.monotonic(), 0.0)):
                n, value = self._receiver.recv()
                self._heard[n] = True
                old = self._best[n]
                if value is not None:
                    self._best[n] = value if old is None else min(old, value)
                if until_new:
                    return
        except (EOFError, OSError):
            self._receiver.close()
            self._open = False
