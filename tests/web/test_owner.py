"""The owner's pages: the week, solving in the background, publishing, checked edits, data pages.

Each test signs in as the instructor-owner on a tiny stored week (Hitchin, three
reformers, Monday and Tuesday mornings). Every plan a test produces passes the checker.
"""

from __future__ import annotations

import html
import io
import re
import time

import pytest
from sqlmodel import select

from scheduler.core import models
from scheduler.core.names import weekday_time
from scheduler.formats.week import week_to_json
from scheduler.planning.solving import solve_week
from scheduler.store.plans import find_plan, load_stored_plan, published_plan
from scheduler.store.weeks import load_stored_week, save_week
from solver.checker import check_plan
from tests import builders as b
from tests.smtp_sink import running_sink

WEEK = "2026-11-30"
MONDAY = [("mon", "09:00", "12:00")]
TUESDAY = [("tue", "09:00", "12:00")]


@pytest.fixture
def tiny_week(db_session):
    """c1, c2 free on Monday mornings, c3, c4 on Tuesday, c5 on both; one reformer class each."""
    week = b.week(
        venues=[b.venue(open=MONDAY + TUESDAY)],
        clients=[
            b.client("c1", availability=MONDAY, name="Ann Archer"),
            b.client("c2", availability=MONDAY, name="Ben Baker"),
            b.client("c3", availability=TUESDAY, name="Cat Cole"),
            b.client("c4", availability=TUESDAY, name="Dan Dale"),
            b.client("c5", availability=MONDAY + TUESDAY, name="Eve Evans"),
        ],
    )
    save_week(session=db_session, week=week)
    db_session.commit()
    return week


@pytest.fixture
def published(db_session, tiny_week):
    """The tiny week solved and published; returns the plan row."""
    row = solve_week(session=db_session, week_start=WEEK, time_limit=3, publish=True)
    assert_checked(db_session, row.id)
    return row


def assert_checked(db_session, plan_id):
    """The stored plan keeps every hard rule of the stored week; returns it."""
    plan = load_stored_plan(session=db_session, plan_id=plan_id)
    assert check_plan(load_stored_week(session=db_session, week_start=WEEK), plan) == []
    return plan


def place_of(db_session, plan_id, who):
    plan = load_stored_plan(session=db_session, plan_id=plan_id)
    return next(a for a in plan.allocations if a.client == who)


def plan_count(db_session):
    return len(db_session.exec(select(models.Plan)).all())


# --- The week --------------------------------------------------------------------------------


def test_without_a_week_the_page_says_how_to_start(client, owner_login):
    page = client.get("/owner/week")
    assert page.status_code == 200
    assert "No week yet" in page.text


def test_an_unsolved_week_invites_a_solve(client, owner_login, tiny_week):
    page = client.get(f"/owner/week?start={WEEK}")
    assert "Not solved yet" in page.text
    assert "Solve the week" in page.text


def test_the_weeks_figures_show_fairness_points_only_when_someone_missed_out(
    client, owner_login, published, db_session
):
    assert "fairness points" not in client.get(f"/owner/week?start={WEEK}").text
    ann = db_session.exec(select(models.Client).where(models.Client.key == "c1")).one()
    ann.missed_weeks = 2
    db_session.add(ann)
    db_session.commit()
    row = solve_week(session=db_session, week_start=WEEK, time_limit=3, publish=True)
    assert_checked(db_session, row.id)
    page = client.get(f"/owner/week?start={WEEK}").text
    assert "<dt>fairness points</dt><dd>2 (places for clients who missed out lately)" in page


def test_the_week_shows_each_session_with_places_taken_of_capacity(
    client, owner_login, published, db_session
):
    page = client.get(f"/owner/week?start={WEEK}").text
    assert "Published · version 1" in page
    plan = assert_checked(db_session, published.id)
    for s in plan.sessions:
        taken = sum(1 for a in plan.allocations if a.session == s.id)
        card = page[page.index(f"/sessions/{s.id}?") :]
        card = card[: card.index("</a>")]
        assert f'class="places">{taken}/3<' in card  # the studio has three reformers
    assert "Monday" in page and "Tuesday" in page


def test_a_week_not_stored_is_not_found(client, owner_login, tiny_week):
    assert client.get("/owner/week?start=2027-01-04").status_code == 404
    assert client.get("/owner/week?start=garbage").status_code == 404


def test_the_session_page_shows_who_is_on_which_reformer(
    client, owner_login, published, db_session
):
    c1 = place_of(db_session, published.id, "c1")
    page = client.get(f"/owner/week/{WEEK}/sessions/{c1.session}?plan={published.id}").text
    assert "Ann Archer" in page
    assert f">{c1.reformer}" in page
    assert 'class="machine taken"' in page


def test_an_out_of_service_reformer_is_greyed_on_the_map(client, owner_login, db_session):
    one = b.client("c1", availability=MONDAY)
    week = b.week(venues=[b.venue(open=MONDAY)], clients=[one])
    save_week(session=db_session, week=week)
    db_session.commit()
    row = solve_week(session=db_session, week_start=WEEK, time_limit=3)
    c1 = place_of(db_session, row.id, "c1")
    free = next(r for r in ("R1", "R2", "R3") if r != c1.reformer)
    done = client.post(f"/owner/week/{WEEK}/reformers/{free}/service", data={"in_service": "no"})
    assert done.status_code == 302
    page = client.get(f"/owner/week/{WEEK}/sessions/{c1.session}?plan={row.id}").text
    assert 'class="machine out"' in page
    assert "out of service" in page


# --- Solving and publishing -----------------------------------------------------------------


def test_solve_runs_in_the_background_and_the_page_can_poll_it(
    client, owner_login, tiny_week, db_session
):
    started = client.post(f"/owner/week/{WEEK}/solve", data={"time_limit": "2"})
    assert started.status_code == 302
    run_url = started.location
    assert "Solving the week" in client.get(run_url).text
    deadline = time.monotonic() + 60
    state = client.get(run_url + ".json").get_json()
    while not state["done"] and time.monotonic() < deadline:
        time.sleep(0.25)
        state = client.get(run_url + ".json").get_json()
    assert state["status"] == "succeeded", state["error"]
    assert state["result"]["priority_places"] == 5
    assert state["result"]["bound"] >= 5
    assert_checked(db_session, state["plan_id"])
    page = client.get(f"/owner/week?start={WEEK}").text
    assert "Draft · version 1" in page
    assert "Every want is met." in page


def test_a_malformed_time_limit_starts_no_solve(client, owner_login, tiny_week, db_session):
    response = client.post(
        f"/owner/week/{WEEK}/solve", data={"time_limit": "soon"}, follow_redirects=True
    )
    assert "Time limit:" in response.text
    assert db_session.exec(select(models.SolveRun)).all() == []


def test_publish_shows_the_diff_then_makes_a_new_published_version(
    client, owner_login, published, db_session
):
    c5 = place_of(db_session, published.id, "c5")
    plan = load_stored_plan(session=db_session, plan_id=published.id)
    other = next(s for s in plan.sessions if s.id != c5.session)
    moved = client.post(
        f"/owner/plans/{published.id}/sessions/{c5.session}/places/c5/move",
        data={"to_session": other.id, "reformer": ""},
    )
    assert moved.status_code == 302
    draft = find_plan(session=db_session, week_start=WEEK)
    assert draft.status == "draft" and draft.version == 2
    assert_checked(db_session, draft.id)

    preview = client.get(f"/owner/plans/{draft.id}/publish").text
    assert "Publish version 2?" in preview
    assert "Eve Evans" in preview
    assert "1 moved, 0 joined, 0 lost" in preview
    assert published_plan(session=db_session, week_start=WEEK).id == published.id

    done = client.post(f"/owner/plans/{draft.id}/publish")
    assert done.status_code == 200
    assert "Published version 2" in done.text
    assert "Eve Evans" in done.text
    assert published_plan(session=db_session, week_start=WEEK).id == draft.id
    assert_checked(db_session, draft.id)


def test_publishing_e_mails_each_client_whose_place_changed_once(
    app, client, owner_login, published, db_session
):
    for row in db_session.exec(select(models.Client)).all():
        row.email = f"{row.key}@example.org"
        db_session.add(row)
    db_session.commit()
    c5 = place_of(db_session, published.id, "c5")
    plan = load_stored_plan(session=db_session, plan_id=published.id)
    other = next(s for s in plan.sessions if s.id != c5.session)
    client.post(
        f"/owner/plans/{published.id}/sessions/{c5.session}/places/c5/move",
        data={"to_session": other.id, "reformer": ""},
    )
    draft = find_plan(session=db_session, week_start=WEEK)

    with running_sink() as sink:
        app.config.update(SMTP_HOST=sink.host, SMTP_PORT=sink.port, SMTP_FROM="studio@x.org")
        done = client.post(f"/owner/plans/{draft.id}/publish")

    assert "1 client e-mailed" in done.text
    assert [r.recipients for r in sink.received] == [["c5@example.org"]]
    body = sink.received[0].message.get_content()
    assert "No longer booked" in body and "New place" in body


# --- Edits refused with the rule's words -------------------------------------------------------


def flashed(response):
    """The page's messages as the owner reads them: tags left out, entities read."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m))
        for m in re.findall(r'<li class="flash[^"]*">(.*?)</li>', response.text, re.S)
    ]


def test_a_move_outside_the_clients_hours_is_refused_naming_client_class_and_hours(
    client, owner_login, published, db_session
):
    c1 = place_of(db_session, published.id, "c1")
    plan = load_stored_plan(session=db_session, plan_id=published.id)
    tuesday = next(s for s in plan.sessions if s.id != c1.session)
    before = plan_count(db_session)
    response = client.post(
        f"/owner/plans/{published.id}/sessions/{c1.session}/places/c1/move",
        data={"to_session": tuesday.id},
        follow_redirects=True,
    )
    assert flashed(response) == [
        f"Not done: Ann Archer is not free for {weekday_time(tuesday.start)} reformer at"
        " Hitchin (not free on Tuesdays). rule 7"
    ]
    assert plan_count(db_session) == before


def test_a_move_onto_a_taken_reformer_is_refused_naming_who_is_on_it(
    client, owner_login, published, db_session
):
    c1, c2 = place_of(db_session, published.id, "c1"), place_of(db_session, published.id, "c2")
    response = client.post(
        f"/owner/plans/{published.id}/sessions/{c1.session}/places/c1/move",
        data={"to_session": c2.session, "reformer": c2.reformer},
        follow_redirects=True,
    )
    assert f"would share reformer {c2.reformer} with Ben Baker in" in flashed(response)[0]
    assert place_of(db_session, published.id, "c1") == c1


def test_a_move_to_a_session_the_plan_lacks_gives_a_field_error(
    client, owner_login, published, db_session
):
    c1 = place_of(db_session, published.id, "c1")
    response = client.post(
        f"/owner/plans/{published.id}/sessions/{c1.session}/places/c1/move",
        data={"to_session": "sun-2300-nowhere"},
        follow_redirects=True,
    )
    assert "Move to: Not a valid choice." in response.text
    assert plan_count(db_session) == 1


def test_a_reformer_in_use_cannot_go_out_of_service(client, owner_login, published, db_session):
    c1 = place_of(db_session, published.id, "c1")
    response = client.post(
        f"/owner/week/{WEEK}/reformers/{c1.reformer}/service",
        data={"in_service": "no"},
        follow_redirects=True,
    )
    assert flashed(response)[0].startswith(
        f"Not done: Reformer {c1.reformer} would be out of service, and 1 place stands on it:"
        " Ann Archer in Mon"
    )
    machine = db_session.exec(
        select(models.Reformer).where(models.Reformer.key == c1.reformer)
    ).one()
    db_session.refresh(machine)
    assert machine.in_service


def test_pinning_a_place_then_moving_it_is_refused_until_it_is_unpinned(
    client, owner_login, published, db_session
):
    c5 = place_of(db_session, published.id, "c5")
    pinned = client.post(
        f"/owner/plans/{published.id}/sessions/{c5.session}/places/c5/pin", follow_redirects=True
    )
    assert "Place pinned" in pinned.text
    assert "📌 Unpin" in pinned.text
    other = next(
        s
        for s in load_stored_plan(session=db_session, plan_id=published.id).sessions
        if s.id != c5.session
    )
    refused = client.post(
        f"/owner/plans/{published.id}/sessions/{c5.session}/places/c5/move",
        data={"to_session": other.id},
        follow_redirects=True,
    )
    assert "Eve Evans's place in Mon" in flashed(refused)[0]
    assert "is pinned: unpin it first. rule 11" in flashed(refused)[0]
    unpinned = client.post(
        f"/owner/plans/{published.id}/sessions/{c5.session}/places/c5/unpin", follow_redirects=True
    )
    assert "Place unpinned" in unpinned.text
    assert load_stored_week(session=db_session, week_start=WEEK).pinned_allocations == ()


def test_unpinning_a_session_below_its_minimum_is_refused_saying_what_it_needs(
    client, owner_login, db_session
):
    pinned = b.pinned_session(day="mon", start="09:30")
    week = b.week(
        venues=[b.venue(open=MONDAY)],
        clients=[b.client("c1", availability=MONDAY)],
        class_types=[b.class_type("reformer", min_size=2)],
        pinned_sessions=[pinned],
    )
    save_week(session=db_session, week=week)
    db_session.commit()
    row = solve_week(session=db_session, week_start=WEEK, time_limit=3)
    assert_checked(db_session, row.id)
    response = client.post(
        f"/owner/plans/{row.id}/sessions/{pinned.id}/unpin", follow_redirects=True
    )
    assert flashed(response) == [
        "Not done: Mon 09:30 reformer at Hitchin would have 1 client, and an unpinned class"
        " needs at least 2 to run. rule 6"
    ]
    assert len(load_stored_week(session=db_session, week_start=WEEK).pinned_sessions) == 1


@pytest.mark.slow
def test_pinning_a_session_keeps_it_for_later_solves(client, owner_login, published, db_session):
    c1 = place_of(db_session, published.id, "c1")
    response = client.post(
        f"/owner/plans/{published.id}/sessions/{c1.session}/pin", follow_redirects=True
    )
    assert "Session pinned" in response.text
    assert [
        p.id for p in load_stored_week(session=db_session, week_start=WEEK).pinned_sessions
    ] == [c1.session]


def test_narrowing_an_instructors_hours_under_their_classes_is_refused_by_the_hours(
    client, owner_login, published, db_session
):
    response = client.post(
        f"/owner/instructors/jo?start={WEEK}",
        data={
            "name": "Jo",
            "teaches": "reformer, mat, 121-reformer",
            "max_day_minutes": "600",
            "max_week_minutes": "3000",
            "availability": "Wed 09:00-12:00 hitchin",
        },
    )
    assert response.status_code == 400
    assert "Jo is not free to teach Mon 09:00 reformer at Hitchin (not teaching at Hitchin on" in (
        html.unescape(response.text)
    )
    jo = load_stored_week(session=db_session, week_start=WEEK).instructors[0]
    assert len(jo.availability) == 7


def test_an_instructor_edit_the_rules_refuse_leaves_their_details_as_they_were(
    client, owner_login, published, db_session
):
    response = client.post(
        f"/owner/instructors/jo?start={WEEK}",
        data={
            "name": "Joanna",
            "email": "joanna@example.com",
            "teaches": "reformer, mat",
            "max_day_minutes": "300",
            "max_week_minutes": "1200",
            "availability": "Wed 09:00-12:00 hitchin",
        },
    )
    assert response.status_code == 400
    assert "Joanna is not free to teach Mon 09:00 reformer at Hitchin" in response.text
    db_session.expire_all()
    jo = db_session.exec(select(models.Instructor).where(models.Instructor.key == "jo")).one()
    assert (jo.name, jo.email, jo.max_day_minutes, jo.max_week_minutes) == ("Jo", None, 600, 3000)
    assert jo.teaches == ["reformer", "mat", "121-reformer"]


def test_an_instructor_teaching_a_class_type_the_week_lacks_is_told_so_by_the_field(
    client, owner_login, published, db_session
):
    response = client.post(
        f"/owner/instructors/jo?start={WEEK}",
        data={
            "name": "Joanna",
            "teaches": "reformer, yoga",
            "max_day_minutes": "600",
            "max_week_minutes": "3000",
            "availability": "Mon 07:00-21:00 hitchin\nTue 07:00-21:00 hitchin",
        },
    )
    assert response.status_code == 400
    assert "Unknown class type: yoga" in response.text
    db_session.expire_all()
    jo = db_session.exec(select(models.Instructor).where(models.Instructor.key == "jo")).one()
    assert jo.name == "Jo"


def test_an_instructor_edit_the_plan_allows_saves_it_all(
    client, owner_login, published, db_session
):
    response = client.post(
        f"/owner/instructors/jo?start={WEEK}",
        data={
            "name": "Joanna",
            "teaches": "reformer, mat, 121-reformer",
            "max_day_minutes": "500",
            "max_week_minutes": "3000",
            "availability": "Mon 08:00-13:00 hitchin\nTue 08:00-13:00 hitchin",
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    jo = load_stored_week(session=db_session, week_start=WEEK).instructors[0]
    assert (jo.name, jo.max_day_minutes, len(jo.availability)) == ("Joanna", 500, 2)


# --- Data pages: per-field errors, nothing written ---------------------------------------------


@pytest.mark.parametrize(
    ("url", "data", "errors"),
    [
        (
            "/owner/instructors/jo",
            {
                "name": "",
                "teaches": "reformer",
                "max_day_minutes": "lots",
                "max_week_minutes": "3000",
                "availability": "Someday 09:00-12:00 hitchin",
            },
            ["Give a name.", "Not a valid integer value.", "is not a day of the week"],
        ),
        (
            "/owner/class-types/reformer",
            {
                "name": "Reformer",
                "minutes": "5",
                "max_size": "8",
                "min_size": "9",
                "levels": "expert",
            },
            ["From 10 to 480.", "Cannot be more than the most clients.", "Unknown level: expert"],
        ),
        (
            "/owner/clients/c1",
            {
                "name": "Ann",
                "email": "ann-at-home",
                "level": "beginner",
                "priority": "0",
                "max_per_day": "1",
                "venues": "atlantis",
                "availability": "Mon 12:00-09:00",
                "wants": "pilates-on-ice x2",
            },
            [
                "Enter an e-mail address.",
                "From 1 to 100.",
                "Unknown venue: atlantis",
                "ends before it starts",
                "unknown class type pilates-on-ice",
            ],
        ),
        (
            "/owner/venues/hitchin",
            {"name": "", "opening": "Mon 9-5"},
            ["Give the venue a name.", "is not a day and hours"],
        ),
        (
            "/owner/rooms/hitchin-studio",
            {"mat_spaces": "-3", "reformers": "R1 raised"},
            ["From 0 to 200."],
        ),
    ],
)
def test_malformed_data_forms_give_errors_by_field_and_write_nothing(
    client, owner_login, published, db_session, url, data, errors
):
    before = week_to_json(load_stored_week(session=db_session, week_start=WEEK))
    response = client.post(f"{url}?start={WEEK}", data=data)
    assert response.status_code == 400
    for words in errors:
        assert words in response.text
    db_session.expire_all()
    assert week_to_json(load_stored_week(session=db_session, week_start=WEEK)) == before


def test_a_client_edit_is_saved_for_the_next_solve(client, owner_login, tiny_week, db_session):
    response = client.post(
        f"/owner/clients/c1?start={WEEK}",
        data={
            "name": "Ann Archer",
            "email": "ann@example.com",
            "level": "improver",
            "priority": "3",
            "max_per_day": "1",
            "venues": "hitchin",
            "availability": "Mon 09:00-12:00\nTue 09:00-12:00",
            "wants": "reformer x2",
            "active": "y",
        },
    )
    assert response.status_code == 302
    ann = load_stored_week(session=db_session, week_start=WEEK).client_by_id["c1"]
    assert (ann.level, ann.priority, ann.email) == ("improver", 3, "ann@example.com")
    assert [(w.class_types, w.per_week) for w in ann.wants] == [(("reformer",), 2)]
    assert len(ann.availability) == 2


def test_every_data_page_lists_the_weeks_things(client, owner_login, tiny_week):
    for url, words in [
        ("/owner/venues", "hitchin-studio"),
        ("/owner/class-types", "121-reformer"),
        ("/owner/instructors", "Jo"),
        ("/owner/clients", "Eve Evans"),
        ("/owner/venues/hitchin", "Opening hours"),
        ("/owner/rooms/hitchin-studio", "Mat spaces"),
        ("/owner/class-types/mat", "Most clients"),
        ("/owner/instructors/jo", "Availability"),
        ("/owner/clients/c5", "Wants"),
    ]:
        page = client.get(f"{url}?start={WEEK}")
        assert page.status_code == 200, url
        assert words in page.text, url
    assert client.get(f"/owner/clients/nobody?start={WEEK}").status_code == 404


def test_a_clients_csv_with_errors_is_refused_by_line_and_writes_nothing(
    client, owner_login, tiny_week, db_session
):
    text = (
        "name,email,phone,level,venues,availability,wants\n"
        "Fay Fox,fay@example.com,,beginner,hitchin,Mon 09:00-12:00,reformer\n"
        "Gus Grey,gus@example.com,,wizard,hitchin,Mon 09:00-12:00,reformer\n"
    )
    response = client.post(
        f"/owner/clients/import?start={WEEK}",
        data={"file": (io.BytesIO(text.encode()), "clients.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "line 3" in response.text
    assert len(load_stored_week(session=db_session, week_start=WEEK).clients) == 5


def test_a_clean_clients_csv_adds_them(client, owner_login, tiny_week, db_session):
    text = (
        "name,email,phone,level,venues,availability,wants\n"
        "Fay Fox,fay@example.com,,beginner,hitchin,Mon 09:00-12:00,reformer\n"
    )
    response = client.post(
        f"/owner/clients/import?start={WEEK}",
        data={"file": (io.BytesIO(text.encode()), "clients.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Imported: 1 added, 0 updated." in response.text
    names = {c.name for c in load_stored_week(session=db_session, week_start=WEEK).clients}
    assert "Fay Fox" in names


def _current_nav(html: str) -> list[str]:
    """The labels of the owner's menu marked as the page the owner is on."""
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'class="current">([^<]+)</a>', nav)


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("/owner/week?start=" + WEEK, "Week"),
        ("/owner/runs", "Nightly"),
        ("/owner/venues", "Venues"),
    ],
)
def test_the_menu_marks_only_the_page_the_owner_is_on(client, owner_login, tiny_week, url, label):
    page = client.get(url)
    assert page.status_code == 200
    assert _current_nav(page.get_data(as_text=True)) == [label]


def test_publishing_an_older_version_says_it_replaces_the_live_one(
    client, owner_login, published, db_session
):
    c5 = place_of(db_session, published.id, "c5")
    plan = load_stored_plan(session=db_session, plan_id=published.id)
    other = next(s for s in plan.sessions if s.id != c5.session)
    client.post(
        f"/owner/plans/{published.id}/sessions/{c5.session}/places/c5/move",
        data={"to_session": other.id, "reformer": ""},
    )
    newer = find_plan(session=db_session, week_start=WEEK)
    assert client.post(f"/owner/plans/{newer.id}/publish").status_code == 200
    assert_checked(db_session, newer.id)

    preview = client.get(f"/owner/plans/{published.id}/publish").text
    assert "Version 2 is live now; publishing version 1 replaces it" in preview
    assert "1 moved, 0 joined, 0 lost" in preview

    done = client.post(f"/owner/plans/{published.id}/publish", follow_redirects=True).text
    assert "Version 1 is published: clients now see it instead of version 2." in done
    db_session.expire_all()
    assert published_plan(session=db_session, week_start=WEEK).id == published.id
    assert_checked(db_session, published.id)


def test_a_latin_1_clients_csv_keeps_the_accent_of_renee(
    client, owner_login, tiny_week, db_session
):
    text = (
        "name,email,phone,level,venues,availability,wants\n"
        "Renée Roux,renee@example.com,,beginner,hitchin,Mon 09:00-12:00,reformer\n"
    )
    response = client.post(
        f"/owner/clients/import?start={WEEK}",
        data={"file": (io.BytesIO(text.encode("latin-1")), "clients.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Imported: 1 added, 0 updated." in response.text
    names = {c.name for c in load_stored_week(session=db_session, week_start=WEEK).clients}
    assert "Renée Roux" in names


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("email", "ann@example.com\nBcc: all@example.com", "Enter an e-mail address."),
        ("email", "ann@example.com\n", "Enter an e-mail address."),
        ("phone", "07700\r\n900001", "Digits, spaces and + ( ) -."),
        ("priority", str(2**62), "From 1 to 100."),
        ("max_per_day", "11", "From 1 to 10."),
        ("wants", "reformer x²", "needs a count from x1 to x20"),
        ("wants", "reformer x400000", "needs a count from x1 to x20"),
    ],
)
def test_a_client_edit_out_of_the_formats_bounds_is_refused_by_field(
    client, owner_login, tiny_week, db_session, field, value, words
):
    data = {
        "name": "Ann Archer",
        "email": "ann@example.com",
        "level": "beginner",
        "priority": "1",
        "max_per_day": "1",
        "venues": "hitchin",
        "availability": "Mon 09:00-12:00",
        "wants": "reformer x1",
        field: value,
    }
    before = week_to_json(load_stored_week(session=db_session, week_start=WEEK))
    response = client.post(f"/owner/clients/c1?start={WEEK}", data=data)
    assert response.status_code == 400
    assert words in response.text
    db_session.expire_all()
    assert week_to_json(load_stored_week(session=db_session, week_start=WEEK)) == before
