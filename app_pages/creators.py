"""Creators: the roster of verified creators, with links to their insights and to compare."""

from __future__ import annotations

import time

import streamlit as st

from components import state
from components.access import current_actor
from components.activity import refresh_insights
from components.loaders import latest_fetches
from components.pages import link
from components.roster_ui import (
    render_bulk_actions,
    render_pager,
    render_roster_filters,
    render_roster_row,
)
from components.text import md_escape
from components.workspace import open_workspace
from fpapi import FPAPIError
from fpapi.workspace.roster import roster_rows

PAGE_SIZE = 50

st.title("Creators")

ws = open_workspace()
store = ws.store

notice = state.pop_notice()
if notice:
    st.toast(notice)

counts = store.roster_counts()  # counted in the database, never by reading every row
if not counts.total:
    st.info("No creators yet. Send a creator a verification link to add them here.")
    link("connect", "Create a verification link")
    st.stop()

st.write(f"{counts.total:,} verified creator{'s' if counts.total != 1 else ''}.")
now = time.time()
query = render_roster_filters(counts, now=now, per_page=PAGE_SIZE)
found = store.roster_page(query)  # one page, searched, filtered and sorted in the database
if not found.matched:
    st.caption("No creator matches that search.")
render_pager(found.page, found.pages, PAGE_SIZE)
ids = [c.creator_id for c in found.creators]
shown = roster_rows(
    found.creators,
    ws.cache.summary,
    now=now,
    history=latest_fetches(store, ids),
    relationships=found.relationships,
)
if found.matched:
    st.caption(
        f"Showing {len(shown)} of {found.matched:,} matching creators"
        + (f", page {found.page} of {found.pages:,}." if found.pages > 1 else ".")
    )

picked: list[str] = []
for row in shown:
    selected, action = render_roster_row(row)
    if selected:
        picked.append(row.creator.creator_id)
    if action == "remove":
        store.remove_creator(row.creator.creator_id, actor=current_actor())
        state.set_notice(f"Removed {row.display_name} from the roster.")
        st.rerun()
    if action == "refresh":
        try:
            result = refresh_insights(ws, row.creator.creator_id, subject=row.display_name)
        except FPAPIError as err:
            st.error(f"Insights for {md_escape(row.display_name)} could not be refreshed. {err}")
        else:
            if result.stale:
                st.warning(
                    f"Insights for {md_escape(row.display_name)} could not be refreshed, so the "
                    f"copy from before is kept. {result.error}"
                )
            else:
                state.set_notice(f"Refreshed insights for {row.display_name}.")
                st.rerun()

st.subheader("Saved shortlists", anchor=False)
shortlists = store.shortlists()
if not shortlists:
    st.caption("No saved shortlists yet. Save one from the compare page.")
for shortlist in shortlists:
    link(
        "compare",
        f"{md_escape(shortlist.name)} ({len(shortlist.creator_ids)} creators)",
        icon=":material/bookmark:",
        query_params={"shortlist": shortlist.shortlist_id},
    )

with st.sidebar:
    bulk = render_bulk_actions(picked)
if bulk is not None:
    actor = current_actor()
    by_id = {row.creator.creator_id: row for row in shown}
    if bulk.action == "remove":
        for creator_id in picked:
            store.remove_creator(creator_id, actor=actor)
        state.set_notice(f"Removed {len(picked)} creators from the roster.")
    elif bulk.action == "tag":
        for creator_id in picked:
            store.set_relationship(creator_id, tags=[*by_id[creator_id].tags, bulk.tag])
        state.set_notice(f"Tagged {len(picked)} creators #{bulk.tag}.")
    elif bulk.action == "refresh":
        failed = []
        for creator_id in [cid for cid in picked if by_id[cid].has_insights]:
            try:
                refresh_insights(ws, creator_id, subject=by_id[creator_id].display_name)
            except FPAPIError:
                failed.append(by_id[creator_id].display_name)
        refreshed = sum(by_id[cid].has_insights for cid in picked) - len(failed)
        state.set_notice(
            f"Refreshed {refreshed} creators."
            + (f" Could not refresh: {', '.join(failed)}." if failed else "")
        )
    st.rerun()
