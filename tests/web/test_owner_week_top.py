"""The top of the owner's week page: the plan summed up in words, its unmet wants grouped
by what is in the way and filtered (a plain GET form), and publishing offered only for a
draft that differs from the published plan; a move into a full class refused in words.

The week is fixed: Hitchin's studio (two reformers) runs a reformer class on Monday and
on Tuesday at 09:30, Stevenage's hall runs nothing. Every plan is checked.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

from scheduler.planning.solving import solve_week
from scheduler.store.plans import find_plan, published_plan, save_plan
from scheduler.store.weeks import save_week
from tests import builders as b
from tests.stored import checked_stored_plan

WEEK = "2026-11-30"
MONDAY = [("mon", "09:00", "12:00")]
TUESDAY = [("tue", "09:00", "12:00")]
MONDAY_CLASS, TUESDAY_CLASS = "Mon 09:30 Reformer at Hitchin", "Tue 09:30 Reformer at Hitchin"


def fixed_week():
    """Ann, Ben and Col want Monday's class (one too many), Dee Tuesday's; Cat wants back
    care without her GP's clearance, Eve a mat class at Stevenage, where none runs."""
    hitchin = b.venue(
        "hitchin", open=MONDAY + TUESDAY, rooms=[b.room("hitchin-studio", reformers=2)]
    )
    stevenage = b.venue(
        "stevenage",
        open=MONDAY + TUESDAY,
        rooms=[b.room("stevenage-hall", reformers=0, mat_spaces=6)],
    )
    monday = b.pinned_session("reformer", "mon", "09:30")
    tuesday = b.pinned_session("reformer", "tue", "09:30")
    return b.week(
        venues=[hitchin, stevenage],
        class_types=[
            b.class_type("reformer", name="Reformer"),
            b.class_type("back-care", equipment="mat", requires_clearance=True, name="Back Care"),
            b.class_type("mat", name="Mat"),
        ],
        instructors=[
            b.instructor(
                "jo", teaches=["reformer", "back-care", "mat"], venues=["hitchin", "stevenage"]
            )
        ],
        clients=[
            b.client("c1", availability=MONDAY, name="Ann Archer"),
            b.client("c2", availability=MONDAY, name="Ben Baker"),
            b.client("c3", availability=MONDAY, name="Col Cole"),
            b.client("c4", availability=TUESDAY, name="Dee Dale"),
            b.client("c5", wants=[b.want("back-care")], name="Cat Clark"),
            b.client("c6", wants=[b.want("mat")], venues=["stevenage"], name="Eve Evans"),
        ],
        pinned_sessions=[monday, tuesday],
        only_pinned_sessions=True,
    )


@pytest.fixture
def solved(db_session):
    """The fixed week stored and solved into a draft; returns its row."""
    save_week(session=db_session, week=fixed_week())
    db_session.commit()
    row = solve_week(session=db_session, week_start=WEEK, time_limit=2)
    checked_stored_plan(db_session, row.id)
    return row


def text_of(page):
    """What the owner reads of a page: its text, tags left out, entities read."""
    body = page.text[page.text.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def unmet_rows(page):
    """The unmet wants listed, as (client, wanted, why)."""
    section = page.text[page.text.index('id="unmet"') :]
    table = section[section.index("<th>Why</th>") :]
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", table, re.S)
    return [tuple(text_of_cell(c) for c in row) for row in rows]


def text_of_cell(cell):
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def groups(page):
    """The groups of the unmet wants, as (what is in the way, places, wants)."""
    section = page.text[page.text.index('id="unmet"') :]
    table = section[: section.index("<th>Why</th>")]
    return [
        (text_of_cell(label), int(places), int(wants))
        for label, places, wants in re.findall(
            r'<td><a href="[^"]*">(.*?)</a></td>\s*<td class="num">(\d+)</td>\s*'
            r'<td class="num">(\d+)</td>',
            table,
        )
    ]


# --- The summary -----------------------------------------------------------------------------


def test_the_summary_gives_places_of_wanted_clients_served_and_that_no_plan_does_better(
    client, owner_login, solved
):
    page = client.get(f"/owner/week?start={WEEK}")
    said = text_of(page)

    assert "3 of 6 places given of those wanted" in said
    assert "3 of 6 clients with every class they asked for" in said
    assert "This is the best possible plan that keeps the pinned classes and places." in said
    details = page.text[page.text.index("<details>") : page.text.index("</details>")]
    assert "<summary>details</summary>" in details
    assert "<dt>priority places</dt><dd>3 " in details
    assert "<dt>solver status</dt><dd>OPTIMAL (proven best on every level)" in details


def test_a_plan_below_its_bound_says_how_many_more_places_the_best_could_give(
    client, owner_login, solved, db_session
):
    below = save_plan(
        session=db_session,
        week_start=WEEK,
        plan=replace(checked_stored_plan(db_session, solved.id), bound=7),
    )
    db_session.commit()

    said = text_of(client.get(f"/owner/week?start={WEEK}&plan={below.id}"))

    assert (
        "The best possible plan that keeps the pinned classes and places gives at most 4 more"
        " places, each counted by its client's priority." in said
    )
    assert "7: no plan that keeps the pinned classes and places gives more priority" in said


def test_a_resolve_around_the_published_plan_says_its_bound_keeps_the_places_carried_over(
    client, owner_login, solved, db_session
):
    client.post(f"/owner/plans/{solved.id}/publish")
    again = solve_week(session=db_session, week_start=WEEK, time_limit=2)
    checked_stored_plan(db_session, again.id)

    said = text_of(client.get(f"/owner/week?start={WEEK}"))

    assert (
        "This is the best possible plan that keeps the 3 places carried over and the pinned"
        " classes and places." in said
    )


# --- The unmet wants ---------------------------------------------------------------------------


def test_unmet_wants_are_grouped_by_what_is_in_the_way_with_counts(client, owner_login, solved):
    page = client.get(f"/owner/week?start={WEEK}")

    assert groups(page) == [
        ("It needs GP clearance", 1, 1),
        ("No such class at their venues in their hours", 1, 1),
        ("The classes in their hours are full", 1, 1),
    ]
    assert "Wants not met (3 places for 3 wants)" in text_of(page)
    assert {name for name, _, _ in unmet_rows(page)} >= {"Cat Clark", "Eve Evans"}


def test_each_unmet_want_links_to_the_clients_page_on_the_owners_side(client, owner_login, solved):
    page = client.get(f"/owner/week?start={WEEK}").text
    assert f'<a href="/owner/clients/c5?start={WEEK}">Cat Clark</a>' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "venue=stevenage",
            [("Eve Evans", "1 place of Mat", "no Mat class at their venues in their hours")],
        ),
        (
            "class=back-care",
            [
                (
                    "Cat Clark",
                    "1 place of Back Care",
                    "Back Care needs GP clearance, which they do not have",
                )
            ],
        ),
        (
            "reason=needs_clearance",
            [
                (
                    "Cat Clark",
                    "1 place of Back Care",
                    "Back Care needs GP clearance, which they do not have",
                )
            ],
        ),
    ],
)
def test_the_unmet_wants_filter_by_venue_class_and_reason(
    client, owner_login, solved, query, expected
):
    page = client.get(f"/owner/week?start={WEEK}&{query}")
    assert unmet_rows(page) == expected
    assert "Show all" in page.text


def test_the_reason_filter_for_full_classes_names_the_full_class(client, owner_login, solved):
    page = client.get(f"/owner/week?start={WEEK}&reason=full")

    [(name, wanted, why)] = unmet_rows(page)
    assert name in {"Ann Archer", "Ben Baker", "Col Cole"}
    assert (wanted, why) == ("1 place of Reformer", f"{MONDAY_CLASS} is full")


def test_a_filter_the_week_lacks_shows_every_unmet_want(client, owner_login, solved):
    page = client.get(f"/owner/week?start={WEEK}&venue=luton&reason=sunshine")
    assert len(unmet_rows(page)) == 3


# --- Publishing ------------------------------------------------------------------------------


def test_publish_is_offered_for_a_first_draft_hidden_when_nothing_differs_and_shown_after_a_move(
    client, owner_login, solved, db_session
):
    assert "Review and publish" in client.get(f"/owner/week?start={WEEK}").text
    client.post(f"/owner/plans/{solved.id}/publish")
    assert published_plan(session=db_session, week_start=WEEK).id == solved.id

    same = solve_week(session=db_session, week_start=WEEK, time_limit=2)
    checked_stored_plan(db_session, same.id)
    week_page = client.get(f"/owner/week?start={WEEK}")
    assert "This draft is the same as the published plan." in text_of(week_page)
    assert "Review and publish" not in week_page.text
    preview = client.get(f"/owner/plans/{same.id}/publish")
    assert "This draft is the same as the published plan (version 1)" in text_of(preview)
    assert "Publish version 2" not in preview.text
    refused = client.post(f"/owner/plans/{same.id}/publish", follow_redirects=True)
    assert "version 2 is the same as the published version 1" in text_of(refused)
    assert published_plan(session=db_session, week_start=WEEK).id == solved.id

    dee = next(a for a in checked_stored_plan(db_session, same.id).allocations if a.client == "c4")
    other_machine = next(r for r in ("R1", "R2") if r != dee.reformer)
    moved = client.post(
        f"/owner/plans/{same.id}/sessions/{dee.session}/places/c4/move",
        data={"to_session": dee.session, "reformer": other_machine},
    )
    assert moved.status_code == 302
    checked_stored_plan(db_session, same.id)
    assert "Review and publish" in client.get(f"/owner/week?start={WEEK}").text
    preview = client.get(f"/owner/plans/{same.id}/publish")
    assert "Publish version 2?" in preview.text
    assert "1 moved, 0 joined, 0 lost" in text_of(preview)


# --- Refusals --------------------------------------------------------------------------------


def test_a_move_into_a_full_class_is_refused_naming_the_class_the_client_and_what_is_full(
    client, owner_login, db_session
):
    fay = b.client("c7", availability=TUESDAY, name="Fay Fox")  # Tuesday's class is full too
    save_week(session=db_session, week=replace(fixed_week(), clients=(*fixed_week().clients, fay)))
    db_session.commit()
    full = solve_week(session=db_session, week_start=WEEK, time_limit=2)
    plan = checked_stored_plan(db_session, full.id)
    monday = next(a for a in plan.allocations if a.session.startswith("mon-"))
    who = {"c1": "Ann Archer", "c2": "Ben Baker", "c3": "Col Cole"}[monday.client]
    tuesday = next(s for s in plan.sessions if s.id.startswith("tue-"))
    assert sum(1 for a in plan.allocations if a.session == tuesday.id) == 2

    refused = client.post(
        f"/owner/plans/{full.id}/sessions/{monday.session}/places/{monday.client}/move",
        data={"to_session": tuesday.id, "reformer": ""},
        follow_redirects=True,
    )

    said = text_of(refused)
    assert (
        f"Not done: {TUESDAY_CLASS} is full (2 of 2). rule 5 {who} is not free for"
        f" {TUESDAY_CLASS} (not free on Tuesdays). rule 7" in said
    )
    assert find_plan(session=db_session, week_start=WEEK).id == full.id
