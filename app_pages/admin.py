"""Admin: every client workspace, its members and their roles; create workspaces, add, change
and remove members. Admins only: the core refuses anyone else, who sees one sentence."""

from __future__ import annotations

import streamlit as st

from components.frame import state
from components.frame.workspace import open_workspace
from components.text import md_escape
from components.ui.admin import render_changes, render_workspaces
from fpapi.errors import NotPermitted

st.title("Admin")
ws = open_workspace()
if notice := state.pop_notice():
    st.success(md_escape(notice), icon=":material/check:")
try:
    listing = ws.workspace_listing()
except NotPermitted as err:
    st.write(md_escape(str(err)))
    st.stop()

st.write(
    "Each client workspace has its own roster, links, shortlists, campaigns, notes, alerts and "
    "activity. Members are analysts (read and change) or viewers (read and export); admins, "
    "listed in FPAPI_ADMIN_EMAILS, see every workspace."
)
render_changes(ws, [found.name for found, _ in listing])
render_workspaces(listing)
