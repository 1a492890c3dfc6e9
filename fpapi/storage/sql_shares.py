"""Shares in the SQL store (a part of :class:`fpapi.storage.sql_store.SqlStore`): a workspace's
list, revocation and updates through its view; the public page's lookup by key and its view
count across workspaces (the key, a hash of the token, is all a client brings)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fpapi.storage.database import guarded, shares
from fpapi.storage.records import Share
from fpapi.storage.sql_helpers import SqlPart, columns_of

__all__ = ["ShareTables"]


class ShareTables(SqlPart):
    """The share methods of :class:`SqlStore`."""

    @guarded
    def add_share(self, share: Share) -> Share:
        kept = {**columns_of(share), "workspace": self.workspace}
        with self._engine.begin() as connection:
            connection.execute(shares.insert().values(**kept))
        return Share(**kept)

    @guarded
    def shares(self) -> list[Share]:
        """This workspace's shares, newest first."""
        return self._newest_here(Share, shares.c.created_at)

    @guarded
    def share_by_key(self, key: str) -> Share | None:
        """Any workspace's share by key: what the public page looks up."""
        return self._first(Share, shares.select().where(shares.c.key == key))

    @guarded
    def count_share_view(self, key: str, at: float) -> Share | None:
        """Count one view of a share still valid at ``at``, in one statement; the share, or
        None when it is revoked, expired or unknown (on every replica alike)."""
        return self._change(_valid(key, at), views=shares.c.views + 1, last_view_at=at)

    @guarded
    def valid_share(self, key: str, at: float) -> Share | None:
        """The share ``key`` if it is still valid at ``at`` (as ``count_share_view`` judges),
        counting nothing: a client's page drawn again in the same visit."""
        return self._first(Share, shares.select().where(*_valid(key, at)))

    @guarded
    def revoke_share(self, key: str, at: float) -> Share | None:
        return self._change(self._open_here(key), revoked_at=at)

    @guarded
    def update_share(
        self, key: str, *, creator_ids: list[str], content: dict[str, Any], as_of: float
    ) -> Share | None:
        return self._change(
            self._open_here(key), creator_ids=creator_ids, content=content, as_of=as_of
        )

    def _open_here(self, key: str) -> tuple[sa.ColumnElement[bool], ...]:
        """This workspace's share ``key``, not revoked."""
        return (
            shares.c.workspace == self.workspace,
            shares.c.key == key,
            shares.c.revoked_at.is_(None),
        )

    def _change(self, where: tuple[sa.ColumnElement[bool], ...], **values: Any) -> Share | None:
        """Update the share ``where`` picks, in one statement; the share as it is now, or None
        when nothing matched."""
        statement = shares.update().where(*where).values(**values).returning(*shares.c)
        return self._first(Share, statement, write=True)

    @guarded
    def prune_shares(self, cutoff: float) -> int:
        """Delete shares that expired, or were revoked, before ``cutoff`` (any workspace)."""
        gone = (shares.c.expires_at < cutoff) | (shares.c.revoked_at < cutoff)
        with self._engine.begin() as connection:
            if connection.execute(sa.select(shares.c.key).where(gone).limit(1)).first() is None:
                return 0
            return connection.execute(shares.delete().where(gone)).rowcount or 0


def _valid(key: str, at: float) -> tuple[sa.ColumnElement[bool], ...]:
    """The share ``key``, neither revoked nor expired at ``at``."""
    return (shares.c.key == key, shares.c.revoked_at.is_(None), shares.c.expires_at > at)
