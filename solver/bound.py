"""A proven bound on priority places from the linear relaxation of the week model.

CP-SAT's own bound on an open timetable stays far above the optimum for minutes,
while the model's linear relaxation, solved once by GLOP, is much tighter (on the
studio example about 740 against CP-SAT's 900 after a minute). The relaxation is
read straight from the CP-SAT model, dropping only what it cannot linearise, so it
is a relaxation of exactly the model solved, and its optimum is a valid bound.
It runs in a process of its own beside the search, part after part of the week, and
each part's bound is used if it is ready by the end.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import time
from multiprocessing.connection import Connection

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver.domain import Week

log = logging.getLogger("solver")

INFINITY = 2**62
# GLOP's optimum is exact up to its tolerances; rounding up by this much keeps the
# integer bound valid (a larger bound is always still a bound).
TOLERANCE = 1e-4


def relaxation_bound(model: cp_model.CpModel) -> int | None:
    """The floor of the linear relaxation's optimum of a maximising model, or None."""
    proto = model.Proto()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    xs = []
    for v in proto.variables:
        domain = v.domain
        xs.append(lp.NumVar(domain[0], domain[len(domain) - 1], ""))

    def add_clause(literals: list[int], enforced_by: list[int]) -> None:
        """At least one literal true, unless an enforcement literal is false."""
        row = lp.Constraint(1, lp.infinity())
        for lit in [*literals, *(-e - 1 for e in enforced_by)]:
            if lit >= 0:
                row.SetCoefficient(xs[lit], row.GetCoefficient(xs[lit]) + 1)
            else:
                row.SetCoefficient(xs[-lit - 1], row.GetCoefficient(xs[-lit - 1]) - 1)
                row.SetBounds(row.lb() - 1, lp.infinity())

    def add_sum(literals: list[int], lo: float, hi: float) -> None:
        row = lp.Constraint(lo, hi)
        for lit in literals:
            if lit >= 0:
                row.SetCoefficient(xs[lit], row.GetCoefficient(xs[lit]) + 1)
            else:
                row.SetCoefficient(xs[-lit - 1], row.GetCoefficient(xs[-lit - 1]) - 1)
                row.SetBounds(row.lb() - 1, row.ub() - 1)

    for c in proto.constraints:
        enforced = list(c.enforcement_literal)
        if c.has_linear():
            if enforced:
                continue  # dropped: the relaxation only loosens
            d = c.linear.domain
            lo, hi = d[0], d[len(d) - 1]
            row = lp.Constraint(
                lo if lo > -INFINITY else -lp.infinity(), hi if hi < INFINITY else lp.infinity()
            )
            for var, coeff in zip(c.linear.vars, c.linear.coeffs, strict=True):
                row.SetCoefficient(xs[var], coeff)
        elif c.has_at_most_one() and not enforced:
            add_sum(list(c.at_most_one.literals), -lp.infinity(), 1)
        elif c.has_exactly_one() and not enforced:
            add_sum(list(c.exactly_one.literals), 1, 1)
        elif c.has_bool_or():
            add_clause(list(c.bool_or.literals), enforced)
        elif c.has_bool_and():
            for lit in c.bool_and.literals:
                add_clause([lit], enforced)
    objective = lp.Objective()
    for var, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(xs[var], coeff)
    objective.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    # CP-SAT keeps a maximisation as the minimisation of its negation.
    value = proto.objective.scaling_factor * objective.Value()
    return math.floor(value + TOLERANCE)


def _bounds_of_parts(parts: list[Week], connection: Connection) -> None:
    from solver.candidates import candidate_slots
    from solver.model import build_model

    for part in parts:
        wm = build_model(part, candidate_slots(part, step=part.grid_minutes))
        priority, _, _ = wm.levels()
        wm.model.maximize(priority)
        connection.send(relaxation_bound(wm.model))
    connection.close()


class BoundsInBackground:
    """The relaxation bounds of a week's parts, computed one after another in a separate
    process while the parts are searched in the same order."""

    def __init__(self, parts: list[Week]) -> None:
        context = multiprocessing.get_context("spawn")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_bounds_of_parts, args=(parts, sender), daemon=True)
        self._process.start()
        sender.close()
        self._count = len(parts)

    def results(self, wait: float = 0.0) -> list[int | None]:
        """A bound per part, None for those not ready within `wait` seconds (the process is
        then stopped)."""
        values: list[int | None] = []
        deadline = time.monotonic() + max(wait, 0.0)
        try:
            while len(values) < self._count and self._receiver.poll(
                max(deadline - time.monotonic(), 0.0)
            ):
                values.append(self._receiver.recv())
        except (EOFError, OSError):
            pass
        self.stop()
        return values + [None] * (self._count - len(values))

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        self._receiver.close()
