"""The week after publishing in a real browser: cancel, wait, make up (Debian's Chromium).

A client cancels from My week on a phone, through the confirmation page, and the
freed space shows on the public timetable; another cancels a full class, whose
space goes to the fairest waiting client (not the first to ask), who is e-mailed
(read from the test's SMTP server). A client with a make-up credit books a make-up
from My week. The app runs on a live port of 127.0.0.1 against this test's
database; each page is saved as a screenshot in `test-artifacts/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import select

from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.waitlist import join_waitlist
from scheduler.clients.access import issue_sign_in_link
from scheduler.core import models
from tests.smtp_sink import SmtpSink, running_sink
from tests.studio_seed import SECRET_KEY, make_app
from tests.web.browsing import DESK, PHONE, chromium, serving, shoot, watch_policy
from tests.web.life_seed import ANN, BEA, DAN, EMAILS, EVE, FAY, life_studio

pytestmark = pytest.mark.browser


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with running_sink() as running:
        yield running


@pytest.fixture
def live_server(database_url: str, engine, sink: SmtpSink) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, mailing through the test's SMTP server."""
    with serving(
        lambda base: make_app(database_url, BASE_URL=base, SMTP_HOST=sink.host, SMTP_PORT=sink.port)
    ) as base:
        yield base


def signed_in(
    browser: Browser, db, base: str, client: str, viewport: dict, blocked: list[str]
) -> tuple[BrowserContext, Page]:
    """A browser context with `client` signed in through their one-time link, on My week."""
    context = browser.new_context(
        viewport=viewport,
        **({"device_scale_factor": 2, "is_mobile": True} if viewport == PHONE else {}),
    )
    page = watch_policy(context.new_page(), blocked)
    link = issue_sign_in_link(session=db, client_key=client, secret_key=SECRET_KEY, base_url=base)
    page.goto(link.url)
    page.click("text=Show my week")
    expect(page).to_have_url(f"{base}/me/week")
    return context, page


def slot(page: Page, day: str):
    """The timetable's class on `day` ("Tuesday", "Thursday")."""
    return page.locator(".timetable-day", has_text=day).locator(".slot")


def bookings(db) -> list[tuple[str, str, bool]]:
    db.expire_all()
    rows = db.exec(select(models.Booking).where(models.Booking.cancelled_at.is_(None))).all()
    return [(b.client, b.kind, b.from_waitlist) for b in rows]


def test_a_client_cancels_the_space_shows_and_the_fairest_waiting_client_gets_it_by_email(
    browser, live_server, db_session, sink
):
    studio = life_studio(db_session, drop_ins=True, **{FAY: {"missed_weeks": 2}})
    join_waitlist(
        session=db_session,
        client_key=EVE,
        session_key=studio.tuesday.id,
        week_start=studio.week_start,
    )
    blocked: list[str] = []

    # Fay, who has missed out lately, joins Tuesday's waitlist from the timetable, after Eve.
    desk, fay = signed_in(browser, db_session, live_server, FAY, DESK, blocked)
    fay.click("text=Timetable")
    expect(slot(fay, "Tuesday")).to_contain_text("Full, 1 waiting")
    expect(slot(fay, "Thursday").get_by_role("button", name=re.compile("^Book"))).to_be_visible()
    shoot(fay, "life-01-timetable-book-desk")
    slot(fay, "Tuesday").get_by_role("button", name=re.compile("^Join the waitlist")).click()
    expect(fay.locator(".flash.success")).to_contain_text("You are on the waitlist")
    expect(slot(fay, "Tuesday")).to_contain_text("You are on the waitlist")
    desk.close()

    # Dan cancels Thursday (nobody waits for it) on his phone, through the confirmation page.
    phone, dan = signed_in(browser, db_session, live_server, DAN, PHONE, blocked)
    shoot(dan, "life-02-client-week-phone")
    dan.get_by_role("link", name=re.compile("^Cancel this class")).click()
    expect(dan.locator(".cancel-confirm .terms")).to_contain_text(
        "Cancel before Thursday 06:00 to keep a make-up credit."
    )
    shoot(dan, "life-03-client-cancel-phone")
    dan.get_by_role("button", name="Yes, cancel this class").click()
    expect(dan.locator(".flash.success")).to_contain_text("You have a make-up credit to use by")
    expect(dan.locator(".place-card.cancelled")).to_contain_text("Cancelled for")
    expect(dan.locator("#credits")).to_contain_text("Use by")
    shoot(dan, "life-04-client-cancelled-phone")

    # The freed space shows on the public timetable.
    visitor = browser.new_context(viewport=PHONE)
    public = watch_policy(visitor.new_page(), blocked)
    public.goto(f"{live_server}/")
    expect(slot(public, "Thursday")).to_contain_text("2 spaces")
    expect(slot(public, "Tuesday")).to_contain_text("Full, 2 waiting")
    shoot(public, "life-05-timetable-freed-phone")

    # Bea cancels Tuesday: the space goes at once to Fay, the fairest, not Eve, the first.
    _, bea = signed_in(browser, db_session, live_server, BEA, PHONE, blocked)
    bea.get_by_role("link", name=re.compile("^Cancel this class")).click()
    bea.get_by_role("button", name="Yes, cancel this class").click()
    expect(bea.locator(".flash.success")).to_contain_text("is cancelled")
    assert bookings(db_session) == [(FAY, "drop_in", True)]
    assert [r.recipients for r in sink.received] == [[EMAILS[FAY]]]
    letter = sink.received[0].message
    assert letter["Subject"].startswith("A space for you: Tue 09:30 Reformer at Hitchin")
    body = letter.get_content()
    assert "it is yours" in body and "Your reformer: R2" in body
    link = re.search(r"(http://127\.0\.0\.1:\d+/me/week\?week=\S+)", body).group(1)
    public.reload()
    expect(slot(public, "Tuesday")).to_contain_text("Full, 1 waiting")

    # Fay follows the e-mail's link to My week and finds the place.
    fay_phone, fay = signed_in(browser, db_session, live_server, FAY, PHONE, blocked)
    fay.goto(link)
    expect(fay.locator(".place-card", has_text="Tue")).to_contain_text("Drop-in")
    shoot(fay, "life-06-waiting-client-placed-phone")
    studio.checked(db_session)
    phone.close()
    visitor.close()
    fay_phone.close()
    assert blocked == [], "the Content-Security-Policy blocked part of a page"


def test_a_client_books_a_make_up_with_their_credit(browser, live_server, db_session):
    studio = life_studio(db_session)
    cancel_place(
        session=db_session,
        client_key=ANN,
        session_key=studio.tuesday.id,
        week_start=studio.week_start,
    )
    blocked: list[str] = []

    phone, ann = signed_in(browser, db_session, live_server, ANN, PHONE, blocked)
    expect(ann.locator("#credits")).to_contain_text("Use by")
    makeups = ann.locator("#book")
    expect(makeups.locator("h2")).to_have_text("Book a make-up")
    expect(makeups).to_contain_text("18:00 Reformer")
    shoot(ann, "life-07-client-makeups-phone")
    makeups.get_by_role("button", name=re.compile("^Book")).click()

    expect(ann.locator(".flash.success")).to_contain_text("Your make-up credit pays for it.")
    thursday = ann.locator(".place-card", has_text="Thu")
    expect(thursday).to_contain_text("Make-up")
    expect(thursday.locator(".machine-badge .number")).to_have_text("R2")
    expect(ann.locator("#credits")).to_contain_text("Used for Reformer at Hitchin on Thursday")
    expect(ann.locator("#book")).to_have_count(0)
    shoot(ann, "life-08-client-made-up-phone")
    assert bookings(db_session) == [(ANN, "makeup", False)]
    studio.checked(db_session)

    ann.click("text=Timetable")
    expect(slot(ann, "Thursday")).to_contain_text("Your class")
    expect(slot(ann, "Tuesday")).to_contain_text("You cancelled this date")
    phone.close()
    assert blocked == [], "the Content-Security-Policy blocked part of a page"
