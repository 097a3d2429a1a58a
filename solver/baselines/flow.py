"""Level 1 of a fixed week by min-cost flow: an independent check of the optimiser's optimum.

Where the timetable is fixed, every client has one want, `max_per_day` is 1, no
client needs an intro, no place is pinned and each reformer carries at most one
feature, the most priority places is a transportation problem (SPEC, "What best
means"):

    source -> client            capacity per_week
    client -> client's day      capacity 1          (max_per_day 1; sessions on
                                                     different days never overlap)
    client's day -> session     capacity 1, cost -priority, if rule 7 allows it
    ... or, in a reformer session, via the session's node for the one feature the
        client needs, capacity = reformers in service carrying it
    session -> sink             capacity = rule 5 capacity
    source -> sink              the places nobody takes

With at most one feature per reformer, the feature classes of a room are
disjoint, so a client count per class within its reformers and a total within
capacity is exactly when everyone has their own reformer (Hall's condition).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow

from solver.baselines.fcfs import pinned_timetable
from solver.checker import measure_objective
from solver.domain import Allocation, Client, Plan, Session, Week, day_of
from solver.explain import explain_unplaced
from solver.reformers import assign_reformers
from solver.rules import rule_7_client_can_go


@dataclass(frozen=True)
class FlowOptimum:
    """The most priority places of a fixed week, a plan reaching it, and the seconds it took."""

    priority_places: int
    plan: Plan
    seconds: float


def check_flow_preconditions(week: Week) -> None:
    """Raise ValueError naming every reason level 1 of `week` is not a min-cost flow."""
    problems = []
    if not week.only_pinned_sessions:
        problems.append("the timetable is not fixed (only_pinned_sessions is false)")
    if week.pinned_allocations:
        problems.append("the week pins places")
    for c in week.clients:
        if len(c.wants) != 1:
            problems.append(f"client {c.id} has {len(c.wants)} wants, not one")
        if c.max_per_day != 1:
            problems.append(f"client {c.id} may take {c.max_per_day} classes a day, not 1")
        if c.needs_intro:
            problems.append(f"client {c.id} needs an intro")
    for room in week.rooms.values():
        for r in room.reformers:
            if len(r.features) > 1:
                problems.append(f"reformer {r.id} in {room.id} carries several features")
    if problems:
        raise ValueError("not a min-cost flow week: " + "; ".join(problems))


def min_cost_flow_optimum(week: Week) -> int:
    """The exact most priority places of a fixed week (see `solve_by_min_cost_flow`)."""
    return solve_by_min_cost_flow(week).priority_places


def solve_by_min_cost_flow(week: Week) -> FlowOptimum:
    """Level 1 of a fixed week, exactly, with a plan that reaches it.

    Raises ValueError when the week is not one where level 1 is a min-cost flow.
    The plan's `bound` is the optimum itself; its later levels are not optimised.
    """
    check_flow_preconditions(week)
    started = time.monotonic()
    sessions = pinned_timetable(week)
    class_types = week.class_type_by_id
    rooms = week.rooms
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[tuple, int] = {}

    def node(key: tuple) -> int:
        return nodes.setdefault(key, len(nodes))

    source, sink = node(("source",)), node(("sink",))
    place_arcs: dict[int, tuple[Client, Session]] = {}
    total = 0
    by_type: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        by_type[s.class_type].append(s)
        capacity = week.capacity(class_types[s.class_type], rooms[s.room])
        flow.add_arc_with_capacity_and_unit_cost(node(("session", s.id)), sink, capacity, 0)
        if class_types[s.class_type].uses_reformers:
            carrying: dict[str, int] = defaultdict(int)
            for r in rooms[s.room].reformers_in_service:
                for feature in r.features:
                    carrying[feature] += 1
            for feature, count in carrying.items():
                flow.add_arc_with_capacity_and_unit_cost(
                    node(("feature", s.id, feature)), node(("session", s.id)), count, 0
                )

    for c in week.clients:
        (want,) = c.wants
        total += want.per_week
        flow.add_arc_with_capacity_and_unit_cost(source, node(("client", c.id)), want.per_week, 0)
        for type_id in want.class_types:
            class_type = class_types[type_id]
            for s in by_type[type_id]:
                if not rule_7_client_can_go(c, class_type, s.venue, s.start, s.end):
                    continue
                target = _place_node(c, s, class_type.uses_reformers, nodes)
                if target is None:
                    continue
                day_key = ("day", c.id, day_of(s.start))
                if day_key not in nodes:
                    flow.add_arc_with_capacity_and_unit_cost(
                        node(("client", c.id)), node(day_key), 1, 0
                    )
                day = nodes[day_key]
                arc = flow.add_arc_with_capacity_and_unit_cost(day, target, 1, -c.priority)
                place_arcs[arc] = (c, s)

    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")

    placed: dict[str, list[Client]] = defaultdict(list)
    for arc, (c, s) in place_arcs.items():
        if flow.flow(arc):
            placed[s.id].append(c)
    allocations = []
    for s in sessions:
        if class_types[s.class_type].uses_reformers:
            given = assign_reformers(rooms[s.room], placed[s.id])
            if given is None:  # Hall's condition holds by construction of the feature nodes
                raise AssertionError(f"no reformer assignment for {s.id}")
            allocations.extend(Allocation(c.id, s.id, given[c.id]) for c in placed[s.id])
        else:
            allocations.extend(Allocation(c.id, s.id) for c in placed[s.id])
    plan = Plan(sessions=sessions, allocations=tuple(allocations))
    optimum = -flow.optimal_cost()
    seconds = time.monotonic() - started
    plan = Plan(
        sessions=plan.sessions,
        allocations=plan.allocations,
        unplaced=explain_unplaced(week, plan),
        objective=measure_objective(week, plan),
        bound=optimum,
        status="FEASIBLE",
        solve_seconds=seconds,
    )
    return FlowOptimum(optimum, plan, seconds)


def _place_node(client: Client, s: Session, uses_reformers: bool, nodes: dict) -> int | None:
    """Where a client's place in `s` flows: the session, or its node for the client's feature.

    None when no reformer of the room carries what the client needs.
    """
    if not uses_reformers or not client.needs:
        return nodes[("session", s.id)]
    if len(client.needs) > 1:  # no reformer carries two features
        return None
    (feature,) = client.needs
    return nodes.get(("feature", s.id, feature))
