"""The /admin page's parts: every client workspace with its members, and the forms an admin
changes them with. Every change goes through the workspace core, which refuses anyone but an
admin (:mod:`fpapi.workspace.admin`); the page only draws."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components.frame import state
from components.frame.workspace import Workspace
from components.text import md_escape
from fpapi.errors import StudioError
from fpapi.storage.records import ClientWorkspace, Member
from fpapi.workspace.members import DEFAULT_WORKSPACE, MEMBER_ROLES, REMOVED

__all__ = ["render_changes", "render_workspaces"]


def render_workspaces(listing: list[tuple[ClientWorkspace, list[Member]]]) -> None:
    """Each workspace, its members and their roles, as text a screen reader reads."""
    for found, rows in listing:
        members = [m for m in rows if m.role != REMOVED]
        removed = [m for m in rows if m.role == REMOVED]
        st.subheader(found.name, anchor=False)
        made = datetime.fromtimestamp(found.created_at, UTC).strftime("%Y-%m-%d")
        by = f" by {md_escape(found.created_by)}" if found.created_by else ""
        count = f"{len(members)} member{'s' if len(members) != 1 else ''}"
        st.caption(f"Created {made}{by}. {count} added here.")
        if found.name == DEFAULT_WORKSPACE:
            st.write(
                "Everyone the allow-lists let in is a member of **default**, with their list's "
                "role, unless removed here."
            )
        if members:
            st.table(_members_table(members), hide_index=True)
        elif found.name != DEFAULT_WORKSPACE:
            st.write("No members yet: only admins can open it.")
        if removed:
            st.write(
                "Kept out of this workspace: " + ", ".join(md_escape(m.email) for m in removed)
            )


def _members_table(rows: list[Member]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Member": [md_escape(m.email) for m in rows],
            "Role": [m.role for m in rows],
            "Added (UTC)": [
                datetime.fromtimestamp(m.added_at, UTC).strftime("%Y-%m-%d") for m in rows
            ],
            "Added by": [md_escape(m.added_by) for m in rows],
        }
    )


def render_changes(ws: Workspace, names: list[str]) -> None:
    """The three forms: create a workspace, add or change a member, remove a member."""
    left, middle, right = st.columns(3)
    with left.form("create-workspace", clear_on_submit=True):
        st.markdown("**Create a workspace**")
        name = st.text_input("Name", placeholder="acme", help="Lower case, digits, hyphens.")
        if st.form_submit_button("Create workspace", icon=":material/add:"):
            _change(lambda: f"Created the workspace {ws.create_workspace(name)}.")
    with middle.form("add-member", clear_on_submit=True):
        st.markdown("**Add a member or change a role**")
        workspace = st.selectbox("Workspace", names, key="admin.add.workspace")
        email = st.text_input("E-mail address", placeholder="ana@brand.com")
        role = st.radio(
            "Role", [r.value for r in MEMBER_ROLES], horizontal=True, key="admin.add.role"
        )
        if st.form_submit_button("Save member", icon=":material/person_add:"):
            _change(
                lambda: (
                    f"{ws.set_member(workspace, email, role).email} is now {role} in {workspace}."
                )
            )
    with right.form("remove-member", clear_on_submit=True):
        st.markdown("**Remove a member**")
        workspace = st.selectbox("Workspace", names, key="admin.remove.workspace")
        email = st.text_input("E-mail address", key="admin.remove.email")
        if st.form_submit_button("Remove member", icon=":material/person_remove:"):
            _change(
                lambda: (
                    f"Removed {email.strip().lower()} from {workspace}."
                    if ws.remove_member(workspace, email)
                    else f"{email.strip().lower()} was not a member of {workspace}."
                )
            )


def _change(do: Callable[[], str]) -> None:
    """Run one change; its outcome is the next run's notice, or the problem shown now."""
    try:
        done = do()
    except StudioError as err:
        st.error(md_escape(str(err)))
        return
    state.set_notice(done)
    st.rerun()
