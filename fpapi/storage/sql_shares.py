"""Shares in the SQL store (a part of :class:`fpapi.storage.sql_store.SqlStore`): a workspace's
list, revocation and updates through its view; the public page's lookup by key and its view
count across workspaces (the key, a hash of the token, is all a client brings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fpapi.storage.database import guarded, record_of, shares
from fpapi.storage.records import Share

__all__ = ["ShareTables"]


class ShareTables:
    """The share methods of :class:`SqlStore`."""

    _engine: Engine
    _clock: Callable[[], float]
    workspace: str

    @guarded
    def add_share(self, share: Share) -> Share:
        kept = {**asdict(share), "workspace": self.workspace}
        with self._engine.begin() as connection:
            connection.execute(shares.insert().values(**kept))
        return Share(**kept)

    @guarded
    def shares(self) -> list[Share]:
        """This workspace's shares, newest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                shares.select()
                .where(shares.c.workspace == self.workspace)
                .order_by(shares.c.created_at.desc())
            )
            return [record_of(Share, row) for row in rows]

    @guarded
    def share_by_key(self, key: str) -> Share | None:
        """Any workspace's share by key: what the public page looks up."""
        with self._engine.connect() as connection:
            row = connection.execute(shares.select().where(shares.c.key == key)).first()
        return None if row is None else record_of(Share, row)

    @guarded
    def count_share_view(self, key: str, at: float) -> Share | None:
        """Count one view of a share still valid at ``at``, in one statement; the share, or
        None when it is revoked, expired or unknown (on every replica alike)."""
        with self._engine.begin() as connection:
            row = connection.execute(
                shares.update()
                .where(
                    shares.c.key == key,
                    shares.c.revoked_at.is_(None),
                    shares.c.expires_at > at,
                )
                .values(views=shares.c.views + 1, last_view_at=at)
                .returning(*shares.c)
            ).first()
        return None if row is None else record_of(Share, row)

    def _open_here(self, key: str) -> tuple[sa.ColumnElement[bool], ...]:
        """This workspace's share ``key``, not revoked."""
        return (
            shares.c.workspace == self.workspace,
            shares.c.key == key,
            shares.c.revoked_at.is_(None),
        )

    @guarded
    def revoke_share(self, key: str, at: float) -> Share | None:
        with self._engine.begin() as connection:
            row = connection.execute(
                shares.update()
                .where(*self._open_here(key))
                .values(revoked_at=at)
                .returning(*shares.c)
            ).first()
        return None if row is None else record_of(Share, row)

    @guarded
    def update_share(
        self, key: str, *, creator_ids: list[str], content: dict[str, Any], as_of: float
    ) -> Share | None:
        with self._engine.begin() as connection:
            row = connection.execute(
                shares.update()
                .where(*self._open_here(key))
                .values(creator_ids=creator_ids, content=content, as_of=as_of)
                .returning(*shares.c)
            ).first()
        return None if row is None else record_of(Share, row)

    @guarded
    def prune_shares(self, cutoff: float) -> int:
        """Delete shares that expired, or were revoked, before ``cutoff`` (any workspace)."""
        gone = (shares.c.expires_at < cutoff) | (shares.c.revoked_at < cutoff)
        with self._engine.begin() as connection:
            if connection.execute(sa.select(shares.c.key).where(gone).limit(1)).first() is None:
                return 0
            return connection.execute(shares.delete().where(gone)).rowcount or 0
