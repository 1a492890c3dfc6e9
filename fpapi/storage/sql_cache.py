"""The insight cache's responses in the team database, shared by every replica.

A response is one row (the vendor's JSON as received, when it was fetched, the API it came
from). :meth:`SqlShelf.exclusive` holds PostgreSQL advisory locks, one per creator, for as long
as a replica fetches: another replica asked for the same creator waits, then finds the row.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fpapi.storage.cache import PROCESS_LOCKS, CacheKey, CacheSummary
from fpapi.storage.database import (
    as_unavailable,
    guarded,
    insights,
    is_postgres,
    lock_id,
    open_database,
    upsert,
)

__all__ = ["SqlShelf"]

log = logging.getLogger(__name__)


def _where(key: CacheKey) -> sa.ColumnElement[bool]:
    api, connector, creator_id = key
    return sa.and_(
        insights.c.api == api,
        insights.c.connector == connector,
        insights.c.creator_id == creator_id,
    )


class SqlShelf:
    """The team database as the insight cache's shelf."""

    recovered_from: Path | None = (
        None  # the database is the DBA's to repair: nothing is ever moved aside
    )

    def __init__(self, engine: Engine | str) -> None:
        self._engine = open_database(engine) if isinstance(engine, str) else engine

    def close(self) -> None:
        """Nothing to do: the engine (and its pool) belongs to the process."""

    @guarded
    def read(self, key: CacheKey) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(insights.c.fetched_at, insights.c.body).where(_where(key))
            ).first()
        if row is None or not isinstance(row.body, dict):
            return None
        return {"fetched_at": row.fetched_at, "raw": row.body}

    @guarded
    def forget(self, creator_id: str) -> None:
        """The store's forgetting deletes these rows in its own transaction; this is for a
        shelf used alone."""
        with self._engine.begin() as connection:
            connection.execute(insights.delete().where(insights.c.creator_id == creator_id))

    @guarded
    def summary(self, key: CacheKey) -> CacheSummary | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(insights.c.fetched_at, insights.c.last_processed_at).where(_where(key))
            ).first()
        return None if row is None else CacheSummary.of(row.fetched_at, row.last_processed_at)

    def write(
        self, key: CacheKey, fetched_at: float, raw: dict[str, Any], processed: str | None
    ) -> None:
        api, connector, creator_id = key
        values = {
            "api": api,
            "connector": connector,
            "creator_id": creator_id,
            "fetched_at": fetched_at,
            "last_processed_at": processed,
            "body": raw,
        }
        try:
            with self._engine.begin() as connection:
                insert = upsert(connection, insights).values(**values)
                connection.execute(
                    insert.on_conflict_do_update(
                        index_elements=[
                            insights.c.api,
                            insights.c.connector,
                            insights.c.creator_id,
                        ],
                        set_={
                            k: insert.excluded[k]
                            for k in ("fetched_at", "last_processed_at", "body")
                        },
                    )
                )
        except (sa.exc.DBAPIError, sa.exc.TimeoutError) as err:  # the page still shows it
            log.warning("Could not write the insight cache: %s", type(err).__name__)

    @contextlib.contextmanager
    def exclusive(self, keys: list[CacheKey]) -> Iterator[None]:
        with PROCESS_LOCKS.hold(keys):  # this replica's sessions queue here, not on connections
            if not is_postgres(self._engine):
                yield  # SQLite: one process, so the process's locks are enough
                return
            done = False
            try:
                with contextlib.ExitStack() as stack:
                    try:
                        connection = stack.enter_context(self._engine.begin())
                        for lock in sorted({lock_id(*key) for key in keys}):
                            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(lock)))
                    except (sa.exc.DBAPIError, sa.exc.TimeoutError) as err:
                        unavailable = as_unavailable(err)
                        if unavailable is None:
                            raise
                        raise unavailable from err
                    yield  # the locks go with the transaction, when this block ends
                    done = True
            except (sa.exc.DBAPIError, sa.exc.TimeoutError) as err:
                if not done:
                    raise
                # The work is done but its transaction could not end: the database went away
                # meanwhile, and the locks went with the connection.
                log.warning(
                    "The insight cache's locks ended with their connection: %s", type(err).__name__
                )
