"""Fairness across weeks: the records count who missed out lately, and new weeks take it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import event, select, update
from sqlmodel import Session

from scheduler.core import models
from scheduler.core.config import get_settings
from scheduler.jobs.nightly import run_night
from scheduler.planning.fairness import (
    RECENT_WEEKS,
    fill_missed_weeks,
    missed_weeks_from_records,
)
from scheduler.planning.solving import solve_week, start_week
from scheduler.store.plans import save_plan
from scheduler.store.weeks import save_week, week_row
from solver.domain import Week
from solver.explain import explain_unplaced
from tests import stored
from tests.builders import allocation, client, plan, reformer, room, session, venue, want, week

MONDAYS = ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]
NEW_WEEK = "2026-12-07"
MORNING = [("mon", "09:00", "10:30")]
TUESDAY = [("tue", "09:00", "10:30")]
CLASS = session("reformer", "mon", "09:30")


def studio(week_start: str, clients: list[str], hours=MORNING, **missed: int) -> Week:
    """One room with one reformer; every client wants one reformer class in `hours` (by
    default Monday morning, where one class fits)."""
    return week(
        venues=[venue(rooms=[room(reformers=[reformer("R1")])])],
        clients=[
            client(c, availability=hours, missed_weeks=missed.get(c, 0), name=c.title())
            for c in clients
        ],
        week_start=week_start,
    )


def published_week(
    db: Session,
    week_start: str,
    clients: list[str],
    placed: str,
    hours=MORNING,
    **missed: int,
) -> Week:
    """The week stored, published with `placed` in its one class and the rest of its
    clients recorded as missing out."""
    the_week = studio(week_start, clients, hours, **missed)
    the_plan = plan([CLASS], [allocation(placed, CLASS, "R1")])
    stored.publish(db, the_week, replace(the_plan, unplaced=explain_unplaced(the_week, the_plan)))
    return the_week


def pause(db: Session, week_start: str, key: str, active: bool = False) -> None:
    """Pause the client in the stored week (or, `active`, bring them back)."""
    week_id = week_row(session=db, week_start=week_start).id
    db.execute(
        update(models.Client)
        .where(models.Client.week_id == week_id, models.Client.key == key)
        .values(active=active)
    )
    db.commit()


def missed_by_client(db: Session, week_start: str) -> dict[str, int]:
    """Each stored client's `missed_weeks` in the week, paused ones too."""
    db.expire_all()
    week_id = week_row(session=db, week_start=week_start).id
    query = select(models.Client.key, models.Client.missed_weeks).where(
        models.Client.week_id == week_id
    )
    return dict(db.execute(query).all())


# --- The records -------------------------------------------------------------------------------


def test_each_client_counts_the_recent_published_weeks_they_missed_out_in(db_session):
    published_week(db_session, MONDAYS[0], ["ann", "bob", "cat"], "ann")
    published_week(db_session, MONDAYS[1], ["ann", "bob", "cat"], "bob")

    missed = missed_weeks_from_records(session=db_session, week_start=NEW_WEEK)

    assert missed == {"ann": 1, "bob": 1, "cat": 2}
    assert missed["someone-new"] == 0


def test_a_want_only_partly_met_is_a_week_missed_out(db_session):
    the_week = replace(
        studio(MONDAYS[0], ["ann"]),
        clients=(client("ann", availability=MORNING, wants=[want("reformer", 2)]),),
    )
    the_plan = plan([CLASS], [allocation("ann", CLASS, "R1")])
    stored.publish(
        db_session, the_week, replace(the_plan, unplaced=explain_unplaced(the_week, the_plan))
    )

    assert missed_weeks_from_records(session=db_session, week_start=NEW_WEEK) == {"ann": 1}


def test_only_the_last_four_published_weeks_count_and_unpublished_weeks_are_skipped(db_session):
    for monday in MONDAYS:
        published_week(db_session, monday, ["ann", "bob"], "ann" if monday == MONDAYS[0] else "bob")
    # A week with only a draft says nothing of who got a place.
    draft_only = studio("2026-10-26", ["ann", "bob"])
    save_week(session=db_session, week=draft_only)
    save_plan(session=db_session, week_start=draft_only.week_start, plan=plan([CLASS]))
    db_session.commit()

    missed = missed_weeks_from_records(session=db_session, week_start=NEW_WEEK)

    # Bob missed out in the first of five published weeks, Ann in the four after it.
    assert RECENT_WEEKS == 4
    assert missed == {"ann": 4}


def test_the_week_itself_and_the_weeks_after_it_are_not_its_records(db_session):
    for monday in MONDAYS[2:]:
        published_week(db_session, monday, ["ann", "bob"], "ann")

    assert missed_weeks_from_records(session=db_session, week_start=MONDAYS[3]) == {"bob": 1}


def test_a_client_paused_in_a_week_did_not_miss_out_in_it(db_session):
    published_week(db_session, MONDAYS[0], ["ann", "bob", "cat"], "ann")
    published_week(db_session, MONDAYS[1], ["ann", "bob", "cat"], "ann")
    pause(db_session, MONDAYS[1], "bob")

    assert missed_weeks_from_records(session=db_session, week_start=NEW_WEEK) == {
        "bob": 1,
        "cat": 2,
    }


def test_the_published_version_counts_not_a_newer_draft(db_session):
    the_week = published_week(db_session, MONDAYS[0], ["ann", "bob"], "ann")
    redraft = plan([CLASS], [allocation("bob", CLASS, "R1")])
    save_plan(
        session=db_session,
        week_start=MONDAYS[0],
        plan=replace(redraft, unplaced=explain_unplaced(the_week, redraft)),
    )
    db_session.commit()

    assert missed_weeks_from_records(session=db_session, week_start=NEW_WEEK) == {"bob": 1}


def statements_run(db: Session, call):
    """What `call()` returns, and how many SQL statements it ran."""
    ran = []

    def count(*_args):
        ran.append(1)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, len(ran)


def test_a_week_of_700_clients_is_counted_and_filled_in_a_few_statements(db_session):
    crowd = [f"c{i:03d}" for i in range(700)]
    for monday in MONDAYS[:2]:
        published_week(db_session, monday, crowd, "c000")
    save_week(session=db_session, week=studio(NEW_WEEK, crowd))
    db_session.commit()

    missed, counting = statements_run(
        db_session, lambda: missed_weeks_from_records(session=db_session, week_start=NEW_WEEK)
    )
    _, filling = statements_run(
        db_session, lambda: fill_missed_weeks(session=db_session, week_start=NEW_WEEK)
    )
    db_session.commit()

    assert len(missed) == 699 and set(missed.values()) == {2}
    assert counting <= 2
    assert filling <= 8
    assert set(missed_by_client(db_session, NEW_WEEK).values()) == {0, 2}


# --- New weeks ---------------------------------------------------------------------------------


def test_a_week_started_from_the_last_gets_each_clients_missed_weeks_from_records(db_session):
    published_week(db_session, MONDAYS[3], ["ann", "bob", "cat"], "ann", ann=3, bob=3, cat=3)
    published_week(db_session, MONDAYS[4], ["ann", "bob", "cat"], "bob", ann=3, bob=3, cat=3)
    for monday in MONDAYS[:3]:
        published_week(db_session, monday, ["ann", "bob", "cat"], "ann")
    pause(db_session, MONDAYS[4], "cat")

    start_week(session=db_session, week_start=NEW_WEEK)

    # Four weeks on record: Ann missed out in the last two, Bob in all but the last, and Cat,
    # paused in the last, in the three before it. The copied figures (3) give way.
    assert missed_by_client(db_session, NEW_WEEK) == {"ann": 1, "bob": 3, "cat": 3}


def test_with_no_published_week_before_it_a_new_week_keeps_the_owners_figures(db_session):
    save_week(session=db_session, week=studio(MONDAYS[4], ["ann", "bob"], ann=2))
    db_session.commit()

    start_week(session=db_session, week_start=NEW_WEEK)

    assert missed_by_client(db_session, NEW_WEEK) == {"ann": 2, "bob": 0}


def test_the_owners_figures_from_before_the_records_fade_out_over_the_first_weeks(db_session):
    # The first week on record: the owner imported Ann's 3 weeks and Bob's 1; Bob missed out.
    published_week(db_session, MONDAYS[2], ["ann", "bob", "cat"], "ann", ann=3, bob=1)
    start_week(session=db_session, week_start=MONDAYS[3])
    # One week on record leaves three of the four before the records: Ann's 3 still fit.
    assert missed_by_client(db_session, MONDAYS[3]) == {"ann": 3, "bob": 2, "cat": 1}

    published_week(db_session, MONDAYS[3], ["ann", "bob", "cat"], "ann")
    published_week(db_session, MONDAYS[4], ["ann", "bob", "cat"], "ann")
    start_week(session=db_session, week_start=NEW_WEEK)

    # Three weeks on record leave one: the owner's figures count at most 1 more.
    assert missed_by_client(db_session, NEW_WEEK) == {"ann": 1, "bob": 4, "cat": 3}


def test_the_new_week_gives_a_freed_place_to_the_client_who_missed_out_before(db_session):
    # Ann had the one place; Bob missed out; Cat was away.
    published_week(db_session, MONDAYS[4], ["ann", "bob", "cat"], "ann")
    pause(db_session, MONDAYS[4], "cat")
    start_week(session=db_session, week_start=NEW_WEEK)
    # This week Ann is away and Cat is back: Bob and Cat want the place Ann leaves.
    pause(db_session, NEW_WEEK, "ann")
    pause(db_session, NEW_WEEK, "cat", active=True)

    row = solve_week(session=db_session, week_start=NEW_WEEK, time_limit=3)

    the_plan = stored.checked_stored_plan(db_session, row.id)
    assert [a.client for a in the_plan.allocations] == ["bob"]
    assert the_plan.objective.fairness_points == 1


def test_a_new_week_solved_as_a_copy_is_solved_and_stored_with_the_records_figures(db_session):
    # Bob is free on Tuesday too, where a class could have run for him but did not.
    published_week(db_session, MONDAYS[4], ["ann", "bob"], "ann", MORNING + TUESDAY)

    row = solve_week(
        session=db_session,
        week_start=NEW_WEEK,
        time_limit=3,
        copy_from=date.fromisoformat(MONDAYS[4]),
    )

    assert missed_by_client(db_session, NEW_WEEK) == {"ann": 0, "bob": 1}
    the_plan = stored.checked_stored_plan(db_session, row.id)
    assert sorted(a.client for a in the_plan.allocations) == ["ann", "bob"]
    # The solve saw Bob's missed week: his place is worth a fairness point.
    assert (row.fairness_points, the_plan.objective.fairness_points) == (1, 1)


def test_the_night_that_starts_the_coming_week_fills_in_missed_weeks(database_url, db_session):
    published_week(db_session, MONDAYS[4], ["ann", "bob", "cat"], "ann")
    settings = get_settings({"DATABASE_URL": database_url, "AUTO_PUBLISH": "false"})

    outcome = run_night(settings=settings, night=date(2026, 12, 3), time_limit=3)

    assert outcome.status == "succeeded", outcome.message
    assert missed_by_client(db_session, NEW_WEEK) == {"ann": 0, "bob": 1, "cat": 1}
