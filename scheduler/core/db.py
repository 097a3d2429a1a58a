"""Database engines and sessions; engines come from a function, never at import time.

SQLite runs in WAL mode with a busy timeout and foreign keys on, so the web
app, the nightly job and the CLI can share one file. PostgreSQL is reached
through `DATABASE_URL` (`postgresql+psycopg://...`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from scheduler.core.config import get_settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(url: str | None = None) -> str:
    """`url`, or the settings' `DATABASE_URL`."""
    return url or get_settings().database_url


_engines: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: the settings' database), one per URL per process."""
    url = database_url(url)
    if url not in _engines:
        _engines[url] = _new_engine(url)
    return _engines[url]


def _new_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def dispose_engines() -> None:
    """Close and forget every engine (tests; worker processes after a fork)."""
    while _engines:
        _engines.popitem()[1].dispose()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str | None = None):
    """Alembic's configuration for the packaged migrations, pointed at `url`."""
    from alembic.config import Config

    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    # A literal `%` in a URL (e.g. `options=-csearch_path%3D...`) must survive configparser.
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` with Alembic."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The Alembic revision the database at `url` is at (None if never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def database_problem(url: str | None = None) -> str | None:
    """What keeps the database at `url` from use, in one sentence with its remedy, or None.

    Creates nothing: a SQLite file that is not there is named, not made. A database
    with no tables, or tables of an older revision, is sent to `reformer db upgrade`.
    """
    from alembic.script import ScriptDirectory

    url = database_url(url)
    parsed = make_url(url)
    where = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        where = str(Path(parsed.database).resolve())
        if not Path(where).is_file():
            return (
                f"there is no database at {where}: run `reformer db upgrade` to create it,"
                " or set DATABASE_URL to the studio's database"
            )
    try:
        revision = current_revision(url)
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        return f"the database at {where} cannot be opened: {reason}"
    if revision is None:
        return f"the database at {where} has no tables yet: run `reformer db upgrade`"
    heads = ScriptDirectory.from_config(alembic_config(url)).get_heads()
    if revision not in heads:
        return (
            f"the database at {where} has the tables of revision {revision}, not this"
            f" version's {', '.join(heads)}: run `reformer db upgrade`"
        )
    return None
