"""A small published week for the register: two instructors, a full class and one with spaces.

Hitchin's studio has three reformers. Jo teaches Tuesday 09:30's reformer class,
which holds Ann, Ben and Cat (full); Amy teaches Thursday 18:00's, which holds Dan.
Eve and Fay want a reformer class and are not placed. Each instructor has an
e-mail in the week, which is how their sign-in knows their classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session as DbSession

from scheduler.store.plans import save_plan
from scheduler.store.weeks import save_week
from scheduler.studio.accounts import add_instructor_login
from solver.checker import check_plan
from solver.domain import Plan, Week
from tests import builders as b

TUESDAY = b.session("reformer", "tue", "09:30", instructor="jo")
THURSDAY = b.session("reformer", "thu", "18:00", instructor="amy")
NAMES = {
    "c1": "Ann Archer",
    "c2": "Ben Baker",
    "c3": "Cat Cole",
    "c4": "Dan Dale",
    "c5": "Eve Evans",
    "c6": "Fay Fox",
}
EMAILS = {"jo": "jo@studio.example", "amy": "amy@studio.example"}
OWNER_EMAIL = "claire@studio.example"
PASSWORD = "a-long-password"


@dataclass(frozen=True)
class RegisterWeek:
    """The stored week: its Monday, and when its two classes start (UTC; London in winter)."""

    week_start: date

    @property
    def tuesday(self) -> datetime:
        return _at(self.week_start, TUESDAY.start)

    @property
    def thursday(self) -> datetime:
        return _at(self.week_start, THURSDAY.start)


def _at(monday: date, minute: int) -> datetime:
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC) + timedelta(minutes=minute)


def register_week(week_start: date, **client_changes) -> Week:
    """The week; `client_changes` maps a client id to fields of `b.client` to change."""
    clients = [
        b.client(key, name=name, **client_changes.get(key, {})) for key, name in NAMES.items()
    ]
    instructors = [b.instructor("jo", name="Jo Evans"), b.instructor("amy", name="Amy Shaw")]
    class_types = [
        b.class_type("reformer", name="Reformer"),
        b.class_type("mat", name="APPI Mat"),
        b.class_type("121-reformer", name="1-2-1 Reformer"),
    ]
    return b.week(
        clients=clients,
        instructors=instructors,
        class_types=class_types,
        week_start=week_start.isoformat(),
    )


def register_plan() -> Plan:
    return Plan(
        sessions=(TUESDAY, THURSDAY),
        allocations=(
            b.allocation("c1", TUESDAY, "R1"),
            b.allocation("c2", TUESDAY, "R2"),
            b.allocation("c3", TUESDAY, "R3"),
            b.allocation("c4", THURSDAY, "R1"),
        ),
    )


def publish_register_week(db: DbSession, week_start: date, **client_changes) -> RegisterWeek:
    """Store the week (with the instructors' e-mails) and publish its plan; commits."""
    week = register_week(week_start, **client_changes)
    plan = register_plan()
    assert check_plan(week, plan) == []
    save_week(session=db, week=week, instructor_emails=EMAILS)
    save_plan(session=db, week_start=week_start, plan=plan, status="published")
    db.commit()
    return RegisterWeek(week_start)


def add_logins(db: DbSession) -> dict[str, int]:
    """Sign-ins for the owner (Claire) and for Jo and Amy, who are not owners; their ids."""
    owner = add_instructor_login(session=db, email=OWNER_EMAIL, password=PASSWORD, name="Claire")
    ids = {"owner": owner.id}
    for key, email in EMAILS.items():
        login = add_instructor_login(
            session=db, email=email, password=PASSWORD, name=key.title(), is_owner=False
        )
        ids[key] = login.id
    return ids
