"""Moving a client from the session page: the classes they fit, best first, each with its
reformer and what it does to the week, a button to move there, the classes they do not
fit apart with the reasons; the same ranking in the JSON API.

The owner signs in and posts as a browser does, CSRF tokens and all. Every plan a
move makes passes the checker.
"""

from __future__ import annotations

import html
import re

import pytest
from jsonschema import Draft202012Validator

from scheduler.store.plans import find_plan, load_stored_plan
from scheduler.studio.accounts import add_instructor_login
from solver.checker import check_plan
from tests import move_seed as seed
from tests.stored import publish
from tests.studio_seed import csrf_token

OWNER = {"email": "claire@example.com", "password": "a-long-password"}
MOVES_API = "/api/v1/weeks/{week}/plan/sessions/{session}/places/{client}/moves"


@pytest.fixture
def plan_id(db_session) -> int:
    """The move week, published."""
    return publish(db_session, seed.move_week(), seed.move_plan())


@pytest.fixture
def owner(web, db_session):
    """The owner, signed in on `web` through the sign-in form."""
    add_instructor_login(session=db_session, name="Claire", **OWNER)
    token = csrf_token(web.get("/auth/sign-in").data)
    assert web.post("/auth/sign-in", data={**OWNER, "csrf_token": token}).status_code == 302


def session_page(web, plan_id: int, session: str, move: str | None = None) -> str:
    query = f"?plan={plan_id}" + (f"&move={move}" if move else "")
    page = web.get(f"/owner/week/{seed.WEEK}/sessions/{session}{query}")
    assert page.status_code == 200
    return page.text


def ranked_choices(page: str) -> list[dict]:
    """The Move section's choices as the owner reads them: the words, the form to post."""
    choices = []
    for item in re.findall(r'<li class="move-choice">(.*?)</li>', page, re.S):
        form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', item, re.S)
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form[2]))
        words = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", item).split()))
        choices.append({"words": words, "action": html.unescape(form[1]), "fields": fields})
    return choices


def not_fitting(page: str) -> str:
    """The words of the classes the client does not fit (inside the <details>)."""
    found = re.search(r'<details class="move-unfit[^"]*">(.*?)</details>', page, re.S)
    assert found, "the page lists no class apart"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found[1]).split()))


def test_the_owner_moves_a_client_to_the_best_class_the_session_page_ranks_first(
    web, owner, plan_id, db_session
):
    page = session_page(web, plan_id, seed.MONDAY.id, move=seed.ANN)
    choices = ranked_choices(page)

    assert [c["fields"]["to_session"] for c in choices] == [
        seed.WEDNESDAY.id,
        seed.TUESDAY.id,
        seed.SUNDAY_MAT.id,
    ]
    best = choices[0]
    assert best["words"].startswith("Wed 09:30–10:20 · Reformer Hitchin · Studio · Kim Lee")
    assert "They prefer Kim Lee" in best["words"]
    assert "+1 preference point (priority places 8 → 8, preference points 0 → 1)" in best["words"]
    assert "The week's figures stay as they are" in choices[1]["words"]
    for choice in choices[:2]:
        reformer = choice["fields"]["reformer"]
        assert f"On reformer {reformer} (raised)" in choice["words"]
        assert reformer in {"H2", "H3"}
    assert (
        "Mat class: no reformer" in choices[2]["words"] and "reformer" not in choices[2]["fields"]
    )

    apart = not_fitting(page)
    assert "4 classes Ann Archer does not fit" in apart
    assert "Fri 09:30–10:20 · Reformer Hitchin · Studio Full (3 of 3)" in apart
    saturday = "Sat 09:30–10:20 · Reformer Stevenage · Studio"
    assert f"{saturday} At Stevenage, not one of their venues (Hitchin)" in apart
    assert "No free reformer carrying raised" in apart
    assert "Outside their hours (on Tuesdays they are free 07:00–20:00)" in apart

    done = web.post(best["action"], data={**best["fields"], "csrf_token": csrf_token(page)})

    assert done.status_code == 302
    assert f"/sessions/{seed.WEDNESDAY.id}?" in done.location
    draft = find_plan(session=db_session, week_start=seed.WEEK)
    assert (draft.status, draft.version) == ("draft", 2)
    after = load_stored_plan(session=db_session, plan_id=draft.id)
    assert check_plan(seed.move_week(), after) == []
    ann = [(a.session, a.reformer) for a in after.allocations if a.client == seed.ANN]
    assert ann == [(seed.WEDNESDAY.id, best["fields"]["reformer"])]
    assert "Moved into draft version 2." in web.get(done.location).text


def test_the_api_ranks_the_moves_as_the_session_page_does(web, owner, plan_id):
    page = session_page(web, plan_id, seed.MONDAY.id, move=seed.ANN)
    document = web.get("/api/v1/openapi.json").get_json()
    path = "/weeks/{week_start}/plan/sessions/{session_id}/places/{client_id}/moves"

    answer = web.get(MOVES_API.format(week=seed.WEEK, session=seed.MONDAY.id, client=seed.ANN))

    assert answer.status_code == 200
    body = answer.get_json()
    schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    Draft202012Validator({**schema["schema"], **document}).validate(body)
    assert [c["to"]["session"] for c in body["choices"]] == [
        c["fields"]["to_session"] for c in ranked_choices(page)
    ]
    best = body["choices"][0]
    assert (best["rank"], best["preferred"], best["reformer_features"]) == (
        1,
        ["Kim Lee"],
        ["raised"],
    )
    assert (
        best["effect"]["preference_points_before"],
        best["effect"]["preference_points_after"],
    ) == (0, 1)
    assert best["to"]["start"] == "2026-12-02T09:30:00+00:00"
    reasons = {u["to"]["session"]: u["reasons"] for u in body["not_fitting"]}
    assert reasons[seed.FRIDAY.id] == ["full (3 of 3)"]
    assert reasons[seed.SATURDAY.id] == ["at Stevenage, not one of their venues (Hitchin)"]
    assert (body["client_name"], body["needs"], body["reformer"]) == (
        "Ann Archer",
        ["raised"],
        "H2",
    )


def test_the_moves_of_a_place_are_the_owners_alone(web, plan_id):
    url = MOVES_API.format(week=seed.WEEK, session=seed.MONDAY.id, client=seed.ANN)

    assert web.get(url).status_code == 401


def test_the_moves_of_a_place_the_plan_lacks_are_not_found(web, owner, plan_id):
    answer = web.get(MOVES_API.format(week=seed.WEEK, session=seed.MONDAY.id, client=seed.EVE))

    assert answer.status_code == 404
    assert answer.get_json()["error"] == "not_found"
    assert session_page_status(web, plan_id, seed.MONDAY.id, seed.EVE) == 404


def session_page_status(web, plan_id: int, session: str, move: str) -> int:
    return web.get(
        f"/owner/week/{seed.WEEK}/sessions/{session}?plan={plan_id}&move={move}"
    ).status_code


def test_a_mat_classs_page_offers_no_reformer_box(web, owner, plan_id):
    for move in (None, seed.EVE):
        page = session_page(web, plan_id, seed.SUNDAY_MAT.id, move=move)

        assert 'name="reformer"' not in page
        assert ">Reformers</h2>" not in page
    (choice,) = ranked_choices(page)
    assert choice["fields"]["to_session"] == seed.TUESDAY_LATE_MAT.id
    assert "reformer" not in choice["fields"]


def test_a_reformer_class_offers_its_other_free_machines_carrying_the_clients_needs(
    web, owner, plan_id, db_session
):
    page = session_page(web, plan_id, seed.MONDAY.id, move=seed.ANN)
    form = re.search(r'<form[^>]*class="inline-form move-reformer">(.*?)</form>', page, re.S)

    assert re.findall(r'<option value="(\w+)"', form[1]) == ["H3"]
    action = re.search(r'action="([^"]+)"[^>]*class="inline-form move-reformer"', page)[1]
    done = web.post(
        html.unescape(action),
        data={"to_session": seed.MONDAY.id, "reformer": "H3", "csrf_token": csrf_token(page)},
    )

    assert done.status_code == 302
    after = load_stored_plan(
        session=db_session, plan_id=find_plan(session=db_session, week_start=seed.WEEK).id
    )
    assert check_plan(seed.move_week(), after) == []
    assert [a.reformer for a in after.allocations if a.client == seed.ANN] == ["H3"]


def test_a_refused_move_says_so_and_opens_the_clients_move_section_again(
    web, owner, plan_id, db_session
):
    page = session_page(web, plan_id, seed.MONDAY.id)
    action = f"/owner/plans/{plan_id}/sessions/{seed.MONDAY.id}/places/{seed.ANN}/move"

    refused = web.post(
        action,
        data={"to_session": seed.FRIDAY.id, "csrf_token": csrf_token(page)},
        follow_redirects=True,
    )

    assert "Not done" in refused.text
    assert "Move Ann Archer" in refused.text
    assert find_plan(session=db_session, week_start=seed.WEEK).id == plan_id


def test_a_reformer_posted_for_a_mat_class_is_refused_in_words(web, owner, plan_id, db_session):
    page = session_page(web, plan_id, seed.SUNDAY_MAT.id)
    action = f"/owner/plans/{plan_id}/sessions/{seed.SUNDAY_MAT.id}/places/{seed.EVE}/move"

    refused = web.post(
        action,
        data={
            "to_session": seed.TUESDAY_LATE_MAT.id,
            "reformer": "H1",
            "csrf_token": csrf_token(page),
        },
        follow_redirects=True,
    )

    assert "APPI Mat is a mat class: it has no reformers to choose from" in html.unescape(
        refused.text
    )
    assert find_plan(session=db_session, week_start=seed.WEEK).id == plan_id
