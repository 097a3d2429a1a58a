"""Week starts as the studio writes them: a Monday, as a date or `YYYY-MM-DD`."""

from __future__ import annotations

from datetime import date, timedelta


def as_date(week_start: date | str) -> date:
    """A week start given as a date or as `YYYY-MM-DD`."""
    return week_start if isinstance(week_start, date) else date.fromisoformat(week_start)


def coming_monday(today: date | None = None) -> date:
    """The Monday after `today` (default: today's date from the clock); a week ahead on a Monday."""
    today = today or date.today()
    return today + timedelta(days=7 - today.weekday())
