"""Which database, and getting it ready: one URL, an SQLite file by default, Alembic migrations.

``NGOMAP_DATABASE_URL`` (or ``--db``) names the database; without it the registry is an
SQLite file in the user's data folder (``$NGOMAP_DATA_DIR`` when set), created on first use
and filled with the embedded sample so that the app shows a map at once. For a team,
PostgreSQL 15+ with PostGIS: ``postgresql+psycopg://user:password@host/dbname``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import NullPool

from ngomap.errors import NgomapError
from ngomap.messages import Msg, pair

ENV_URL: Final = "NGOMAP_DATABASE_URL"
MIGRATIONS: Final = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE: Final = "registry.sqlite"
BUSY_MS: Final = 30_000  # how long an SQLite writer waits for another to finish


class RegistryError(NgomapError):
    """A registry that cannot be reached, read or written as asked."""


def data_dir() -> Path:
    """The user's ngomap data folder: ``$NGOMAP_DATA_DIR``, else the platform's own."""
    base = os.environ.get("NGOMAP_DATA_DIR")
    if base:
        return Path(base)
    from platformdirs import user_data_dir

    return Path(user_data_dir("ngomap", appauthor=False))


def default_url() -> str:
    """The SQLite file in the user's data folder."""
    return f"sqlite:///{data_dir() / SQLITE_FILE}"


def database_url(url: str | None = None) -> str:
    """The URL given, else ``$NGOMAP_DATABASE_URL``, else the default SQLite file.

    ``postgresql://`` is read as ``postgresql+psycopg://`` (psycopg 3 is the driver shipped).
    """
    chosen = url or os.environ.get(ENV_URL) or default_url()
    try:
        parsed = make_url(chosen)
    except ArgumentError as exc:
        raise RegistryError(
            *pair(Msg.DB_NOT_DATABASE_URL, chosen=chosen),
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise RegistryError(
            *pair(Msg.DB_NOT_SUPPORTED_USE, parsed=parsed.get_backend_name()),
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy open transactions itself (BEGIN on first statement), with foreign keys,
    # a write-ahead log (readers never wait for a writer) and a wait when another writes.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    cursor.close()


class _SqliteConnection(Connection):
    """A connection that knows whether its transaction was begun by a statement (a reader:
    ``engine.connect()`` then queries) or asked for (a writer: ``engine.begin()``)."""

    reading = False

    def _autobegin(self) -> None:
        self.reading = True
        try:
            super()._autobegin()
        finally:
            self.reading = False


def _sqlite_begin(connection: Any) -> None:
    """Writers take SQLite's write lock when they begin, readers take none.

    Every write in ngomap is made inside ``engine.begin()``, and most read first, then
    write: begun deferred, two such writers could both read, and the second one's upgrade to
    a writer would fail at once (``database is locked``: its snapshot is older than the
    other's commit, waiting cannot help). ``BEGIN IMMEDIATE`` makes the second writer wait
    for the first instead (``busy_timeout``). A transaction begun by a query on
    ``engine.connect()`` only reads: a deferred ``BEGIN`` holds no lock, so in WAL mode a
    long read never keeps a writer waiting (nor the reader waiting for a writer), and
    ``query_only`` refuses a write there, which would lose that guarantee."""
    if getattr(connection, "reading", False):
        connection.exec_driver_sql("PRAGMA query_only=ON")
        connection.exec_driver_sql("BEGIN")
    else:
        # A writer that would rather give up than wait says so: execution_options(ngomap_wait_ms=N).
        wait = int(connection.get_execution_options().get("ngomap_wait_ms", BUSY_MS))
        connection.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
        connection.exec_driver_sql("PRAGMA query_only=OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@cache
def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, poolclass=NullPool)
        engine._connection_cls = _SqliteConnection  # readers and writers begin apart
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def engine_for(url: str | None = None) -> Engine:
    """The engine for ``url`` (see ``database_url``), one per URL in a process."""
    return _engine(database_url(url))


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of ngomap."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None when it has no registry yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def unreachable(url: str, exc: Exception) -> RegistryError:
    """The error to raise when the database does not answer (its password never shown)."""
    shown = make_url(url).render_as_string(hide_password=True)
    return RegistryError(
        *pair(Msg.DB_REGISTRY_AT_CANNOT, shown=shown, exc=str(exc).splitlines()[0]),
    )


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Create the registry's tables or bring them up to date: (revision before, after)."""
    try:
        before = current_revision(engine)
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise unreachable(str(engine.url), exc) from exc
    return before, head_revision()


def is_empty(engine: Engine) -> bool:
    """True when the database holds no registry tables at all."""
    return not inspect(engine).has_table("changesets")
