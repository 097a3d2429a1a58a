"""A published demo week lived through, for the pages of the week after publishing.

`live_through(db, week_start)` takes a stored week with a published plan whose
classes have all run, and gives it a life through the services, each at a
moment before or after its class: clients wait for a full reformer class, three
give it up (two in time, one late), a waiting client gets a freed space, one who
gave up in time makes it up in another class, and registers are taken, some of
them only in part. Every step keeps the hard rules (the checker says so at the end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session as DbSession

from scheduler.bookings.booking import BookingRefused, book_space, spaces_of
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.life import load_live_week
from scheduler.bookings.policy import save_policy, studio_policy
from scheduler.bookings.register import mark
from scheduler.bookings.waitlist import join_waitlist
from scheduler.studio.accounts import find_by_email
from solver.checker import check_plan

#: How many classes of the week get a register taken (in time order), beside the full one.
REGISTERS_TAKEN = 36


@dataclass(frozen=True)
class Lived:
    """What the life left to look at: the full class, a class an instructor who is not the
    owner teaches (and who), the client with most history, how many still wait."""

    full_class: str
    instructor: str
    instructors_class: str
    history_client: str
    waiting: int


def live_through(db: DbSession, week_start: date, owner_email: str, owner_instructor: str) -> Lived:
    """Give the week its life, as the module says; commits (each service does).

    `owner_email` signs in as the owner, who is the week's instructor `owner_instructor`.
    """
    owner = find_by_email(session=db, email=owner_email).id
    before = studio_policy(session=db)
    kept = (before.cancel_cutoff_hours, before.makeup_valid_weeks, before.drop_ins)
    save_policy(session=db, cancel_cutoff_hours=12, makeup_valid_weeks=4, drop_ins=True)
    live = load_live_week(session=db, week_start=week_start)
    full = next(
        s
        for s in sorted(live.now_plan.sessions, key=lambda s: s.start)
        if live.week.class_type_by_id[s.class_type].uses_reformers
        and not live.week.class_type_by_id[s.class_type].one_to_one
        and spaces_of(live, s).left == 0
        and sum(a.session == s.id for a in live.now_plan.allocations) >= 5
    )
    starts = live.starts_at(full)
    days_before, hour_before = starts - timedelta(days=2), starts - timedelta(hours=1)
    placed = {a.client for a in live.now_plan.allocations if a.session == full.id}
    waiting = 0
    for client in sorted({c.id for c in live.week.clients} - placed):
        try:
            join_waitlist(
                session=db,
                client_key=client,
                session_key=full.id,
                week_start=week_start,
                now=days_before - timedelta(hours=1),
            )
        except BookingRefused:
            continue
        waiting += 1
        if waiting == 4:
            break
    leaving = sorted(placed)[:3]
    for client, when in zip(leaving, (days_before, days_before, hour_before), strict=True):
        cancel_place(
            session=db, client_key=client, session_key=full.id, week_start=week_start, now=when
        )
    maker = leaving[0]
    after = load_live_week(session=db, week_start=week_start)
    for s in sorted(after.now_plan.sessions, key=lambda s: s.start):
        if s.id == full.id or live.week.class_type_by_id[s.class_type].one_to_one:
            continue
        try:
            book_space(
                session=db,
                client_key=maker,
                session_key=s.id,
                week_start=week_start,
                now=days_before,
            )
        except BookingRefused:
            continue
        break
    live = load_live_week(session=db, week_start=week_start)
    in_order = sorted(live.now_plan.sessions, key=lambda s: s.start)
    theirs = next(s for s in in_order if s.instructor != owner_instructor)
    taken = [full, theirs, *in_order[:REGISTERS_TAKEN]]
    for n, s in enumerate(dict.fromkeys(taken)):
        places = sorted(a.client for a in live.now_plan.allocations if a.session == s.id)
        # The full class's last client is left unmarked: the register is part-taken.
        for i, client in enumerate(places[:-1] if s == full else places):
            mark(
                session=db,
                week_start=week_start,
                session_key=s.id,
                client_key=client,
                mark="no_show" if (i + n) % 7 == 3 else "attended",
                by_login_id=owner,
                now=live.starts_at(s) + timedelta(minutes=5),
            )
    save_policy(
        session=db, cancel_cutoff_hours=kept[0], makeup_valid_weeks=kept[1], drop_ins=kept[2]
    )
    live = load_live_week(session=db, week_start=week_start)
    assert check_plan(live.now_week, live.now_plan) == []
    return Lived(full.id, theirs.instructor, theirs.id, maker, waiting - len(leaving))
