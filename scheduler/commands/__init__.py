"""The `reformer` subcommands, one module per area; each command calls one service."""

from __future__ import annotations

import click

from scheduler.commands.check import check

COMMANDS: list[click.Command] = [check]
