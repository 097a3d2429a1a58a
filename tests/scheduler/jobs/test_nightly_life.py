"""The nightly re-solve of a week that has lived since it was published: cancellations,
a make-up, a drop-in, a waiting client placed and an intro 1-2-1 all stand after it.

The week is `life_seed`'s: Tuesday 09:30's reformer class holds c1, c2 and c3 on R1 to
R3; Thursday 18:00's holds c4 on R1. Before the night c6 waits for Tuesday; c2 cancels
Tuesday in time, so c6 gets that space, and books a make-up on Thursday with the credit;
c5 books Thursday as a drop-in; c7, new, has an intro on Tuesday at 08:00.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session, col, select

from scheduler.bookings.booking import book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.life import live_plan
from scheduler.bookings.waitlist import join_waitlist
from scheduler.core import models
from scheduler.core.changes import diff_plans
from scheduler.core.config import get_settings
from scheduler.jobs.nightly import run_night
from scheduler.store.weeks import week_row
from solver.checker import check_plan
from solver.domain import Plan
from tests import builders as b
from tests.scheduler.bookings.life_seed import (
    NOW,
    THURSDAY,
    TUESDAY,
    WEEK_START,
    checked_live,
    life_plan,
    life_week,
)
from tests.smtp_sink import running_sink
from tests.stored import publish

#: The Saturday before the week: its night re-solves the week of 7 December.
NIGHT = date(2026, 12, 5)
INTRO = "intro-c7"


def _lived_week(db: Session) -> Plan:
    """The week published and lived in as the module says; the plan as it stands before."""
    the_week = life_week(c2={"max_per_day": 2})
    new_client = b.client(
        "c7", name="Client 7", needs_intro=True, wants=[b.want("121-reformer"), b.want()]
    )
    clients = [replace(c, email=f"{c.id}@example.org") for c in (*the_week.clients, new_client)]
    publish(db, replace(the_week, clients=tuple(clients)), life_plan())
    db.add(models.StudioPolicy(drop_ins=True))
    db.commit()
    join_waitlist(session=db, client_key="c6", session_key=TUESDAY.id, now=NOW)
    placed = cancel_place(session=db, client_key="c2", session_key=TUESDAY.id, now=NOW)
    assert [p.client for p in placed.placed] == ["c6"]
    book_space(session=db, client_key="c2", session_key=THURSDAY.id, now=NOW)
    book_space(session=db, client_key="c5", session_key=THURSDAY.id, now=NOW)
    db.add(
        models.Booking(
            week_id=week_row(session=db, week_start=WEEK_START).id,
            session=INTRO,
            client="c7",
            kind="intro",
            reformer="R1",
            class_type="121-reformer",
            room="hitchin-studio",
            start=b.at("tue", "08:00"),
            instructor="jo",
            created_at=NOW,
        )
    )
    db.commit()
    return checked_live(db).now_plan


def _places(the_plan: Plan) -> set[tuple[str, str, str | None]]:
    return {(a.client, a.session, a.reformer) for a in the_plan.allocations}


def _bookings(db: Session) -> list[models.Booking]:
    query = select(models.Booking).where(col(models.Booking.cancelled_at).is_(None))
    return list(db.exec(query).all())


def test_the_night_keeps_every_booking_and_standing_place_and_gives_no_cancelled_one_back(
    database_url, db_session
):
    before = _lived_week(db_session)
    settings = get_settings({"DATABASE_URL": database_url, "AUTO_PUBLISH": "true"})

    with running_sink() as sink:
        settings = replace(settings, smtp_host=sink.host, smtp_port=sink.port)
        outcome = run_night(settings=settings, night=NIGHT, time_limit=5)

    assert outcome.status == "succeeded", outcome.message
    live = checked_live(db_session)
    assert live.plan_row.version == 2
    # The night's plan keeps every hard rule of the week as it stands, as it is stored too.
    assert check_plan(live.now_week, live.plan) == []
    after = _places(live.plan)
    # Every booking is kept, to the reformer: the waiting client's, the make-up, the
    # drop-in and the intro, whose session runs as booked.
    bookings = _bookings(db_session)
    assert {(x.client, x.kind) for x in bookings} == {
        ("c6", "drop_in"),
        ("c2", "makeup"),
        ("c5", "drop_in"),
        ("c7", "intro"),
    }
    assert {(x.client, x.session, x.reformer) for x in bookings} <= after
    [intro] = [s for s in live.plan.sessions if s.id == INTRO]
    assert (intro.class_type, intro.room, intro.start, intro.instructor) == (
        "121-reformer",
        "hitchin-studio",
        b.at("tue", "08:00"),
        "jo",
    )
    # No standing place is lost; c2's cancelled Tuesday is not given back to c2.
    assert _places(before) <= after
    assert ("c2", TUESDAY.id) not in {(a.client, a.session) for a in live.plan.allocations}
    assert _places(live.now_plan) == after
    # Nobody is told of the places they booked or gave up themselves: only real changes.
    changed = diff_plans(before, live_plan(live.plan, live.life)).clients
    assert sorted(r.recipients[0] for r in sink.received) == sorted(
        f"{c}@example.org" for c in changed
    )
    [run] = db_session.exec(select(models.SolveRun).where(models.SolveRun.kind == "nightly"))
    assert run.lost == 0
