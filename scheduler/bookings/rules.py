"""Whether a new place keeps every hard rule: asked of the checker, as every plan is.

A booking adds one place (and, for an intro, its session) to the live plan. The
checker is run on the part of the plan the new place can touch (its session with
its places, the sessions of its room, its instructor and its client) with and
without it; what breaks only with it is what is in the way. Run on that part, a
check costs a few sessions, not the week, so the intro times can be searched.
"""

from __future__ import annotations

from solver.checker import Violation, check_plan
from solver.domain import Allocation, Plan, Session, Week


def what_breaks(
    week: Week, plan: Plan, adding: Allocation, new_session: Session | None = None
) -> list[Violation]:
    """The violations of the hard rules that `adding` (in `new_session`, if new) would cause."""
    sessions = {s.id: s for s in plan.sessions}
    target = new_session or sessions.get(adding.session)
    if target is None:
        raise KeyError(f"no session {adding.session} in the plan")
    client_sessions = {a.session for a in plan.allocations if a.client == adding.client}
    concerned = {
        s.id
        for s in plan.sessions
        if s.id == target.id
        or s.id in client_sessions
        or s.room == target.room
        or s.instructor == target.instructor
    }
    part = Plan(
        sessions=tuple(s for s in plan.sessions if s.id in concerned),
        allocations=tuple(a for a in plan.allocations if a.session in concerned),
    )
    before = {_key(v) for v in check_plan(week, part)}
    grown = Plan(
        sessions=(*part.sessions, new_session) if new_session else part.sessions,
        allocations=(*part.allocations, adding),
    )
    return [v for v in check_plan(week, grown) if _key(v) not in before]


def _key(v: Violation) -> tuple:
    return (v.rule, v.kind, v.message)
