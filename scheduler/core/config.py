"""The settings: one typed object read from the environment.

The web app, Alembic and the CLI all call `get_settings()`. Nothing is read at
import time, so a test (or a second process) can set the environment first.

- `REFORMER_ENV`: `development` (default), `test` or `production`.
- `DATABASE_URL`: SQLAlchemy URL; default a SQLite file `reformer.db` in the
  instance folder (`REFORMER_INSTANCE`, default `instance/` under the current
  directory). PostgreSQL as `postgresql+psycopg://user@host:5432/name`.
- `SECRET_KEY`: signs sessions and sign-in links; the default is refused
  outside development.
- `SMTP_HOST`, `SMTP_PORT`, `SMTP_USER`, `SMTP_PASSWORD`, `SMTP_FROM`,
  `SMTP_STARTTLS`: outgoing mail.
- `NIGHTLY_TIME` (`HH:MM`, default 02:00) and `NIGHTLY_TIMEZONE` (default
  Europe/London): when the nightly re-solve runs, on the studio's clock.
- `AUTO_PUBLISH`: publish the nightly plan at once (true) or leave a draft.
- `BASE_URL`: the public address, for links in e-mails.
- `TRUSTED_PROXIES` (default 0): how many reverse proxies stand in front of the
  app. With 1 or more, each request's address (and scheme) is read from the
  `X-Forwarded-For` (`X-Forwarded-Proto`) the nearest proxies set, so the
  sign-in throttle counts each visitor apart; with 0 those headers are ignored.
- `RATELIMIT_STORAGE_URI` (default `memory://`): where the sign-in throttle
  keeps its counts; `memory://` is per process, `redis://host:6379` is shared
  by every worker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENTS = ("development", "test", "production")
DEFAULT_SECRET_KEY = "dev"
#: Seconds the nightly re-solve may take, unless `reformer scheduler --time-limit` says otherwise.
NIGHTLY_TIME_LIMIT = 120.0
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


class SettingsError(ValueError):
    """A setting in the environment that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    env: str
    database_url: str
    instance_path: Path
    secret_key: str
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    smtp_starttls: bool
    nightly_time: str
    nightly_timezone: str
    auto_publish: bool
    base_url: str
    trusted_proxies: int
    ratelimit_storage_uri: str

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def nightly_hour_minute(self) -> tuple[int, int]:
        """`NIGHTLY_TIME` as (hour, minute)."""
        hours, minutes = self.nightly_time.split(":")
        return int(hours), int(minutes)


def get_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from `environ` (default: the process environment).

    Raises `SettingsError` for an unusable value, including the default
    `SECRET_KEY` outside development.
    """
    env = os.environ if environ is None else environ
    name = env.get("REFORMER_ENV", "development")
    if name not in ENVIRONMENTS:
        raise SettingsError(f"REFORMER_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    instance = Path(env.get("REFORMER_INSTANCE") or Path.cwd() / "instance").resolve()
    secret_key = env.get("SECRET_KEY") or DEFAULT_SECRET_KEY
    if secret_key == DEFAULT_SECRET_KEY and name != "development":
        raise SettingsError(f"SECRET_KEY must be set to a secret value when REFORMER_ENV={name}")
    nightly_time = env.get("NIGHTLY_TIME", "02:00")
    if not _is_clock_time(nightly_time):
        raise SettingsError(f"NIGHTLY_TIME must be HH:MM, not {nightly_time!r}")
    trusted_proxies = _integer(env, "TRUSTED_PROXIES", 0)
    if trusted_proxies < 0:
        raise SettingsError(f"TRUSTED_PROXIES must be 0 or more, not {trusted_proxies}")
    nightly_timezone = env.get("NIGHTLY_TIMEZONE", "Europe/London")
    try:
        ZoneInfo(nightly_timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"NIGHTLY_TIMEZONE {nightly_timezone!r} is not a time zone") from exc
    return Settings(
        env=name,
        database_url=env.get("DATABASE_URL") or f"sqlite:///{instance / 'reformer.db'}",
        instance_path=instance,
        secret_key=secret_key,
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=_integer(env, "SMTP_PORT", 25),
        smtp_user=env.get("SMTP_USER") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_from=env.get("SMTP_FROM", "studio@example.com"),
        smtp_starttls=_boolean(env, "SMTP_STARTTLS", False),
        nightly_time=nightly_time,
        nightly_timezone=nightly_timezone,
        auto_publish=_boolean(env, "AUTO_PUBLISH", False),
        base_url=env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        trusted_proxies=trusted_proxies,
        ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI") or "memory://",
    )


def _is_clock_time(text: str) -> bool:
    hours, _, minutes = text.partition(":")
    return (
        len(hours) == 2
        and len(minutes) == 2
        and hours.isdigit()
        and minutes.isdigit()
        and int(hours) < 24
        and int(minutes) < 60
    )


def _integer(env: Mapping[str, str], key: str, default: int) -> int:
    text = env.get(key)
    if not text:
        return default
    try:
        return int(text)
    except ValueError as exc:
        raise SettingsError(f"{key} must be a whole number, not {text!r}") from exc


def _boolean(env: Mapping[str, str], key: str, default: bool) -> bool:
    text = env.get(key)
    if text is None:
        return default
    if text.strip().lower() in _TRUE:
        return True
    if text.strip().lower() in _FALSE:
        return False
    raise SettingsError(f"{key} must be true or false, not {text!r}")
