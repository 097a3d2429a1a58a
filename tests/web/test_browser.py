"""The whole journey in a real browser: Debian's Chromium, headless, driven by Playwright.

The owner signs in, solves the week (a short time limit, watching the progress
reach done) and publishes it; a client opens their one-time link, sees their
reformer number and follows their calendar feed, which must parse. A live
server runs the app on a free port of 127.0.0.1 against this test's database.
Each page is saved as a screenshot in `test-artifacts/`.

Chromium missing is a failure, not a skip: the project's set-up (`make browser`)
installs it, and these tests are part of what "done" means.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, expect
from sqlmodel import select

from scheduler.clients.access import issue_sign_in_link
from scheduler.core import models
from scheduler.core.dates import coming_monday
from scheduler.store.plans import load_stored_plan, published_plan
from scheduler.store.weeks import load_stored_week, save_week
from scheduler.studio.accounts import add_instructor_login
from solver.checker import check_plan
from tests.studio_seed import ANN, BEA, SECRET_KEY, make_app, studio_week
from tests.web.browsing import DESK, PHONE, chromium, serving, shoot, watch_policy

pytestmark = pytest.mark.browser

OWNER = {"email": "claire@example.com", "password": "studio-owner-pass"}
SOLVE_SECONDS = "4"


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def live_server(database_url: str, engine) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 against this test's database; yields its base URL."""
    with serving(
        lambda base: make_app(database_url, BASE_URL=base, ENV_NAME="test", SOLVE_SECONDS=2)
    ) as base:
        yield base


def test_owner_solves_and_publishes_then_a_client_sees_their_reformer_and_feed(
    browser, live_server, db_session
):
    week_start = coming_monday()
    save_week(session=db_session, week=studio_week(week_start))
    db_session.commit()
    add_instructor_login(session=db_session, name="Claire", **OWNER)

    # The owner: sign in, solve, watch the progress reach done, publish.
    blocked: list[str] = []
    owner = browser.new_context(viewport=DESK)
    page = watch_policy(owner.new_page(), blocked)
    page.goto(f"{live_server}/auth/sign-in")
    shoot(page, "01-owner-sign-in")
    page.fill('input[name="email"]', OWNER["email"])
    page.fill('input[name="password"]', OWNER["password"])
    page.click('button[type="submit"]')
    expect(page).to_have_url(f"{live_server}/owner/week")
    shoot(page, "02-owner-week-unsolved")

    page.fill('input[name="time_limit"]', SOLVE_SECONDS)
    page.click("button:has-text('Solve the week')")
    status = page.locator("#status")
    expect(status).to_have_text(re.compile("succeeded|failed"), timeout=90_000)
    assert status.text_content() == "succeeded", page.locator("#error").text_content()
    expect(page.locator("#result")).to_be_visible()
    shoot(page, "03-owner-solve-done")

    page.click("#r-link")
    shoot(page, "04-owner-week-solved")
    page.click("text=Review and publish")
    shoot(page, "05-owner-publish-preview")
    page.click("button:has-text('Publish version')")
    expect(page.locator(".flash.success")).to_contain_text("is published")
    shoot(page, "06-owner-published")
    owner.close()

    db_session.expire_all()
    published = published_plan(session=db_session, week_start=week_start)
    assert published is not None
    plan = load_stored_plan(session=db_session, plan_id=published.id)
    assert check_plan(load_stored_week(session=db_session, week_start=week_start), plan) == []
    ann_reformers = sorted(a.reformer for a in plan.allocations if a.client == ANN and a.reformer)
    assert ann_reformers, "the solver gave Ann no reformer place"

    # The client: open the one-time link, sign in, see the reformer number.
    link = issue_sign_in_link(
        session=db_session, client_key=ANN, secret_key=SECRET_KEY, base_url=live_server
    )
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    client_page = watch_policy(phone.new_page(), blocked)
    client_page.goto(link.url)
    shoot(client_page, "07-client-open-link")
    client_page.click("text=Show my week")
    expect(client_page).to_have_url(f"{live_server}/me/week")
    badges = client_page.locator(".machine-badge .number")
    for reformer in ann_reformers:
        expect(badges.filter(has_text=reformer)).to_have_count(1)
    shoot(client_page, "08-client-my-week-phone")

    # Add the calendar feed: both forms are offered, and the feed parses with Ann's places.
    webcal = client_page.get_attribute("#add-to-calendar", "href")
    https = client_page.get_attribute("#feed-https", "href")
    assert webcal.startswith("webcal://127.0.0.1:")
    assert https == "http://" + webcal.removeprefix("webcal://")
    feed = phone.request.get(https)
    assert feed.ok
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    summaries = " ".join(str(e["SUMMARY"]) for e in events)
    assert len(events) == sum(1 for a in plan.allocations if a.client == ANN)
    for reformer in ann_reformers:
        assert reformer in summaries

    client_page.click("text=My preferences")
    shoot(client_page, "09-client-preferences-phone")
    client_page.click("text=Timetable")
    expect(client_page.locator(".venue-timetable").first).to_be_visible()
    shoot(client_page, "10-public-timetable-phone")
    phone.close()

    # The same pages on a desk: the week and the timetable.
    desk = browser.new_context(viewport=DESK)
    desk_page = watch_policy(desk.new_page(), blocked)
    bea_link = issue_sign_in_link(
        session=db_session, client_key=BEA, secret_key=SECRET_KEY, base_url=live_server
    )
    desk_page.goto(bea_link.url)
    desk_page.click("text=Show my week")
    expect(desk_page.locator(".place-card").first).to_be_visible()
    shoot(desk_page, "11-client-my-week-desk")
    desk_page.goto(f"{live_server}/")
    shoot(desk_page, "12-public-timetable-desk")
    desk_page.goto(bea_link.url)
    expect(desk_page.locator("h1")).to_contain_text("already been used")
    shoot(desk_page, "13-client-link-used")
    desk.close()

    db_session.expire_all()
    tokens = db_session.exec(select(models.LoginToken)).all()
    assert all(t.used_at is not None for t in tokens)
    assert blocked == [], "the Content-Security-Policy blocked part of a page"
