"""A scenario from forms: each kind of change built from its fields, as `reformer-scenario/1`
writes it, and every problem named by the form field it comes from."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.core.names import week_names
from scheduler.scenarios.document import CHANGE_FIELDS, ScenarioError, parse_scenario
from scheduler.scenarios.forms import (
    CHANGE_FORMS,
    FormErrors,
    build_change,
    form_errors,
    form_values,
    scenario_from_form,
    sweep_values,
)
from scheduler.studio.demo import demo_week

MONDAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo():
    return demo_week(week_start=MONDAY, seed=1, client_count=20)


@pytest.fixture(scope="module")
def names(demo):
    return week_names(demo)


def document(*changes: dict) -> dict:
    return {
        "format": "reformer-scenario/1",
        "name": "From the forms",
        "base": {"week_start": MONDAY.isoformat()},
        "changes": list(changes),
    }


# Each kind: what its form posts, and the change it must make.
EXAMPLES = {
    "add_reformers": (
        {"room": "hitchin-studio", "count": "2", "features": ["raised"]},
        {"kind": "add_reformers", "room": "hitchin-studio", "count": 2, "features": ["raised"]},
    ),
    "remove_reformers": (
        {"room": "stevenage-studio", "count": "3"},
        {"kind": "remove_reformers", "room": "stevenage-studio", "count": 3},
    ),
    "mat_spaces": (
        {"room": "baldock-hall", "mat_spaces": "20"},
        {"kind": "mat_spaces", "room": "baldock-hall", "mat_spaces": 20},
    ),
    "close_venue": ({"venue": "baldock"}, {"kind": "close_venue", "venue": "baldock"}),
    "open_venue": (
        {"venue": "baldock", "days": ["mon", "wed"], "from": "18:00", "to": "21:00"},
        {
            "kind": "open_venue",
            "venue": "baldock",
            "open": [
                {"day": "mon", "from": "18:00", "to": "21:00"},
                {"day": "wed", "from": "18:00", "to": "21:00"},
            ],
        },
    ),
    "close_day": ({"day": "sat", "venue": ""}, {"kind": "close_day", "day": "sat"}),
    "open_day": (
        {"day": "sun", "from": "09:00", "to": "12:00", "venue": "stevenage"},
        {"kind": "open_day", "day": "sun", "from": "09:00", "to": "12:00", "venue": "stevenage"},
    ),
    "add_instructor": (
        {
            "name": "Priya",  # the demo's Priya Shah has the id 'priya': the new one's differs
            "teaches": ["mat", "reformer"],
            "days": ["sat"],
            "from": "08:00",
            "to": "12:00",
            "venues": ["hitchin"],
            "max_week_minutes": "240",
            "max_day_minutes": "240",
        },
        {
            "kind": "add_instructor",
            "instructor": {
                "id": "priya-2",
                "name": "Priya",
                "teaches": ["mat", "reformer"],
                "max_week_minutes": 240,
                "max_day_minutes": 240,
                "availability": [
                    {"day": "sat", "from": "08:00", "to": "12:00", "venues": ["hitchin"]}
                ],
            },
        },
    ),
    "change_instructor": (
        {"instructor": "tom", "max_week_minutes": "900", "max_day_minutes": ""},
        {"kind": "change_instructor", "instructor": "tom", "max_week_minutes": 900},
    ),
    "class_type": (
        {"class_type": "reformer", "max_size": "10", "min_size": "", "minutes": "55"},
        {"kind": "class_type", "class_type": "reformer", "max_size": 10, "minutes": 55},
    ),
    "demand": ({"percent": "-12.5"}, {"kind": "demand", "percent": -12.5}),
    "grid": ({"minutes": "30"}, {"kind": "grid", "minutes": 30}),
}


def test_every_kind_of_change_has_a_form():
    assert set(CHANGE_FORMS) == set(CHANGE_FIELDS) == set(EXAMPLES)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_each_kind_s_form_builds_the_change_the_document_writes(kind, demo, names):
    posted, expected = EXAMPLES[kind]
    change, errors = build_change(kind, posted, names)
    assert errors == {}
    assert change == expected
    parse_scenario(document(change), demo)  # valid against the week, ids and all


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_a_change_s_fields_read_back_into_its_form(kind, names):
    posted, _ = EXAMPLES[kind]
    change, _ = build_change(kind, posted, names)
    again, _ = build_change(kind, form_values(change), names)
    assert again["kind"] == kind
    if kind != "add_instructor":  # a new instructor's id is made again from the name
        assert again == change


def test_a_word_where_a_count_goes_is_named_by_its_field(names):
    _, errors = build_change("add_reformers", {"room": "hitchin-studio", "count": "two"}, names)
    assert errors == {"count": ["must be a whole number, not 'two'"]}
    _, errors = build_change("demand", {"percent": "lots"}, names)
    assert errors == {"percent": ["must be a number, not 'lots'"]}


def test_the_document_s_errors_are_named_by_the_form_fields(demo, names):
    bad = [
        ("add_reformers", {"room": "hitchin-studio"}),
        ("open_venue", {"venue": "baldock", "days": ["mon"], "from": "21:00", "to": "18:00"}),
        (
            "add_instructor",
            {"name": "Sam", "teaches": ["mat"], "max_week_minutes": "99999"}
            | {"max_day_minutes": "60"},
        ),
        ("class_type", {"class_type": "reformer", "max_size": "2", "min_size": "5"}),
    ]
    doc, unreadable = scenario_from_form(
        name="x", description="", week_start=MONDAY.isoformat(), changes=bad, names=names
    )
    assert unreadable.errors == []
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, demo)
    problems = form_errors(caught.value.errors, doc)
    assert problems.fields["changes-0-count"] == ["is required"]
    assert problems.fields["changes-1-to"] == ["window ends at 18:00, not after it starts at 21:00"]
    assert problems.fields["changes-2-max_week_minutes"] == ["must be at most 10080, not 99999"]
    assert problems.fields["changes-3-min_size"] == ["must be at most max_size 2, not 5"]
    assert "Change 1 (Add reformers), How many: is required" in problems.errors
    assert "Change 2 (Set a venue's opening hours), Closes: window ends at 18:00" in " ".join(
        problems.errors
    )


def test_an_empty_name_and_no_changes_are_named(names):
    doc, problems = scenario_from_form(
        name=" ", description="", week_start="", changes=[], names=names
    )
    assert problems.fields["changes"] == ["Add at least one change."]
    assert doc["base"] == {"week_start": "latest"}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc)
    assert form_errors(caught.value.errors, doc).fields["name"] == ["must not be empty"]


def test_a_sweep_from_to_step_gives_every_value_both_ends_included():
    assert sweep_values(0, 6, 1, whole=True) == [0, 1, 2, 3, 4, 5, 6]
    assert sweep_values(0, 5, 2, whole=True) == [0, 2, 4]
    assert sweep_values(-10, 20, 7.5, whole=False) == [-10, -2.5, 5, 12.5, 20]


@pytest.mark.parametrize(
    ("start", "stop", "step", "whole", "field", "message"),
    [
        (0, 3, 0.5, True, "step", "is a count: give a whole number, not 0.5"),
        (0, 3, 0, False, "step", "must be more than 0"),
        (5, 3, 1, True, "stop", "must not be below From"),
        (0, 100, 1, True, "step", "gives more than 25 points: take a larger step"),
    ],
)
def test_a_sweep_that_cannot_run_names_its_field(start, stop, step, whole, field, message):
    with pytest.raises(FormErrors) as caught:
        sweep_values(start, stop, step, whole=whole)
    assert caught.value.fields[field] == [message]
