"""The app's cookies in production and its sign-in throttle behind a reverse proxy."""

from __future__ import annotations

import pytest

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
