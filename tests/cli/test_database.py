"""A command that needs the database says in one line what is wrong with it, and makes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner

from cli import cli
from scheduler.core.db import alembic_config

NO_DATABASE = (
    "there is no database at {path}: run `reformer db upgrade` to create it,"
    " or set DATABASE_URL to the studio's database"
)

# Every command that reads or writes the stored studio, with arguments that would do so.
DATABASE_COMMANDS = [
    ["client", "link", "c001"],
    ["clients", "import", "{files}/clients.csv", "--week", "2026-11-30"],
    ["import", "{files}/week.json"],
    ["export", "--week", "2026-11-30"],
    ["week", "new", "--to", "2026-12-07"],
    ["instructor", "add", "claire@example.com"],
    ["instructor", "password", "claire@example.com"],
    ["solve", "--week", "2026-11-30"],
    ["scenario", "advise", "--week", "2026-11-30"],
    ["demo"],
    ["nightly", "--now"],
    ["runs"],
    ["reminders"],
    ["scheduler"],
    ["serve"],
]


def test_client_link_outside_the_repository_says_what_to_run_and_leaves_no_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REFORMER_INSTANCE")}

    done = subprocess.run(
        [sys.executable, "-c", "from cli import cli; cli(prog_name='reformer')"]
        + ["client", "link", "c001"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    expected = NO_DATABASE.format(path=tmp_path.resolve() / "instance" / "reformer.db")
    assert done.stderr == expected + "\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=" ".join)
def test_every_database_command_in_an_empty_folder_refuses_in_one_line(args, tmp_path, monkeypatch):
    files, empty = tmp_path / "files", tmp_path / "empty"
    files.mkdir()
    empty.mkdir()
    (files / "clients.csv").write_text("name,email\n")
    (files / "week.json").write_text("{}")
    monkeypatch.chdir(empty)
    runner = CliRunner(env={"DATABASE_URL": None, "REFORMER_INSTANCE": None})

    result = runner.invoke(cli, [a.format(files=files) for a in args], input="pass-word-1\n" * 2)

    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == NO_DATABASE.format(path=empty / "instance" / "reformer.db") + "\n"
    assert list(empty.iterdir()) == []


def test_a_database_with_no_tables_is_sent_to_db_upgrade(database_url, runner):
    if database_url.startswith("sqlite"):
        Path(database_url.removeprefix("sqlite:///")).touch()

    result = runner.invoke(cli, ["client", "link", "c001"])

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("the database at ")
    assert result.stderr.endswith(" has no tables yet: run `reformer db upgrade`\n")


def test_a_database_with_an_older_revisions_tables_is_sent_to_db_upgrade(
    database_url, engine, runner
):
    command.downgrade(alembic_config(database_url), "-1")

    older = runner.invoke(cli, ["runs"])
    runner.invoke(cli, ["db", "upgrade"])
    upgraded = runner.invoke(cli, ["runs"])

    assert older.exit_code == 1
    assert older.stderr.count("\n") == 1
    assert "not this version's" in older.stderr
    assert older.stderr.endswith(": run `reformer db upgrade`\n")
    assert (upgraded.exit_code, upgraded.output) == (0, "no nightly runs yet\n")
