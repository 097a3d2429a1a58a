"""A week's independent parts: split apart to solve, and their plans put together.

Venues that share no instructor and no client can be planned apart: a franchise of
studios a drive apart falls into one part per area. Each part is a week of its own;
the plans of all parts make the week's plan, its bound the sum of theirs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields, replace

from solver.domain import Objective, Plan, Week


def split_week(week: Week) -> list[Week]:
    """The week's independent parts: venues joined by an instructor or a client who can go
    to both, with their rooms, instructors, clients and pinned sessions and places."""
    parent = {v.id: v.id for v in week.venues}

    def root(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    def join(venues: list[str]) -> None:
        known = [v for v in venues if v in parent]
        for v in known[1:]:
            parent[root(v)] = root(known[0])

    for i in week.instructors:
        join(sorted({v for w in i.availability for v in w.venues}))
    for c in week.clients:
        join(list(c.venues))
    rooms = week.rooms
    venue_of = {p.id: rooms[p.room].venue for p in week.pinned_sessions}
    # Pinned sessions and places hold even where they break the venues' ties.
    for p in week.pinned_sessions:
        teacher = week.instructor_by_id[p.instructor]
        join([venue_of[p.id], *(v for w in teacher.availability for v in w.venues)])
    for a in week.pinned_allocations:
        join([venue_of[a.session], *week.client_by_id[a.client].venues])
    groups: dict[str, list[str]] = defaultdict(list)
    for v in week.venues:
        groups[root(v.id)].append(v.id)
    if len(groups) <= 1:
        return [week]
    parts = []
    for venue_ids in groups.values():
        inside = set(venue_ids)
        pinned = tuple(p for p in week.pinned_sessions if rooms[p.room].venue in inside)
        pinned_ids = {p.id for p in pinned}
        parts.append(
            replace(
                week,
                venues=tuple(v for v in week.venues if v.id in inside),
                instructors=tuple(
                    i
                    for i in week.instructors
                    if any(v in inside for w in i.availability for v in w.venues)
                    or any(p.instructor == i.id for p in pinned)
                ),
                clients=tuple(
                    c
                    for c in week.clients
                    if set(c.venues) & inside
                    or any(
                        a.client == c.id for a in week.pinned_allocations if a.session in pinned_ids
                    )
                ),
                pinned_sessions=pinned,
                pinned_allocations=tuple(
                    a for a in week.pinned_allocations if a.session in pinned_ids
                ),
            )
        )
    return parts


def part_of(plan: Plan, part: Week) -> Plan:
    """What of `plan` (a plan of the whole week) lies in `part`: its sessions and places."""
    rooms = {r.id for v in part.venues for r in v.rooms}
    sessions = tuple(s for s in plan.sessions if s.room in rooms)
    ids = {s.id for s in sessions}
    return replace(
        plan,
        sessions=sessions,
        allocations=tuple(a for a in plan.allocations if a.session in ids),
        unplaced=(),
    )


def combined(plans: list[Plan]) -> Plan:
    """The week's plan from its parts' plans (in the order of `split_week`): their
    sessions, places and unplaced wants together, every figure and the bound summed."""
    objective = Objective(
        **{f.name: sum(getattr(p.objective, f.name) for p in plans) for f in fields(Objective)}
    )
    bounds = [p.bound for p in plans]
    return Plan(
        sessions=tuple(s for p in plans for s in p.sessions),
        allocations=tuple(a for p in plans for a in p.allocations),
        unplaced=tuple(u for p in plans for u in p.unplaced),
        objective=objective,
        bound=None if None in bounds else sum(b for b in bounds if b is not None),
        status="OPTIMAL" if all(p.status == "OPTIMAL" for p in plans) else "FEASIBLE",
        solve_seconds=max((p.solve_seconds for p in plans), default=0.0),
        stopped_by_clock=any(p.stopped_by_clock for p in plans),
    )
