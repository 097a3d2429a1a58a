"""The nightly re-solve: when it fires, which night and week it is, and that it runs once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.nightly import coming_week, night_for, nightly_trigger

LONDON = ZoneInfo("Europe/London")


def _fire_times(trigger, start: datetime, count: int) -> list[datetime]:
    """The next `count` fire times after `start`, as the scheduler asks for them."""
    times, previous, now = [], None, start
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, now)
        times.append(previous)
        # The scheduler's clock runs in absolute time: step on from the fire in UTC.
        now = previous.astimezone(UTC) + timedelta(seconds=1)
    return times


@pytest.mark.parametrize(
    ("start", "clock_change"),
    [
        (datetime(2026, 3, 27, 12, tzinfo=UTC), date(2026, 3, 29)),  # clocks go forward
        (datetime(2026, 10, 23, 12, tzinfo=UTC), date(2026, 10, 25)),  # clocks go back
    ],
)
def test_the_job_fires_at_two_local_on_both_sides_of_a_clock_change(start, clock_change):
    fires = _fire_times(nightly_trigger("02:00", "Europe/London"), start, 4)

    local = [f.astimezone(LONDON) for f in fires]
    assert [f.date() for f in local] == [clock_change + timedelta(days=d) for d in (-1, 0, 1, 2)]
    assert all((f.hour, f.minute) == (2, 0) for f in local)
    # Local 02:00 is an hour apart in UTC before and after the change.
    offsets = {f.date(): f.utcoffset() for f in local}
    assert offsets[clock_change - timedelta(days=1)] != offsets[clock_change + timedelta(days=1)]
    assert fires[0].astimezone(UTC).hour != fires[-1].astimezone(UTC).hour


def test_the_job_fires_at_the_configured_local_time():
    start = datetime(2026, 6, 1, 12, tzinfo=UTC)

    [fire] = _fire_times(nightly_trigger("03:15", "Europe/London"), start, 1)

    assert fire.astimezone(UTC) == datetime(2026, 6, 2, 2, 15, tzinfo=UTC)  # 03:15 BST


@pytest.mark.parametrize(
    ("now", "night"),
    [
        (datetime(2026, 10, 25, 2, 0, tzinfo=LONDON), date(2026, 10, 25)),  # on the hour
        (datetime(2026, 10, 25, 7, 30, tzinfo=LONDON), date(2026, 10, 25)),  # misfire in grace
        (datetime(2026, 10, 25, 9, 0, tzinfo=LONDON), date(2026, 10, 26)),  # past grace: tonight
        (datetime(2026, 10, 24, 23, 0, tzinfo=LONDON), date(2026, 10, 25)),  # evening: tonight
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 29)),  # 02:30 BST
    ],
)
def test_a_run_belongs_to_the_night_whose_hour_it_follows_within_grace(now, night):
    assert night_for(now, at="02:00", timezone="Europe/London", grace=timedelta(hours=6)) == night


def test_the_coming_week_is_the_first_that_has_not_begun():
    assert coming_week(date(2026, 11, 29)) == date(2026, 11, 30)  # Sunday night
    assert coming_week(date(2026, 11, 30)) == date(2026, 12, 7)  # Monday: that week has begun
    assert coming_week(date(2026, 11, 26)) == date(2026, 11, 30)  # Thursday
