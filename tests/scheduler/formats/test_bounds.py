"""Every field of the week and scenario formats has the bounds a studio could mean, refused
by its JSON path; every example week stays valid."""

from __future__ import annotations

import json

import pytest

from scheduler.formats.scenario import SCENARIO_FORMAT
from scheduler.formats.validation import WeekError, load_json
from scheduler.formats.week import parse_week
from scheduler.scenarios.document import ScenarioError, parse_scenario
from tests.builders import base_week_document, example_files


def refused(doc: dict) -> list[str]:
    with pytest.raises(WeekError) as caught:
        parse_week(doc)
    return caught.value.errors


def changed(path: tuple, value) -> dict:
    doc = base_week_document()
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return doc


def test_every_example_week_is_still_valid():
    for path in example_files():
        parse_week(json.loads(path.read_text()))


def test_an_unknown_time_zone_is_refused_at_its_path():
    (error,) = refused(changed(("timezone",), "Mars/Olympus_Mons"))
    assert error == "$.timezone: 'Mars/Olympus_Mons' is not an IANA time zone like Europe/London"


@pytest.mark.parametrize("zone", ["../../etc/passwd", "", "europe/london", "Europe/London\n"])
def test_a_path_or_a_near_miss_is_no_time_zone(zone):
    (error,) = refused(changed(("timezone",), zone))
    assert error.startswith("$.timezone: ")


def test_a_real_time_zone_is_accepted():
    assert parse_week(changed(("timezone",), "America/New_York")).timezone == "America/New_York"


def test_a_week_start_that_is_not_a_monday_is_refused():
    (error,) = refused(changed(("week_start",), "2026-12-01"))
    assert error == "$.week_start: '2026-12-01' is a Tuesday, not a Monday"


def test_a_week_start_at_the_end_of_the_calendar_is_refused():
    (error,) = refused(changed(("week_start",), "9999-12-27"))
    assert error == "$.week_start: '9999-12-27' is not a week from 2000 to 2999"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("clients", 0, "email"), "c1@example.com\nBcc: all@example.com", "is not an e-mail"),
        (("clients", 0, "email"), "c1@example.com\n", "is not an e-mail"),
        (("clients", 0, "email"), "not an address", "is not an e-mail"),
        (("clients", 0, "phone"), "07700\n900001", "is not a phone number"),
        (("clients", 0, "priority"), 2**62, "must be at most 100"),
        (("clients", 0, "priority"), 2**70, "must be at most 100"),
        (("clients", 0, "max_per_day"), 1000, "must be at most 10"),
        (("clients", 0, "missed_weeks"), 53, "must be at most 52"),
        (("clients", 0, "missed_weeks"), -1, "must be at least 0"),
        (("clients", 0, "wants", 0, "per_week"), 10**6, "must be at most 20"),
        (("clients", 0, "level"), "olympian", "unknown level 'olympian'"),
        (("class_types", 0, "min_size"), 9, "must be at most max_size 8, not 9"),
        (("class_types", 0, "minutes"), 100_000, "must be at most 480"),
        (("class_types", 0, "max_size"), 10**9, "must be at most 100"),
        (("venues", 0, "rooms", 0, "mat_spaces"), 10**7, "must be at most 200"),
        (("travel_minutes", 0, "minutes"), 10**7, "must be at most 480"),
        (("instructors", 0, "max_day_minutes"), 1441, "must be at most 1440"),
        (("instructors", 0, "max_week_minutes"), 10081, "must be at most 10080"),
        (("grid_minutes",), 1, "must be at least 5"),
        (("grid_minutes",), 10**20, "must be at most 60"),
        (("clients", 0, "id"), "c" * 81, "must be at most 80 characters"),
    ],
)
def test_a_value_out_of_its_bounds_is_refused_at_its_path(path, value, message):
    errors = refused(changed(path, value))
    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    assert any(e.startswith(f"{where}: ") and message in e for e in errors), errors


def test_the_bounds_themselves_are_accepted():
    doc = base_week_document()
    doc["clients"][0].update(priority=100, max_per_day=10, missed_weeks=52, email="c1@example.com")
    doc["grid_minutes"] = 60
    parse_week(doc)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 200_000 + "]" * 200_000,
        '{"format": "reformer-week/1", "grid_minutes": ' + "9" * 5000 + "}",
        b'{"name": "Ren\xe9e"}',
    ],
)
def test_json_that_python_cannot_read_is_refused_at_the_root(text):
    with pytest.raises(WeekError) as caught:
        load_json(text, WeekError)
    (error,) = caught.value.errors
    assert error.startswith("$: ")


def test_utf8_with_a_bom_and_utf16_with_a_bom_are_read():
    text = '{"name": "Renée"}'
    assert load_json(text.encode("utf-8-sig"), WeekError) == {"name": "Renée"}
    assert load_json(text.encode("utf-16"), WeekError) == {"name": "Renée"}


def scenario(*changes: dict, **fields) -> dict:
    return {
        "format": SCENARIO_FORMAT,
        "name": "What if",
        "base": {"week_start": "2026-11-30"},
        "changes": list(changes),
        **fields,
    }


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"kind": "add_reformers", "room": "r", "count": 3_000_000}, "count", "at most 200"),
        ({"kind": "remove_reformers", "room": "r", "count": 2**64}, "count", "at most 200"),
        ({"kind": "demand", "percent": 400_000}, "percent", "at most 300"),
        ({"kind": "demand", "percent": 20, "seed": 2**64}, "seed", "at most 4294967295"),
        ({"kind": "grid", "minutes": 1}, "minutes", "at least 5"),
        ({"kind": "mat_spaces", "room": "r", "mat_spaces": 10**9}, "mat_spaces", "at most 200"),
        ({"kind": "class_type", "class_type": "t", "min_size": 5, "max_size": 3}, "min_size", ""),
        ({"kind": "class_type", "class_type": "t", "minutes": 10**6}, "minutes", "at most 480"),
        (
            {"kind": "change_instructor", "instructor": "jo", "max_week_minutes": 10**9},
            "max_week_minutes",
            "at most 10080",
        ),
    ],
)
def test_a_scenario_change_out_of_its_bounds_is_refused_at_its_path(change, where, message):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(scenario(change))
    (error,) = caught.value.errors
    assert error.startswith(f"$.changes[0].{where}: ") and message in error


def test_a_scenario_price_must_be_a_finite_studio_price():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(scenario(prices={"reformer": float("nan"), "mat": 1e300}))
    assert sorted(caught.value.errors) == [
        "$.prices.mat: must be at most 1000.0, not 1e+300",
        "$.prices.reformer: must be a finite number",
    ]


def test_a_scenario_base_week_must_be_a_monday():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(scenario(base={"week_start": "2026-12-02"}))
    assert caught.value.errors == ["$.base.week_start: '2026-12-02' is a Wednesday, not a Monday"]
