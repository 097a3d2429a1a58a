"""A new client books their intro 1-2-1 in Chromium on a phone, and the owner sees it.

Nia opens her one-time link, finds "Book your intro" on My week, picks Thursday,
then 19:00, and My week shows her intro; the owner's week page shows it as a
pinned session booked by the client. The intro page, with its day and time
buttons, gives axe-core no serious finding. Screenshots go to `test-artifacts/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import select

from scheduler.bookings.life import load_live_week
from scheduler.clients.access import issue_sign_in_link
from scheduler.core import models
from scheduler.core.dates import coming_monday
from scheduler.studio.accounts import add_instructor_login
from solver.checker import check_plan
from tests.scheduler.bookings.intro_seed import NEW, publish_intro_week
from tests.studio_seed import SECRET_KEY, make_app
from tests.web.browsing import DESK, PHONE, chromium, serving, shoot, watch_policy
from tests.web.test_browser_pages import axe_findings

pytestmark = pytest.mark.browser

OWNER = {"email": "claire@example.com", "password": "studio-owner-pass"}


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def live_server(database_url: str, engine) -> Iterator[str]:
    with serving(lambda base: make_app(database_url, BASE_URL=base, ENV_NAME="test")) as base:
        yield base


def test_a_new_client_books_their_intro_on_a_phone_and_the_owner_sees_it(
    browser, live_server, db_session
):
    monday = coming_monday()
    publish_intro_week(db_session, week_start=monday.isoformat())
    add_instructor_login(session=db_session, name="Claire", **OWNER)
    link = issue_sign_in_link(
        session=db_session, client_key=NEW, secret_key=SECRET_KEY, base_url=live_server
    )
    blocked: list[str] = []

    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = watch_policy(phone.new_page(), blocked)
    page.goto(link.url)
    page.click("text=Show my week")
    expect(page).to_have_url(f"{live_server}/me/week")
    shoot(page, "intro-01-my-week-phone")
    page.click("text=Book your intro")
    expect(page.locator("h1")).to_have_text("Book your intro 1-2-1")
    thursday = monday + timedelta(days=3)
    page.click(f".intro-day[href$='day={thursday.isoformat()}']")
    expect(page.locator(".intro-time")).to_have_count(2)
    assert axe_findings(page) == []
    shoot(page, "client-intro-phone")

    page.click(".intro-time:has-text('19:00')")
    expect(page.locator(".flash.success")).to_contain_text("Your intro is booked for Thursday")
    expect(page.locator(".intro-booked h1")).to_contain_text(thursday.strftime("%A"))
    shoot(page, "intro-02-booked-phone")
    page.click("text=My week")
    expect(page.locator(".intro-link")).to_contain_text("19:00")
    expect(page.locator(".intro-link")).to_contain_text("Jo Evans")
    phone.close()

    db_session.expire_all()
    [booking] = db_session.exec(select(models.Booking)).all()
    assert (booking.kind, booking.client, booking.instructor) == ("intro", NEW, "jo")
    checked_live_week(db_session, monday)

    desk = browser.new_context(viewport=DESK)
    owner = watch_policy(desk.new_page(), blocked)
    owner.goto(f"{live_server}/auth/sign-in")
    owner.fill('input[name="email"]', OWNER["email"])
    owner.fill('input[name="password"]', OWNER["password"])
    owner.click('button[type="submit"]')
    owner.goto(f"{live_server}/owner/week?start={monday.isoformat()}")
    card = owner.locator(".booked-intro")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("booked by the client")
    expect(card).to_contain_text("Nia Novak")
    expect(card).to_contain_text("19:00")
    shoot(owner, "intro-03-owner-week-desk")
    desk.close()
    assert blocked == []


def checked_live_week(db, monday) -> None:
    """The live week keeps every hard rule, the intro in it (the checker says so)."""
    live = load_live_week(session=db, week_start=monday)
    assert check_plan(live.now_week, live.now_plan) == []
    assert NEW in {a.client for a in live.now_plan.allocations}
