"""A small published week for the week's life: one full reformer class, one with spaces.

Hitchin's studio has three reformers; Tuesday 09:30's reformer class holds c1, c2
and c3 (full), Thursday 18:00's holds c4 only. c5 and c6 want a reformer class
and are not placed. "Now" is the Saturday before, so both classes are days away.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session as DbSession

from scheduler.bookings.life import load_live_week
from solver.checker import check_plan
from solver.domain import Plan
from tests import builders as b
from tests.stored import publish

WEEK_START = "2026-12-07"
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
TUESDAY = b.session("reformer", "tue", "09:30")
THURSDAY = b.session("reformer", "thu", "18:00")


def life_week(**client_changes):
    """The week; `client_changes` maps a client id to fields of `b.client` to change."""
    clients = [
        b.client(f"c{n}", name=f"Client {n}", **client_changes.get(f"c{n}", {}))
        for n in range(1, 7)
    ]
    return b.week(clients=clients, week_start=WEEK_START)


def life_plan() -> Plan:
    return Plan(
        sessions=(TUESDAY, THURSDAY),
        allocations=(
            b.allocation("c1", TUESDAY, "R1"),
            b.allocation("c2", TUESDAY, "R2"),
            b.allocation("c3", TUESDAY, "R3"),
            b.allocation("c4", THURSDAY, "R1"),
        ),
    )


def publish_life_week(db: DbSession, **client_changes) -> None:
    """Store and publish the week."""
    publish(db, life_week(**client_changes), life_plan())


def checked_live(db: DbSession):
    """The week as it stands, which keeps every hard rule (the checker says so)."""
    db.expire_all()
    live = load_live_week(session=db, week_start=date.fromisoformat(WEEK_START))
    assert check_plan(live.now_week, live.now_plan) == []
    return live
