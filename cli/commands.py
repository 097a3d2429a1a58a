"""Every `reformer` command, one module per command group; each command calls one service."""

from __future__ import annotations

import click

from cli.check import check
from cli.clients import client, clients
from cli.db import db
from cli.demo import demo
from cli.instructors import instructor
from cli.nightly import nightly, reminders_command, runs, scheduler_command
from cli.scenario import scenario
from cli.schema import schema
from cli.serve import serve
from cli.solve import solve_command
from cli.weeks import export_week, import_week, week

COMMANDS: list[click.Command] = [check, db, import_week, export_week, clients, demo, scenario]
COMMANDS += [scheduler_command, nightly, runs, reminders_command]
COMMANDS += [solve_command]
COMMANDS += [client]
COMMANDS += [serve, instructor]
COMMANDS += [week]
COMMANDS += [schema]
