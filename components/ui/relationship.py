"""A creator's tags, pipeline status and notes on their insights page: shown, and edited."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from components.frame import state
from components.text import md_escape
from fpapi.errors import StoreError
from fpapi.storage.records import PIPELINE_STATUSES, Relationship, clean_tags
from fpapi.workspace.core import Workspace


def render_relationship(ws: Workspace, creator_id: str) -> None:
    """The status, tags and notes as text, and an editor for them under it."""
    try:
        current = ws.relationship(creator_id)
    except StoreError as err:
        st.caption(f"Tags and notes cannot be read right now: {err}")
        return
    st.markdown(summary(current))
    title = "Edit status, tags and notes" if ws.may_change else "Notes"
    with st.expander(title, icon=":material/edit_note:"):
        key = state.private_key(creator_id)
        if ws.may_change:
            _render_editor(ws, creator_id, current, key)
        for entry in reversed(current.notes):  # newest first
            when = datetime.fromtimestamp(float(entry.get("at", 0)), UTC).strftime("%Y-%m-%d")
            author, body = str(entry.get("author", "local")), str(entry.get("text", ""))
            st.text(f"{when} · {author}: {body}")  # plain text: an address is not a link


def _render_editor(ws: Workspace, creator_id: str, current: Relationship, key: str) -> None:
    """Status, tags and a new note, saved through the workspace (analysts and admins)."""
    with st.form(f"relationship-{key}"):
        status_col, tags_col = st.columns([1, 3])
        status = status_col.selectbox(
            "Status", PIPELINE_STATUSES, index=PIPELINE_STATUSES.index(current.status)
        )
        tags = tags_col.text_input(
            "Tags", value=", ".join(current.tags), placeholder="travel, q3 launch",
            help="Separated by commas.",
        )  # fmt: skip
        note = st.text_area("Add a note", max_chars=2000, placeholder="Rate card asked for…")
        if st.form_submit_button("Save", type="primary"):
            try:
                ws.set_relationship(creator_id, tags=clean_tags(tags), status=status)
                if note.strip():
                    ws.add_note(creator_id, note)
            except StoreError as err:
                st.error(f"Not saved: {err}")
            else:
                st.rerun()


def summary(relationship: Relationship) -> str:
    tags = ", ".join(f"#{md_escape(tag)}" for tag in relationship.tags) or "no tags"
    notes = len(relationship.notes)
    return f"Status: **{relationship.status}** · {tags} · {notes} note{'s' if notes != 1 else ''}"
