"""Insights: one creator's first-party Instagram insights (``?creator=<creator_id>``, and
``&section=<tab>`` for a section other than the first)."""

from __future__ import annotations

import streamlit as st

from components.frame import state
from components.frame.loaders import fetch_history, load_first_view, report_of
from components.frame.pages import link
from components.frame.workspace import open_workspace
from components.text import md_escape
from components.ui import insights as ui
from components.ui import insights_sections as sections
from components.ui.creator_picker import creator_label, roster_choices
from components.ui.forget import render_forget
from components.ui.relationship import render_relationship
from fpapi import FPAPIError
from fpapi.errors import ConsentLapsed
from fpapi.workspace.history import previous_snapshot

st.title("Insights")

ws = open_workspace()
wanted = st.query_params.get("creator")
choices = roster_choices(ws, [wanted] if wanted else [], key="find-creator")
if choices is None:
    st.info("No creators yet. Verify a creator first; their insights appear here.")
    link("connect", "Create a verification link")
    st.stop()

if wanted and wanted not in choices:
    st.warning(
        "The creator in this link is not on this workspace's roster (removed, or a mistyped link). Pick one below."
    )
ids = list(choices)
chosen = st.selectbox(
    "Creator",
    ids,
    index=ids.index(wanted) if wanted in choices else None,
    format_func=lambda cid: creator_label(choices[cid]),
    placeholder="Choose a creator from the roster",
)
if chosen is None:
    st.stop()
if chosen != wanted:
    st.query_params["creator"] = chosen  # the view stays a shareable link
creator = choices[chosen]
title = creator.name or creator.username or "Creator"

if creator.connector != "instagram":
    st.info(
        "This creator connected a YouTube channel. The First Party API offers Instagram "
        "insights only, so there is nothing to chart for them."
    )
    st.stop()

render_forget(ws, creator)  # before loading: a creator whose data cannot load can be forgotten
try:
    with st.spinner("Loading insights…"):
        loaded = (
            ws.load_insights(chosen, refresh=True, subject=title)
            if state.pop_refresh(chosen)
            else load_first_view(ws, chosen)
        )
        report = report_of(ws, loaded)
except FPAPIError as err:
    st.error(f"Insights for {md_escape(title)} could not be loaded. {md_escape(str(err))}")
    if isinstance(err, ConsentLapsed) and ws.may_change:
        link("connect", "Prepare a fresh link", query_params={"reconnect": chosen})
    st.stop()

ui.render_header(report, creator)
render_relationship(ws, chosen)
if ui.render_freshness(loaded, report, may_refresh=ws.may_change):
    state.request_refresh(chosen)
    st.rerun()
history = fetch_history(ws, chosen)
ui.render_kpis(report, previous=previous_snapshot(history, loaded.fetched_at))
ui.render_history(history)

view = sections.InsightsView(ws, loaded, report, creator, title)
sections.render_trend(view)
sections.render_sections(view)
sections.render_share(view)
