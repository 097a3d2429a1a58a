"""A client's places as an iCalendar feed (RFC 5545) that calendar apps subscribe to.

Google, Apple and Outlook poll the feed's URL and replace what they hold with
what it says, matching events by UID; each place's UID is therefore built from
the week, the session and the client only, so a re-published plan updates the
event instead of adding a second one. A place given up for a date keeps its
event and UID, marked `STATUS:CANCELLED` (a higher SEQUENCE, so calendars take
the change as newer, and no longer busy); a make-up or drop-in booked after
publishing is an event like any place. Times are local wall-clock times with a
TZID and the VTIMEZONE that defines it, so a class at 09:30 stays at 09:30
across the clock change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event, Timezone

from scheduler.clients.week import Place

PRODID = "-//Reformer//Studio timetable//EN"
UID_DOMAIN = "reformer"
# Calendar apps poll a subscribed feed at their own pace; this asks for about hourly.
REFRESH_INTERVAL = timedelta(hours=1)


def place_uid(place: Place) -> str:
    """The event UID of a place: the same for the same client in the same session of a week."""
    return f"{place.week_start.isoformat()}-{place.session_id}-{place.client_id}@{UID_DOMAIN}"


def client_calendar(
    places: Sequence[Place],
    *,
    calendar_name: str,
    timezone: str,
    stamp: datetime,
) -> bytes:
    """The feed of `places` as RFC 5545 text (CRLF line endings, lines folded at 75 octets).

    `stamp` is the moment the feed was made (aware, any zone); it becomes every DTSTAMP.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    calendar.add_component(_vtimezone(places, timezone, stamp))
    for place in sorted(places, key=lambda p: (p.start, p.session_id)):
        calendar.add_component(_event(place, stamp))
    return calendar.to_ical()


def _vtimezone(places: Sequence[Place], timezone: str, stamp: datetime) -> Timezone:
    """The VTIMEZONE for `timezone`, covering the feed's weeks and the year after them."""
    days = [p.start.date() for p in places] or [stamp.date()]
    return Timezone.from_tzid(
        timezone,
        first_date=min(days) - timedelta(days=7),
        last_date=max(days) + timedelta(days=366),
    )


def _event(place: Place, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", place_uid(place))
    event.add("dtstamp", stamp)
    event.add("dtstart", place.start)
    event.add("dtend", place.end)
    event.add("summary", _summary(place))
    event.add("location", f"{place.venue}, {place.room}")
    event.add("description", _description(place))
    event.add("status", "CANCELLED" if place.cancelled else "CONFIRMED")
    event.add("sequence", 1 if place.cancelled else 0)
    event.add("transp", "TRANSPARENT" if place.cancelled else "OPAQUE")
    return event


KIND_WORDS = {"makeup": "Make-up class", "drop_in": "Drop-in", "intro": "Your intro 1-2-1"}


def _summary(place: Place) -> str:
    said = place.class_name
    if place.reformer:
        said = f"{said} (reformer {place.reformer})"
    return f"Cancelled: {said}" if place.cancelled else said


def _description(place: Place) -> str:
    lines = [
        f"{place.class_name} with {place.instructor}",
        f"{place.venue}, {place.room}",
    ]
    if place.reformer:
        lines.append(f"Your reformer: {place.reformer}")
    if place.kind in KIND_WORDS:
        lines.append(KIND_WORDS[place.kind])
    if place.cancelled:
        lines.append(
            "You cancelled this class after the cut-off: no make-up credit."
            if place.late
            else "You cancelled this class."
        )
    return "\n".join(lines)
