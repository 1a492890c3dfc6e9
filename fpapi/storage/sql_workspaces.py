"""The client workspaces, their members and where each person was last, in the SQL store (a
part of :class:`fpapi.storage.sql_store.SqlStore`). These tables are the same whichever
workspace the store is seen through; who may change them is the core's to decide
(:mod:`fpapi.workspace.members`)."""

from __future__ import annotations

import sqlalchemy as sa

from fpapi.storage.database import (
    guarded,
    last_workspaces,
    members,
    record_of,
    upsert,
    workspaces,
)
from fpapi.storage.records import ClientWorkspace, Member
from fpapi.storage.sql_helpers import SqlPart

__all__ = ["WorkspaceTables"]


class WorkspaceTables(SqlPart):
    """The workspace and membership methods of :class:`SqlStore`."""

    @guarded
    def workspaces(self) -> list[ClientWorkspace]:
        """Every workspace, by name."""
        return self._all(ClientWorkspace, workspaces.select().order_by(workspaces.c.name))

    @guarded
    def create_workspace(self, name: str, *, by: str) -> bool:
        """Create ``name``; False when it exists already."""
        with self._engine.begin() as connection:
            row = connection.execute(
                upsert(connection, workspaces)
                .values(name=name, created_at=self._clock(), created_by=by)
                .on_conflict_do_nothing()
                .returning(workspaces.c.name)
            ).first()
        return row is not None

    @guarded
    def members(self, workspace: str | None = None) -> list[Member]:
        """The members of ``workspace`` (of every workspace when None), by workspace and
        address; "removed" rows included."""
        query = members.select().order_by(members.c.workspace, members.c.email)
        if workspace is not None:
            query = query.where(members.c.workspace == workspace)
        return self._all(Member, query)

    @guarded
    def memberships(self, email: str) -> list[Member]:
        """The rows naming ``email`` (casefolded), in the order they were added."""
        theirs = members.select().where(members.c.email == email.casefold())
        return self._all(Member, theirs.order_by(members.c.added_at, members.c.workspace))

    @guarded
    def set_member(self, workspace: str, email: str, role: str, *, by: str) -> Member:
        """Add ``email`` to ``workspace`` with ``role``, or change their role (keeping when
        and by whom they were first added)."""
        values = {
            "workspace": workspace,
            "email": email.casefold(),
            "role": role,
            "added_at": self._clock(),
            "added_by": by,
        }
        with self._engine.begin() as connection:
            insert = upsert(connection, members).values(**values)
            row = connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[members.c.workspace, members.c.email],
                    set_={"role": insert.excluded.role},
                ).returning(*members.c)
            ).one()
        return record_of(Member, row)

    @guarded
    def remove_member(self, workspace: str, email: str) -> bool:
        """Delete ``email``'s row in ``workspace``; whether there was one."""
        with self._engine.begin() as connection:
            row = connection.execute(
                members.delete()
                .where(members.c.workspace == workspace, members.c.email == email.casefold())
                .returning(members.c.email)
            ).first()
        return row is not None

    @guarded
    def last_workspace(self, email: str) -> str | None:
        with self._engine.connect() as connection:
            return connection.execute(
                sa.select(last_workspaces.c.workspace).where(
                    last_workspaces.c.email == email.casefold()
                )
            ).scalar()

    @guarded
    def set_last_workspace(self, email: str, workspace: str) -> None:
        values = {"email": email.casefold(), "workspace": workspace, "at": self._clock()}
        with self._engine.begin() as connection:
            insert = upsert(connection, last_workspaces).values(**values)
            connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[last_workspaces.c.email],
                    set_={"workspace": insert.excluded.workspace, "at": insert.excluded.at},
                )
            )
