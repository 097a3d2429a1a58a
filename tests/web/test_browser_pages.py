"""Every page at a phone's width (390 px) and a desk's (1280 px), in Debian's Chromium.

One app serves the demo studio for the whole module: its coming week solved
briefly and published, a nightly re-solve left as a draft, two scenario runs, a
sweep and an advisor run, all with small time limits; and last week, published
with the same plan and lived through (`tests/lived_seed.py`: cancellations, a
waitlist, a make-up, registers taken), for the pages of the week after publishing.
Each page, as the owner, an instructor, a client or a visitor sees it, must give
axe-core (from `node_modules/`, see `package.json`) no finding of serious or
critical impact, must cut nothing off
(no element reaching past the right edge of the screen unless it sits in a box
that scrolls sideways), must link a favicon the server has and ask it for nothing
it does not have, and is saved as `test-artifacts/<page>-<width>.png`. Then the
phone's own parts: the owner's menu button, the week's day picker, and the
public timetable's days lined up between venues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, select

from scheduler.bookings.booking import BookingRefused, ClassNotFound, spaces_of
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.life import load_live_week
from scheduler.bookings.waitlist import join_waitlist
from scheduler.clients.access import issue_sign_in_link
from scheduler.clients.week import client_week, monday_of
from scheduler.core import models
from scheduler.core.config import get_settings
from scheduler.core.dates import coming_monday
from scheduler.core.db import get_engine, upgrade
from scheduler.jobs.nightly import run_night
from scheduler.planning.solving import solve_week
from scheduler.scenarios.advisor_runs import start_advice_run
from scheduler.scenarios.service import start_scenario_run, stored_scenarios
from scheduler.store.plans import load_stored_plan, save_plan
from scheduler.store.weeks import load_stored_week
from scheduler.studio.accounts import add_instructor_login
from scheduler.studio.demo import (
    DEMO_OWNER,
    INSTRUCTOR_EMAILS,
    save_demo_owner,
    save_demo_scenarios,
    save_demo_week,
)
from scheduler.tasks.pool import Pool
from solver.checker import check_plan
from tests.builders import REPO_ROOT
from tests.conftest import fresh_database
from tests.lived_seed import live_through
from tests.studio_seed import SECRET_KEY, csrf_token, make_app
from tests.web.browsing import ARTIFACTS, DESK, PHONE, chromium, serving, shoot, watch_policy

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {390: PHONE, 1280: DESK}
OWNER_PASSWORD = "phone-and-desk-owner"
SOLVE_SECONDS = 3
RUN_SECONDS = 1


@dataclass(frozen=True)
class Visit:
    """A page: who looks at it, its path, and what they do there before it is judged."""

    who: str  # "owner", "instructor" (not the owner), "client", "newcomer" or "nobody"
    path: str
    status: int = 200
    fill: dict[str, str] = field(default_factory=dict)
    click: str | None = None


# Every page of the app, by the name its screenshot and test id carry.
PAGES = (
    "owner-week",
    "owner-session",
    "owner-session-move",
    "owner-publish",
    "owner-solve-run",
    "owner-nightly-runs",
    "owner-new-week",
    "owner-venues",
    "owner-venue-edit",
    "owner-room-edit",
    "owner-class-types",
    "owner-class-type-edit",
    "owner-instructors",
    "owner-instructor-edit",
    "owner-clients",
    "owner-client-edit",
    "owner-client-history",
    "owner-week-since-publishing",
    "owner-registers",
    "owner-register",
    "owner-policy",
    "instructor-registers",
    "instructor-register",
    "what-if",
    "scenario",
    "scenario-edit",
    "scenario-run",
    "scenario-sweep",
    "scenario-compare",
    "advisor",
    "advisor-run",
    "client-week",
    "client-place",
    "client-cancel",
    "client-preferences",
    "client-week-newcomer",
    "client-intro",
    "client-sign-in",
    "client-link-sent",
    "client-open-link",
    "client-link-used",
    "owner-sign-in",
    "public-timetable",
    "public-timetable-client",
    "not-found",
)


@dataclass(frozen=True)
class Studio:
    """The demo studio served on a live port: its base URL, pages and sign-ins."""

    base: str
    week_start: date
    visits: dict[str, Visit]
    owner_email: str
    instructor_email: str  # an instructor who is not the owner, teaching `register`
    client_link: Callable[..., str]  # a fresh one-time sign-in link for the client (or `key`)
    newcomer: str  # a client who needs their intro (a newcomer) and has none in the plan
    lived_week: date  # last week, lived through
    register: str  # the path of a register of last week's


def _reformer_session(week, the_plan) -> str:
    """The reformer class with the most clients in `the_plan`."""
    reformer_types = {c.id for c in week.class_types if c.uses_reformers}
    counts = {s.id: 0 for s in the_plan.sessions if s.class_type in reformer_types}
    for a in the_plan.allocations:
        if a.session in counts:
            counts[a.session] += 1
    return max(counts, key=counts.get)


def _clients_on_reformers(the_plan) -> list[str]:
    """Clients with a reformer place, first those with a want not met."""
    on_reformers = {a.client for a in the_plan.allocations if a.reformer}
    unmet = {u.client for u in the_plan.unplaced}
    return sorted(on_reformers, key=lambda c: (c not in unmet, c))


def _week_after_publishing(db: Session, week_start: date, candidates: list[str]) -> tuple[str, str]:
    """A client's week lived in: their first place cancelled (for a make-up credit), a full
    class waited for. The first of `candidates` it can be done for, and a place they keep."""
    for client_key in candidates:
        view = client_week(session=db, client_key=client_key, week_start=week_start)
        places = [p for p in view.places if not p.cancelled]
        if len(places) < 2:
            continue
        cancel_place(
            session=db,
            client_key=client_key,
            session_key=places[0].session_id,
            week_start=week_start,
        )
        live = load_live_week(session=db, week_start=week_start)
        for s in live.now_plan.sessions:
            if spaces_of(live, s).left > 0:
                continue
            try:
                join_waitlist(
                    session=db, client_key=client_key, session_key=s.id, week_start=week_start
                )
            except (BookingRefused, ClassNotFound):
                continue
            return client_key, places[1].session_id
    pytest.fail("no client of the demo week with two places could wait for a full class")


def _needing_an_intro(week, the_plan) -> str:
    """A client who needs their intro and has no one-to-one class in `the_plan`."""
    one_to_one = {c.id for c in week.class_types if c.one_to_one}
    sessions = {s.id: s.class_type for s in the_plan.sessions}
    with_one = {a.client for a in the_plan.allocations if sessions[a.session] in one_to_one}
    return min(c.id for c in week.clients if c.needs_intro and c.id not in with_one)


def _use_link(app, path: str) -> None:
    """Sign in once through the one-time link `path`, so that it is used."""
    http = app.test_client()
    page = http.get(path)
    assert http.post(path, data={"csrf_token": csrf_token(page.data)}).status_code == 302


@pytest.fixture(scope="module")
def studio(tmp_path_factory) -> Iterator[Studio]:
    """The demo studio, solved and run once for the whole module, served on a live port."""
    with (
        fresh_database(tmp_path_factory.mktemp("pages")) as url,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv("DATABASE_URL", url)
        upgrade(url)
        week_start = coming_monday()
        with Session(get_engine(url), expire_on_commit=False) as db:
            save_demo_week(session=db, week_start=week_start)
            owner_email, _ = save_demo_owner(session=db, password=OWNER_PASSWORD)
            save_demo_scenarios(session=db, week_start=week_start)
            published = solve_week(
                session=db, week_start=week_start, time_limit=SOLVE_SECONDS, publish=True
            )
            settings = get_settings(
                {"DATABASE_URL": url, "REFORMER_ENV": "test", "SECRET_KEY": SECRET_KEY}
            )
            night = run_night(settings=settings, night=date.today(), time_limit=SOLVE_SECONDS)
            assert night.status == "succeeded", night.message
            draft = db.exec(select(models.Plan).where(models.Plan.status == "draft")).one()
            week = load_stored_week(session=db, week_start=week_start)
            for row in (published, draft):
                assert check_plan(week, load_stored_plan(session=db, plan_id=row.id)) == []
            live = load_stored_plan(session=db, plan_id=published.id)
            session_key = _reformer_session(week, load_stored_plan(session=db, plan_id=draft.id))
            candidates = _clients_on_reformers(live)
            client_key, kept = _week_after_publishing(db, week_start, candidates)
            other_key = next(c for c in candidates if c != client_key)
            newcomer = _needing_an_intro(week, live)
            draft_plan = load_stored_plan(session=db, plan_id=draft.id)
            moving = next(a.client for a in draft_plan.allocations if a.session == session_key)
            solve_run = db.exec(
                select(models.SolveRun).where(models.SolveRun.kind == "manual")
            ).one()
            scenarios = {row.name: row.id for row, _, _ in stored_scenarios(session=db)}
            reformers = scenarios["Two more reformers at Hitchin"]
            runs = [
                start_scenario_run(
                    session=db,
                    scenario_id=scenario,
                    time_limit=RUN_SECONDS,
                    database_url=url,
                    background=False,
                )
                for scenario in (reformers, scenarios["A second instructor on Saturday mornings"])
            ]
            sweep = start_scenario_run(
                session=db,
                scenario_id=reformers,
                time_limit=RUN_SECONDS,
                sweep_path="changes[0].count",
                sweep_values=[1, 2],
                database_url=url,
                background=False,
            )
            advice = start_advice_run(
                session=db,
                week_start=week_start.isoformat(),
                time_limit=RUN_SECONDS,
                top=1,
                database_url=url,
                background=False,
                pool=Pool(processes=1),
            )
            for run in (*runs, sweep, advice):
                assert run.status == "succeeded", run.error
            lived_week = monday_of(date.today()) - timedelta(weeks=1)
            save_demo_week(session=db, week_start=lived_week)
            assert check_plan(load_stored_week(session=db, week_start=lived_week), live) == []
            save_plan(session=db, week_start=lived_week, plan=live, status="published")
            db.commit()
            lived = live_through(db, lived_week, owner_email, DEMO_OWNER)
            instructor_email = INSTRUCTOR_EMAILS[lived.instructor]
            add_instructor_login(
                session=db, email=instructor_email, password=OWNER_PASSWORD, is_owner=False
            )
            register = (
                f"/owner/week/{lived_week.isoformat()}/sessions/{lived.instructors_class}/register"
            )

            def link(key: str = client_key) -> str:
                return issue_sign_in_link(
                    session=db, client_key=key, secret_key=SECRET_KEY, base_url=base
                ).url

            with serving(lambda at: make_app(url, BASE_URL=at, SOLVE_SECONDS=2)) as base:
                used = link(other_key).removeprefix(base)
                _use_link(make_app(url), used)
                start = f"start={week_start.isoformat()}"
                venue = week.venues[0]
                visits = {
                    "owner-week": Visit("owner", f"/owner/week?{start}"),
                    "owner-session": Visit(
                        "owner",
                        f"/owner/week/{week_start.isoformat()}/sessions/{session_key}"
                        f"?plan={draft.id}",
                    ),
                    "owner-session-move": Visit(
                        "owner",
                        f"/owner/week/{week_start.isoformat()}/sessions/{session_key}"
                        f"?plan={draft.id}&move={moving}#move",
                    ),
                    "owner-publish": Visit("owner", f"/owner/plans/{draft.id}/publish"),
                    "owner-solve-run": Visit("owner", f"/owner/runs/{solve_run.id}"),
                    "owner-nightly-runs": Visit("owner", "/owner/runs"),
                    "owner-new-week": Visit(
                        "owner", f"/owner/week?start={week_start + timedelta(days=7)}", 404
                    ),
                    "owner-venues": Visit("owner", f"/owner/venues?{start}"),
                    "owner-venue-edit": Visit("owner", f"/owner/venues/{venue.id}?{start}"),
                    "owner-room-edit": Visit("owner", f"/owner/rooms/{venue.rooms[0].id}?{start}"),
                    "owner-class-types": Visit("owner", f"/owner/class-types?{start}"),
                    "owner-class-type-edit": Visit(
                        "owner", f"/owner/class-types/{week.class_types[0].id}?{start}"
                    ),
                    "owner-instructors": Visit("owner", f"/owner/instructors?{start}"),
                    "owner-instructor-edit": Visit(
                        "owner", f"/owner/instructors/{week.instructors[0].id}?{start}"
                    ),
                    "owner-clients": Visit("owner", f"/owner/clients?{start}"),
                    "owner-client-edit": Visit("owner", f"/owner/clients/{client_key}?{start}"),
                    "owner-client-history": Visit(
                        "owner", f"/owner/clients/{lived.history_client}?start={lived_week}"
                    ),
                    "owner-week-since-publishing": Visit(
                        "owner", f"/owner/week?start={lived_week}#since-publishing"
                    ),
                    "owner-registers": Visit("owner", f"/owner/registers?start={lived_week}"),
                    "owner-register": Visit(
                        "owner",
                        f"/owner/week/{lived_week.isoformat()}/sessions/{lived.full_class}"
                        "/register",
                    ),
                    "owner-policy": Visit("owner", "/owner/policy"),
                    "instructor-registers": Visit(
                        "instructor", f"/owner/registers?start={lived_week}"
                    ),
                    "instructor-register": Visit("instructor", register),
                    "what-if": Visit("owner", "/owner/scenarios/"),
                    "scenario": Visit("owner", f"/owner/scenarios/{reformers}"),
                    "scenario-edit": Visit("owner", f"/owner/scenarios/{reformers}/edit"),
                    "scenario-run": Visit("owner", f"/owner/scenarios/runs/{runs[0].id}"),
                    "scenario-sweep": Visit("owner", f"/owner/scenarios/runs/{sweep.id}"),
                    "scenario-compare": Visit(
                        "owner", f"/owner/scenarios/compare?run={runs[0].id}&run={runs[1].id}"
                    ),
                    "advisor": Visit("owner", "/owner/scenarios/advice"),
                    "advisor-run": Visit("owner", f"/owner/scenarios/advice/{advice.id}"),
                    "client-week": Visit("client", "/me/week"),
                    "client-place": Visit("client", "/me/week", click=".place-card h2 a"),
                    "client-cancel": Visit(
                        "client", f"/me/week/{week_start.isoformat()}/classes/{kept}/cancel"
                    ),
                    "client-preferences": Visit("client", "/me/preferences"),
                    "client-week-newcomer": Visit("newcomer", "/me/week"),
                    "client-intro": Visit("newcomer", "/me/intro"),
                    "client-sign-in": Visit("nobody", "/me/sign-in"),
                    "client-link-sent": Visit(
                        "nobody",
                        "/me/sign-in",
                        fill={'input[name="email"]': "someone@example.com"},
                        click='button[type="submit"]',
                    ),
                    "client-open-link": Visit("nobody", link(other_key).removeprefix(base)),
                    "client-link-used": Visit("nobody", used, 410),
                    "owner-sign-in": Visit("nobody", "/auth/sign-in"),
                    "public-timetable": Visit("nobody", "/"),
                    "public-timetable-client": Visit("client", "/"),
                    "not-found": Visit("nobody", "/timetable/1999-01-04", 404),
                }
                assert tuple(visits) == PAGES
                yield Studio(
                    base,
                    week_start,
                    visits,
                    owner_email,
                    instructor_email,
                    link,
                    newcomer,
                    lived_week,
                    register,
                )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def sign_in_owner(context: BrowserContext, studio: Studio, instructor: bool = False) -> None:
    """Sign the demo's owner (or the instructor who is not) in on `context` through the
    sign-in form."""
    page = context.new_page()
    page.goto(f"{studio.base}/auth/sign-in")
    page.fill('input[name="email"]', studio.instructor_email if instructor else studio.owner_email)
    page.fill('input[name="password"]', OWNER_PASSWORD)
    page.click('button[type="submit"]')
    expect(page).to_have_url(f"{studio.base}/owner/{'registers' if instructor else 'week'}")
    page.close()


@pytest.fixture(scope="module")
def visitors(browser, studio) -> Iterator[dict[tuple[str, int], BrowserContext]]:
    """A browser context per visitor and width: the owner and the two clients signed in."""
    contexts = {}
    for width, viewport in WIDTHS.items():
        for who in ("owner", "instructor", "client", "newcomer", "nobody"):
            contexts[who, width] = browser.new_context(viewport=viewport)
        sign_in_owner(contexts["owner", width], studio)
        sign_in_owner(contexts["instructor", width], studio, instructor=True)
        for who, key in (("client", None), ("newcomer", studio.newcomer)):
            page = contexts[who, width].new_page()
            page.goto(studio.client_link(key) if key else studio.client_link())
            page.click("text=Show my week")
            expect(page).to_have_url(f"{studio.base}/me/week")
            page.close()
    yield contexts
    for context in contexts.values():
        context.close()


def open_page(
    studio: Studio, visitors, name: str, width: int, blocked: list[str]
) -> tuple[Page, list[str]]:
    """The page `name` as its visitor sees it at `width`, with what the server did not have;
    what its Content-Security-Policy stopped goes on `blocked`."""
    visit = studio.visits[name]
    page = watch_policy(visitors[visit.who, width].new_page(), blocked)
    missing: list[str] = []
    page.on(
        "response",
        lambda r: (
            missing.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    response = page.goto(studio.base + visit.path, wait_until="networkidle")
    assert response.status == visit.status, f"{visit.path} answered {response.status}"
    for selector, value in visit.fill.items():
        page.fill(selector, value)
    if visit.click:
        page.click(visit.click)
        page.wait_for_load_state("networkidle")
    return page, missing


def axe_findings(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, each in words."""
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `make test` (or `npm ci`) first")
    # Through the DevTools protocol, which the page's Content-Security-Policy does not stop.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        """async () => {
          const found = await axe.run(document, {
            rules: {"label-content-name-mismatch": {enabled: true}},
            resultTypes: ["violations"],
          });
          return found.violations;
        }"""
    )
    lines = []
    for violation in results:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}"
                f" at {' '.join(node['target'])}: {summary}"
            )
    return lines


def favicon_problems(page: Page) -> list[str]:
    """What is wrong with the page's favicon: none linked, or not served as an image."""
    icon = page.evaluate("() => document.querySelector('link[rel=icon]')?.href ?? null")
    if icon is None:
        return ["no favicon linked: the browser asks for /favicon.ico"]
    answer = page.request.get(icon)
    if not answer.ok or not answer.headers["content-type"].startswith("image/"):
        return [f"the favicon {icon} answers {answer.status} {answer.headers['content-type']}"]
    return []


# Each visible element whose right edge passes the screen's, unless a box around it
# scrolls sideways; only the outermost of a run of such elements is named.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const describe = (el) => {
    const classes = [...el.classList].map((c) => "." + c).join("");
    const text = (el.innerText || el.value || "").trim().split("\\n")[0].slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes}> "${text}"`;
  };
  const out = [];
  const walk = (el, reported) => {
    for (const child of el.children) {
      const box = child.getBoundingClientRect();
      const style = getComputedStyle(child);
      const seen = box.width > 0 && box.height > 0 && style.visibility !== "hidden";
      const over = seen && box.right > width + 1;
      if (over && !reported) out.push(`${describe(child)} reaches ${Math.round(box.right)} px`);
      if (!scrolls(child)) walk(child, reported || over);
    }
  };
  walk(document.body, false);
  if (document.documentElement.scrollWidth > width) {
    out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  }
  return out;
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_no_serious_accessibility_finding_and_cuts_nothing_off(
    studio, visitors, name, width
):
    blocked: list[str] = []
    page, missing = open_page(studio, visitors, name, width, blocked)
    try:
        problems = [f"axe-core: {line}" for line in axe_findings(page)]
        problems += [f"cut off: {line}" for line in page.evaluate(CUT_OFF)]
        problems += favicon_problems(page)
        shoot(page, f"{name}-{width}")
    finally:
        page.close()
    problems += [f"the page asked for what the server does not have: {url}" for url in missing]
    problems += [f"the Content-Security-Policy blocked: {line}" for line in blocked]
    assert problems == [], f"{name} at {width} px:\n" + "\n".join(problems)


def owner_page(visitors, studio: Studio, width: int, path: str = "/owner/week") -> Page:
    page = visitors["owner", width].new_page()
    page.goto(studio.base + path)
    return page


def test_on_a_desk_the_week_says_what_happened_since_publishing(studio, visitors):
    page = owner_page(visitors, studio, 1280, f"/owner/week?start={studio.lived_week}")
    panel = page.locator("#since-publishing")

    expect(panel.get_by_role("heading", name="Since publishing")).to_be_visible()
    expect(panel.locator(".badge", has_text="late")).to_have_count(1)
    expect(panel.locator(".badge", has_text="make-up")).to_have_count(1)
    expect(panel).to_contain_text("1 client waiting")
    expect(panel.locator("table tbody tr").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / "owner-since-publishing-1280.png"))
    page.close()


def test_on_a_phone_the_instructor_marks_a_client_on_the_register(studio, visitors):
    page = visitors["instructor", 390].new_page()
    page.goto(studio.base + studio.register)
    line = page.locator(".register-line").first
    name = line.locator("strong").inner_text()
    pressed = (
        "No-show" if "Attended" in line.locator(".register-who small").inner_text() else "Attended"
    )

    line.get_by_role("button", name=pressed).click()

    expect(page.locator(".flash.success")).to_contain_text(f"{name} is marked")
    again = page.locator(".register-line", has_text=name)
    expect(again.get_by_role("button", name=pressed)).to_have_attribute("aria-pressed", "true")
    shoot(page, "instructor-register-marked-390")
    page.close()


def test_on_a_phone_the_owners_menu_opens_from_its_button_and_its_links_take_the_keyboard(
    studio, visitors
):
    page = owner_page(visitors, studio, 390)
    button = page.get_by_role("button", name="Menu")
    what_if = page.get_by_role("link", name="What if")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(what_if).to_be_hidden()

    page.keyboard.press("Tab")  # the studio's name
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(what_if).to_be_visible()
    shoot(page, "owner-menu-open-390")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Week", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(what_if).to_be_hidden()

    button.click()
    what_if.click()
    expect(page).to_have_url(f"{studio.base}/owner/scenarios/")
    page.close()


def test_on_a_desk_the_owners_links_show_without_a_menu_button(studio, visitors):
    page = owner_page(visitors, studio, 1280)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ("Week", "Venues", "Classes", "Instructors", "Clients", "Nightly", "What if"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    page.close()


@pytest.fixture(scope="module")
def owner_without_script(browser, studio) -> Iterator[BrowserContext]:
    """The owner signed in at a phone's width, in a browser that runs no script."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    sign_in_owner(context, studio)
    yield context
    context.close()


def test_without_script_every_owner_link_shows_on_a_phone(studio, owner_without_script):
    page = owner_without_script.new_page()
    page.goto(f"{studio.base}/owner/week")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ("Week", "Venues", "Classes", "Instructors", "Clients", "Nightly", "What if"):
        link = page.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert link.bounding_box()["x"] + link.bounding_box()["width"] <= PHONE["width"]
    page.close()


# Per venue: the day headings of the day columns shown, and how many classes they show.
SHOWN_DAYS = """() => [...document.querySelectorAll(".venue-block")].map((venue) => {
  const shown = [...venue.querySelectorAll(".day-col")].filter((c) => c.offsetParent !== null);
  return {
    venue: venue.querySelector("h2").innerText,
    days: shown.map((c) => c.querySelector("h3").innerText.toLowerCase()),
    classes: shown.reduce((n, c) => n + c.querySelectorAll(".session").length, 0),
  };
})"""


@pytest.mark.parametrize("script", [True, False], ids=["with script", "without script"])
def test_on_a_phone_the_day_picked_shows_at_every_venue(
    studio, visitors, owner_without_script, script
):
    context = visitors["owner", 390] if script else owner_without_script
    page = context.new_page()
    page.goto(f"{studio.base}/owner/week")
    picker = page.locator(".day-picker")
    expect(picker).to_be_visible()

    picker.locator("label", has_text="Wed").click()
    shown = page.evaluate(SHOWN_DAYS)
    assert [v["days"] for v in shown] == [["wednesday"]] * len(shown)
    said = int(picker.locator("label", has_text="Wed").locator("small").inner_text())
    assert sum(v["classes"] for v in shown) == said > 0

    picker.locator("label", has_text="All").click()
    every_day = page.evaluate(SHOWN_DAYS)
    assert sum(v["classes"] for v in every_day) == int(
        picker.locator("label", has_text="All").locator("small").inner_text()
    )
    assert any(len(v["days"]) > 1 for v in every_day)
    page.close()


def test_on_a_desk_the_week_shows_every_day_at_every_venue_without_a_picker(studio, visitors):
    page = owner_page(visitors, studio, 1280)
    expect(page.locator(".day-picker")).to_be_hidden()
    for venue in page.evaluate(SHOWN_DAYS):
        assert venue["days"] == [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ]
    page.close()


# Per venue: each day card's heading and where it stands on the page.
TIMETABLE_DAYS = """() => [...document.querySelectorAll(".venue-timetable")].map((venue) =>
  [...venue.querySelectorAll(".timetable-day")].map((day) => {
    const box = day.getBoundingClientRect();
    return {day: day.querySelector("h3").innerText.split(/\\s/)[0], x: box.x, top: box.top,
            bottom: box.bottom};
  }))"""
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_timetable_shows_monday_to_sunday_at_every_venue_lined_up(
    studio, visitors, width
):
    page = visitors["nobody", width].new_page()
    page.goto(f"{studio.base}/")
    venues = page.evaluate(TIMETABLE_DAYS)
    page.close()

    assert len(venues) > 1
    for days in venues:
        assert [d["day"] for d in days] == WEEKDAYS
    if width == 1280:
        # Seven columns in a row, each day in the same column at every venue.
        for days in venues:
            assert len({round(d["top"]) for d in days}) == 1
        for n in range(7):
            assert len({round(days[n]["x"]) for days in venues}) == 1
    else:
        # One day after another, down the page.
        for days in venues:
            assert len({round(d["x"]) for d in days}) == 1
            assert all(a["bottom"] <= b["top"] for a, b in zip(days, days[1:], strict=False))
