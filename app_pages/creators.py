"""Creators: the roster of verified creators, with links to their insights and to compare."""

from __future__ import annotations

import time

import streamlit as st

from components.access import current_actor
from components.activity import record
from components.loaders import (
    DataDirError,
    api_client,
    get_config,
    get_insight_cache,
    get_store,
)
from components.pages import link
from components.roster_ui import render_roster_row
from components.text import md_escape
from fpapi import FPAPIError
from fpapi.workspace.roster import matches, roster_rows

st.title("Creators")

config = get_config()
try:
    store = get_store(config)
    cache = get_insight_cache(config)
except DataDirError as err:
    st.error(str(err))
    st.stop()

notice = st.session_state.pop("cis.roster_notice", None)
if notice:
    st.toast(notice)

rows = roster_rows(store.creators(), cache.summary, now=time.time())
if not rows:
    st.info("No creators yet. Send a creator a verification link to add them here.")
    link("connect", "Create a verification link")
    st.stop()

st.write(f"{len(rows)} verified creator{'s' if len(rows) != 1 else ''}.")
query = st.text_input("Search by name, handle or label", placeholder="e.g. ana or @ana.travel")
shown = [row for row in rows if matches(row, query)]
if not shown:
    st.caption("No creator matches that search.")

picked: list[str] = []
for row in shown:
    selected, action = render_roster_row(row)
    if selected:
        picked.append(row.creator.creator_id)
    if action == "remove":
        store.remove_creator(row.creator.creator_id, actor=current_actor())
        st.session_state["cis.roster_notice"] = f"Removed {row.display_name} from the roster."
        st.rerun()
    if action == "refresh":
        try:
            with api_client(config.settings) as client:
                result = cache.get_or_fetch(
                    row.creator.creator_id, client.get_instagram_insights, refresh=True
                )
        except FPAPIError as err:
            st.error(f"Insights for {md_escape(row.display_name)} could not be refreshed. {err}")
        else:
            if result.stale:
                st.warning(
                    f"Insights for {md_escape(row.display_name)} could not be refreshed, so the "
                    f"copy from before is kept. {result.error}"
                )
            else:
                record("insights_refreshed", row.display_name)
                st.session_state["cis.roster_notice"] = (
                    f"Refreshed insights for {row.display_name}."
                )
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
    st.subheader("Compare")
    if len(picked) >= 2:
        link(
            "compare",
            f"Compare {len(picked)} creators",
            query_params={"creators": ",".join(picked)},
        )
    else:
        st.caption("Tick Compare on two or more creators to put them side by side.")
