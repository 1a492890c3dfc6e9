"""Shares: this workspace's links for clients (what, which creators, by whom, until when, how
often opened), with Revoke and Update."""

from __future__ import annotations

import streamlit as st

from components.frame import state
from components.frame.workspace import open_workspace
from components.text import md_escape
from components.ui.shares import render_share_list

st.title("Shares")
st.write(
    "Links that show a comparison or a campaign report to a client who has no account, as it "
    "stood when shared. Each view is counted; nothing about the viewer is kept. Revoking works "
    "at the client's next page load."
)
ws = open_workspace()
if notice := state.pop_notice():
    st.success(md_escape(notice), icon=":material/check:")
render_share_list(ws)
