"""Instructor sign-in: owner pages need it, passwords are hashed and checked, guesses throttled."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from sqlmodel import select

from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.studio.accounts import AccountError, add_instructor_login, authenticate
from tests.conftest import OWNER_EMAIL, OWNER_PASSWORD


def owner_routes(app) -> list[tuple[str, str]]:
    """Every owner route as (method, url), with sample values for its parts."""
    samples = {"start": "2026-11-30", "key": "x", "client": "c1", "plan_id": "1", "run_id": "1"}
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("owner."):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[^:>]+:)?{name}>", samples[name], url)
        for method in sorted(rule.methods & {"GET", "POST"}):
            routes.append((method, url))
    return routes


def test_every_owner_route_sends_an_anonymous_visitor_to_sign_in(app, client):
    routes = owner_routes(app)
    assert len(routes) > 15
    for method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.location.startswith("/auth/sign-in"), (method, url)


def test_the_right_password_signs_in_and_returns_to_the_page_asked_for(client, db_session):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    response = client.post(
        "/auth/sign-in?next=/owner/venues",
        data={"email": OWNER_EMAIL.upper(), "password": OWNER_PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/owner/venues"


def test_a_wrong_password_is_refused(client, db_session):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    response = client.post("/auth/sign-in", data={"email": OWNER_EMAIL, "password": "guess-1234"})
    assert response.status_code == 400
    assert "do not match an instructor" in response.text
    assert client.get("/owner/week").status_code == 302


def test_an_unknown_email_is_refused_in_the_same_words(client, db_session):
    response = client.post(
        "/auth/sign-in", data={"email": "nobody@example.com", "password": OWNER_PASSWORD}
    )
    assert response.status_code == 400
    assert "do not match an instructor" in response.text


def test_sign_in_is_throttled_after_five_attempts_a_minute(client, db_session):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    for _ in range(5):
        wrong = client.post("/auth/sign-in", data={"email": OWNER_EMAIL, "password": "nope-nope"})
        assert wrong.status_code == 400
    throttled = client.post(
        "/auth/sign-in", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD}
    )
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.text
    assert client.get("/owner/week").status_code == 302


def test_malformed_sign_in_gives_errors_by_field(client):
    response = client.post("/auth/sign-in", data={"email": "not-an-address", "password": ""})
    assert response.status_code == 400
    assert "Enter an e-mail address." in response.text
    assert "Enter your password." in response.text


def test_a_post_without_its_csrf_token_is_refused(app, client, db_session):
    app.config["WTF_CSRF_ENABLED"] = True
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    response = client.post("/auth/sign-in", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
    assert response.status_code == 400
    assert client.get("/owner/week").status_code == 302

    page = client.get("/auth/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed_in = client.post(
        "/auth/sign-in",
        data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 302
    # Signed in, an owner form without the token is still refused and changes nothing.
    refused = client.post("/owner/week/2026-11-30/reformers/R1/service", data={"in_service": "no"})
    assert refused.status_code == 400


def test_sign_out_ends_the_session(client, owner_login):
    assert client.get("/owner/week").status_code == 200
    client.post("/auth/sign-out")
    assert client.get("/owner/week").status_code == 302


def test_an_offsite_next_is_ignored(client, db_session):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    response = client.post(
        "/auth/sign-in?next=//evil.example.com/",
        data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD},
    )
    assert response.location == "/owner/week"


def test_passwords_are_stored_hashed_and_checked(db_session):
    add_instructor_login(
        session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD, name="Claire"
    )
    stored = db_session.exec(select(models.InstructorLogin)).one()
    assert OWNER_PASSWORD not in stored.password_hash
    assert authenticate(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD) is not None
    assert authenticate(session=db_session, email=OWNER_EMAIL, password="wrong-pass") is None


@pytest.mark.parametrize(
    ("email", "password", "words"),
    [
        (OWNER_EMAIL, "short", "at least 8 characters"),
        ("no-at-sign", OWNER_PASSWORD, "not an e-mail address"),
    ],
)
def test_an_unusable_account_is_refused(db_session, email, password, words):
    with pytest.raises(AccountError, match=words):
        add_instructor_login(session=db_session, email=email, password=password)


def test_an_email_has_one_account(db_session):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    with pytest.raises(AccountError, match="already has a sign-in"):
        add_instructor_login(session=db_session, email=OWNER_EMAIL.upper(), password=OWNER_PASSWORD)


def test_reformer_instructor_add_asks_for_the_password_twice(runner, db_session):
    from cli import cli

    result = runner.invoke(
        cli, ["instructor", "add", "tom@example.com"], input="tom-secret-1\ntom-secret-1\n"
    )
    assert result.exit_code == 0, result.output
    assert authenticate(session=db_session, email="tom@example.com", password="tom-secret-1")


def test_reformer_instructor_add_refuses_a_short_password(runner, db_session):
    from cli import cli

    result = runner.invoke(cli, ["instructor", "add", "tom@example.com", "--password", "short"])
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
    assert db_session.exec(select(models.InstructorLogin)).all() == []


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0a/evil.example",
        "%20//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "%01//evil.example",
        "evil.example",
    ],
)
def test_a_next_that_a_browser_reads_as_another_site_is_ignored(client, db_session, target):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    response = client.post(
        f"/auth/sign-in?next={target}", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD}
    )
    assert response.location == "/owner/week"


def test_a_next_with_a_query_on_this_site_is_followed(client, db_session):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    response = client.post(
        "/auth/sign-in?next=/owner/week%3Fplan%3D2",
        data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD},
    )
    assert response.location == "/owner/week?plan=2"


def _copy_cookie(app, source):
    """A second browser holding a copy of `source`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", source.get_cookie("session").value)
    return thief


def test_a_copied_cookie_no_longer_opens_the_owners_pages_after_sign_out(app, client, owner_login):
    thief = _copy_cookie(app, client)
    assert thief.get("/owner/week").status_code == 200

    client.post("/auth/sign-out")

    assert thief.get("/owner/week").status_code == 302


def test_sign_out_everywhere_ends_every_browsers_session(app, client, owner_login):
    other = app.test_client()
    other.post("/auth/sign-in", data=owner_login)
    assert other.get("/owner/week").status_code == 200
    page = client.get("/owner/week").text
    assert 'action="/auth/sign-out-everywhere"' in page

    response = client.post("/auth/sign-out-everywhere")

    assert response.location == "/auth/sign-in"
    assert client.get("/owner/week").status_code == 302
    assert other.get("/owner/week").status_code == 302


def test_sign_out_everywhere_needs_the_csrf_token(app, client, owner_login):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/auth/sign-out-everywhere").status_code == 400
    assert client.get("/owner/week").status_code == 200


def test_reformer_instructor_password_signs_the_instructor_out_everywhere(
    client, owner_login, runner, db_session
):
    from cli import cli

    result = runner.invoke(
        cli, ["instructor", "password", OWNER_EMAIL], input="new-password-1\nnew-password-1\n"
    )

    assert result.exit_code == 0, result.output
    assert "signed out of 1 browser" in result.output
    assert client.get("/owner/week").status_code == 302
    assert authenticate(session=db_session, email=OWNER_EMAIL, password="new-password-1")
    assert authenticate(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD) is None


def test_reformer_instructor_password_refuses_an_unknown_email(runner, engine):
    from cli import cli

    result = runner.invoke(
        cli, ["instructor", "password", "nobody@example.com", "--password", "long-enough-1"]
    )
    assert result.exit_code == 1
    assert "no instructor signs in as nobody@example.com" in result.output


def test_a_sign_in_ends_on_the_server_after_its_lifetime(client, owner_login, monkeypatch):
    from scheduler.core import sign_ins

    later = utcnow() + sign_ins.SIGN_IN_LIFETIME
    monkeypatch.setattr(sign_ins, "utcnow", lambda: later)

    assert client.get("/owner/week").status_code == 302


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_signing_in_gives_a_new_csrf_token(app, client, db_session):
    app.config["WTF_CSRF_ENABLED"] = True
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
    before = _csrf(client.get("/auth/sign-in").text)
    client.post(
        "/auth/sign-in",
        data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": before},
    )

    # A token seen before signing in (say, planted by another site) no longer works.
    assert client.post("/auth/sign-out", data={"csrf_token": before}).status_code == 400
    assert client.get("/owner/week").status_code == 200


def test_a_csrf_token_expires(app, client, owner_login, monkeypatch):
    import itsdangerous.timed

    app.config["WTF_CSRF_ENABLED"] = True
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/owner/week").text)[1]
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    assert limit and limit <= 24 * 60 * 60
    now = time.time()
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: now + limit + 1))

    assert client.post("/auth/sign-out", data={"csrf_token": token}).status_code == 400
    assert client.get("/owner/week").status_code == 200
