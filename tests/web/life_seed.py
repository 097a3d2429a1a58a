"""A published week for the client's pages after publishing: a full class and one with spaces.

Hitchin's studio has three reformers. Tuesday 09:30's Reformer holds Ann (R1), Bea
(R2) and Cat (R3): full. Thursday 18:00's holds Dan (R1) and Gus (R3): one space,
on R2. Eve and Fay want a reformer class and have no place. Everyone has an e-mail address. The
week starts a week after the coming Monday, so every class is days away whatever
day the tests run, and the cut-off (12 hours by default) is far off.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlmodel import Session as DbSession

from scheduler.bookings.life import load_live_week
from scheduler.core import models
from scheduler.core.dates import coming_monday
from solver.checker import check_plan
from solver.domain import Plan, Session
from tests import builders as b
from tests.stored import publish

ANN, BEA, CAT, DAN, EVE, FAY, GUS = (
    "c-ann",
    "c-bea",
    "c-cat",
    "c-dan",
    "c-eve",
    "c-fay",
    "c-gus",
)
NAMES = {
    ANN: "Ann Archer",
    BEA: "Bea Brown",
    CAT: "Cat Cole",
    DAN: "Dan Dale",
    EVE: "Eve Evans",
    FAY: "Fay Fox",
    GUS: "Gus Gray",
}
EMAILS = {key: f"{name.split()[0].lower()}@example.com" for key, name in NAMES.items()}
TUESDAY = b.session("reformer", "tue", "09:30")
THURSDAY = b.session("reformer", "thu", "18:00")


@dataclass(frozen=True)
class LifeStudio:
    """The published week: its Monday and its two classes."""

    week_start: date
    tuesday: Session
    thursday: Session

    def class_path(self, s: Session) -> str:
        """The client's page of their place in `s`."""
        return f"/me/week/{self.week_start.isoformat()}/classes/{s.id}"

    def checked(self, db: DbSession) -> None:
        """The week as it stands keeps every hard rule: the checker says so."""
        db.expire_all()
        live = load_live_week(session=db, week_start=self.week_start)
        assert check_plan(live.now_week, live.now_plan) == []


def life_studio(db: DbSession, drop_ins: bool = False, **client_changes) -> LifeStudio:
    """Store and publish the week; `client_changes` maps a client to fields of `b.client`.

    `drop_ins` lets any client book a space (or wait for one) without a credit.
    """
    week_start = coming_monday() + timedelta(weeks=1)
    clients = [
        replace(b.client(key, name=name, **client_changes.get(key, {})), email=EMAILS[key])
        for key, name in NAMES.items()
    ]
    week = b.week(
        venues=[b.venue("hitchin", name="Hitchin")],
        class_types=[b.class_type("reformer", name="Reformer"), b.class_type("121-reformer")],
        instructors=[b.instructor("jo", teaches=["reformer", "121-reformer"], name="Jo Evans")],
        clients=clients,
        week_start=week_start.isoformat(),
    )
    plan = Plan(
        sessions=(TUESDAY, THURSDAY),
        allocations=(
            b.allocation(ANN, TUESDAY, "R1"),
            b.allocation(BEA, TUESDAY, "R2"),
            b.allocation(CAT, TUESDAY, "R3"),
            b.allocation(DAN, THURSDAY, "R1"),
            b.allocation(GUS, THURSDAY, "R3"),
        ),
    )
    publish(db, week, plan)
    if drop_ins:
        db.add(models.StudioPolicy(drop_ins=True))
        db.commit()
    return LifeStudio(week_start, TUESDAY, THURSDAY)
