"""Small helpers for writing and reading rows, the same on PostgreSQL and SQLite (the functions
are re-exported by :mod:`fpapi.storage.database`, where the rest of storage imports them from),
and :class:`SqlPart`, the base of each part of :class:`fpapi.storage.sql_store.SqlStore`."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

__all__ = [
    "SqlPart", "analyze", "insert_missing", "is_postgres", "lock_id", "record_of", "upsert",
]  # fmt: skip

log = logging.getLogger(__name__)


def is_postgres(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "postgresql"


def analyze(engine: Engine, tables: list[sa.TableClause], until: str) -> None:
    """Refresh PostgreSQL's statistics of ``tables`` after a batch was written: until
    autovacuum analyses them (a minute or more later), the planner takes a table of thousands
    of new rows for an empty one and can pick a plan many times slower. Best effort, logged
    with ``until`` (what is slow meanwhile): the batch is written whether or not it ran.
    PostgreSQL only."""
    if not is_postgres(engine):
        return
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(f"ANALYZE {', '.join(table.name for table in tables)}"))
    except sa.exc.DBAPIError as err:
        log.warning(
            "Could not analyse %s (%s): %s", [t.name for t in tables], type(err).__name__, until
        )


def lock_id(*parts: str) -> int:
    """A PostgreSQL advisory-lock id (a signed 64-bit integer) for this key."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def upsert(connection: Connection, table: sa.Table) -> Any:
    """``INSERT`` with ``ON CONFLICT`` for this connection's dialect (PostgreSQL or SQLite)."""
    dialect = postgresql if is_postgres(connection) else sqlite
    return dialect.insert(table)


def insert_missing(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose key is not in ``table`` yet, leaving the others as they are;
    how many were new."""
    added = 0
    for row in rows:
        statement = upsert(connection, table).values(**row).on_conflict_do_nothing()
        # A row comes back only when it was inserted (rowcount is not reliable here).
        added += connection.execute(statement.returning(sa.literal(1))).first() is not None
    return added


R = TypeVar("R")


def columns_of(record: Any) -> dict[str, Any]:
    """A record's fields as a row's columns. Not dataclasses.asdict, which deep-copies every
    value: a share's content (a report of several creators) took 25 ms to copy per write."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def record_of(cls: type[R], row: Any) -> R:
    """A row as its record (a dataclass of :mod:`fpapi.storage.records`), extra columns left out."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in row._mapping.items() if k in names})


class SqlPart:
    """The base of each part of :class:`fpapi.storage.sql_store.SqlStore` (its roster, lists,
    shares...): what the store gives every part (engine, clock, workspace), and the reads and
    writes they share, a statement's rows as records on one connection each."""

    _engine: Engine
    _clock: Callable[[], float]
    workspace: str  # the client workspace the store is seen through

    def _first(self, cls: type[R], statement: sa.Executable, *, write: bool = False) -> R | None:
        """The first row ``statement`` gives as a ``cls`` record, None when it gives none;
        ``write``: in a transaction of its own (an ``UPDATE`` or ``DELETE ... RETURNING``)."""
        with self._engine.begin() if write else self._engine.connect() as connection:
            row = connection.execute(statement).first()
        return None if row is None else record_of(cls, row)

    def _all(self, cls: type[R], statement: sa.Executable) -> list[R]:
        """Every row ``statement`` gives, as ``cls`` records, in its order."""
        with self._engine.connect() as connection:
            return [record_of(cls, row) for row in connection.execute(statement)]

    def _newest_here(
        self, cls: type[R], newest: sa.Column[Any], *, limit: int | None = None
    ) -> list[R]:
        """This workspace's rows of ``newest``'s table as ``cls`` records, the highest
        ``newest`` first (the first ``limit`` of them)."""
        table = newest.table
        query = table.select().where(table.c.workspace == self.workspace)
        return self._all(cls, query.order_by(newest.desc()).limit(limit))

    def _scalars(self, statement: sa.Executable) -> list[Any]:
        """The first column of every row ``statement`` gives, in its order."""
        with self._engine.connect() as connection:
            return list(connection.execute(statement).scalars())
