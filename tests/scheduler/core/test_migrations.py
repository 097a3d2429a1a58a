"""Migrations and models agree, and `reformer db upgrade` builds the database from nothing."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from cli import cli
from scheduler.core.db import alembic_config, current_revision, get_engine, upgrade


def test_the_migrated_database_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_reformer_db_upgrade_creates_every_table_and_can_run_again(database_url, runner):
    for _ in range(2):
        result = runner.invoke(cli, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
    tables = set(inspect(get_engine(database_url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert current_revision(database_url) is not None


def test_downgrading_to_nothing_removes_every_table(database_url):
    upgrade(database_url)
    command.downgrade(alembic_config(database_url), "base")
    tables = set(inspect(get_engine(database_url)).get_table_names())
    assert tables & set(SQLModel.metadata.tables) == set()


def test_autogenerate_ignores_the_nightly_schedulers_job_table(database_url):
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    upgrade(database_url)
    engine = get_engine(database_url)
    SQLAlchemyJobStore(engine=engine).jobs_t.create(engine)
    assert "apscheduler_jobs" in inspect(engine).get_table_names()

    # `alembic check` runs autogenerate through env.py and fails on any difference.
    command.check(alembic_config(database_url))
