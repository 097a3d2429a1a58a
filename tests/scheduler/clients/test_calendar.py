"""The client's iCalendar feed: parses, carries its time zone, keeps UIDs, obeys RFC 5545."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from scheduler.clients.calendar import client_calendar, place_uid
from scheduler.clients.week import Place, local_time
from tests.builders import at

LONDON = "Europe/London"
# The clocks go back at 02:00 on Sunday 25 October 2026: the week of 19 October spans it.
CLOCK_CHANGE_WEEK = date(2026, 10, 19)


def place(
    day: str = "tue",
    start: str = "09:30",
    minutes: int = 50,
    session_id: str | None = None,
    client_id: str = "c1",
    week_start: date = CLOCK_CHANGE_WEEK,
    reformer: str | None = "H2",
    class_name: str = "Reformer",
) -> Place:
    minute = at(day, start)
    return Place(
        week_start=week_start,
        session_id=session_id or f"{day}-{start.replace(':', '')}-hitchin-reformer",
        client_id=client_id,
        class_name=class_name,
        start=local_time(week_start, minute, LONDON),
        end=local_time(week_start, minute + minutes, LONDON),
        venue="Hitchin",
        room="Studio",
        instructor="Jo",
        reformer=reformer,
    )


def feed(places: list[Place], stamp: datetime | None = None) -> bytes:
    return client_calendar(
        places,
        calendar_name="Pilates with Jo",
        timezone=LONDON,
        stamp=stamp or datetime(2026, 10, 16, 12, 0, tzinfo=UTC),
    )


# --- RFC 5545 rules the feed must obey -------------------------------------------------


def rfc5545_problems(text: bytes) -> list[str]:
    """Every breach of the RFC 5545 rules a subscribing calendar relies on."""
    problems = []
    if not text.endswith(b"\r\n"):
        problems.append("the feed does not end with CRLF")
    physical = []
    for number, line in enumerate(text.split(b"\n")[:-1], 1):
        if not line.endswith(b"\r") or b"\r" in line[:-1]:
            problems.append(f"line {number}: a bare CR or LF (3.1: lines end with CRLF)")
        line = line.removesuffix(b"\r")
        if len(line) > 75:
            problems.append(f"line {number}: {len(line)} octets (3.1: fold at 75)")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number}: folding split a UTF-8 character")
        physical.append(line)
    logical: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t") and logical:
            logical[-1] += line[1:]
        else:
            logical.append(line)

    stack: list[tuple[str, dict[str, list[str]]]] = []
    components: list[tuple[str, dict[str, list[str]]]] = []
    for raw in logical:
        line = raw.decode("utf-8", errors="replace")
        name, _, value = line.partition(":")
        prop = name.split(";")[0].upper()
        if prop == "BEGIN":
            stack.append((value.upper(), {}))
        elif prop == "END":
            if not stack or stack[-1][0] != value.upper():
                problems.append(f"END:{value} does not close the open component")
                continue
            components.append(stack.pop())
        elif not stack:
            problems.append(f"{prop} outside any component")
        else:
            stack[-1][1].setdefault(prop, []).append(line)
    if stack:
        problems.append(f"{stack[-1][0]} is never closed")

    def once(kind: str, props: dict[str, list[str]], *names: str) -> None:
        for n in names:
            if len(props.get(n, [])) != 1:
                problems.append(f"{kind}: {n} must appear exactly once")

    tzids = set()
    for kind, props in components:
        if kind == "VCALENDAR":
            once(kind, props, "VERSION", "PRODID")
            if props.get("VERSION") != ["VERSION:2.0"]:
                problems.append("VCALENDAR: VERSION must be 2.0")
        elif kind == "VTIMEZONE":
            once(kind, props, "TZID")
            tzids.add(props["TZID"][0].partition(":")[2])
        elif kind in ("STANDARD", "DAYLIGHT"):
            once(kind, props, "DTSTART", "TZOFFSETFROM", "TZOFFSETTO")
    if not any(kind in ("STANDARD", "DAYLIGHT") for kind, _ in components) and tzids:
        problems.append("VTIMEZONE: needs a STANDARD or DAYLIGHT part")
    for kind, props in components:
        if kind != "VEVENT":
            continue
        once(kind, props, "UID", "DTSTAMP", "DTSTART")
        if len(props.get("DTEND", [])) > 1 or ("DTEND" in props and "DURATION" in props):
            problems.append("VEVENT: at most one of DTEND or DURATION")
        for prop in ("DTSTART", "DTEND"):
            for line in props.get(prop, []):
                for param in line.partition(":")[0].split(";")[1:]:
                    key, _, tzid = param.partition("=")
                    if key.upper() == "TZID" and tzid not in tzids:
                        problems.append(f"VEVENT: {prop} names TZID {tzid} with no VTIMEZONE")
    for event in Calendar.from_ical(text).walk("VEVENT"):
        if "DTEND" in event and event.decoded("DTEND") <= event.decoded("DTSTART"):
            problems.append(f"VEVENT {event['UID']}: DTEND is not after DTSTART")
    return problems


def test_rfc5545_check_catches_a_feed_without_prodid_or_crlf():
    broken = b"BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n"

    problems = rfc5545_problems(broken)

    assert any("PRODID" in p for p in problems)
    assert any("CRLF" in p for p in problems)


# --- the feed ------------------------------------------------------------------------------


def test_feed_validates_against_rfc5545():
    text = feed([place("mon", "07:00"), place("sat", "09:30", reformer=None, class_name="Mat")])

    assert rfc5545_problems(text) == []


def test_feed_parses_and_carries_the_london_time_zone():
    cal = Calendar.from_ical(feed([place()]))

    timezones = cal.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == [LONDON]
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Pilates with Jo"
    event = cal.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == LONDON
    assert event["DTEND"].params["TZID"] == LONDON


def test_event_names_the_class_place_instructor_and_reformer_number():
    event = Calendar.from_ical(feed([place(reformer="H7")])).walk("VEVENT")[0]

    assert "H7" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Hitchin, Studio"
    assert "Jo" in str(event["DESCRIPTION"])
    assert "Your reformer: H7" in str(event["DESCRIPTION"])


def test_a_cancelled_place_keeps_its_uid_marked_cancelled_and_no_longer_busy():
    kept = place()
    given_up = replace(kept, cancelled=True, late=True)

    before = Calendar.from_ical(feed([kept])).walk("VEVENT")[0]
    text = feed([given_up])
    after = Calendar.from_ical(text).walk("VEVENT")[0]

    assert rfc5545_problems(text) == []
    assert str(after["UID"]) == str(before["UID"])
    assert (str(before["STATUS"]), str(after["STATUS"])) == ("CONFIRMED", "CANCELLED")
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["TRANSP"]) == "TRANSPARENT"
    assert str(after["SUMMARY"]).startswith("Cancelled: ")
    assert "after the cut-off" in str(after["DESCRIPTION"])


def test_a_make_up_says_so_in_its_event():
    event = Calendar.from_ical(feed([replace(place(), kind="makeup")])).walk("VEVENT")[0]

    assert "Make-up class" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_uids_are_stable_across_two_generations_of_the_feed():
    places = [place("mon", "09:30"), place("wed", "18:00"), place("fri", "12:00")]
    first = feed(places, stamp=datetime(2026, 10, 16, 12, 0, tzinfo=UTC))
    second = feed(list(reversed(places)), stamp=datetime(2026, 10, 17, 3, 0, tzinfo=UTC))

    def uids(text: bytes) -> list[str]:
        return sorted(str(e["UID"]) for e in Calendar.from_ical(text).walk("VEVENT"))

    assert uids(first) == uids(second)
    assert len(set(uids(first))) == len(places)
    assert first != second  # the stamps differ, so this really is a second generation


def test_uid_differs_for_another_client_in_the_same_session_and_another_week():
    mine = place(client_id="c1")
    theirs = place(client_id="c2")
    next_week = place(client_id="c1", week_start=CLOCK_CHANGE_WEEK + timedelta(days=7))

    assert len({place_uid(mine), place_uid(theirs), place_uid(next_week)}) == 3


def test_local_times_hold_across_the_autumn_clock_change():
    saturday = place("sat", "09:30", session_id="sat")  # BST, UTC+1
    sunday = place("sun", "09:30", session_id="sun")  # GMT after the clocks go back

    events = {str(e["UID"]): e for e in Calendar.from_ical(feed([saturday, sunday])).walk("VEVENT")}

    sat_start = events[place_uid(saturday)].decoded("DTSTART")
    sun_start = events[place_uid(sunday)].decoded("DTSTART")
    assert (sat_start.hour, sat_start.minute) == (9, 30)
    assert (sun_start.hour, sun_start.minute) == (9, 30)
    assert sat_start.astimezone(UTC).hour == 8
    assert sun_start.astimezone(UTC).hour == 9
    assert events[place_uid(sunday)].decoded("DTEND") - sun_start == timedelta(minutes=50)


def test_long_non_ascii_lines_are_folded_at_75_octets_without_splitting_characters():
    long_name = "Clinical back-pain — " + "strength & mobility " * 6
    text = feed([place(class_name=long_name)])

    assert rfc5545_problems(text) == []
    summary = str(Calendar.from_ical(text).walk("VEVENT")[0]["SUMMARY"])
    assert summary.startswith(long_name)


def test_empty_feed_is_still_a_valid_calendar():
    text = feed([])

    assert rfc5545_problems(text) == []
    assert Calendar.from_ical(text).walk("VEVENT") == []


@pytest.mark.parametrize("minutes", [50, 55])
def test_dtend_is_the_class_length_after_dtstart(minutes):
    event = Calendar.from_ical(feed([place(minutes=minutes)])).walk("VEVENT")[0]

    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=minutes)
