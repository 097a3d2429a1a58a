"""The demo business: a valid, realistic week that the optimiser can plan."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cli import cli
from scheduler.core import models
from scheduler.core.dates import coming_monday
from scheduler.formats.week import normalise_week_json, parse_week, week_to_json
from scheduler.studio.accounts import authenticate, find_by_email
from scheduler.studio.demo import DEMO_PASSWORD, INSTRUCTOR_EMAILS, PRICES, demo_week
from solver.checker import check_plan
from solver.solve import solve

MONDAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo():
    return demo_week(week_start=MONDAY, seed=1)


def test_the_demo_is_a_valid_week(demo):
    assert normalise_week_json(week_to_json(parse_week(week_to_json(demo)))) == normalise_week_json(
        week_to_json(demo)
    )


def test_the_same_seed_gives_the_same_business_and_another_seed_other_clients(demo):
    assert demo_week(week_start=MONDAY, seed=1) == demo
    assert demo_week(week_start=MONDAY, seed=2).clients != demo.clients


def test_the_two_studios_have_reformers_with_one_raised_and_baldock_has_mat_only(demo):
    rooms = demo.rooms
    for studio in ("stevenage-studio", "hitchin-studio"):
        raised = [r for r in rooms[studio].reformers if "raised" in r.features]
        assert len(raised) == 1
    assert len(rooms["stevenage-studio"].reformers) == 12
    assert 6 <= len(rooms["hitchin-studio"].reformers) <= 8
    baldock = demo.venue_by_id["baldock"]
    assert all(not room.reformers and room.mat_spaces > 0 for room in baldock.rooms)
    assert 0 < len({w.day for w in baldock.open}) < 7


def test_the_owner_teaches_everything_and_two_part_timers_teach_less(demo):
    owner, *part_timers = demo.instructors
    assert set(owner.teaches) == {c.id for c in demo.class_types}
    assert len(part_timers) == 2
    for instructor in part_timers:
        assert instructor.max_week_minutes < owner.max_week_minutes
        assert set(instructor.teaches) < set(owner.teaches)


def test_about_250_clients_in_the_studio_s_usual_mix(demo):
    clients = demo.clients
    assert 200 <= len(clients) <= 300
    back_care = [c for c in clients if any("back-care" in w.class_types for w in c.wants)]
    assert any(c.cleared for c in back_care) and any(not c.cleared for c in back_care)
    assert any(c.needs_intro for c in clients)
    assert {c.priority for c in clients} >= {1, 3}
    assert any("raised" in c.needs for c in clients)
    starts = {w.start % 1440 for c in clients for w in c.availability}
    assert min(starts) < 7 * 60 and max(starts) >= 17 * 60
    assert any(w.day >= 5 for c in clients for w in c.availability)


def test_every_address_is_on_an_example_domain(demo):
    addresses = [c.email for c in demo.clients] + list(INSTRUCTOR_EMAILS.values())
    assert all(a and a.rsplit("@", 1)[1] in ("example.com", "example.org") for a in addresses)
    assert len(set(addresses)) == len(addresses)
    assert all(c.phone.startswith("07700 900") for c in demo.clients)


@pytest.mark.slow
def test_the_optimiser_plans_the_demo_week_without_breaking_a_rule(demo):
    # Uncontended, 5 s place over 230 of the ~360 places wanted; the margin is for a busy CI box.
    plan = solve(demo, time_limit=12, workers=1)
    assert check_plan(demo, plan) == []
    assert len(plan.allocations) > len(demo.clients) // 2


def test_reformer_demo_stores_the_business_with_prices_and_emails(engine, db_session, runner):
    result = runner.invoke(cli, ["demo", "--week", MONDAY.isoformat(), "--seed", "1"])
    assert result.exit_code == 0, result.output
    exported = runner.invoke(cli, ["export", "--week", MONDAY.isoformat()])
    assert normalise_week_json(json.loads(exported.stdout)) == normalise_week_json(
        week_to_json(demo_week(week_start=MONDAY, seed=1))
    )
    prices = dict(db_session.exec(select(models.ClassType.key, models.ClassType.price_pence)).all())
    emails = dict(db_session.exec(select(models.Instructor.key, models.Instructor.email)).all())
    assert prices == PRICES
    assert emails == INSTRUCTOR_EMAILS


def test_reformer_demo_stores_the_four_example_scenarios_against_its_week(
    engine, db_session, runner
):
    later = MONDAY + timedelta(days=7)
    runner.invoke(cli, ["demo", "--week", later.isoformat()])
    result = runner.invoke(cli, ["demo", "--week", MONDAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "what-if scenarios saved" in result.output
    weeks = {w.id: w.week_start for w in db_session.exec(select(models.Week)).scalars()}
    stored = {s.name: s for s in db_session.exec(select(models.Scenario)).scalars()}
    assert set(stored) == {
        "Baldock closes",
        "Demand up 20%",
        "A second instructor on Saturday mornings",
        "Two more reformers at Hitchin",
    }
    # "latest" in the files is the demo's week, though a later week is stored.
    assert {weeks[s.base_week_id] for s in stored.values()} == {MONDAY}
    assert stored["Two more reformers at Hitchin"].changes == [
        {"kind": "add_reformers", "room": "hitchin-studio", "count": 2, "features": []}
    ]


def test_reformer_demo_defaults_to_the_coming_monday(engine, db_session, runner):
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    stored = db_session.exec(select(models.Week.week_start)).scalars().all()
    assert stored == [coming_monday()]


def printed_sign_in(output: str) -> tuple[str, str]:
    """The e-mail and password `reformer demo` printed for the owner."""
    email = re.search(r"e-mail:\s+(\S+)", output)
    password = re.search(r"password:\s+(\S+)", output)
    assert email and password, output
    return email.group(1), password.group(1)


def test_reformer_demo_prints_an_owner_sign_in_that_works(engine, db_session, runner):
    result = runner.invoke(cli, ["demo", "--week", MONDAY.isoformat()])
    assert result.exit_code == 0, result.output
    email, password = printed_sign_in(result.output)
    assert email == INSTRUCTOR_EMAILS["claire"]
    assert password == DEMO_PASSWORD
    assert authenticate(session=db_session, email=email, password=password) is not None
    assert find_by_email(session=db_session, email=email).is_owner
    assert "/auth/sign-in" in result.output
    assert "client link c001" in result.output


def test_loading_the_demo_again_replaces_the_owner_s_password(engine, db_session, runner):
    for password in ("first-password", "second-password"):
        result = runner.invoke(cli, ["demo", "--week", MONDAY.isoformat(), "--password", password])
        assert result.exit_code == 0, result.output
    email = INSTRUCTOR_EMAILS["claire"]
    assert authenticate(session=db_session, email=email, password="first-password") is None
    assert authenticate(session=db_session, email=email, password="second-password") is not None
    assert len(db_session.exec(select(models.InstructorLogin)).all()) == 1


def test_outside_development_the_demo_owner_gets_a_made_up_password(engine, db_session, runner):
    production = {"REFORMER_ENV": "production", "SECRET_KEY": "a-real-secret"}
    result = runner.invoke(cli, ["demo", "--week", MONDAY.isoformat()], env=production)
    assert result.exit_code == 0, result.output
    email, password = printed_sign_in(result.output)
    assert password != DEMO_PASSWORD
    assert authenticate(session=db_session, email=email, password=password) is not None
    assert authenticate(session=db_session, email=email, password=DEMO_PASSWORD) is None


def test_a_short_demo_password_is_refused_and_nothing_is_loaded(engine, db_session, runner):
    result = runner.invoke(cli, ["demo", "--week", MONDAY.isoformat(), "--password", "short"])
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
    assert db_session.exec(select(models.Week)).all() == []
    assert db_session.exec(select(models.InstructorLogin)).all() == []


def test_the_coming_monday_is_always_after_today():
    for offset in range(7):
        today = date(2026, 11, 23 + offset)
        monday = coming_monday(today)
        assert monday.weekday() == 0
        assert 1 <= (monday - today).days <= 7
