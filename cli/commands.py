"""The `reformer` subcommands, one module per area; each command calls one service."""

from __future__ import annotations

import click

from cli.check import check
from cli.clients import client
from cli.data import clients, db, demo, export_week, import_week
from cli.nightly import nightly, runs, scheduler_command
from cli.scenario import scenario
from cli.schema import schema
from cli.solve import solve_command
from cli.web import instructor, serve
from cli.weeks import week

COMMANDS: list[click.Command] = [check, db, import_week, export_week, clients, demo, scenario]
COMMANDS += [scheduler_command, nightly, runs]
COMMANDS += [solve_command]
COMMANDS += [client]
COMMANDS += [serve, instructor]
COMMANDS += [week]
COMMANDS += [schema]
