"""The nightly re-solve of the coming week: when it fires, and exactly once per night."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

#: How late a missed night may still run when the scheduler starts (a machine off at 02:00).
MISFIRE_GRACE = timedelta(hours=6)


def nightly_trigger(at: str = "02:00", timezone: str = "Europe/London") -> CronTrigger:
    """Every night at local `at` ("HH:MM") in `timezone`, on either side of a clock change."""
    hour, minute = _hour_minute(at)
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(timezone))


def night_for(
    now: datetime,
    *,
    at: str = "02:00",
    timezone: str = "Europe/London",
    grace: timedelta = MISFIRE_GRACE,
) -> date:
    """The night a run started at `now` belongs to, named by the local date of its hour.

    Within `grace` after a night's hour the run is that night's (late, or a misfire
    caught up at start-up); otherwise it is the coming night's, run early.
    """
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    last = max(d for d in (today - timedelta(days=1), today) if _hour_of(d, at, zone) <= now)
    if now - _hour_of(last, at, zone) <= grace:
        return last
    return last + timedelta(days=1)


def coming_week(night: date) -> date:
    """The Monday of the first week that has not begun by the night's hour."""
    return night + timedelta(days=7 - night.weekday())


def _hour_of(night: date, at: str, zone: ZoneInfo) -> datetime:
    """The night's hour as an instant in UTC (compared across offsets without surprises)."""
    return datetime.combine(night, time(*_hour_minute(at)), zone).astimezone(UTC)


def _hour_minute(at: str) -> tuple[int, int]:
    hours, minutes = at.split(":")
    return int(hours), int(minutes)
