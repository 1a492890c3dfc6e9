"""Creators: the roster of verified creators, with links to their insights and to compare."""

from __future__ import annotations

import time

import streamlit as st

from components import state
from components.access import current_actor
from components.activity import refresh_insights
from components.loaders import all_relationships, latest_fetches
from components.pages import link
from components.roster_ui import render_bulk_actions, render_roster_row
from components.text import md_escape
from components.workspace import open_workspace
from fpapi import FPAPIError
from fpapi.storage.records import PIPELINE_STATUSES
from fpapi.workspace.roster import matches, roster_rows

PAGE_SIZE = 50
PAGE_KEY = "page"

st.title("Creators")

ws = open_workspace()
store = ws.store

notice = state.pop_notice()
if notice:
    st.toast(notice)

now = time.time()
relationships = all_relationships(store)
# Filtering needs only the roster and the tags; what the cache and the history know is read
# for the page shown, not for every creator.
rows = roster_rows(store.creators(), lambda _: None, now=now, relationships=relationships)
if not rows:
    st.info("No creators yet. Send a creator a verification link to add them here.")
    link("connect", "Create a verification link")
    st.stop()

st.write(f"{len(rows)} verified creator{'s' if len(rows) != 1 else ''}.")


def first_page() -> None:
    st.session_state[PAGE_KEY] = 1  # a new search starts on its first page


# Every filter and the page live in the address (?q=...&status=...&tag=...&page=2), so a
# filtered roster can be shared.
search, status_col, tags_col = st.columns([3, 1, 2])
query = search.text_input(
    "Search by name, handle, label or tag", placeholder="e.g. ana or @ana.travel",
    key="q", bind="query-params", on_change=first_page,
)  # fmt: skip
status = status_col.selectbox(
    "Status", ["any", *PIPELINE_STATUSES], key="status", bind="query-params", on_change=first_page
)
wanted_tags = tags_col.multiselect(
    "Tags", sorted({tag for row in rows for tag in row.tags}), placeholder="Any tag",
    key="tag", bind="query-params", on_change=first_page,
)  # fmt: skip
found = [
    row
    for row in rows
    if matches(row, query, status=None if status == "any" else status, tags=wanted_tags)
]
if not found:
    st.caption("No creator matches that search.")
pages = max(1, -(-len(found) // PAGE_SIZE))
if st.session_state.get(PAGE_KEY, 1) > pages:
    st.session_state[PAGE_KEY] = pages
page = 1
if pages > 1:
    page = int(
        st.number_input(
            f"Page (of {pages}, {PAGE_SIZE} creators a page)", min_value=1, max_value=pages,
            step=1, key=PAGE_KEY, bind="query-params",
        )
    )  # fmt: skip
shown = roster_rows(
    [row.creator for row in found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]],
    ws.cache.summary,
    now=now,
    history=latest_fetches(store),
    relationships=relationships,
)
if found:
    st.caption(
        f"Showing {len(shown)} of {len(found)} matching creators"
        + (f", page {page} of {pages}." if pages > 1 else ".")
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
