"""A scenario in the studio's words: names of rooms and people, changes, sweepable numbers."""

from __future__ import annotations

import json
from datetime import date

import pytest

from scheduler.core.names import week_names
from scheduler.scenarios.words import (
    FIGURE_EXPLANATIONS,
    change_words,
    sweep_field,
    sweep_fields,
    sweep_label,
)
from scheduler.studio.demo import demo_week
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def names():
    return week_names(demo_week(week_start=date(2026, 11, 30), seed=1, client_count=10))


def test_rooms_are_named_by_venue_and_room(names):
    assert names.room("hitchin-studio") == "Hitchin · Studio"
    assert names.room("baldock-hall") == "Baldock Town Hall · Hall"
    assert names.venue(None) == "every venue"
    assert names.instructor("priya") == "Priya Shah"
    assert names.room("atlantis") == "atlantis"  # an unknown id reads as written


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            {"kind": "add_reformers", "room": "hitchin-studio", "count": 2},
            "Add 2 reformers to Hitchin · Studio",
        ),
        (
            {"kind": "remove_reformers", "room": "stevenage-studio", "count": 1},
            "Take 1 reformer out of Stevenage · Studio",
        ),
        ({"kind": "close_venue", "venue": "baldock"}, "Close Baldock Town Hall for the week"),
        ({"kind": "close_day", "day": "sat"}, "Close Saturday at every venue"),
        (
            {"kind": "class_type", "class_type": "reformer", "max_size": 10},
            "Reformer: at most 10 a class",
        ),
        ({"kind": "demand", "percent": -10}, "10% fewer clients, drawn like today's"),
        (
            {"kind": "change_instructor", "instructor": "tom", "max_week_minutes": 900},
            "Tom Avery: at most 900 minutes a week",
        ),
    ],
)
def test_each_change_reads_as_the_owner_would_say_it(change, words, names):
    assert change_words(change, names) == words


def test_every_example_scenario_reads_in_words_without_an_id(names):
    for path in sorted((REPO_ROOT / "examples" / "scenarios").glob("*.json")):
        for change in json.loads(path.read_text())["changes"]:
            words = change_words(change, names)
            assert "hitchin-studio" not in words and "saturday-cover" not in words, words


def test_sweepable_numbers_are_described_in_words_with_their_paths(names):
    doc = {
        "changes": [
            {"kind": "add_reformers", "room": "hitchin-studio", "count": 2},
            {"kind": "demand", "percent": 20},
            {"kind": "class_type", "class_type": "reformer", "max_size": 10},
            {"kind": "close_venue", "venue": "baldock"},
        ]
    }
    fields = {f.path: f for f in sweep_fields(doc, names)}
    assert fields["changes[0].count"].words == "the number of reformers added to Hitchin · Studio"
    assert fields["changes[0].count"].whole and fields["changes[0].count"].value == 2
    assert fields["changes[1].percent"].words == "demand change in percent"
    assert not fields["changes[1].percent"].whole
    assert fields["changes[2].max_size"].words == "max class size of Reformer"
    assert "changes[2].min_size" in fields  # a field the change leaves out can be swept too
    assert not any(p.startswith("changes[3]") for p in fields)
    assert sweep_field(doc, "changes[9].count", names) is None


def test_two_changes_of_one_kind_are_told_apart(names):
    doc = {"changes": [{"kind": "demand", "percent": 5}, {"kind": "demand", "percent": 10}]}
    assert [f.words for f in sweep_fields(doc, names)] == [
        "demand change in percent (change 1)",
        "demand change in percent (change 2)",
    ]


def test_a_sweep_s_label_is_its_field_in_words_or_its_path():
    result = {
        "scenario": {"changes": [{"kind": "grid", "minutes": 15}]},
        "path": "changes[0].minutes",
    }
    assert sweep_label({**result, "points": []}) == ("The timetable grid in minutes", True)
    odd = {"scenario": {"changes": []}, "path": "prices.mat", "points": [{"value": 1.5}]}
    assert sweep_label(odd) == ("prices.mat", False)


def test_the_figures_the_result_page_shows_are_each_explained():
    for key in ("priority_places", "reformer_utilisation", "fill_rate", "bound", "revenue"):
        assert FIGURE_EXPLANATIONS[key].endswith(".")
