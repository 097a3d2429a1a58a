"""The Flask application: `create_app()` builds it; nothing starts a scheduler here."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, render_template, url_for
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from scheduler.core.names import plural
from web.extensions import csrf, limiter, login_manager

# In production the site is served over HTTPS (TLS ends at the proxy): the sign-in
# cookies travel only over it, out of reach of scripts, and not on other sites' posts.
PRODUCTION_COOKIES = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment's settings, then `test_config`."""
    app = Flask(__name__)
    app.config.from_mapping(
        # Only `reformer serve` (and so `make demo`) says True: any other start needs a real key.
        ALLOW_DEVELOPMENT_KEY=False,
        SOLVE_SECONDS=60,
        LOGIN_LIMIT="5 per minute",
        # Said here so each app decides: the one limiter keeps the last app's choice otherwise.
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        TRUSTED_PROXIES=0,
        # A form's token works for two hours from the page that showed it.
        WTF_CSRF_TIME_LIMIT=2 * 60 * 60,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(_settings())
    if test_config is not None:
        app.config.from_mapping(test_config)
    _refuse_development_key(app)

    if app.config["TRUSTED_PROXIES"]:
        # Behind N proxies the visitor's address is the Nth from the right of
        # X-Forwarded-For: what the throttle counts by. Without proxies the header
        # is the visitor's own say-so, so it is ignored.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from web import db, headers

    db.init_app(app)
    headers.send_security_headers(app)
    _fail_interrupted_runs(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from web import api, auth, client, owner, public, scenarios

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    app.register_blueprint(auth.bp)
    app.register_blueprint(owner.bp)
    app.register_blueprint(client.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(scenarios.bp)
    # The API checks its writes' CSRF token itself (`X-CSRFToken`), once it knows the
    # caller is signed in, so an anonymous caller hears 401 and every refusal is JSON.
    csrf.exempt(api.bp)

    _register_error_pages(app)
    # The navigation links only the areas this app has.
    app.jinja_env.globals["endpoints"] = frozenset(app.view_functions)
    app.jinja_env.globals["plural"] = plural
    if not any(rule.rule == "/" for rule in app.url_map.iter_rules()):
        app.add_url_rule("/", "index", lambda: redirect(url_for("owner.week")))
    return app


def _refuse_development_key(app: Flask) -> None:
    """Refuse to start on the well-known development key unless the caller allows it."""
    from scheduler.core.config import DEFAULT_SECRET_KEY, SettingsError

    if app.config["ALLOW_DEVELOPMENT_KEY"]:
        return
    if app.config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        raise SettingsError(
            "SECRET_KEY is not set, and the development key is public: anyone could sign in "
            "with it. Set SECRET_KEY to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'). Only `reformer serve` runs without one."
        )


def _fail_interrupted_runs(app: Flask) -> None:
    """Mark failed the runs a stopped worker left running (a restart mid-solve abandons it)."""
    from scheduler.core.db import get_engine
    from scheduler.runs.lifecycle import mark_interrupted_runs

    try:
        mark_interrupted_runs(engine=get_engine(app.config["DATABASE_URL"]))
    except SQLAlchemyError:
        # A database not yet migrated must not stop the app starting.
        app.logger.warning("could not look for interrupted runs", exc_info=True)


def _register_error_pages(app: Flask) -> None:
    """Friendly pages for the errors a person can meet."""
    pages = {
        400: ("Something was missing", "The form was incomplete or has expired. Please try again."),
        403: ("Not for you", "That page belongs to the studio's instructors."),
        404: ("Not found", "There is nothing here."),
        429: ("Too many attempts", "Too many tries. Wait a minute, then try again."),
    }
    for code, (title, message) in pages.items():

        def page(_error: Exception, code: int = code, title: str = title, message: str = message):
            return render_template("error.html", title=title, message=message), code

        app.register_error_handler(code, page)


def _settings() -> dict[str, Any]:
    """The environment's settings (scheduler.core.config), as Flask config keys."""
    from scheduler.core.config import get_settings

    settings = get_settings()
    values: dict[str, Any] = {
        "SECRET_KEY": settings.secret_key,
        "DATABASE_URL": settings.database_url,
        "ENV_NAME": settings.env,
        "BASE_URL": settings.base_url,
        "TRUSTED_PROXIES": settings.trusted_proxies,
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage_uri,
    }
    if settings.env == "production":
        values.update(PRODUCTION_COOKIES)
    return values
