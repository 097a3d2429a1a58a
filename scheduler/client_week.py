"""A client's week as they read it: their places in the published plan and their unplaced wants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Place:
    """One of a client's places in the published plan, in the studio's words and local time."""

    week_start: date
    session_id: str
    client_id: str
    class_name: str
    start: datetime
    end: datetime
    venue: str
    room: str
    instructor: str
    reformer: str | None = None

    @property
    def day(self) -> str:
        """The day as the timetable writes it, e.g. "Tuesday"."""
        return self.start.strftime("%A")


def local_time(week_start: date, minute: int, timezone: str) -> datetime:
    """A minute of the week as an aware local datetime.

    Minutes of the week count wall-clock time, so Sunday 09:30 is 09:30 on the
    studio's clock even on the day the clocks go back.
    """
    wall_clock = datetime.combine(week_start, time()) + timedelta(minutes=minute)
    return wall_clock.replace(tzinfo=ZoneInfo(timezone))
