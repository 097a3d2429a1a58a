"""The `reformer` subcommands, one module per area; each command calls one service."""

from __future__ import annotations

import click

from scheduler.commands.check import check
from scheduler.commands.clients import client
from scheduler.commands.data import clients, db, demo, export_week, import_week
from scheduler.commands.nightly import nightly, runs, scheduler_command
from scheduler.commands.scenario import scenario
from scheduler.commands.solve import solve_command
from scheduler.commands.web import instructor, serve
from scheduler.commands.weeks import week

COMMANDS: list[click.Command] = [check, db, import_week, export_week, clients, demo, scenario]
COMMANDS += [scheduler_command, nightly, runs]
COMMANDS += [solve_command]
COMMANDS += [client]
COMMANDS += [serve, instructor]
COMMANDS += [week]
