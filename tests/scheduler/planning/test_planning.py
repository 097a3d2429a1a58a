"""Planning services: solving, re-solving around the published plan, publishing, checked edits."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

import pytest
from sqlmodel import select

from scheduler.clients.mail import SmtpSettings, changes_between
from scheduler.core import models
from scheduler.core.changes import diff_plans
from scheduler.core.names import weekday_time
from scheduler.planning import solving
from scheduler.planning.edits import (
    move_client,
    pin_place,
    set_instructor_availability,
    set_reformer_in_service,
    unpin_session,
    update_instructor,
)
from scheduler.planning.errors import FieldRefused, PlanningError, RuleBroken
from scheduler.planning.pins import standing_pins
from scheduler.planning.publish import preview_publish, publish_plan
from scheduler.planning.solving import (
    solve_run_state,
    solve_run_week,
    solve_week,
    start_background_solve,
    start_week,
)
from scheduler.store.plans import find_plan, load_stored_plan, published_plan, save_plan
from scheduler.store.weeks import load_stored_week, save_week, week_row
from solver.checker import check_plan
from tests.builders import (
    allocation,
    at,
    class_type,
    client,
    instructor,
    pinned_session,
    plan,
    session,
    venue,
    week,
)
from tests.smtp_sink import running_sink

WEEK = "2026-11-30"
NEXT_WEEK = "2026-12-07"
SECONDS = 3.0


MONDAY = [("mon", "09:00", "12:00")]
TUESDAY = [("tue", "09:00", "12:00")]


def studio_week(clients=None, **kwargs):
    """Hitchin open Monday and Tuesday mornings (3 reformers); c1, c2 free on Monday only,
    c3, c4 on Tuesday only, c5 on both: each wants one reformer class."""
    if clients is None:
        clients = [
            client("c1", availability=MONDAY),
            client("c2", availability=MONDAY),
            client("c3", availability=TUESDAY),
            client("c4", availability=TUESDAY),
            client("c5", availability=MONDAY + TUESDAY),
        ]
    return week(
        venues=[venue(open=[("mon", "09:00", "12:00"), ("tue", "09:00", "12:00")])],
        clients=clients,
        **kwargs,
    )


def stored(db_session, domain_week):
    save_week(session=db_session, week=domain_week)
    db_session.commit()
    return domain_week


def checked_plan(db_session, plan_id):
    """The stored plan, asserted to keep every hard rule of the stored week."""
    the_plan = load_stored_plan(session=db_session, plan_id=plan_id)
    the_week = load_stored_week(session=db_session, week_start=WEEK)
    assert check_plan(the_week, the_plan) == []
    return the_plan


def test_solve_week_saves_a_checked_draft_and_records_the_run(db_session):
    stored(db_session, studio_week())
    row = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)
    assert row.status == "draft"
    the_plan = checked_plan(db_session, row.id)
    assert {a.client for a in the_plan.allocations} == {"c1", "c2", "c3", "c4", "c5"}
    run = db_session.exec(select(models.SolveRun)).one()
    assert run.status == "succeeded"
    assert run.plan_id == row.id
    assert run.result["priority_places"] == 5
    assert run.added == 5 and run.kept == 0


def test_a_failed_solve_is_recorded_with_its_error_and_writes_no_plan(db_session):
    # A pinned session outside the venue's hours cannot run.
    stored(db_session, studio_week(pinned_sessions=[pinned_session(day="wed", start="15:00")]))
    with pytest.raises(Exception):  # noqa: B017 - whichever error the solver raises
        solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)
    run = db_session.exec(select(models.SolveRun)).one()
    assert run.status == "failed"
    assert run.error
    assert find_plan(session=db_session, week_start=WEEK) is None


def test_resolve_after_a_cancellation_keeps_every_standing_place_to_the_reformer(db_session):
    stored(db_session, studio_week())
    first = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS, publish=True)
    before = checked_plan(db_session, first.id)
    cancelled = db_session.exec(select(models.Client).where(models.Client.key == "c2")).one()
    cancelled.active = False
    db_session.add(cancelled)
    db_session.commit()

    second = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)
    after = checked_plan(db_session, second.id)
    diff = diff_plans(before, after)
    assert [c.client for c in diff.lost] == ["c2"]
    assert diff.moved == () and diff.joined == ()
    standing = {(a.client, a.session, a.reformer) for a in before.allocations if a.client != "c2"}
    assert standing <= {(a.client, a.session, a.reformer) for a in after.allocations}


MONDAY_CLASS = session(day="mon", start="10:45")
TUESDAY_CLASS = session(day="tue", start="09:15")


def last_week_published(db_session, monday: dict[str, str], tuesday: dict[str, str]):
    """Publish this week's plan (clients on reformers in a Monday and a Tuesday class),
    then start next week from it; returns the plan."""
    last_week = plan(
        [MONDAY_CLASS, TUESDAY_CLASS],
        [allocation(c, MONDAY_CLASS, r) for c, r in monday.items()]
        + [allocation(c, TUESDAY_CLASS, r) for c, r in tuesday.items()],
    )
    published = save_plan(session=db_session, week_start=WEEK, plan=last_week)
    publish_plan(session=db_session, plan_id=published.id)
    start_week(session=db_session, week_start=NEXT_WEEK)
    return last_week


def test_a_new_week_keeps_last_weeks_published_places_to_the_reformer(db_session):
    stored(db_session, studio_week())
    last_week = last_week_published(
        db_session, {"c1": "R3", "c2": "R1"}, {"c3": "R2", "c4": "R3", "c5": "R1"}
    )

    row = solve_week(session=db_session, week_start=NEXT_WEEK, time_limit=SECONDS)
    next_week = load_stored_plan(session=db_session, plan_id=row.id)
    assert check_plan(load_stored_week(session=db_session, week_start=NEXT_WEEK), next_week) == []
    assert set(next_week.allocations) == set(last_week.allocations)
    run = db_session.exec(select(models.SolveRun)).one()
    assert run.kept == 5 and run.added == 0 and run.lost == 0


def test_a_class_carried_into_a_new_week_below_its_min_size_is_not_kept(db_session):
    stored(db_session, studio_week(class_types=[class_type("reformer", min_size=2)]))
    last_week = last_week_published(
        db_session, {"c1": "R1", "c2": "R2", "c5": "R3"}, {"c3": "R1", "c4": "R2"}
    )
    next_week_id = week_row(session=db_session, week_start=NEXT_WEEK).id
    leaving = db_session.exec(
        select(models.Client).where(
            models.Client.key == "c4", models.Client.week_id == next_week_id
        )
    ).one()
    leaving.active = False
    db_session.add(leaving)
    db_session.commit()

    row = solve_week(session=db_session, week_start=NEXT_WEEK, time_limit=SECONDS)
    next_week = load_stored_plan(session=db_session, plan_id=row.id)
    the_week = load_stored_week(session=db_session, week_start=NEXT_WEEK)
    # Checked with no pins: no class of the new week runs below two, Tuesday's included.
    assert check_plan(replace(the_week, pinned_sessions=(), pinned_allocations=()), next_week) == []
    assert TUESDAY_CLASS.id not in {s.id for s in next_week.sessions}
    assert set(next_week.allocations) == {
        a for a in last_week.allocations if a.session == MONDAY_CLASS.id
    }


def test_a_place_on_a_reformer_now_out_of_service_keeps_its_class_but_not_the_machine():
    published_session = session()
    published = plan([published_session], [allocation("c1", published_session, "R1")])
    the_week = studio_week(clients=[client("c1")])
    hitchin = the_week.venues[0]
    studio = hitchin.rooms[0]
    broken = replace(
        studio, reformers=(replace(studio.reformers[0], in_service=False),) + studio.reformers[1:]
    )
    the_week = replace(the_week, venues=(replace(hitchin, rooms=(broken,)),))

    pinned, dropped = standing_pins(the_week, published)

    assert [p.id for p in pinned.pinned_sessions] == [published_session.id]
    assert [(p.client, p.reformer) for p in pinned.pinned_allocations] == [("c1", None)]
    assert [v.rule for v in dropped] == [10]


def test_a_session_whose_instructor_is_now_away_is_not_pinned_again():
    published_session = session(day="mon", start="09:30")
    published = plan([published_session], [allocation("c1", published_session, "R1")])
    the_week = studio_week(clients=[client("c1")])
    jo = the_week.instructors[0]
    away_monday = tuple(w for w in jo.availability if w.start >= at("tue", "00:00"))
    the_week = replace(the_week, instructors=(replace(jo, availability=away_monday),))

    pinned, dropped = standing_pins(the_week, published)

    assert pinned.pinned_sessions == () and pinned.pinned_allocations == ()
    assert 2 in {v.rule for v in dropped}


def test_diff_tells_who_moved_joined_and_lost_a_place():
    monday, tuesday = session(day="mon"), session(day="tue")
    before = plan(
        [monday, tuesday],
        [
            allocation("c1", monday, "R1"),
            allocation("c2", monday, "R2"),
            allocation("c3", monday, "R3"),
        ],
    )
    after = plan(
        [monday, tuesday],
        [
            allocation("c1", monday, "R1"),
            allocation("c2", tuesday, "R2"),
            allocation("c4", monday, "R3"),
        ],
    )
    diff = diff_plans(before, after)
    assert diff.kept == 1
    assert [(c.client, c.was.session.id, c.now.session.id) for c in diff.moved] == [
        ("c2", monday.id, tuesday.id)
    ]
    assert [c.client for c in diff.joined] == ["c4"]
    assert [c.client for c in diff.lost] == ["c3"]


def test_a_class_recreated_with_another_instructor_moves_its_clients_not_keeps_them():
    with_jo = session(day="mon", instructor="jo")
    with_kim = replace(with_jo, instructor="kim")  # the solver's id leaves out the instructor
    before = plan([with_jo], [allocation("c1", with_jo, "R1"), allocation("c2", with_jo, "R2")])
    after = plan([with_kim], [allocation("c1", with_kim, "R1"), allocation("c2", with_kim, "R2")])

    diff = diff_plans(before, after)

    assert diff.kept == 0
    assert [(c.client, c.what) for c in diff.moved] == [
        ("c1", ("instructor",)),
        ("c2", ("instructor",)),
    ]
    assert diff.joined == () and diff.lost == ()


def test_an_id_that_now_means_another_time_and_room_is_a_move():
    monday = session(day="mon", start="09:30")
    reused = session(day="tue", start="18:00", room="hitchin-mat-room", id=monday.id)
    diff = diff_plans(
        plan([monday], [allocation("c1", monday, "R1")]),
        plan([reused], [allocation("c1", reused, "R1")]),
    )
    assert diff.kept == 0
    [change] = diff.moved
    assert change.what == ("room", "day", "time")


def test_another_reformer_in_the_same_class_is_a_move_of_the_reformer_only():
    monday = session(day="mon")
    diff = diff_plans(
        plan([monday], [allocation("c1", monday, "R1")]),
        plan([monday], [allocation("c1", monday, "R3")]),
    )
    assert diff.kept == 0
    assert [c.what for c in diff.moved] == [("reformer",)]


def test_a_class_that_comes_back_unchanged_under_another_id_keeps_its_places():
    monday = session(day="mon")
    renamed = replace(monday, id="owner-pinned-monday")
    diff = diff_plans(
        plan([monday], [allocation("c1", monday, "R1")]),
        plan([renamed], [allocation("c1", renamed, "R1")]),
    )
    assert (diff.kept, diff.moved, diff.joined, diff.lost) == (1, (), (), ())


def test_the_clients_e_mailed_are_exactly_the_clients_the_diff_says_changed():
    the_week = week(
        clients=[client(c) for c in ("c1", "c2", "c3", "c4", "c5")],
        instructors=[instructor("jo"), instructor("kim")],
    )
    monday, tuesday = session(day="mon"), session(day="tue")
    monday_kim = replace(monday, instructor="kim")
    before = plan(
        [monday, tuesday],
        [
            allocation("c1", monday, "R1"),
            allocation("c2", monday, "R2"),
            allocation("c3", tuesday, "R1"),
            allocation("c4", tuesday, "R2"),
        ],
    )
    after = plan(
        [monday_kim, tuesday],
        [
            allocation("c1", monday_kim, "R1"),
            allocation("c2", monday_kim, "R2"),
            allocation("c3", tuesday, "R1"),
            allocation("c4", tuesday, "R3"),
            allocation("c5", tuesday, "R2"),
        ],
    )

    diff = diff_plans(before, after)
    told = {c.client: c.lines for c in changes_between(the_week, before, after)}

    assert set(told) == diff.clients == {"c1", "c2", "c4", "c5"}
    assert diff.kept == 1  # c3, exactly as she was
    assert told["c1"] == (
        "Your class has changed: Monday 09:30 reformer at Hitchin with Jo"
        " is now Monday 09:30 reformer at Hitchin with Kim, reformer R1",
    )


def test_a_resolve_that_swaps_the_instructor_counts_no_place_as_kept(db_session):
    jo = instructor("jo", availability=[("mon", "09:00", "12:00")])
    kim = instructor("kim", availability=[("mon", "09:00", "12:00")])
    the_week = week(
        venues=[venue(open=[("mon", "09:00", "12:00")])],
        instructors=[jo, kim],
        clients=[client("c1", availability=MONDAY), client("c2", availability=MONDAY)],
    )
    stored(db_session, the_week)
    first = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS, publish=True)
    teacher = checked_plan(db_session, first.id).sessions[0].instructor
    # The teacher of the published class is away now: only the other can take the morning.
    away = [replace(i, availability=()) if i.id == teacher else i for i in (jo, kim)]
    stored(db_session, replace(the_week, instructors=tuple(away)))

    second = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)
    after = checked_plan(db_session, second.id)

    assert {s.instructor for s in after.sessions} == {"jo", "kim"} - {teacher}
    run = db_session.exec(select(models.SolveRun).where(models.SolveRun.plan_id == second.id)).one()
    assert (run.kept, run.added, run.lost, run.result["moved"]) == (0, 0, 0, 2)
    preview = preview_publish(session=db_session, plan_id=second.id)
    assert (preview.kept, len(preview.moved)) == (0, 2)
    assert all("instructor" in c.what for c in preview.moved)


def test_publish_supersedes_the_previous_version_and_returns_the_diff(db_session):
    stored(db_session, studio_week())
    first = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)
    first_diff = publish_plan(session=db_session, plan_id=first.id)
    assert first_diff.previous_version is None
    assert len(first_diff.joined) == 5

    c5 = next(a for a in checked_plan(db_session, first.id).allocations if a.client == "c5")
    other_day = next(s for s in checked_plan(db_session, first.id).sessions if s.id != c5.session)
    draft = move_client(
        session=db_session,
        plan_id=first.id,
        client="c5",
        from_session=c5.session,
        to_session=other_day.id,
    )
    assert draft.id != first.id and draft.status == "draft"
    checked_plan(db_session, draft.id)
    diff = publish_plan(session=db_session, plan_id=draft.id)
    assert diff.previous_version == first.version and diff.version == draft.version
    assert [(c.client, c.was.session.id, c.now.session.id) for c in diff.moved] == [
        ("c5", c5.session, other_day.id)
    ]
    assert diff.joined == () and diff.lost == ()
    assert published_plan(session=db_session, week_start=WEEK).id == draft.id
    with pytest.raises(PlanningError, match="already published"):
        publish_plan(session=db_session, plan_id=draft.id)


def test_publishing_e_mails_exactly_the_clients_whose_places_changed(db_session):
    stored(db_session, studio_week(clients=[emailed(c) for c in studio_week().clients]))
    first = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS, publish=True)
    c5 = place_of(db_session, first, "c5")
    other_day = next(s for s in checked_plan(db_session, first.id).sessions if s.id != c5.session)
    draft = move_client(
        session=db_session,
        plan_id=first.id,
        client="c5",
        from_session=c5.session,
        to_session=other_day.id,
    )

    with running_sink() as sink:
        diff = publish_plan(
            session=db_session, plan_id=draft.id, smtp=SmtpSettings(sink.host, sink.port)
        )

    assert diff.emailed == ("c5",) and diff.clients == {"c5"}
    assert [r.recipients for r in sink.received] == [["c5@example.org"]]


def test_in_development_without_a_mail_server_the_messages_are_logged(db_session, caplog):
    stored(db_session, studio_week(clients=[emailed(c) for c in studio_week().clients]))
    draft = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)

    with caplog.at_level(logging.WARNING, logger="scheduler.clients.mail"):
        diff = publish_plan(session=db_session, plan_id=draft.id, smtp=None, development=True)

    assert diff.emailed == ()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for who in ("c1", "c2", "c3", "c4", "c5"):
        assert f"e-mail to {who} <{who}@example.org>" in logged
    assert logged.count("New place:") == 5


def emailed(c):
    """The client with an e-mail address, `<id>@example.org`."""
    return replace(c, email=f"{c.id}@example.org")


@pytest.fixture
def solved(db_session):
    """The studio week, solved and published; returns the plan row."""
    stored(db_session, studio_week())
    row = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS, publish=True)
    checked_plan(db_session, row.id)
    return row


def place_of(db_session, row, who):
    return next(
        a
        for a in load_stored_plan(session=db_session, plan_id=row.id).allocations
        if a.client == who
    )


def said(refused):
    """The sentences of a refusal, with the rule each breaks."""
    return [(r.text, r.rule) for r in refused.value.refusals]


def test_moving_a_client_outside_their_hours_is_refused_naming_client_and_class(db_session, solved):
    c1 = place_of(db_session, solved, "c1")
    tuesday = next(
        s
        for s in load_stored_plan(session=db_session, plan_id=solved.id).sessions
        if s.id != c1.session
    )
    with pytest.raises(RuleBroken) as refused:
        move_client(
            session=db_session,
            plan_id=solved.id,
            client="c1",
            from_session=c1.session,
            to_session=tuesday.id,
        )
    class_ = f"{weekday_time(tuesday.start)} reformer at Hitchin"
    assert (f"C1 is not free for {class_} (not free on Tuesdays)", 7) in said(refused)
    assert find_plan(session=db_session, week_start=WEEK).id == solved.id


def test_moving_a_client_onto_a_taken_reformer_is_refused_naming_who_is_on_it(db_session, solved):
    c1, c2 = place_of(db_session, solved, "c1"), place_of(db_session, solved, "c2")
    class_ = f"{weekday_time(at('mon', '09:00'))} reformer at Hitchin"
    words = f"C1 would share reformer {c2.reformer} with c2 in {class_}. (rule 10)"
    with pytest.raises(RuleBroken, match=re.escape(words)):
        move_client(
            session=db_session,
            plan_id=solved.id,
            client="c1",
            from_session=c1.session,
            to_session=c2.session,
            reformer=c2.reformer,
        )


def test_a_reformer_in_use_cannot_be_taken_out_of_service(db_session, solved):
    c1 = place_of(db_session, solved, "c1")
    with pytest.raises(RuleBroken) as refused:
        set_reformer_in_service(
            session=db_session, week_start=WEEK, reformer=c1.reformer, in_service=False
        )
    class_ = f"{weekday_time(at('mon', '09:00'))} reformer at Hitchin"
    assert said(refused) == [
        (
            f"Reformer {c1.reformer} would be out of service, and 1 place stands on it:"
            f" c1 in {class_}",
            10,
        )
    ]
    machine = db_session.exec(
        select(models.Reformer).where(models.Reformer.key == c1.reformer)
    ).one()
    db_session.refresh(machine)
    assert machine.in_service


def test_a_free_reformer_goes_out_of_service(db_session):
    stored(db_session, studio_week(clients=[client("c1", availability=MONDAY)]))
    solved = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)
    the_plan = load_stored_plan(session=db_session, plan_id=solved.id)
    used = {a.reformer for a in the_plan.allocations}
    free = next(r for r in ("R1", "R2", "R3") if r not in used)
    set_reformer_in_service(session=db_session, week_start=WEEK, reformer=free, in_service=False)
    the_week = load_stored_week(session=db_session, week_start=WEEK)
    assert free not in {r.id for r in the_week.venues[0].rooms[0].reformers_in_service}


def test_an_instructor_cannot_be_made_unavailable_when_teaching(db_session, solved):
    tuesday_only = [(at("tue", "09:00"), at("tue", "12:00"), ["hitchin"])]
    words = "Jo is not free to teach Mon 09:00 reformer at Hitchin (not teaching at Hitchin on"
    with pytest.raises(RuleBroken, match=re.escape(words)):
        set_instructor_availability(
            session=db_session, week_start=WEEK, instructor="jo", windows=tuesday_only
        )
    jo = load_stored_week(session=db_session, week_start=WEEK).instructors[0]
    assert any(w.start < at("tue", "00:00") for w in jo.availability)


def jo_as_stored(db_session):
    """Jo's row and availability as the database has them now."""
    db_session.expire_all()
    row = db_session.exec(select(models.Instructor).where(models.Instructor.key == "jo")).one()
    return row, load_stored_week(session=db_session, week_start=WEEK).instructors[0].availability


def jo_edit(**changes):
    """Every value of an instructor edit of Jo, as stored by the builders, with `changes`."""
    values = {
        "name": "Jo",
        "email": None,
        "teaches": ["reformer", "mat", "121-reformer"],
        "max_day_minutes": 600,
        "max_week_minutes": 3000,
        "windows": [(at("mon", "07:00"), at("mon", "21:00"), ["hitchin"])],
    }
    return values | changes


def test_an_instructor_edit_saves_details_teaching_limits_and_hours_together(db_session, solved):
    monday_and_tuesday = [
        (at("mon", "08:00"), at("mon", "13:00"), ["hitchin"]),
        (at("tue", "08:00"), at("tue", "13:00"), ["hitchin"]),
    ]
    update_instructor(
        session=db_session,
        week_start=WEEK,
        instructor="jo",
        **jo_edit(name="Joanna", email="jo@example.com", windows=monday_and_tuesday),
    )
    row, availability = jo_as_stored(db_session)
    assert (row.name, row.email) == ("Joanna", "jo@example.com")
    assert [(w.start, w.end) for w in availability] == [(s, e) for s, e, _ in monday_and_tuesday]
    checked_plan(db_session, solved.id)


def test_an_instructor_edit_refused_by_a_rule_saves_nothing_of_it(db_session, solved):
    _, before = jo_as_stored(db_session)
    tuesday_only = [(at("tue", "09:00"), at("tue", "12:00"), ["hitchin"])]
    with pytest.raises(RuleBroken, match="is not free to teach Mon 09:00 reformer at Hitchin"):
        update_instructor(
            session=db_session,
            week_start=WEEK,
            instructor="jo",
            **jo_edit(name="Joanna", max_week_minutes=2000, windows=tuesday_only),
        )
    row, availability = jo_as_stored(db_session)
    assert (row.name, row.max_week_minutes) == ("Jo", 3000)
    assert availability == before


def test_an_instructor_edit_that_drops_a_class_they_teach_is_refused_once_for_its_classes(
    db_session, solved
):
    words = (
        "Jo does not teach reformer classes, so not Mon 09:00 reformer at Hitchin and"
        " Tue 09:00 reformer at Hitchin. (rule 2)"
    )
    with pytest.raises(RuleBroken, match=f"^{re.escape(words)}$"):
        update_instructor(
            session=db_session,
            week_start=WEEK,
            instructor="jo",
            **jo_edit(
                teaches=["mat"],
                windows=[
                    (at("mon", "07:00"), at("mon", "21:00"), ["hitchin"]),
                    (at("tue", "07:00"), at("tue", "21:00"), ["hitchin"]),
                ],
            ),
        )
    row, _ = jo_as_stored(db_session)
    assert "reformer" in row.teaches


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"teaches": ["reformer", "yoga"]}, "teaches", "Unknown class type: yoga"),
        (
            {"windows": [(at("mon", "07:00"), at("mon", "21:00"), ["luton"])]},
            "availability",
            "Unknown venue: luton",
        ),
    ],
)
def test_an_instructor_edit_naming_what_the_week_lacks_is_refused_before_writing(
    db_session, solved, changes, field, words
):
    with pytest.raises(FieldRefused, match=words) as refused:
        update_instructor(
            session=db_session,
            week_start=WEEK,
            instructor="jo",
            **jo_edit(name="Joanna", **changes),
        )
    assert refused.value.field == field
    row, _ = jo_as_stored(db_session)
    assert row.name == "Jo"


def test_a_pinned_place_cannot_be_moved_until_unpinned(db_session, solved):
    c5 = place_of(db_session, solved, "c5")
    pin_place(session=db_session, plan_id=solved.id, client="c5", session_key=c5.session)
    pinned = load_stored_week(session=db_session, week_start=WEEK)
    assert [(p.client, p.session, p.reformer) for p in pinned.pinned_allocations] == [
        ("c5", c5.session, c5.reformer)
    ]
    assert [p.id for p in pinned.pinned_sessions] == [c5.session]
    sessions = load_stored_plan(session=db_session, plan_id=solved.id).sessions
    other = next(s for s in sessions if s.id != c5.session)
    pinned_in = next(s for s in sessions if s.id == c5.session)
    words = f"C5's place in {weekday_time(pinned_in.start)} reformer at Hitchin is pinned: unpin"
    with pytest.raises(RuleBroken, match=re.escape(words)):
        move_client(
            session=db_session,
            plan_id=solved.id,
            client="c5",
            from_session=c5.session,
            to_session=other.id,
        )


def test_a_session_below_min_size_cannot_be_unpinned_saying_how_many_it_needs(db_session):
    pinned = pinned_session(day="mon", start="09:30")
    stored(
        db_session,
        studio_week(
            clients=[client("c1", availability=MONDAY)],
            class_types=[class_type("reformer", min_size=2)],
            pinned_sessions=[pinned],
        ),
    )
    row = solve_week(session=db_session, week_start=WEEK, time_limit=SECONDS)
    checked_plan(db_session, row.id)
    words = (
        "Mon 09:30 reformer at Hitchin would have 1 client, and an unpinned class needs"
        " at least 2 to run. (rule 6)"
    )
    with pytest.raises(RuleBroken, match=re.escape(words)):
        unpin_session(session=db_session, week_start=WEEK, session_key=pinned.id)
    assert [
        p.id for p in load_stored_week(session=db_session, week_start=WEEK).pinned_sessions
    ] == [pinned.id]


def test_background_solve_reports_progress_and_finishes_with_a_checked_plan(
    db_session, database_url
):
    stored(db_session, studio_week())
    run_id = start_background_solve(week_start=WEEK, time_limit=SECONDS, database_url=database_url)
    deadline = time.monotonic() + 60
    state = solve_run_state(session=db_session, run_id=run_id)
    while not state["done"] and time.monotonic() < deadline:
        time.sleep(0.2)
        state = solve_run_state(session=db_session, run_id=run_id)
    assert state["status"] == "succeeded", state["error"]
    assert state["progress"]["objective"] >= 1
    assert state["result"]["priority_places"] == 5
    checked_plan(db_session, state["plan_id"])
    assert solve_run_week(session=db_session, run_id=run_id).week_start.isoformat() == WEEK
    assert solve_run_week(session=db_session, run_id=run_id + 1) is None


def test_reformer_solve_week_saves_and_publishes_a_checked_plan(db_session, runner):
    from cli import cli

    stored(db_session, studio_week())
    result = runner.invoke(cli, ["solve", "--week", WEEK, "--publish", "--time-limit", "3"])
    assert result.exit_code == 0, result.output
    assert "saved as version 1 of the week of 2026-11-30, published" in result.output
    row = published_plan(session=db_session, week_start=WEEK)
    checked_plan(db_session, row.id)


def test_reformer_solve_refuses_a_week_that_is_not_a_monday(runner):
    from cli import cli

    result = runner.invoke(cli, ["solve", "--week", "2026-12-01"])
    assert result.exit_code == 2
    assert "a week starts on a Monday" in result.output


def test_reformer_solve_week_searches_with_the_workers_and_seed_it_is_given(
    db_session, runner, monkeypatch
):
    from cli import cli

    stored(db_session, studio_week())
    searches = []
    real_solve = solving.solve_in_parts

    def recording_solve(week, **options):
        searches.append(options)
        return real_solve(week, **options)

    monkeypatch.setattr(solving, "solve_in_parts", recording_solve)
    result = runner.invoke(
        cli, ["solve", "--week", WEEK, "--time-limit", "3", "--workers", "1", "--seed", "7"]
    )

    assert result.exit_code == 0, result.output
    [options] = searches
    assert (options["workers"], options["seed"]) == (1, 7)
    checked_plan(db_session, find_plan(session=db_session, week_start=WEEK).id)


def test_reformer_solve_week_refuses_first_come_first_served_and_saves_nothing(db_session, runner):
    from cli import cli

    stored(db_session, studio_week())
    result = runner.invoke(cli, ["solve", "--week", WEEK, "--strategy", "fcfs"])

    assert result.exit_code == 2
    assert "--strategy fcfs is a baseline" in result.output
    assert find_plan(session=db_session, week_start=WEEK) is None
