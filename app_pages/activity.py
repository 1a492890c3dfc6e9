"""Activity: who created links, verified, removed, refreshed and exported, newest first."""

from __future__ import annotations

import streamlit as st

from components.frame.workspace import open_workspace
from components.ui.activity import activity_table

ENTRIES_SHOWN = 200

st.title("Activity")
st.write(
    "What every analyst did to the shared roster: links created and cancelled, creators "
    "verified and removed, insights refreshed, reports exported."
)

entries = open_workspace().activity(limit=ENTRIES_SHOWN)

if not entries:
    st.info("Nothing has happened yet. Create a verification link to get started.")
    st.stop()
st.caption(f"The newest {len(entries)} entries.")
st.table(activity_table(entries), hide_index=True)
