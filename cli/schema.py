"""`reformer schema week|plan|scenario`: the JSON Schema of a document, for editors and tools."""

from __future__ import annotations

import click

NAMES = ("week", "plan", "scenario")


@click.command()
@click.argument("name", type=click.Choice(NAMES))
def schema(name: str) -> None:
    """Print the JSON Schema (draft 2020-12) of reformer-NAME/1."""
    import json

    from scheduler.formats.schemas import document_schema

    click.echo(json.dumps(document_schema(name), indent=2))
