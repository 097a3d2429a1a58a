"""The `reformer` command: one click group, each command a thin call into a service.

Exit codes: 0 ok, 1 a broken rule or bad input, 2 usage.
"""

from __future__ import annotations

import logging

import click

from cli.commands import COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def cli(verbose: bool) -> None:
    """Class scheduler and capacity optimiser for a physio-led Pilates studio."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


for command in COMMANDS:
    cli.add_command(command)
