"""Files the commands cannot read are refused with exit 1 and a line saying why: never a
traceback, never a partial write."""

from __future__ import annotations

import json

import pytest

from cli import cli
from tests.builders import base_week_document
from tests.stored import database_content

HEADER = "name,email,phone,level,venues,availability,wants,priority\n"


def week_bytes(**changes) -> bytes:
    document = base_week_document()
    document.update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("content", "first_line"),
    [
        (week_bytes(grid_minutes=2**64), "$.grid_minutes: must be at most 60"),
        (week_bytes(grid_minutes=2**63 + 1), "$.grid_minutes: must be at most 60"),
        (
            week_bytes().replace(b'"priority": 1', b'"priority": ' + b"9" * 30, 1),
            "$.clients[0].priority: must be at most 100",
        ),
        (b'{"clients": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "$: nested too deeply"),
        (b'{"grid_minutes": ' + b"9" * 10_000 + b"}", "$: not valid JSON"),
        (week_bytes().replace(b'"name": "c1"', b'"name": "Ren\xe9e"', 1), "$: not UTF-8 text"),
        (b"\xff\xfe\x00\xd8", "$: not UTF-8 text"),
    ],
)
def test_an_unreadable_week_file_exits_1_saying_why_and_writes_nothing(
    engine, runner, tmp_path, content, first_line
):
    path = tmp_path / "week.json"
    path.write_bytes(content)
    before = database_content(engine)
    result = runner.invoke(cli, ["import", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(first_line), result.stderr
    assert database_content(engine) == before


def test_a_week_in_utf16_with_its_bom_is_imported(engine, runner, tmp_path):
    path = tmp_path / "week.json"
    path.write_bytes(json.dumps(base_week_document()).encode("utf-16"))
    assert runner.invoke(cli, ["import", str(path)]).exit_code == 0


def test_a_week_on_standard_input_is_read_as_bytes(engine, runner):
    result = runner.invoke(cli, ["import", "-"], input=week_bytes(timezone="Mars/Olympus_Mons"))
    assert result.exit_code == 1
    assert result.stderr.startswith("$.timezone: 'Mars/Olympus_Mons' is not an IANA time zone")


@pytest.fixture
def stored_week(engine, runner, tmp_path) -> str:
    path = tmp_path / "week.json"
    path.write_bytes(week_bytes())
    assert runner.invoke(cli, ["import", str(path)]).exit_code == 0
    return base_week_document()["week_start"]


ROW = "Renée Roux,renee@example.org,,beginner,hitchin,Mon 09:00-12:00,reformer,{priority}\n"


@pytest.mark.parametrize(
    ("priority", "error"),
    [
        ("²", "line 2, priority: '²' is not a whole number from 1 to 100"),
        ("٣", "line 2, priority: '٣' is not a whole number from 1 to 100"),
        ("9" * 30, f"line 2, priority: '{'9' * 30}' is not a whole number from 1 to 100"),
        ("101", "line 2, priority: '101' is not a whole number from 1 to 100"),
    ],
)
def test_a_clients_csv_with_a_bad_number_exits_1_by_line_and_column(
    engine, runner, tmp_path, stored_week, priority, error
):
    path = tmp_path / "clients.csv"
    path.write_text(HEADER + ROW.format(priority=priority), encoding="utf-8")
    before = database_content(engine)
    result = runner.invoke(cli, ["clients", "import", str(path), "--week", stored_week])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [error]
    assert database_content(engine) == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])
def test_a_clients_csv_in_any_common_encoding_keeps_renee_s_accent(
    engine, runner, tmp_path, stored_week, encoding
):
    path = tmp_path / "clients.csv"
    path.write_bytes((HEADER + ROW.format(priority=2)).encode(encoding))
    result = runner.invoke(cli, ["clients", "import", str(path), "--week", stored_week])
    assert result.exit_code == 0, result.output
    exported = runner.invoke(cli, ["export", "--week", stored_week])
    names = [c["name"] for c in json.loads(exported.stdout)["clients"]]
    assert "Renée Roux" in names


def test_a_clients_file_that_is_not_text_exits_1_saying_so(engine, runner, tmp_path, stored_week):
    path = tmp_path / "clients.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00 a spreadsheet, not a CSV")
    result = runner.invoke(cli, ["clients", "import", str(path), "--week", stored_week])
    assert result.exit_code == 1
    assert result.stderr.startswith("line 1: not a text file")
