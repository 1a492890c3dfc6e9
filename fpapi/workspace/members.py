"""Client workspaces and who is in them: the rules, pure, on what the store holds.

- An admin (by the allow-lists, or the app's own local user, or a command) is an admin in every
  workspace.
- Anyone else has the role a member row gives them in a workspace (analyst or viewer).
- ``default`` also takes everyone the allow-lists let in, with their list's role, unless an admin
  removed them from it (a "removed" row). A workspace created later has only its members.
- Without ``ws`` in the address, a person lands where they were last, else in the first
  workspace they were added to, ``default`` last.

Whether a person may open a workspace is answered here and enforced by the core
(:class:`fpapi.workspace.core.Workspace` refuses to open one they are not in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from fpapi.errors import NotInWorkspace, WorkspaceError
from fpapi.storage.database import DEFAULT_WORKSPACE
from fpapi.storage.records import Member
from fpapi.storage.store import Store
from fpapi.workspace.access import Role, matchable_address

__all__ = [
    "DEFAULT_WORKSPACE",
    "MEMBER_ROLES",
    "REMOVED",
    "Actor",
    "choose_workspace",
    "member_address",
    "member_role",
    "no_such_workspace",
    "not_a_member",
    "roles_of",
    "workspace_name",
]

REMOVED = "removed"  # a member row that keeps someone out of ``default``
MEMBER_ROLES = (Role.ANALYST, Role.VIEWER)  # what a membership gives; admins come from the lists
_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in person's address as matched, ``local`` without sign-in, or a
    command's name; and the role the allow-lists give them (None when only a workspace
    membership let them in). One analyst's own app, and a command, are admins."""

    name: str
    role: Role | None = Role.ADMIN


def workspace_name(text: str) -> str:
    """``text`` as a workspace name (lower case letters, digits and inner hyphens, up to 40),
    or WorkspaceError saying how to write one."""
    name = (text or "").strip().lower()
    if not _NAME.fullmatch(name):
        raise WorkspaceError(
            "A workspace name is 1 to 40 lower-case letters, digits and hyphens, starting and "
            "ending with a letter or digit (for example acme or globex-eu)."
        )
    return name


def member_address(text: str) -> str:
    """``text`` as a member's address (one plain address, lower case), or WorkspaceError."""
    address = matchable_address(text)
    if address is None:
        raise WorkspaceError(
            "A member is added by one plain e-mail address, such as ana@brand.com."
        )
    return address


def member_role(text: str) -> Role:
    """``analyst`` or ``viewer``; WorkspaceError for anything else (admins are the lists')."""
    try:
        role = Role((text or "").strip().lower())
    except ValueError:
        role = None
    if role not in MEMBER_ROLES:
        raise WorkspaceError(
            "A member's role is analyst or viewer. Admins are listed in FPAPI_ADMIN_EMAILS."
        )
    return role


def not_a_member(name: str) -> NotInWorkspace:
    """The one sentence for a workspace someone may not open (whether or not it exists)."""
    return NotInWorkspace(
        f"You are not a member of a workspace named “{name}”, so nothing of it is shown: "
        "pick one of yours in the sidebar, or ask an admin to add you."
    )


def no_such_workspace(name: str) -> WorkspaceError:
    """For an admin, who may open every workspace: the one named does not exist."""
    return WorkspaceError(
        f"There is no workspace named “{name}”. The admin page and python -m fpapi.workspaces "
        "list show them all."
    )


def roles_of(store: Store, person: Actor) -> dict[str, Role]:
    """Every workspace ``person`` may open, with their role there, in landing order: those they
    were added to first, ``default`` last."""
    if person.role is Role.ADMIN:
        added = [m.workspace for m in store.memberships(person.name) if m.role != REMOVED]
        names = [w.name for w in store.workspaces()]
        ordered = _landing_order([*added, *sorted(names)], existing=names)
        return dict.fromkeys(ordered, Role.ADMIN)
    rows = store.memberships(person.name)
    roles = {m.workspace: Role(m.role) for m in rows if m.role != REMOVED and _is_role(m.role)}
    if DEFAULT_WORKSPACE not in _workspaces_named(rows) and person.role is not None:
        roles[DEFAULT_WORKSPACE] = person.role  # the allow-lists' members of ``default``
    return {name: roles[name] for name in _landing_order(roles, existing=roles)}


def choose_workspace(roles: dict[str, Role], asked: str | None, last: str | None) -> str:
    """The workspace to open: the one asked for (NotInWorkspace if it is not one of
    ``roles``), else the last one used, else the first in landing order."""
    if asked:
        if asked not in roles:
            raise not_a_member(asked)
        return asked
    if last in roles:
        return last
    if not roles:
        raise NotInWorkspace(
            "You are not a member of any workspace yet, so there is nothing to show. Ask an "
            "admin to add you to one."
        )
    return next(iter(roles))


def _landing_order(names: Iterable[str], *, existing: Iterable[str]) -> list[str]:
    present = set(existing)
    ordered = [n for n in dict.fromkeys(names) if n in present and n != DEFAULT_WORKSPACE]
    return ordered + ([DEFAULT_WORKSPACE] if DEFAULT_WORKSPACE in present else [])


def _workspaces_named(rows: list[Member]) -> set[str]:
    return {m.workspace for m in rows}


def _is_role(text: str) -> bool:
    return text in {role.value for role in MEMBER_ROLES}
