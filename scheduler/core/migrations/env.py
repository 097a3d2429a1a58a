"""Alembic's entry point: migrations target the models' metadata at the settings' database."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

from scheduler.core.config import get_settings
from scheduler.core.db import get_engine
from scheduler.core.models import UTCDateTime

config = context.config
# Only when run as `alembic ...` on the command line: the CLI and tests keep their own logging.
if config.config_file_name is not None and config.attributes.get("configure_logger", False):
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata

#: Tables other code owns in the same database: APScheduler's job store makes its own.
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def render_item(type_: str, obj, autogen_context):
    """Write the models' UTC timestamp type as a plain timezone-aware DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Leave out of autogenerate the tables the models do not own (and their indexes)."""
    if type_ == "table":
        return name not in FOREIGN_TABLES
    table = getattr(obj, "table", None)
    return table is None or table.name not in FOREIGN_TABLES


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_item=render_item,
        include_object=include_object,
        compare_type=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    url = _url()
    _configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # The app's own engine: it creates a SQLite file's folder and sets WAL mode.
    with get_engine(_url()).connect() as connection:
        _run(connection)


def _run(connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
