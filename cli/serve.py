"""`reformer serve`: the web app with Werkzeug, for development (production runs gunicorn)."""

from __future__ import annotations

import click

from cli.params import needs_database


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@needs_database
def serve(host: str, port: int) -> None:
    """Serve the web app (for production, run gunicorn 'web:create_app()' instead).

    In development it may run on the development SECRET_KEY; nothing else may.
    """
    from werkzeug.serving import run_simple

    from web import create_app

    run_simple(
        host, port, create_app({"ALLOW_DEVELOPMENT_KEY": True}), threaded=True, use_reloader=False
    )
