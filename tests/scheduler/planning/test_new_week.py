"""Starting a new week from an earlier one: `reformer week new` and the owner's button."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import select

from cli import cli
from scheduler.core import models
from scheduler.store.plans import save_plan
from scheduler.store.weeks import load_stored_week, save_week, week_row
from tests import builders as b

LAST_WEEK = "2026-11-23"
NEW_WEEK = "2026-11-30"
MONDAY = [("mon", "09:00", "12:00")]


def _stored(db_session, week_start: str, *client_ids: str):
    """A week of `client_ids` with a published plan (one class for the first client)."""
    the_week = b.week(
        clients=[b.client(c, availability=MONDAY) for c in client_ids], week_start=week_start
    )
    save_week(session=db_session, week=the_week)
    mon = b.session("reformer", "mon", "09:30")
    save_plan(
        session=db_session,
        week_start=week_start,
        plan=b.plan([mon], [b.allocation(client_ids[0], mon, "R1")]),
        status="published",
    )
    db_session.commit()
    return the_week


def _plan_count(db_session, week_start: str) -> int:
    db_session.expire_all()
    row = week_row(session=db_session, week_start=week_start)
    return len(db_session.exec(select(models.Plan).where(models.Plan.week_id == row.id)).all())


def test_week_new_copies_the_business_and_clients_forward_without_plans(db_session, runner):
    last = _stored(db_session, LAST_WEEK, "ann", "bob")

    result = runner.invoke(cli, ["week", "new", "--from", LAST_WEEK, "--to", NEW_WEEK])

    assert result.exit_code == 0, result.output
    assert f"started the week of {NEW_WEEK} from the week of {LAST_WEEK}" in result.output
    copied = load_stored_week(session=db_session, week_start=NEW_WEEK)
    assert replace(copied, week_start=LAST_WEEK) == last
    assert _plan_count(db_session, NEW_WEEK) == 0
    assert _plan_count(db_session, LAST_WEEK) == 1


def test_week_new_starts_from_the_latest_week_before_by_default(db_session, runner):
    _stored(db_session, "2026-11-16", "ann")
    _stored(db_session, LAST_WEEK, "bob")
    _stored(db_session, "2026-12-07", "cat")

    result = runner.invoke(cli, ["week", "new", "--to", NEW_WEEK])

    assert result.exit_code == 0, result.output
    copied = load_stored_week(session=db_session, week_start=NEW_WEEK)
    assert [c.id for c in copied.clients] == ["bob"]


def test_week_new_refuses_a_week_already_stored_and_leaves_it_as_it_was(db_session, runner):
    _stored(db_session, LAST_WEEK, "ann")
    _stored(db_session, NEW_WEEK, "bob")

    result = runner.invoke(cli, ["week", "new", "--from", LAST_WEEK, "--to", NEW_WEEK])

    assert result.exit_code == 1
    assert "already stored" in result.output
    assert [c.id for c in load_stored_week(session=db_session, week_start=NEW_WEEK).clients] == [
        "bob"
    ]
    assert _plan_count(db_session, NEW_WEEK) == 1


def test_week_new_with_no_earlier_week_says_so(db_session, runner):
    result = runner.invoke(cli, ["week", "new", "--to", NEW_WEEK])

    assert result.exit_code == 1
    assert "no week is stored before 2026-11-30" in result.output


def test_week_new_refuses_to_copy_backwards_or_onto_a_day_not_a_monday(db_session, runner):
    _stored(db_session, NEW_WEEK, "ann")

    backwards = runner.invoke(cli, ["week", "new", "--from", NEW_WEEK, "--to", LAST_WEEK])
    tuesday = runner.invoke(cli, ["week", "new", "--to", "2026-12-08"])

    assert backwards.exit_code == 2 and "must come before" in backwards.output
    assert tuesday.exit_code == 2 and "a week starts on a Monday" in tuesday.output
    assert week_row(session=db_session, week_start=LAST_WEEK) is None


def test_the_owner_starts_a_week_not_yet_stored_from_the_week_before(
    client, owner_login, db_session
):
    last = _stored(db_session, LAST_WEEK, "ann", "bob")
    assert ">Start the next week: </span>" in client.get(f"/owner/week?start={LAST_WEEK}").text

    offer = client.get(f"/owner/week?start={NEW_WEEK}")
    assert offer.status_code == 404
    assert "Start this week from the week of 23 November" in offer.text

    started = client.post(f"/owner/week/{NEW_WEEK}/start", follow_redirects=True)

    assert started.status_code == 200
    assert "started from the week of 23 November" in started.text
    assert "Not solved yet" in started.text
    copied = load_stored_week(session=db_session, week_start=NEW_WEEK)
    assert replace(copied, week_start=LAST_WEEK) == last
    assert _plan_count(db_session, NEW_WEEK) == 0


def test_a_week_with_nothing_before_it_offers_no_button(client, owner_login, db_session):
    _stored(db_session, NEW_WEEK, "ann")

    page = client.get(f"/owner/week?start={LAST_WEEK}")

    assert page.status_code == 404
    assert "no earlier week to start it from" in page.text
    assert "Start this week" not in page.text
