"""The vendor budget kept in the database, shared by every process that opens it.

One row of ``vendor_budget``: ``next_at``, when the next call may go, and ``paused_until``, set
by a 429. Taking a slot moves ``next_at`` on by ``1 / calls_per_s`` in one UPDATE (the row lock
makes concurrent takers queue for a moment, never share a slot); times are the database's own
clock, so hosts whose clocks differ still space their calls right.
"""

from __future__ import annotations

import weakref

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fpapi.storage.sql_helpers import insert_missing, is_postgres
from fpapi.storage.tables import vendor_budget

__all__ = ["SqlBudget"]

ROW = 1
# Engines whose budget row is known to exist: a worker makes a budget per job, one INSERT is
# enough per process.
_has_row: weakref.WeakSet[Engine] = weakref.WeakSet()


def _now(connection: Connection) -> sa.ColumnElement[float]:
    if is_postgres(connection):
        return sa.cast(sa.extract("epoch", sa.func.clock_timestamp()), sa.Float)
    return (sa.func.julianday("now") - 2440587.5) * 86400.0


def _latest(connection: Connection, *values: sa.ColumnElement[float]) -> sa.ColumnElement[float]:
    return sa.func.greatest(*values) if is_postgres(connection) else sa.func.max(*values)


class SqlBudget:
    """``calls_per_s`` vendor calls per second for everyone using this database."""

    def __init__(self, engine: Engine, calls_per_s: float) -> None:
        if calls_per_s <= 0:
            raise ValueError("calls_per_s must be positive")
        self._engine, self._gap_s = engine, 1.0 / calls_per_s
        if engine not in _has_row:
            self._make_row()

    def _make_row(self) -> None:
        with self._engine.begin() as connection:
            insert_missing(connection, vendor_budget, [{"id": ROW, "next_at": 0.0,
                                                        "paused_until": 0.0}])  # fmt: skip
        _has_row.add(self._engine)

    def take_slot(self) -> float:
        table = vendor_budget
        with self._engine.begin() as connection:
            now = _now(connection)
            start = _latest(connection, table.c.next_at, now, table.c.paused_until)
            slot = connection.execute(
                table.update()
                .where(table.c.id == ROW)
                .values(next_at=start + self._gap_s)
                .returning(table.c.next_at - self._gap_s - now)
            ).scalar_one_or_none()
        if slot is None:  # the row went (a restore, a hand-made DELETE): make it again
            self._make_row()
            return self.take_slot()
        return max(0.0, float(slot))

    def paused_for(self) -> float:
        table = vendor_budget
        with self._engine.connect() as connection:
            left = connection.execute(
                sa.select(table.c.paused_until - _now(connection)).where(table.c.id == ROW)
            ).scalar_one_or_none()
        return max(0.0, float(left or 0.0))

    def pause(self, seconds: float) -> None:
        table = vendor_budget
        with self._engine.begin() as connection:
            until = _now(connection) + max(0.0, seconds)
            connection.execute(
                table.update()
                .where(table.c.id == ROW)
                .values(paused_until=_latest(connection, table.c.paused_until, until))
            )
