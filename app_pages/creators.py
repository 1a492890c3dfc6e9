"""Creators: the roster of verified creators, with links to their insights and to compare."""

from __future__ import annotations

import time

import streamlit as st

from components.frame import state
from components.frame.loaders import latest_fetches
from components.frame.pages import link
from components.frame.workspace import open_workspace
from components.text import md_escape
from components.ui.forget import render_deletion_receipt
from components.ui.roster import (
    render_bulk_actions,
    render_pager,
    render_roster_filters,
    render_roster_row,
    run_bulk_action,
    watch_first_fetches,
)
from fpapi.workspace.headlines import first_fetches
from fpapi.workspace.roster import roster_rows

PAGE_SIZE = 50

st.title("Creators")

ws = open_workspace()

notice = state.pop_notice()
if notice:
    st.toast(md_escape(notice))  # it names creators and a tag: text, never markup
render_deletion_receipt()

counts = ws.roster_counts()  # counted in the database, never by reading every row
if not counts.total:
    st.info("No creators yet. Send a creator a verification link to add them here.")
    link("connect", "Create a verification link")
    st.stop()

st.write(f"{counts.total:,} verified creator{'s' if counts.total != 1 else ''}.")
now = time.time()
query = render_roster_filters(counts, now=now, per_page=PAGE_SIZE)
running = first_fetches()  # before the roster is read: see its docstring
found = ws.roster_page(query)  # one page, searched, filtered and sorted in the database
if not found.matched:
    st.caption("No creator matches that search.")
render_pager(found.page, found.pages, PAGE_SIZE)
ids = [c.creator_id for c in found.creators]
shown = roster_rows(
    found.creators,
    ws.cache.summary,
    now=now,
    history=latest_fetches(ws, ids),
    relationships=found.relationships,
)
if found.matched:
    st.caption(
        f"Showing {len(shown)} of {found.matched:,} matching creators"
        + (f", page {found.page} of {found.pages:,}." if found.pages > 1 else ".")
    )

selecting = ws.may_change and st.toggle(
    "Select creators", key="selecting",
    help="Tick creators to compare, refresh, tag or remove several at once (in the sidebar).",
)  # fmt: skip
picked = [
    row
    for row in shown
    if render_roster_row(row, selecting=selecting, may_change=ws.may_change, now=now)
]
watch_first_fetches(running | first_fetches())  # and those queued since

st.subheader("Saved shortlists", anchor=False)
shortlists = ws.shortlists()
if not shortlists:
    st.caption("No saved shortlists yet. Save one from the compare page.")
for shortlist in shortlists:
    link(
        "compare",
        f"{md_escape(shortlist.name)} ({len(shortlist.creator_ids)} creators)",
        icon=":material/bookmark:",
        query_params={"shortlist": shortlist.shortlist_id},
    )

bulk = None
if selecting:
    with st.sidebar:
        bulk = render_bulk_actions([row.creator.creator_id for row in picked])
if bulk is not None:
    state.set_notice(run_bulk_action(ws, bulk, picked))
    st.rerun()
