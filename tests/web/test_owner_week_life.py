"""The owner's view of a published week's life: the week page's "Since publishing" panel and
each client's history on their page.

Last week is published and lived through: Eve and Fay waited for Tuesday; Ann gave it up
in time, so Eve got her space, and Ann made it up on Thursday, where she came; Dan gave
Thursday up late; on Tuesday Ben did not come, Cat did, and Eve is not marked.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from scheduler.bookings.booking import book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.life import load_live_week
from scheduler.bookings.policy import save_policy
from scheduler.bookings.register import mark
from scheduler.bookings.waitlist import join_waitlist
from scheduler.store.weeks import save_week
from solver.checker import check_plan
from tests.register_seed import (
    OWNER_EMAIL,
    THURSDAY,
    TUESDAY,
    add_logins,
    publish_register_week,
    register_week,
)
from tests.web.test_register import LAST_MONDAY, sign_in

START = LAST_MONDAY.isoformat()


@pytest.fixture
def lived(web, db_session):
    """Last week lived through as the module says, and the owner signed in on `web`."""
    owner = add_logins(db_session)["owner"]
    week = publish_register_week(db_session, LAST_MONDAY)
    save_policy(session=db_session, cancel_cutoff_hours=12, makeup_valid_weeks=4, drop_ins=True)
    early = week.tuesday - timedelta(days=2)
    for n, client in enumerate(("c5", "c6")):
        join_waitlist(
            session=db_session,
            client_key=client,
            session_key=TUESDAY.id,
            now=early - timedelta(minutes=10 - n),
        )
    cancel_place(session=db_session, client_key="c1", session_key=TUESDAY.id, now=early)
    book_space(session=db_session, client_key="c1", session_key=THURSDAY.id, now=early)
    cancel_place(
        session=db_session,
        client_key="c4",
        session_key=THURSDAY.id,
        now=week.thursday - timedelta(hours=1),
    )
    for key, client, said in (
        (TUESDAY.id, "c2", "no_show"),
        (TUESDAY.id, "c3", "attended"),
        (THURSDAY.id, "c1", "attended"),
    ):
        mark(
            session=db_session,
            week_start=LAST_MONDAY,
            session_key=key,
            client_key=client,
            mark=said,
            by_login_id=owner,
            now=week.thursday + timedelta(minutes=5),
        )
    live = load_live_week(session=db_session, week_start=LAST_MONDAY)
    assert check_plan(live.now_week, live.now_plan) == []
    sign_in(web, OWNER_EMAIL)
    return web


def panel(page_text: str) -> str:
    found = re.search(r'<section class="card since".*?</section>', page_text, re.S)
    assert found, "the week page has no Since publishing panel"
    return found.group(0)


def cells(text: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", text, re.S)]


def test_the_week_page_says_what_happened_since_publishing(lived):
    since = panel(lived.get(f"/owner/week?start={START}").text)

    assert '2</div><div class="label">places given up, 1 late' in since
    assert re.search(r'Dan Dale</a> <span class="badge draft">late</span>', since)
    assert "Ann Archer" in since and "Tue 09:30 Reformer at Hitchin" in since
    assert re.search(r'Ann Archer</a> <span class="badge">make-up</span>', since)
    assert re.search(r'Eve Evans</a> <span class="badge">drop-in</span>', since)
    assert "from the waitlist" in since
    assert "Fay Fox" not in since  # a waitlist is counted, its clients not named
    assert "1 client waiting" in since
    # Tuesday: Ben a no-show, Cat attended, Eve not marked; Thursday: Ann attended.
    assert cells(since) == ["Reformer", "2", "1", "1", "0"]
    assert "c1" not in re.sub(r'href="[^"]*"|id="[^"]*"', "", since)


def test_a_week_just_published_says_nothing_has_changed_yet(web, db_session):
    add_logins(db_session)
    publish_register_week(db_session, LAST_MONDAY + timedelta(weeks=2))
    sign_in(web, OWNER_EMAIL)

    since = panel(web.get(f"/owner/week?start={LAST_MONDAY + timedelta(weeks=2)}").text)

    assert "Nothing has changed yet" in since
    assert cells(since) == ["Reformer", "0", "0", "0", "4"]


def test_a_week_with_nothing_published_has_no_panel(web, db_session):
    add_logins(db_session)
    save_week(session=db_session, week=register_week(LAST_MONDAY))
    db_session.commit()
    sign_in(web, OWNER_EMAIL)

    assert "Since publishing" not in web.get(f"/owner/week?start={START}").text


def test_a_clients_page_holds_their_history_with_counts(lived):
    page = lived.get(f"/owner/clients/c1?start={START}").text

    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    assert counts == {
        "Attended": "1",
        "No-show": "0",
        "Cancelled": "1",
        "Cancelled late": "0",
        "Make-up": "1",
        "Drop-in": "0",
        "Intro 1-2-1": "0",
    }
    history = page[page.index('id="history"') :]
    assert [c for c in cells(history) if "Reformer" in c] == [
        f"Thu 18:00 Reformer at Hitchin{_day(LAST_MONDAY, 3)}",
        f"Thu 18:00 Reformer at Hitchin{_day(LAST_MONDAY, 3)}",
        f"Tue 09:30 Reformer at Hitchin{_day(LAST_MONDAY, 1)}",
    ]


def _day(monday, days: int) -> str:
    return (monday + timedelta(days=days)).strftime("%-d %B %Y")


def test_a_late_cancellation_and_a_no_show_show_in_the_clients_history(lived):
    dan = lived.get(f"/owner/clients/c4?start={START}").text
    ben = lived.get(f"/owner/clients/c2?start={START}").text

    assert re.search(r"<dt>Cancelled late</dt><dd>1</dd>", dan)
    assert re.search(r"<dt>No-show</dt><dd>1</dd>", ben)


def test_a_client_with_nothing_yet_has_an_empty_history(lived):
    page = lived.get(f"/owner/clients/c6?start={START}").text

    assert "Nothing yet: no class marked on a register" in page
