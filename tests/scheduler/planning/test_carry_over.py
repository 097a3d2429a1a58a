"""A published plan carried into a changed studio: what the week no longer has goes, said so."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from scheduler.core import models
from scheduler.planning.solving import solve_week
from scheduler.store.plans import load_stored_plan
from scheduler.store.weeks import load_stored_week, save_week
from solver.checker import check_plan
from tests import stored
from tests.builders import (
    allocation,
    class_type,
    client,
    instructor,
    plan,
    reformer,
    room,
    session,
    venue,
    want,
    week,
)

WEEK = "2026-11-30"
NEXT_WEEK = "2026-12-07"
SECONDS = 3.0

HALL = session("reformer", "tue", "10:30", room="hitchin-hall")
STUDIO = session("reformer", "mon", "09:30", instructor="sam")
LETCHWORTH = session("reformer", "wed", "18:00", room="letchworth-studio", venue="letchworth")
OPEN = [("mon", "09:00", "12:00"), ("tue", "09:00", "12:00"), ("wed", "17:00", "20:00")]


def studio(
    *,
    hall_reformers=("R1", "R2", "R3"),
    with_hall=True,
    with_letchworth=True,
    reformer_id="reformer",
    with_sam=True,
    clients=("c1", "c2", "c3", "c4"),
    week_start=WEEK,
):
    """Hitchin (a studio and a hall) and Letchworth; Jo and Sam teach the reformer class."""
    rooms = [room("hitchin-studio")]
    if with_hall:
        rooms.append(room("hitchin-hall", reformers=[reformer(r) for r in hall_reformers]))
    venues = [venue("hitchin", open=OPEN, rooms=rooms)]
    if with_letchworth:
        venues.append(venue("letchworth", open=OPEN))
    where = [v.id for v in venues]
    teachers = [instructor("jo", teaches=[reformer_id], venues=where)]
    if with_sam:
        teachers.append(instructor("sam", teaches=[reformer_id], venues=where))
    return week(
        venues=venues,
        class_types=[class_type(reformer_id, name="Reformer")],
        instructors=teachers,
        clients=[
            client(c, venues=where, wants=[want(reformer_id)], name=c.upper()) for c in clients
        ],
        week_start=week_start,
    )


PUBLISHED = plan(
    [HALL, STUDIO, LETCHWORTH],
    [
        allocation("c1", HALL, "R1"),
        allocation("c2", HALL, "R2"),
        allocation("c3", STUDIO, "R3"),
        allocation("c4", LETCHWORTH, "R1"),
    ],
)

CHANGES = {
    "room": (dict(with_hall=False), "Tuesday 10:30 Reformer at Hitchin · Hall", "the room"),
    "class type": (dict(reformer_id="reformer-flow"), "Monday 09:30 Reformer", "the class type"),
    "reformer": (dict(hall_reformers=("R1", "R3")), "reformer R2", "the reformer"),
    "instructor": (dict(with_sam=False), "with Sam", "the instructor"),
    "client": (dict(clients=("c1", "c2", "c4")), "C3's place", "is not booking this week"),
    "venue": (dict(with_letchworth=False), "at Letchworth", "the venue"),
}


def not_carried(db_session) -> list[str]:
    db_session.expire_all()
    run = db_session.exec(select(models.SolveRun).order_by(models.SolveRun.id.desc())).first()
    assert run.status == "succeeded", run.error
    return run.result["not_carried"]


def checked(db_session, row, week_start):
    """The stored plan, asserted to keep every hard rule of the stored week."""
    the_plan = load_stored_plan(session=db_session, plan_id=row.id)
    assert check_plan(load_stored_week(session=db_session, week_start=week_start), the_plan) == []
    return the_plan


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_changed_next_week_drops_what_it_no_longer_has_and_says_so(db_session, change):
    changed, names, why = CHANGES[change]
    stored.publish(db_session, studio(), PUBLISHED)
    save_week(session=db_session, week=studio(week_start=NEXT_WEEK, **changed))
    db_session.commit()

    row = solve_week(session=db_session, week_start=NEXT_WEEK, time_limit=SECONDS)

    checked(db_session, row, NEXT_WEEK)
    said = not_carried(db_session)
    assert any(names in line and why in line and "not carried over" in line for line in said), said


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_resolve_after_reimporting_a_changed_week_drops_what_it_no_longer_has(db_session, change):
    changed, _, why = CHANGES[change]
    stored.publish(db_session, studio(), PUBLISHED)
    save_week(session=db_session, week=studio(**changed))
    db_session.commit()

    row = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)

    checked(db_session, row, WEEK)
    assert any(why in line for line in not_carried(db_session))


def test_the_places_that_still_stand_are_kept_when_a_room_closes(db_session):
    stored.publish(db_session, studio(), PUBLISHED)
    save_week(session=db_session, week=studio(week_start=NEXT_WEEK, with_hall=False))
    db_session.commit()

    row = solve_week(session=db_session, week_start=NEXT_WEEK, time_limit=SECONDS)

    after = checked(db_session, row, NEXT_WEEK)
    kept = {a for a in PUBLISHED.allocations if a.session != HALL.id}
    assert kept <= set(after.allocations)
    assert HALL.id not in {s.id for s in after.sessions}


def test_an_unchanged_week_carries_everything_and_says_nothing(db_session):
    stored.publish(db_session, studio(), PUBLISHED)
    save_week(session=db_session, week=replace(studio(), week_start=NEXT_WEEK))
    db_session.commit()

    row = solve_week(session=db_session, week_start=NEXT_WEEK, time_limit=SECONDS)

    assert set(PUBLISHED.allocations) <= set(checked(db_session, row, NEXT_WEEK).allocations)
    assert not_carried(db_session) == []


def closed_hall_next_week(db_session):
    """Last week published with a class in the hall; next week stored without the hall."""
    stored.publish(db_session, studio(), PUBLISHED)
    save_week(session=db_session, week=studio(week_start=NEXT_WEEK, with_hall=False))
    db_session.commit()


HALL_GONE = "Tuesday 10:30 Reformer at Hitchin · Hall with Jo was not carried over"


def test_reformer_solve_week_prints_what_was_not_carried_over(db_session, runner):
    from cli import cli

    closed_hall_next_week(db_session)
    result = runner.invoke(cli, ["solve", "--week", NEXT_WEEK, "--time-limit", "3"])
    assert result.exit_code == 0, result.output
    assert f"{HALL_GONE}: the room is no longer in the week" in result.output
    db_session.expire_all()
    checked(db_session, db_session.exec(select(models.Plan)).all()[-1], NEXT_WEEK)


def test_the_run_page_lists_what_was_not_carried_over(db_session, client, owner_login):
    closed_hall_next_week(db_session)
    row = solve_week(session=db_session, week_start=NEXT_WEEK, time_limit=SECONDS)
    checked(db_session, row, NEXT_WEEK)
    run = db_session.exec(select(models.SolveRun)).one()
    page = client.get(f"/owner/runs/{run.id}")
    assert page.status_code == 200
    assert HALL_GONE in page.get_data(as_text=True)
