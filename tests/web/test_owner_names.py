"""Names, not ids: the owner's pages of the demo business call every room, class type and
instructor by the studio's name for it (ids only in the forms where the owner types one),
and count in words ("1 place", "2 places")."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from scheduler.planning.solving import solve_week
from scheduler.store.plans import load_stored_plan
from scheduler.store.weeks import load_stored_week, save_week
from scheduler.studio.demo import demo_week
from solver.checker import check_plan

WEEK = date(2026, 11, 30)


@pytest.fixture
def demo(db_session):
    """The demo business (40 clients) as the week of 30 November, solved and published."""
    save_week(session=db_session, week=demo_week(week_start=WEEK, seed=1, client_count=40))
    db_session.commit()
    row = solve_week(session=db_session, week_start=WEEK, time_limit=2, publish=True)
    week = load_stored_week(session=db_session, week_start=WEEK)
    plan = load_stored_plan(session=db_session, plan_id=row.id)
    assert check_plan(week, plan) == []
    return week, plan, row


def shown(page):
    """The text a page shows: no tags, scripts or attributes; entities read."""
    assert page.status_code == 200, page.status_code
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", page.text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def named_ids(week):
    """The ids of rooms, class types and instructors that have a name of their own; an id
    that is also the word for a kind of equipment (`reformer`, `mat`) is left out."""
    equipment = {c.equipment for c in week.class_types}
    ids = {room for room in week.rooms}
    ids |= {c.id for c in week.class_types if c.name != c.id and c.id not in equipment}
    ids |= {i.id for i in week.instructors if i.name != i.id}
    return ids


def test_no_owner_page_of_the_demo_shows_an_id_where_the_studio_has_a_name(
    client, owner_login, demo
):
    week, plan, row = demo
    start = WEEK.isoformat()
    pages = [
        f"/owner/week?start={start}",
        f"/owner/plans/{row.id}/publish",
        f"/owner/venues?start={start}",
        f"/owner/class-types?start={start}",
        f"/owner/instructors?start={start}",
        f"/owner/clients?start={start}",
        *(
            f"/owner/week/{start}/sessions/{s.id}?plan={row.id}"
            for s in {s.room: s for s in plan.sessions}.values()
        ),
    ]
    ids = named_ids(week)
    assert {"stevenage-studio", "121-reformer", "back-care", "claire"} <= ids

    for path in pages:
        text = shown(client.get(path))
        found = {i for i in ids if re.search(rf"(?<![\w@.-]){re.escape(i)}(?![\w@.-])", text)}
        assert found == set(), path


def test_the_owners_pages_use_the_names_of_rooms_class_types_and_instructors(
    client, owner_login, demo
):
    week, plan, row = demo
    start = WEEK.isoformat()
    venues = shown(client.get(f"/owner/venues?start={start}"))
    assert "Studio · 12 of 12 reformers in service" in venues
    assert "Hall · 16 mat spaces" in venues
    instructors = shown(client.get(f"/owner/instructors?start={start}"))
    assert "Reformer, Reformer Advanced, APPI Mat, Clinical Back Care" in instructors
    assert "at Stevenage, Hitchin, Baldock Town Hall" in instructors
    a_class = next(s for s in plan.sessions if s.room == "stevenage-studio")
    session_page = shown(client.get(f"/owner/week/{start}/sessions/{a_class.id}?plan={row.id}"))
    assert "Stevenage · Studio · " in session_page


def test_counts_read_as_the_studio_says_them(client, owner_login, demo):
    start = WEEK.isoformat()
    assert "40 clients" in shown(client.get(f"/owner/clients?start={start}&q="))
    one = shown(client.get(f"/owner/clients?start={start}&q=c001"))
    assert re.search(r"\b1 client\b", one) and "client(s)" not in one
    assert "place(s)" not in shown(client.get(f"/owner/plans/{demo[2].id}/publish"))
