"""The public timetable and the calendar feed's secret address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar

from scheduler.clients.access import account_for
from tests.studio_seed import ANN, BEA, CAT, seed_studio


def test_front_page_shows_the_published_week_per_venue_with_spaces_left(web, studio):
    page = web.get("/")

    assert page.status_code == 200
    text = page.text
    assert 'id="venue-hitchin"' in text and 'id="venue-stevenage"' in text
    # Monday's reformer class holds 3 (three reformers) and has Ann and Bea: 1 space left.
    assert "1 space" in text
    # Wednesday's mat class holds min(8, 12) = 8 and has Ann: 7 spaces left.
    assert "7 spaces" in text
    assert "Jo Evans" in text


def test_every_venue_shows_monday_to_sunday_an_empty_day_as_empty(web, studio):
    text = web.get("/").text
    hitchin, stevenage = (
        text.split(f'id="venue-{key}"', 1)[1].split("</section>", 1)[0]
        for key in ("hitchin", "stevenage")
    )

    weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    for venue in (hitchin, stevenage):
        assert re.findall(r"<h3>(\w+) <span>", venue) == weekdays
    # Hitchin has Monday's class only, Stevenage Wednesday's.
    assert hitchin.count("No classes") == stevenage.count("No classes") == 6
    assert hitchin.index("Reformer") < hitchin.index("Tuesday")
    assert stevenage.index("Wednesday") < stevenage.index("APPI Mat") < stevenage.index("Thursday")


def test_the_timetable_names_no_client(web, studio):
    text = web.get(f"/timetable/{studio.week_start.isoformat()}").text

    for name in ("Ann", "Bea", "Cat", ANN, BEA, CAT, "R1", "R2"):
        assert name not in text


def test_the_timetable_is_made_for_phones(web, studio):
    text = web.get("/").text

    assert 'name="viewport" content="width=device-width' in text
    assert "client.css" in text


def test_a_week_not_stored_or_malformed_is_not_found(web, studio):
    assert web.get("/timetable/1999-01-04").status_code == 404
    assert web.get("/timetable/someday").status_code == 404


def test_an_unpublished_week_says_so(database_url, engine, db_session, studio_app):
    seeded = seed_studio(db_session, publish=False)

    page = studio_app.test_client().get(f"/timetable/{seeded.week_start.isoformat()}")

    assert page.status_code == 200
    assert "not published yet" in page.text
    assert "Jo Evans" not in page.text


def test_weeks_link_to_each_other(web, studio, db_session):
    later = seed_studio(db_session, week_start=studio.week_start + timedelta(days=7))

    first = web.get(f"/timetable/{studio.week_start.isoformat()}").text
    second = web.get(f"/timetable/{later.week_start.isoformat()}").text

    assert f"/timetable/{later.week_start.isoformat()}" in first
    assert f"/timetable/{studio.week_start.isoformat()}" in second


def test_the_feed_serves_the_clients_places_as_icalendar(web, studio, db_session):
    secret = account_for(session=db_session, client_key=ANN).ical_secret

    answer = web.get(f"/calendar/{secret}.ics")

    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.data).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == ["APPI Mat", "Reformer (reformer R2)"]
    assert all(str(e["UID"]).endswith(f"-{ANN}@reformer") for e in events)


def test_the_feed_holds_only_its_own_clients_places(web, studio, db_session):
    secret = account_for(session=db_session, client_key=BEA).ical_secret

    events = Calendar.from_ical(web.get(f"/calendar/{secret}.ics").data).walk("VEVENT")

    assert [str(e["SUMMARY"]) for e in events] == ["Reformer (reformer R1)"]


def test_an_unknown_feed_secret_is_not_found(web, studio):
    assert web.get("/calendar/not-a-secret.ics").status_code == 404


def test_the_feed_is_not_kept_by_shared_caches(web, studio, db_session):
    secret = account_for(session=db_session, client_key=ANN).ical_secret

    answer = web.get(f"/calendar/{secret}.ics")

    assert "private" in answer.headers["Cache-Control"]


@pytest.mark.slow
def test_one_to_one_sessions_are_private_and_left_off_the_timetable(
    database_url, engine, db_session, studio_app
):
    from dataclasses import replace

    from scheduler.core.dates import coming_monday
    from scheduler.store.plans import save_plan
    from scheduler.store.weeks import save_week
    from solver.checker import check_plan
    from tests.builders import allocation, session, want
    from tests.studio_seed import studio_plan, studio_week

    monday = coming_monday()
    week = studio_week(monday)
    week = replace(
        week,
        clients=tuple(
            replace(c, wants=(want("121-reformer"),)) if c.id == CAT else c for c in week.clients
        ),
    )
    private = session("121-reformer", "fri", "07:00", room="hitchin-studio", venue="hitchin")
    base = studio_plan()
    plan = replace(
        base,
        sessions=(*base.sessions, private),
        allocations=(*base.allocations, allocation(CAT, private, "R3")),
        unplaced=(),
    )
    assert check_plan(week, plan) == []
    save_week(session=db_session, week=week)
    save_plan(session=db_session, week_start=monday, plan=plan, status="published")
    db_session.commit()
    http = studio_app.test_client()

    page = http.get(f"/timetable/{monday.isoformat()}").text
    api = http.get(f"/api/v1/weeks/{monday.isoformat()}/sessions").get_json()

    assert "1-2-1" not in page
    assert "APPI Mat" in page
    assert private.id not in {s["id"] for s in api["sessions"]}
    assert len(api["sessions"]) == 2
