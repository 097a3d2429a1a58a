"""Every page at a phone's width (390 px) and a desk's (1280 px), in Debian's Chromium.

One app serves the demo studio for the whole module: its coming week solved
briefly and published, a nightly re-solve left as a draft, two scenario runs, a
sweep and an advisor run, all with small time limits. Each page, as the owner,
a client or a visitor sees it, must give axe-core (from `node_modules/`, see
`package.json`) no finding of serious or critical impact, must cut nothing off
(no element reaching past the right edge of the screen unless it sits in a box
that scrolls sideways), must ask the server for nothing it does not have (the
favicon included), and is saved as `test-artifacts/<page>-<width>.png`. Then the
phone's own parts: the owner's menu button, the week's day picker, and the
public timetable's days lined up between venues.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, select

from scheduler.clients.access import issue_sign_in_link
from scheduler.core import models
from scheduler.core.config import get_settings
from scheduler.core.dates import coming_monday
from scheduler.core.db import get_engine, upgrade
from scheduler.jobs.nightly import run_night
from scheduler.planning.solving import solve_week
from scheduler.scenarios.advisor_runs import start_advice_run
from scheduler.scenarios.service import start_scenario_run, stored_scenarios
from scheduler.store.plans import load_stored_plan
from scheduler.store.weeks import load_stored_week
from scheduler.studio.demo import save_demo_owner, save_demo_scenarios, save_demo_week
from solver.checker import check_plan
from tests.builders import REPO_ROOT
from tests.conftest import fresh_database
from tests.studio_seed import SECRET_KEY, csrf_token, make_app
from tests.web.browsing import DESK, PHONE, chromium, serving, shoot, watch_policy

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {390: PHONE, 1280: DESK}
OWNER_PASSWORD = "phone-and-desk-owner"
SOLVE_SECONDS = 3
RUN_SECONDS = 1


@dataclass(frozen=True)
class Visit:
    """A page: who looks at it, its path, and what they do there before it is judged."""

    who: str  # "owner", "client" or "nobody"
    path: str
    status: int = 200
    fill: dict[str, str] = field(default_factory=dict)
    click: str | None = None


# Every page of the app, by the name its screenshot and test id carry.
PAGES = (
    "owner-week",
    "owner-session",
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
    "client-preferences",
    "client-sign-in",
    "client-link-sent",
    "client-open-link",
    "client-link-used",
    "owner-sign-in",
    "public-timetable",
    "not-found",
)


@dataclass(frozen=True)
class Studio:
    """The demo studio served on a live port: its base URL, pages and sign-ins."""

    base: str
    week_start: date
    visits: dict[str, Visit]
    owner_email: str
    client_link: Callable[[], str]  # a fresh one-time sign-in link for the client


def _reformer_session(week, the_plan) -> str:
    """The reformer class with the most clients in `the_plan`."""
    reformer_types = {c.id for c in week.class_types if c.uses_reformers}
    counts = {s.id: 0 for s in the_plan.sessions if s.class_type in reformer_types}
    for a in the_plan.allocations:
        if a.session in counts:
            counts[a.session] += 1
    return max(counts, key=counts.get)


def _client_with_a_reformer_and_an_unmet_want(the_plan) -> str:
    on_reformers = {a.client for a in the_plan.allocations if a.reformer}
    unmet = {u.client for u in the_plan.unplaced}
    return sorted(on_reformers & unmet or on_reformers)[0]


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
            client_key = _client_with_a_reformer_and_an_unmet_want(live)
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
                processes=1,
            )
            for run in (*runs, sweep, advice):
                assert run.status == "succeeded", run.error

            def link() -> str:
                return issue_sign_in_link(
                    session=db, client_key=client_key, secret_key=SECRET_KEY, base_url=base
                ).url

            with serving(lambda at: make_app(url, BASE_URL=at, SOLVE_SECONDS=2)) as base:
                used = link().removeprefix(base)
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
                    "client-preferences": Visit("client", "/me/preferences"),
                    "client-sign-in": Visit("nobody", "/me/sign-in"),
                    "client-link-sent": Visit(
                        "nobody",
                        "/me/sign-in",
                        fill={'input[name="email"]': "someone@example.com"},
                        click='button[type="submit"]',
                    ),
                    "client-open-link": Visit("nobody", link().removeprefix(base)),
                    "client-link-used": Visit("nobody", used),
                    "owner-sign-in": Visit("nobody", "/auth/sign-in"),
                    "public-timetable": Visit("nobody", "/"),
                    "not-found": Visit("nobody", "/timetable/1999-01-04", 404),
                }
                assert tuple(visits) == PAGES
                yield Studio(base, week_start, visits, owner_email, link)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def visitors(browser, studio) -> Iterator[dict[tuple[str, int], BrowserContext]]:
    """A browser context per visitor and width: the owner and the client signed in."""
    contexts = {}
    for width, viewport in WIDTHS.items():
        for who in ("owner", "client", "nobody"):
            contexts[who, width] = browser.new_context(viewport=viewport)
        page = contexts["owner", width].new_page()
        page.goto(f"{studio.base}/auth/sign-in")
        page.fill('input[name="email"]', studio.owner_email)
        page.fill('input[name="password"]', OWNER_PASSWORD)
        page.click('button[type="submit"]')
        expect(page).to_have_url(f"{studio.base}/owner/week")
        page.close()
        page = contexts["client", width].new_page()
        page.goto(studio.client_link())
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
        lambda r: missing.append(f"{r.status} {r.url}")
        if r.status >= 400 and r.request.resource_type != "document"
        else None,
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
        findings = axe_findings(page)
        cut_off = page.evaluate(CUT_OFF)
        shoot(page, f"{name}-{width}")
    finally:
        page.close()
    assert findings == [], f"axe-core at {width} px:\n" + "\n".join(findings)
    assert cut_off == [], f"cut off at {width} px:\n" + "\n".join(cut_off)
    assert blocked == [], "the Content-Security-Policy blocked part of the page"
    assert missing == [], "the page asked for what the server does not have: " + json.dumps(
        missing
    )
