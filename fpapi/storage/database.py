"""The team database (``FPAPI_DATABASE_URL``): PostgreSQL for a team, any SQLAlchemy URL works.

One engine per URL and process, with a pool that pings a connection before lending it, so the
app reconnects by itself after the database restarts. The tables are the schema as the code
sees it (``tables.py``, re-exported here): :func:`open_database` creates a new database from
them, or brings one already made up to date with Alembic's migrations (beside this file); on PostgreSQL that runs under an
advisory lock, so replicas starting at once migrate one after the other.

The URL carries the database password: it is never logged or shown, only
:func:`describe` (the URL with the password masked) is.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from fpapi.api.client import decode_json, encode_json
from fpapi.errors import DatabaseUnavailable, SettingsError, StoreError
from fpapi.storage.sql_helpers import insert_missing, is_postgres, lock_id, record_of, upsert
from fpapi.storage.tables import (  # re-exported: the store and commands import them from here
    DEFAULT_WORKSPACE,
    activity,
    alerts,
    campaigns,
    creators,
    deletions,
    insights,
    last_workspaces,
    links,
    members,
    metadata,
    relationships,
    shares,
    shortlists,
    sign_outs,
    snapshots,
    vendor_budget,
    workspaces,
)

__all__ = [
    "DEFAULT_WORKSPACE",
    "UNREACHABLE",
    "activity",
    "alerts",
    "as_unavailable",
    "campaigns",
    "close_database",
    "creators",
    "deletions",
    "describe",
    "fingerprint",
    "guarded",
    "insert_missing",
    "insights",
    "is_postgres",
    "last_workspaces",
    "links",
    "lock_id",
    "members",
    "metadata",
    "new_engine",
    "open_database",
    "record_of",
    "relationships",
    "shares",
    "shortlists",
    "sign_outs",
    "snapshots",
    "upsert",
    "valid_database_url",
    "vendor_budget",
    "workspaces",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE_REVISION = "0010"  # older revisions were squashed into it (see versions/)
SQUASHED_REVISIONS = {f"{n:04d}" for n in range(1, 10)}
TOO_OLD = (  # ee12a55: the last commit carrying revisions 0001 to 0009
    "This database was last opened by an older version of the app (schema '{revision}'), from "
    "before revision 0010, which this version cannot update. Start the app once as of commit "
    "ee12a55 (it brings the schema to 0010), then start this version again. Nothing was changed."
)
UNKNOWN_REVISION = (
    "This database's schema is at revision '{revision}', which this version of the app does not "
    "know: a newer version probably opened it. Run that version, or restore the database from "
    "a backup made before it. Nothing was changed."
)
MIGRATION_LOCK_ID = 0x5354_5544_494F  # "STUDIO": one advisory lock for schema migrations
POOL_SIZE = 10  # connections kept per replica; sessions beyond it borrow up to the overflow
POOL_MAX_OVERFLOW = 20
POOL_TIMEOUT_S = 10
CONNECT_TIMEOUT_S = 5
UNREACHABLE = (
    "The team database cannot be reached right now, so nothing was loaded or changed. "
    "The app reconnects by itself: reload in a minute, and if this stays, tell whoever runs it."
)

# --- opening -----------------------------------------------------------------------------------


def _url(text: str) -> URL:
    """The SQLAlchemy URL, with psycopg 3 as PostgreSQL's driver; SettingsError if unusable
    (the text is never echoed: it may hold a password)."""
    problem = (
        "FPAPI_DATABASE_URL is not a database URL this app can use. Write it as "
        "postgresql://user:password@host:5432/database (or sqlite:///path/to/file.db)."
    )
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise SettingsError(problem) from None
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if url.drivername == "sqlite" and url.database:
        return url
    raise SettingsError(problem)


def valid_database_url(text: str) -> str:
    """``text`` if it names a database this app can use, else SettingsError (never echoing it)."""
    _url(text)
    return text


def describe(url: str | URL) -> str:
    """The URL as it may be logged: the password masked."""
    try:
        parsed = url if isinstance(url, URL) else _url(url)
    except SettingsError:
        return "(an unusable database URL)"
    return parsed.render_as_string(hide_password=True)


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def open_database(url: str) -> Engine:
    """This process's engine for ``url``, its schema migrated on first use. Raises
    DatabaseUnavailable when the database cannot be reached (and keeps nothing then)."""
    key = fingerprint(url)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = new_engine(url)
        return engine


def new_engine(url: str) -> Engine:
    """An engine of its own for ``url`` (a replica's, or a one-off command's), its schema
    migrated; the caller disposes of it."""
    engine = _create_engine(_url(url))
    try:
        guarded(migrate)(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def close_database(url: str) -> None:
    """Close this process's pool for ``url`` (the next ``open_database`` opens a new one)."""
    with _engines_lock:
        engine = _engines.pop(fingerprint(url), None)
    if engine is not None:
        engine.dispose()


def fingerprint(url: str) -> str:
    """What a database is known by in caches and registries: never its URL, which holds the
    password."""
    return hashlib.sha256(url.encode()).hexdigest()


def _create_engine(url: URL) -> Engine:
    # JSON columns written and read with orjson (the cached insight bodies are 150 KB each).
    json_codec = {"json_serializer": encode_json, "json_deserializer": decode_json}
    if url.drivername.startswith("postgresql"):
        return sa.create_engine(
            url,
            **json_codec,
            pool_pre_ping=True,
            pool_size=POOL_SIZE,
            max_overflow=POOL_MAX_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "studio"},
        )
    engine = sa.create_engine(url, **json_codec, pool_pre_ping=True, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left behind
        cursor.close()

    return engine


_migrating = threading.Lock()  # Alembic's environment is one per process


def migrate(engine: Engine) -> None:
    """Bring the schema up to date (idempotent): a new database is created from
    :data:`metadata` and stamped at the newest revision, one already made gets the migrations
    it lacks. One thread of this process, and one process or replica, at a time (an advisory
    lock on PostgreSQL, a lock file beside an SQLite database); the others wait, then find
    nothing left to do. StoreError for a database too old to bring up to date here."""
    config = _alembic_config()
    with _migrating, _file_lock(engine), engine.begin() as connection:
        if is_postgres(connection):
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_ID)))
        config.attributes["connection"] = connection
        current = MigrationContext.configure(connection).get_current_revision()
        if current is None:
            metadata.create_all(connection)
            connection.execute(
                workspaces.insert().values(name=DEFAULT_WORKSPACE, created_at=time.time())
            )
            command.stamp(config, "head")
            return
        if current == _head_revision():
            return  # nothing to do: alembic's upgrade would read every revision to find that
        try:
            ScriptDirectory.from_config(config).get_revision(current)
        except CommandError:
            known = TOO_OLD if current in SQUASHED_REVISIONS else UNKNOWN_REVISION
            raise StoreError(known.format(revision=current[:32])) from None
        command.upgrade(config, "head")


def _alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def _head_revision() -> str | None:
    """The newest revision this version knows, read from the migrations once per process."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrating", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# --- working with it -------------------------------------------------------------------------


def guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Turn "the database is down or unreachable" into DatabaseUnavailable, one sentence. The
    pool pings before each use, so the next call after the database is back simply works."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except (DBAPIError, PoolTimeout) as err:
            unavailable = as_unavailable(err)
            if unavailable is None:
                raise
            raise unavailable from err

    return wrapper


def as_unavailable(err: DBAPIError | PoolTimeout) -> DatabaseUnavailable | None:
    """The DatabaseUnavailable that ``err`` means, or None if it is some other failure."""
    if isinstance(err, DBAPIError) and not _connection_problem(err):
        return None
    log.warning(
        "The team database cannot be reached: %s", type(getattr(err, "orig", None) or err).__name__
    )
    return DatabaseUnavailable(UNREACHABLE)


def _connection_problem(err: DBAPIError) -> bool:
    # Server gone, connection refused, admin shutdown, a locked SQLite file: all "operational".
    return err.connection_invalidated or isinstance(
        err, sa.exc.InterfaceError | sa.exc.OperationalError
    )
