"""Publishing an older version while a newer one is live: it replaces the live one."""

from __future__ import annotations

from scheduler.clients.week import current_plan
from scheduler.planning.edits import move_client
from scheduler.planning.publish import preview_publish, publish_plan
from scheduler.planning.solving import solve_week
from scheduler.store.plans import (
    load_stored_plan,
    published_plan,
    save_plan,
    weeks_with_published_plan,
)
from scheduler.store.weeks import load_stored_week, save_week
from solver.checker import check_plan
from tests.builders import client, venue, week

WEEK = "2026-11-30"
MONDAY = [("mon", "09:00", "12:00")]
TUESDAY = [("tue", "09:00", "12:00")]


def checked(db_session, row):
    the_plan = load_stored_plan(session=db_session, plan_id=row.id)
    assert check_plan(load_stored_week(session=db_session, week_start=WEEK), the_plan) == []
    return the_plan


def older_draft_and_newer_live(db_session):
    """Version 1 a draft; version 2 (c5 moved to the other day by hand) published."""
    save_week(
        session=db_session,
        week=week(
            venues=[venue(open=MONDAY + TUESDAY)],
            clients=[
                client("c1", availability=MONDAY),
                client("c3", availability=TUESDAY),
                client("c5", availability=MONDAY + TUESDAY),
            ],
        ),
    )
    db_session.commit()
    first = solve_week(session=db_session, week_start=WEEK, time_limit=3)
    plan = checked(db_session, first)
    second = save_plan(session=db_session, week_start=WEEK, plan=plan)
    c5 = next(a for a in plan.allocations if a.client == "c5")
    other = next(s for s in plan.sessions if s.id != c5.session)
    move_client(
        session=db_session,
        plan_id=second.id,
        client="c5",
        from_session=c5.session,
        to_session=other.id,
    )
    checked(db_session, second)
    publish_plan(session=db_session, plan_id=second.id)
    return first, second


def test_publishing_an_older_version_makes_it_the_one_clients_see(db_session):
    first, second = older_draft_and_newer_live(db_session)

    preview = preview_publish(session=db_session, plan_id=first.id)
    assert (preview.version, preview.previous_version) == (1, 2)
    assert [c.client for c in preview.moved] == ["c5"]

    done = publish_plan(session=db_session, plan_id=first.id)

    assert (done.version, done.previous_version) == (1, 2)
    assert [c.client for c in done.moved] == ["c5"]
    db_session.expire_all()
    live = published_plan(session=db_session, week_start=WEEK)
    assert live.id == first.id
    assert current_plan(session=db_session, week_id=live.week_id).id == first.id
    assert [p.id for _, p in weeks_with_published_plan(session=db_session)] == [first.id]
    assert db_session.get(type(second), second.id).status == "draft"
    checked(db_session, live)


def test_the_live_version_is_compared_with_the_one_it_replaced(db_session):
    first, second = older_draft_and_newer_live(db_session)
    publish_plan(session=db_session, plan_id=first.id)

    again = preview_publish(session=db_session, plan_id=first.id)

    assert again.previous_version == 2
    assert [c.client for c in again.moved] == ["c5"]
