"""Times of day as the formats write them (`HH:MM`), and a week's minute as a day and a time."""

from __future__ import annotations

from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
)


def format_time(minute_of_day: int) -> str:
    """`570` -> `"09:30"` (1440 is `"24:00"`, the end of a day)."""
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def parse_time(text: str) -> int | None:
    """`"09:30"` -> 570; None for anything that is not HH:MM between 00:00 and 24:00."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        return None
    hours, minutes = text[:2], text[3:]
    if not (hours.isdigit() and minutes.isdigit()):
        return None
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > MINUTES_PER_DAY:
        return None
    return value


def day_and_time(minute: int) -> tuple[str, str]:
    """A minute of the week as (`"tue"`, `"09:30"`)."""
    return DAYS[minute // MINUTES_PER_DAY], format_time(minute % MINUTES_PER_DAY)
