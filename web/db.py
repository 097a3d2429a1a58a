"""A database session per request, kept on `g` and closed when the request ends."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlmodel import Session

from scheduler.core.db import get_engine


def get_session() -> Session:
    """This request's database session (opened on first use)."""
    if "db" not in g:
        g.db = Session(get_engine(current_app.config["DATABASE_URL"]), expire_on_commit=False)
    return g.db


def close_session(_error: BaseException | None = None) -> None:
    """Close the request's session, rolling back anything left uncommitted."""
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    """Close each request's session when its app context ends."""
    app.teardown_appcontext(close_session)
