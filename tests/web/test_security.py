"""The app's key, cookies, security headers and sign-in throttle behind a reverse proxy."""

from __future__ import annotations

import re

import pytest
from limits.errors import ConfigurationError

from scheduler.core.config import DEFAULT_SECRET_KEY, SettingsError
from scheduler.studio.accounts import add_instructor_login
from tests.builders import REPO_ROOT
from tests.conftest import OWNER_EMAIL
from web import create_app


def _app(monkeypatch: pytest.MonkeyPatch, database_url: str, env: str, **config: object):
    monkeypatch.setenv("REFORMER_ENV", env)
    monkeypatch.setenv("SECRET_KEY", "a long test secret")
    return create_app({"TESTING": True, "DATABASE_URL": database_url, **config})


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_in_production_the_session_cookie_is_secure_http_only_and_same_site(
    monkeypatch, database_url, engine
):
    app = _app(monkeypatch, database_url, "production")

    # The sign-in form's CSRF token is kept in the session, so the page sets its cookie.
    cookie = _session_cookie(app.test_client().get("/auth/sign-in"))

    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_in_development_the_session_cookie_also_works_over_plain_http(
    monkeypatch, database_url, engine
):
    app = _app(monkeypatch, database_url, "development")

    cookie = _session_cookie(app.test_client().get("/auth/sign-in"))

    assert "Secure" not in cookie
    assert "HttpOnly" in cookie


def _wrong_sign_in(http, forwarded_for: str):
    return http.post(
        "/auth/sign-in",
        data={"email": OWNER_EMAIL, "password": "a wrong guess"},
        headers={"X-Forwarded-For": forwarded_for},
    )


@pytest.mark.slow
def test_behind_a_trusted_proxy_each_visitor_is_throttled_on_their_own(
    monkeypatch, database_url, db_session
):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password="reformer-owner-1")
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    http = _app(monkeypatch, database_url, "development", WTF_CSRF_ENABLED=False).test_client()

    # Every request reaches the app from the proxy's address; the header names the visitor.
    for _ in range(5):
        assert _wrong_sign_in(http, "203.0.113.5").status_code == 400
    assert _wrong_sign_in(http, "203.0.113.5").status_code == 429

    assert _wrong_sign_in(http, "198.51.100.7").status_code == 400


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_throttle(
    monkeypatch, database_url, db_session
):
    add_instructor_login(session=db_session, email=OWNER_EMAIL, password="reformer-owner-1")
    http = _app(monkeypatch, database_url, "development", WTF_CSRF_ENABLED=False).test_client()

    for n in range(5):
        assert _wrong_sign_in(http, f"203.0.113.{n}").status_code == 400
    assert _wrong_sign_in(http, "203.0.113.99").status_code == 429


def test_the_throttle_keeps_its_counts_where_ratelimit_storage_uri_says(
    monkeypatch, database_url, engine
):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "nowhere://counts")

    with pytest.raises(ConfigurationError, match="nowhere"):
        _app(monkeypatch, database_url, "development")


def test_without_a_secret_key_the_app_refuses_to_start_and_names_the_setting(
    monkeypatch, database_url, engine
):
    monkeypatch.delenv("REFORMER_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)

    # As gunicorn 'web:create_app()' would start it.
    with pytest.raises(SettingsError, match="Set SECRET_KEY to a long random value"):
        create_app()


def test_the_development_key_set_by_hand_is_refused_too(monkeypatch, database_url, engine):
    monkeypatch.delenv("REFORMER_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", DEFAULT_SECRET_KEY)

    with pytest.raises(SettingsError, match="SECRET_KEY"):
        create_app()


def test_reformer_serve_may_run_on_the_development_key(monkeypatch, runner, engine):
    from cli import cli

    monkeypatch.delenv("REFORMER_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    served = []
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *args, **_: served.append(args))

    result = runner.invoke(cli, ["serve"])

    assert result.exit_code == 0, result.output
    [(_host, _port, app)] = served
    assert app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY


@pytest.mark.parametrize("path", ["/auth/sign-in", "/me/sign-in", "/", "/no-such-page"])
def test_every_page_forbids_framing_inline_script_and_sniffing(client, path):
    headers = client.get(path).headers

    policy = {
        part.split()[0]: part.split()[1:] for part in headers["Content-Security-Policy"].split("; ")
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_owners_pages_carry_the_headers_too(client, owner_login):
    headers = client.get("/owner/week").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


INLINE = re.compile(r"<script>|<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


def test_no_template_has_inline_script_or_style_the_policy_would_block():
    templates = sorted((REPO_ROOT / "web" / "templates").rglob("*.html"))
    assert templates
    found = [
        f"{path.relative_to(REPO_ROOT)}:{n}: {line.strip()}"
        for path in templates
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE.search(line)
    ]
    assert found == []
