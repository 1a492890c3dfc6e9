"""The admins' use cases of the workspace core: client workspaces and their members (a part of
:class:`fpapi.workspace.core.Workspace`; the rules themselves are :mod:`fpapi.workspace.members`).

Only an admin (by the allow-lists, the local user, or a command) may list, create or change
workspaces and members, whichever way the call comes; each change is recorded in the activity
list of the workspace it changed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fpapi.errors import NotPermitted, StoreError, WorkspaceError
from fpapi.storage.records import ClientWorkspace, Member
from fpapi.workspace.access import Role
from fpapi.workspace.members import (
    DEFAULT_WORKSPACE,
    REMOVED,
    member_address,
    member_role,
    no_such_workspace,
    workspace_name,
)

if TYPE_CHECKING:
    from fpapi.storage.store import Store
    from fpapi.workspace.core import Workspace
    from fpapi.workspace.members import Actor

__all__ = ["WorkspaceAdmin"]

log = logging.getLogger(__name__)


class WorkspaceAdmin:
    """Client workspaces and members, for admins."""

    if TYPE_CHECKING:  # what the core it is part of provides
        store: Store
        actor: Actor
        name: str
        role: Role

        def _record(self, action: str, subject: str, detail: str = "") -> None: ...
        def _recording_as(self, name: str, workspace: str) -> Workspace: ...

    def _require_admin(self, what: str) -> None:
        if self.actor.role is not Role.ADMIN:
            raise NotPermitted(f"Only admins can {what}. Ask an admin if something must change.")

    def workspace_listing(self) -> list[tuple[ClientWorkspace, list[Member]]]:
        """Every workspace with its member rows ("removed" ones included), by name."""
        self._require_admin("see every workspace and its members")
        rows = self.store.members()
        return [
            (found, [m for m in rows if m.workspace == found.name])
            for found in self.store.workspaces()
        ]

    def create_workspace(self, name: str) -> str:
        """Create a workspace; its name as kept. WorkspaceError if the name is taken or
        cannot be one."""
        self._require_admin("create workspaces")
        name = workspace_name(name)
        if not self.store.create_workspace(name, by=self.actor.name):
            raise WorkspaceError(f"A workspace named “{name}” exists already.")
        self._recording_as(self.actor.name, name)._record("workspace_created", name)
        return name

    def set_member(self, workspace: str, email: str, role: str) -> Member:
        """Add ``email`` to ``workspace`` as ``role`` (analyst or viewer), or change their role."""
        self._require_admin("add members or change their roles")
        workspace, address, chosen = (
            self._existing(workspace),
            member_address(email),
            member_role(role),
        )
        before = {m.workspace: m.role for m in self.store.memberships(address)}.get(workspace)
        member = self.store.set_member(workspace, address, chosen.value, by=self.actor.name)
        if before != member.role:
            action = "member_added" if before in (None, REMOVED) else "member_role_changed"
            self._recording_as(self.actor.name, workspace)._record(action, address, member.role)
        return member

    def remove_member(self, workspace: str, email: str) -> bool:
        """Take ``email`` out of ``workspace``; whether they were in it. Out of ``default``, a
        "removed" row keeps out someone the allow-lists would otherwise put there."""
        self._require_admin("remove members")
        workspace, address = self._existing(workspace), member_address(email)
        if workspace == DEFAULT_WORKSPACE:
            before = {m.workspace: m.role for m in self.store.memberships(address)}
            if before.get(workspace) == REMOVED:
                return False
            self.store.set_member(workspace, address, REMOVED, by=self.actor.name)
            removed = True
        else:
            removed = self.store.remove_member(workspace, address)
        if removed:
            self._recording_as(self.actor.name, workspace)._record("member_removed", address)
        return removed

    def _existing(self, workspace: str) -> str:
        name = workspace_name(workspace)
        if name not in {found.name for found in self.store.workspaces()}:
            raise no_such_workspace(name)
        return name

    def record_visit(self) -> None:
        """Note that the actor opened this workspace: where they land next time without
        ``ws``, and, for an admin who is not one of its members, an entry in its activity
        list (an admin's view of a client's workspace is logged)."""
        try:  # a convenience: a read-only folder or a database hiccup must not stop a page
            self.store.set_last_workspace(self.actor.name, self.name)
        except StoreError:
            log.warning("Could not note the workspace %s was opened last", self.name)
        if self.role is Role.ADMIN and self.name != DEFAULT_WORKSPACE:
            rows = {m.workspace: m.role for m in self.store.memberships(self.actor.name)}
            if rows.get(self.name) in (None, REMOVED):
                self._record("workspace_viewed_by_admin", self.name)
