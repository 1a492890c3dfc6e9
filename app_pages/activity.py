"""Activity: who created links, verified, removed, refreshed and exported, newest first."""

from __future__ import annotations

import streamlit as st

from components.frame.workspace import open_workspace
from components.ui.activity import activity_table

ENTRIES_SHOWN = 200

st.title("Activity")
st.write(
    "What every analyst did to the shared roster: links created and cancelled, creators "
    "verified and removed, insights refreshed, tags, statuses and notes, shortlists and "
    "campaigns, reports exported."
)

ws = open_workspace()
entries = ws.activity(limit=ENTRIES_SHOWN)

if not entries:
    st.info("Nothing has happened yet. Create a verification link to get started.")
    st.stop()
keep_days = ws.settings.activity_keep_s / 86_400
st.caption(
    f"The newest {len(entries)} entries. Entries are kept {keep_days:.0f} days "
    "(FPAPI_ACTIVITY_KEEP_DAYS)."
)
st.table(activity_table(entries), hide_index=True)
