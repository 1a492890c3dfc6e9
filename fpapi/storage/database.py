"""The team database (``FPAPI_DATABASE_URL``): PostgreSQL for a team, any SQLAlchemy URL works.

One engine per URL and process, with a pool that pings a connection before lending it, so the
app reconnects by itself after the database restarts. The tables below are the schema as the
code sees it: :func:`open_database` creates a new database from them, or brings one already
made up to date with Alembic's migrations (beside this file); on PostgreSQL that runs under an
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
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from fpapi.errors import DatabaseUnavailable, SettingsError, StoreError
from fpapi.storage.sql_helpers import insert_missing, is_postgres, lock_id, record_of, upsert

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
    "workspaces",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE_REVISION = "0010"  # older revisions were squashed into it (see versions/)
TOO_OLD = (  # ee12a55: the last commit carrying revisions 0001 to 0009
    "This database was last opened by an older version of the app (schema '{revision}'), from "
    "before revision 0010, which this version cannot update. Start the app once as of commit "
    "ee12a55 (it brings the schema to 0010), then start this version again. Nothing was changed."
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

# --- the schema as the code sees it (the newest revision) --------------------------------------

DEFAULT_WORKSPACE = "default"  # where everything made before client workspaces lives
JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
metadata = sa.MetaData()

creators = sa.Table(
    "creators",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("creator_id", sa.Text, primary_key=True, index=True),
    sa.Column("connector", sa.Text, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("username", sa.Text),
    sa.Column("platform_user_id", sa.Text),
    sa.Column("label", sa.Text, nullable=False, server_default=""),
    sa.Column("verified_at", sa.Float, nullable=False),
    sa.Column("extra", JSONB, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False, server_default=""),
    sa.Column("added_at", sa.Float, nullable=False),
    # What the roster is searched and sorted by, kept by the store (since revision 0005).
    sa.Column("search_text", sa.Text, nullable=False, server_default=""),
    sa.Column("sort_name", sa.Text, nullable=False, server_default=""),
    sa.Column("followers", sa.Float),  # of the newest fetch on record
    sa.Column("engagement_rate", sa.Float),
    sa.Column("last_fetched_at", sa.Float),
    # When the vendor said the creator's consent was withdrawn (since revision 0009): never fetched
    # again, and forgotten after FPAPI_REVOKED_PURGE_DAYS.
    sa.Column("consent_withdrawn_at", sa.Float),
)
ROSTER_SORT_COLUMNS = (
    "added_at", "verified_at", "sort_name", "followers", "engagement_rate", "last_fetched_at"
)  # fmt: skip
for _column in ROSTER_SORT_COLUMNS:  # each sort in a workspace, ties by id, in index order
    sa.Index(
        f"ix_creators_{_column}", creators.c.workspace, creators.c[_column], creators.c.creator_id
    )

links = sa.Table(
    "links",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),  # SHA-256 of the state, never the state
    sa.Column("workspace", sa.Text, nullable=False, index=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("connector", sa.Text, nullable=False),
    sa.Column("redirect_url", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("label", sa.Text, nullable=False, server_default=""),
    sa.Column("url", sa.Text, nullable=False, server_default=""),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_at", sa.Float),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.Column("creator_id", sa.Text),
    sa.Column("created_by", sa.Text, nullable=False, server_default=""),
)

shortlists = sa.Table(
    "shortlists",
    metadata,
    sa.Column("shortlist_id", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False, server_default=DEFAULT_WORKSPACE),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.Text, nullable=False),  # casefolded: one per name and workspace
    sa.Column("creator_ids", JSONB, nullable=False),
    sa.Column("fees", JSONB, nullable=False),
    sa.Column("notes", JSONB, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("workspace", "name_key", name="uq_shortlists_name"),
)

activity = sa.Table(
    "activity",
    metadata,
    sa.Column("entry_id", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False, index=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.Column("count", sa.Integer, nullable=False, server_default="1"),
)

# When each signed-in person (their ID token's subject) last signed out: a sign-in cookie
# issued before that is refused, on every replica.
sign_outs = sa.Table(
    "sign_outs",
    metadata,
    sa.Column("subject", sa.Text, primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("creator_id", sa.Text, primary_key=True),
    sa.Column("fetched_at", sa.Float, primary_key=True),
    sa.Column("processed_on", sa.Text),
    sa.Column("followers", sa.Float),
    sa.Column("engagement_rate", sa.Float),
    sa.Column("posts_per_week", sa.Float),
    sa.Column("effective_follower_rate", sa.Float),
    sa.Column("median_views", sa.Float),
    sa.Column("quality_score", sa.Float),
    sa.Column("quality_engagement_rate", sa.Float),
    sa.Column("quality_effective_followers", sa.Float),
    sa.Column("quality_consistency", sa.Float),
    sa.Column("quality_authentic_audience", sa.Float),
)

relationships = sa.Table(
    "relationships",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("creator_id", sa.Text, primary_key=True),
    sa.Column("tags", JSONB, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("notes", JSONB, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("tags_text", sa.Text, nullable=False, server_default=""),  # "#tag#tag#"
)
sa.Index("ix_relationships_status", relationships.c.workspace, relationships.c.status)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("campaign_id", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False, index=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("creator_ids", JSONB, nullable=False),
    sa.Column("hashtags", JSONB, nullable=False),
    sa.Column("mentions", JSONB, nullable=False),
    sa.Column("start", sa.Text),
    sa.Column("end", sa.Text),
    sa.Column("fees", JSONB, nullable=False),
    sa.Column("sponsored_only", sa.Boolean, nullable=False),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("created_by", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("creator_id", sa.Text, nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("delivered_at", sa.Float),
)
sa.Index("ix_alerts_at", alerts.c.workspace, alerts.c.at)

# Client workspaces (since revision 0008): every row above but snapshots, insights and sign-outs
# belongs to one. A member's role is "analyst" or "viewer"; "removed" keeps someone whom the
# allow-lists let in out of ``default``.
workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False, server_default=""),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True),
    sa.Column("email", sa.Text, primary_key=True, index=True),  # casefolded
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("added_at", sa.Float, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False, server_default=""),
)

# The receipt of each forgotten creator (since revision 0009): a random code and two dates, nothing
# that names them; /deletion?code= reads it.
deletions = sa.Table(
    "deletions",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("connected_at", sa.Float),
    sa.Column("deleted_at", sa.Float, nullable=False),
)

# Shares (since revision 0010): a comparison or campaign report for a client without an account,
# found by the SHA-256 of its token's random part; ``content`` is what it shows, as shared.
shares = sa.Table(
    "shares",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),  # "compare" or "campaign"
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("creator_ids", JSONB, nullable=False),
    sa.Column("content", JSONB, nullable=False),
    sa.Column("as_of", sa.Float, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("revoked_at", sa.Float),
    sa.Column("views", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_view_at", sa.Float),
)

last_workspaces = sa.Table(  # where each person lands without ``ws`` in the address
    "last_workspaces",
    metadata,
    sa.Column("email", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

insights = sa.Table(
    "insights",
    metadata,
    sa.Column("api", sa.Text, primary_key=True),  # the API base URL it came from
    sa.Column("connector", sa.Text, primary_key=True),
    sa.Column("creator_id", sa.Text, primary_key=True),
    sa.Column("fetched_at", sa.Float, nullable=False),
    sa.Column("last_processed_at", sa.Text),  # the vendor's processing date, ISO
    sa.Column("body", JSONB, nullable=False),  # the vendor's raw JSON, as received
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
    if url.drivername.startswith("postgresql"):
        return sa.create_engine(
            url,
            pool_pre_ping=True,
            pool_size=POOL_SIZE,
            max_overflow=POOL_MAX_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "studio"},
        )
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"timeout": 30})

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
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
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
        try:
            ScriptDirectory.from_config(config).get_revision(current)
        except CommandError:
            raise StoreError(TOO_OLD.format(revision=current[:8])) from None
        command.upgrade(config, "head")


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
