"""A week saved and loaded again is the same week; plans keep their versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event, func, select

from scheduler.core import models
from scheduler.formats.week import normalise_week_json, week_to_json
from scheduler.formats.week import read_week_file as read_week_file
from scheduler.store.plans import (
    find_plan,
    load_stored_plan,
    mark_published,
    plan_session_keys,
    plan_versions,
    plan_with_week,
    published_plan,
    save_plan,
    weeks_with_published_plan,
)
from scheduler.store.weeks import (
    WeekNotFound,
    copy_week_forward,
    load_stored_week,
    save_week,
    week_data_row,
    week_starts,
)
from solver.domain import Objective
from tests.builders import allocation, client, example_names, plan, session, want, week
from tests.stored import same_week


@pytest.mark.parametrize("name", example_names())
def test_every_example_week_loads_back_as_it_was_saved(name, examples_dir, db_session):
    original = read_week_file(examples_dir / name)
    save_week(session=db_session, week=original)
    db_session.commit()
    db_session.expunge_all()
    assert same_week(load_stored_week(session=db_session, week_start=original.week_start), original)


def test_saving_a_week_again_replaces_it_whole(db_session):
    first = week(clients=[client("c1"), client("c2")])
    save_week(session=db_session, week=first)
    second = replace(first, clients=(client("c3", level="advanced"),), grid_minutes=5)
    save_week(session=db_session, week=second)
    db_session.commit()
    loaded = load_stored_week(session=db_session, week_start=first.week_start)
    assert same_week(loaded, second)
    assert db_session.exec(select(func.count()).select_from(models.Week)).scalar_one() == 1


def test_a_paused_client_is_left_out_of_the_week_the_solver_sees(db_session):
    w = week(clients=[client("c1"), client("c2")])
    row = save_week(session=db_session, week=w)
    paused = db_session.exec(
        select(models.Client).where(models.Client.week_id == row.id, models.Client.key == "c2")
    ).scalar_one()
    paused.active = False
    db_session.commit()
    assert [
        c.id for c in load_stored_week(session=db_session, week_start=w.week_start).clients
    ] == ["c1"]


def test_copying_a_week_forward_keeps_the_business_and_paused_clients(db_session):
    w = week(clients=[client("c1"), client("c2")])
    row = save_week(session=db_session, week=w, class_type_prices={"reformer": 1800})
    db_session.exec(
        select(models.Client).where(models.Client.week_id == row.id, models.Client.key == "c2")
    ).scalar_one().active = False
    db_session.flush()
    copy_week_forward(session=db_session, from_week=w.week_start, to_week="2026-12-07")
    db_session.commit()
    copied = load_stored_week(session=db_session, week_start="2026-12-07")
    assert same_week(copied, replace(w, week_start="2026-12-07", clients=w.clients[:1]))
    paused = db_session.exec(
        select(models.Client.active)
        .join(models.Week)
        .where(models.Week.week_start == date(2026, 12, 7), models.Client.key == "c2")
    ).scalar_one()
    assert paused is False
    prices = db_session.exec(
        select(models.ClassType.price_pence)
        .join(models.Week)
        .where(models.Week.week_start == date(2026, 12, 7), models.ClassType.key == "reformer")
    ).scalar_one()
    assert prices == 1800
    assert week_starts(session=db_session) == [date.fromisoformat(w.week_start), date(2026, 12, 7)]


def test_a_price_and_an_instructor_email_survive_a_reimport_of_the_week(db_session):
    w = week()
    save_week(
        session=db_session,
        week=w,
        class_type_prices={"mat": 1200},
        instructor_emails={"jo": "jo@example.com"},
    )
    save_week(session=db_session, week=w)
    db_session.commit()
    assert (
        db_session.exec(
            select(models.ClassType.price_pence).where(models.ClassType.key == "mat")
        ).scalar_one()
        == 1200
    )
    assert (
        db_session.exec(
            select(models.Instructor.email).where(models.Instructor.key == "jo")
        ).scalar_one()
        == "jo@example.com"
    )


def test_every_client_gets_one_calendar_secret_that_a_reimport_keeps(db_session):
    w = week(clients=[client("c1"), client("c2")])
    save_week(session=db_session, week=w)
    before = dict(
        db_session.exec(select(models.ClientAccount.key, models.ClientAccount.ical_secret)).all()
    )
    save_week(session=db_session, week=w)
    after = dict(
        db_session.exec(select(models.ClientAccount.key, models.ClientAccount.ical_secret)).all()
    )
    assert set(before) == {"c1", "c2"}
    assert before == after
    assert len(set(after.values())) == 2


def test_loading_a_week_never_stored_says_which(db_session):
    with pytest.raises(WeekNotFound, match="2030-01-07"):
        load_stored_week(session=db_session, week_start="2030-01-07")


def _plan_for(w):
    s = session("reformer", "tue", "09:30")
    return plan(
        sessions=[s], allocations=[allocation(c.id, s.id, reformer="R1") for c in w.clients[:1]]
    )


def test_plans_are_numbered_and_the_current_one_is_the_latest_published(db_session):
    w = week(clients=[client("c1", wants=[want("reformer")])])
    save_week(session=db_session, week=w)
    p = _plan_for(w)
    first = save_plan(session=db_session, week_start=w.week_start, plan=p, status="published")
    draft = save_plan(session=db_session, week_start=w.week_start, plan=p)
    db_session.commit()
    assert (first.version, draft.version) == (1, 2)
    assert published_plan(session=db_session, week_start=w.week_start).id == first.id
    assert find_plan(session=db_session, week_start=w.week_start).id == draft.id
    mark_published(session=db_session, plan_id=draft.id)
    assert published_plan(session=db_session, week_start=w.week_start).id == draft.id


def test_a_saved_plan_loads_back_as_it_was(db_session):
    w = week(clients=[client("c1", wants=[want("reformer")])])
    save_week(session=db_session, week=w)
    p = _plan_for(w)
    row = save_plan(session=db_session, week_start=w.week_start, plan=p)
    db_session.commit()
    db_session.expunge_all()
    assert load_stored_plan(session=db_session, plan_id=row.id) == p


def test_a_plan_survives_a_reimport_of_its_week(db_session):
    w = week(clients=[client("c1", wants=[want("reformer")])])
    save_week(session=db_session, week=w)
    p = _plan_for(w)
    row = save_plan(session=db_session, week_start=w.week_start, plan=p)
    save_week(session=db_session, week=replace(w, clients=(client("c9"),)))
    db_session.commit()
    assert load_stored_plan(session=db_session, plan_id=row.id) == p


def test_a_plan_with_an_allocation_to_a_session_it_lacks_is_refused(db_session):
    w = week(clients=[client("c1", wants=[want("reformer")])])
    save_week(session=db_session, week=w)
    p = _plan_for(w)
    with pytest.raises(ValueError, match="nowhere"):
        save_plan(
            session=db_session,
            week_start=w.week_start,
            plan=replace(p, allocations=(replace(p.allocations[0], session="nowhere"),)),
        )


def test_a_week_document_survives_the_database(db_session):
    w = week(clients=[client("c1", wants=[want("reformer")])])
    save_week(session=db_session, week=w)
    db_session.commit()
    loaded = load_stored_week(session=db_session, week_start=w.week_start)
    assert normalise_week_json(week_to_json(loaded)) == normalise_week_json(week_to_json(w))


def statements_run(db_session, call):
    """What `call()` returns, and how many SQL statements it ran."""
    ran = []

    def count(*_args):
        ran.append(1)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, len(ran)


def test_a_weeks_plan_versions_come_newest_first_each_with_its_week(db_session):
    w = week(clients=[client("c1", wants=[want("reformer")])])
    week_row = save_week(session=db_session, week=w)
    p = _plan_for(w)
    rows = [save_plan(session=db_session, week_start=w.week_start, plan=p) for _ in range(3)]
    db_session.commit()
    versions = plan_versions(session=db_session, week_id=week_row.id)
    assert [v.version for v in versions] == [3, 2, 1]
    plan_row, its_week = plan_with_week(session=db_session, plan_id=rows[1].id)
    assert (plan_row.version, its_week.week_start.isoformat()) == (2, w.week_start)
    assert plan_with_week(session=db_session, plan_id=rows[-1].id + 1) is None
    assert plan_session_keys(session=db_session, plan_id=rows[0].id) == [s.id for s in p.sessions]


def test_every_week_is_listed_with_its_current_published_plan_in_one_query(db_session):
    first = week(clients=[client("c1", wants=[want("reformer")])])
    second = replace(first, week_start="2026-12-07")
    third = replace(first, week_start="2026-12-14")
    for w in (third, first, second):
        save_week(session=db_session, week=w)
    p = _plan_for(first)
    for status in ("published", "published", "draft"):
        save_plan(session=db_session, week_start=first.week_start, plan=p, status=status)
    save_plan(session=db_session, week_start=second.week_start, plan=p)
    db_session.commit()
    listed, statements = statements_run(
        db_session, lambda: weeks_with_published_plan(session=db_session)
    )
    assert statements == 1
    assert [(w.week_start.isoformat(), plan.version if plan else None) for w, plan in listed] == [
        ("2026-11-30", 2),
        ("2026-12-07", None),
        ("2026-12-14", None),
    ]


def test_a_weeks_row_is_found_by_its_key_in_that_week_only(db_session):
    first = week(clients=[client("c1"), client("c2")])
    save_week(session=db_session, week=first)
    save_week(session=db_session, week=replace(first, week_start="2026-12-07"))
    db_session.commit()
    row = week_data_row(
        session=db_session, week_start=first.week_start, model=models.Client, key="c2"
    )
    assert row.key == "c2"
    assert db_session.get(models.Week, row.week_id).week_start.isoformat() == first.week_start
    assert (
        week_data_row(session=db_session, week_start="2026-11-30", model=models.Venue, key="x")
        is None
    )
    assert (
        week_data_row(session=db_session, week_start="2027-01-04", model=models.Client, key="c1")
        is None
    )


def test_missed_weeks_and_fairness_points_survive_the_database(db_session):
    w = week(clients=[client("c1", missed_weeks=4), client("c2")])
    save_week(session=db_session, week=w)
    p = replace(_plan_for(w), objective=Objective(1, 4, 0, 50))
    row = save_plan(session=db_session, week_start=w.week_start, plan=p)
    db_session.commit()
    db_session.expunge_all()
    loaded = load_stored_week(session=db_session, week_start=w.week_start)
    assert [c.missed_weeks for c in loaded.clients] == [4, 0]
    assert load_stored_plan(session=db_session, plan_id=row.id).objective.fairness_points == 4
