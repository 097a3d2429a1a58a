"""Shared fixtures: a fresh database per test, its engine and session, the CLI runner.

By default each test gets its own SQLite file in `tmp_path`. When the
environment's `DATABASE_URL` points to PostgreSQL, each test gets a schema of
its own in that database instead (reached through the connection's
`search_path`), dropped afterwards. Either way the database holds what Alembic's
migrations make of it: run once per session (into a SQLite file each test's is
copied from, or as the SQL they run on PostgreSQL, run again in each schema), as
migrating afresh for every test costs most of a second. The migrations themselves
are tested online in `tests/scheduler/core/test_migrations.py`.
"""

from __future__ import annotations

import io
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from scheduler.core.db import alembic_config, dispose_engines, get_engine, upgrade

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT.parent / "shared" / "examples"
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


@pytest.fixture
def examples_dir() -> Path:
    """The spec's example weeks; a test that needs them fails (never skips) when absent."""
    assert EXAMPLES.is_dir(), f"the example weeks are missing: expected them in {EXAMPLES}"
    return EXAMPLES


@contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    """The URL of an empty database of its own: a SQLite file in `folder`, or a PostgreSQL
    schema when `DATABASE_URL` points to PostgreSQL (dropped on leaving)."""
    if POSTGRES:
        base = os.environ["DATABASE_URL"]
        schema = f"test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    else:
        url = f"sqlite:///{folder / 'reformer.db'}"
    try:
        yield url
    finally:
        dispose_engines()
        if POSTGRES:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of an empty database for this test alone, also set as `DATABASE_URL`."""
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database at the latest revision, once: on PostgreSQL the SQL the migrations run
    (Alembic's `--sql`), on SQLite the path of a file they made."""
    if POSTGRES:
        config = alembic_config(os.environ["DATABASE_URL"])
        config.output_buffer = io.StringIO()
        command.upgrade(config, "head", sql=True)
        statements = config.output_buffer.getvalue().splitlines()
        # The fixture's own transaction holds it: not the script's.
        return "\n".join(s for s in statements if s.strip() not in ("BEGIN;", "COMMIT;"))
    with fresh_database(tmp_path_factory.mktemp("migrated")) as url:
        upgrade(url)
        return str(make_url(url).database)


@pytest.fixture
def engine(database_url: str, migrated: str) -> Engine:
    """The engine of this test's database, migrated to the latest revision."""
    if POSTGRES:
        with get_engine(database_url).begin() as connection:
            connection.exec_driver_sql(migrated)
    else:
        shutil.copyfile(migrated, str(make_url(database_url).database))
    return get_engine(database_url)


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session on this test's migrated database."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def runner(database_url: str) -> CliRunner:
    """A click runner whose commands use this test's database."""
    return CliRunner(env={"DATABASE_URL": database_url})


@pytest.fixture
def studio(db_session: Session):
    """The small studio of `tests/studio_seed.py`, its coming week's plan published."""
    from tests.studio_seed import seed_studio

    return seed_studio(db_session)


@pytest.fixture
def studio_app(database_url: str, engine: Engine):
    """The web app on this test's (migrated) database, CSRF protection on."""
    from tests.studio_seed import make_app

    return make_app(database_url)


@pytest.fixture
def web(studio_app):
    """A browser-like test client of `studio_app`."""
    return studio_app.test_client()


OWNER_EMAIL = "claire@example.com"
OWNER_PASSWORD = "reformer-owner-1"


@pytest.fixture
def app(database_url: str, engine: Engine):
    """The web app on this test's migrated database; CSRF off (a test that needs it turns it on)."""
    from web import create_app

    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "SOLVE_SECONDS": 2,
        }
    )


@pytest.fixture
def client(app):
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def owner_login(client, db_session: Session) -> dict[str, str]:
    """An instructor account, signed in on `client`; returns its e-mail and password."""
    from scheduler.studio.accounts import add_instructor_login

    add_instructor_login(
        session=db_session, email=OWNER_EMAIL, password=OWNER_PASSWORD, name="Claire"
    )
    response = client.post("/auth/sign-in", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
    assert response.status_code == 302, response.text
    return {"email": OWNER_EMAIL, "password": OWNER_PASSWORD}
