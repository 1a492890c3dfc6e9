"""Insights: one creator's first-party Instagram insights (``?creator=<creator_id>``)."""

from __future__ import annotations

import streamlit as st

from components.loaders import DataDirError, get_config, get_store
from components.text import md_escape

st.title("Insights")

config = get_config()
try:
    store = get_store(config)
except DataDirError as err:
    st.error(str(err))
    st.stop()

creator_id = st.query_params.get("creator")
creator = store.get_creator(creator_id) if creator_id else None
if creator_id and creator is None:
    st.warning("That creator is not on the roster. Pick one from the roster instead.")
if creator is None:
    st.page_link(
        "app_pages/creators.py", label="Choose a creator on the roster", icon=":material/group:"
    )
    st.stop()

st.subheader(md_escape(creator.name or creator.username or "Creator"))
if creator.connector != "instagram":
    st.info(
        "This creator connected a YouTube channel. The First Party API offers Instagram "
        "insights only, so there is nothing to chart for them yet."
    )
    st.stop()
st.info("The insights dashboard is not built yet.")
