"""Small helpers for writing and reading rows, the same on PostgreSQL and SQLite (re-exported by
:mod:`fpapi.storage.database`, where the rest of storage imports them from)."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

__all__ = ["insert_missing", "is_postgres", "lock_id", "record_of", "upsert"]


def is_postgres(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "postgresql"


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


def record_of(cls: type[R], row: Any) -> R:
    """A row as its record (a dataclass of :mod:`fpapi.storage.records`), extra columns left out."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in row._mapping.items() if k in names})
