"""Fuzz the import services with malformed week, scenario and CSV documents: each is a clear
error (with nothing written) or a valid import, never another exception."""

from __future__ import annotations

import copy
import csv
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.formats.clients_csv import CsvError
from scheduler.formats.scenario import SCENARIO_FORMAT
from scheduler.formats.validation import WeekError, load_json
from scheduler.scenarios.service import save_scenario
from scheduler.store.weeks import import_week_document
from scheduler.studio.clients import import_clients_csv
from tests.builders import base_week_document
from tests.stored import database_content

pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values that broke imports once, beside whatever hypothesis makes up.
NASTY = st.sampled_from(
    [
        2**62,
        2**63 + 1,
        -(2**64),
        10**30,
        float("nan"),
        float("inf"),
        1e308,
        "²",
        "Mars/Olympus_Mons",
        "ann@example.com\nBcc: all@example.com",
        "2026-12-01",
        "9999-12-27",
        "",
        "x" * 500,
        None,
        True,
        [],
        {},
        [[[[[]]]]],
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | NASTY,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a JSON value, the root included."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += paths(item, (*path, i))
    return out


@st.composite
def mutated(draw, document: dict) -> Any:
    """The document with a few of its values, anywhere in it, replaced by others."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(paths(doc)))
        value = draw(JSON_VALUES)
        if not where:
            return value
        target = doc
        for part in where[:-1]:
            target = target[part]
        target[where[-1]] = value
    return doc


def assert_clear_error_or_import(engine, db_session, call, refusals) -> None:
    """`call` imports or raises one of `refusals`, having written nothing at all."""
    before = database_content(engine)
    try:
        call()
    except refusals as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        db_session.commit()  # anything the service wrote before refusing would land now
        assert database_content(engine) == before
    else:
        db_session.rollback()
    db_session.expire_all()


@FUZZ
@given(document=mutated(base_week_document()))
def test_a_malformed_week_is_refused_clearly_or_imported(engine, db_session, document):
    assert_clear_error_or_import(
        engine,
        db_session,
        lambda: import_week_document(session=db_session, data=document),
        WeekError,
    )


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_as_a_week_file_are_refused_clearly_or_imported(engine, db_session, raw):
    assert_clear_error_or_import(
        engine,
        db_session,
        lambda: import_week_document(session=db_session, data=load_json(raw, WeekError)),
        WeekError,
    )


@pytest.fixture
def stored_week(db_session) -> str:
    document = base_week_document()
    import_week_document(session=db_session, data=document)
    db_session.commit()
    return document["week_start"]


def scenario_document() -> dict:
    return {
        "format": SCENARIO_FORMAT,
        "name": "What if",
        "base": {"week_start": base_week_document()["week_start"]},
        "prices": {"reformer": 18},
        "changes": [
            {"kind": "add_reformers", "room": "hitchin-studio", "count": 2},
            {"kind": "demand", "percent": 20, "seed": 1},
            {"kind": "class_type", "class_type": "reformer", "max_size": 6, "min_size": 2},
            {"kind": "grid", "minutes": 30},
        ],
    }


@FUZZ
@given(document=mutated(scenario_document()))
def test_a_malformed_scenario_is_refused_clearly_or_saved(
    engine, db_session, stored_week, document
):
    from scheduler.scenarios.document import ScenarioError

    assert_clear_error_or_import(
        engine,
        db_session,
        lambda: save_scenario(session=db_session, document=document),
        ScenarioError,
    )


CSV_COLUMNS = ("name", "email", "phone", "level", "venues", "availability", "wants", "priority")
CSV_ROW = (
    "Renée Roux",
    "renee@example.org",
    "07700 900001",
    "beginner",
    "hitchin",
    "Mon 09:00-12:00",
    "reformer x2",
    "2",
)
CELLS = st.text(max_size=30) | st.sampled_from(["²", "9" * 30, "x" * 300, "a@b.c\n", "-1", "0"])


@st.composite
def clients_csv_files(draw) -> bytes:
    """A clients CSV with some cells replaced, in one of the common encodings."""
    rows = [list(CSV_ROW) for _ in range(draw(st.integers(1, 3)))]
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(CSV_COLUMNS) - 1))] = draw(CELLS)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return out.getvalue().encode(encoding, errors="replace")


@FUZZ
@given(data=clients_csv_files() | st.binary(max_size=200))
def test_a_malformed_clients_csv_is_refused_clearly_or_imported(
    engine, db_session, stored_week, data
):
    assert_clear_error_or_import(
        engine,
        db_session,
        lambda: import_clients_csv(session=db_session, week_start=stored_week, text=data),
        CsvError,
    )


def test_the_fuzzed_documents_start_from_valid_ones(engine, db_session, stored_week):
    assert json.loads(json.dumps(scenario_document()))
    save_scenario(session=db_session, document=scenario_document())
    text = ",".join(CSV_COLUMNS) + "\n" + ",".join(CSV_ROW) + "\n"
    import_clients_csv(session=db_session, week_start=stored_week, text=text.encode())
