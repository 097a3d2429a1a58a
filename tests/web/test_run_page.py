"""The solve run page: its figures when done, fairness points only where someone missed out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import select

from scheduler.core import models
from scheduler.core.dates import coming_monday
from scheduler.planning.solving import solve_week
from scheduler.store.weeks import save_week
from scheduler.studio.accounts import add_instructor_login
from tests import stored
from tests.builders import client, week
from tests.studio_seed import make_app
from tests.web.browsing import DESK, chromium, serving

WEEK = "2026-11-30"
MORNING = [("mon", "09:00", "12:00")]


def solved_run(db, **missed: int) -> models.SolveRun:
    """A finished solve of a week of Ann and Bob (Monday mornings), each missing out as
    `missed` says; its plan checked."""
    the_week = week(
        clients=[
            client(c, availability=MORNING, missed_weeks=missed.get(c, 0)) for c in ("ann", "bob")
        ],
        week_start=WEEK,
    )
    save_week(session=db, week=the_week)
    db.commit()
    row = solve_week(session=db, week_start=WEEK, time_limit=2)
    stored.checked_stored_plan(db, row.id)
    return db.exec(select(models.SolveRun).where(models.SolveRun.plan_id == row.id)).one()


def test_a_done_run_shows_its_fairness_points_when_someone_missed_out(
    client, owner_login, db_session
):
    run = solved_run(db_session, ann=2)

    page = client.get(f"/owner/runs/{run.id}").text

    assert run.result["fairness_points"] == 2
    assert (
        '<div class="figure" id="r-fairness-figure"><div class="value" id="r-fairness">2<' in page
    )


def test_a_run_where_nobody_missed_out_hides_the_fairness_figure(client, owner_login, db_session):
    run = solved_run(db_session)

    page = client.get(f"/owner/runs/{run.id}").text

    assert '<div class="figure" id="r-fairness-figure" hidden>' in page


OWNER = {"email": "claire@example.com", "password": "studio-owner-pass"}


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.mark.browser
def test_the_live_page_shows_the_fairness_points_when_the_solve_is_done(
    browser, database_url, engine, db_session
):
    week_start = coming_monday()
    the_week = week(
        clients=[client("ann", availability=MORNING, missed_weeks=1), client("bob")],
        week_start=week_start.isoformat(),
    )
    save_week(session=db_session, week=the_week)
    db_session.commit()
    add_instructor_login(session=db_session, name="Claire", **OWNER)

    with serving(lambda base: make_app(database_url, BASE_URL=base, ENV_NAME="test")) as base:
        page = browser.new_context(viewport=DESK).new_page()
        page.goto(f"{base}/auth/sign-in")
        page.fill('input[name="email"]', OWNER["email"])
        page.fill('input[name="password"]', OWNER["password"])
        page.click('button[type="submit"]')
        page.fill('input[name="time_limit"]', "2")
        page.click("button:has-text('Solve the week')")
        expect(page.locator("#r-fairness-figure")).to_be_hidden()

        expect(page.locator("#status")).to_have_text("succeeded", timeout=60_000)
        expect(page.locator("#r-fairness-figure")).to_be_visible()
        expect(page.locator("#r-fairness")).to_have_text("1")
    db_session.expire_all()
    run = db_session.exec(select(models.SolveRun)).one()
    stored.checked_stored_plan(db_session, run.plan_id)
    assert run.result["fairness_points"] == 1
