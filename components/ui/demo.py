"""The home page's offer, in sandbox mode, to put demo creators on the roster."""

from __future__ import annotations

import streamlit as st

from components.frame.workspace import Workspace
from components.text import md_escape
from fpapi.errors import FPAPIError, StoreError
from fpapi.sandbox import embedded_sandbox
from fpapi.workspace.demo import DEMO_CREATORS
from fpapi.workspace.headlines import fetch_headlines


def render_demo_offer(ws: Workspace) -> None:
    """The offer and its button. The creators it adds have their headline numbers fetched
    at once (concurrently, about a second on the sandbox), so the roster shows them."""
    st.info(
        "Sandbox mode: try the app at once with synthetic creators. Each goes through the real "
        "verification link, consent and Verify Creator, as a creator would.",
        icon=":material/science:",
    )
    if not st.button(f"Add {DEMO_CREATORS} demo creators", icon=":material/group_add:"):
        return
    sandbox = embedded_sandbox()
    usernames = [a.username for a in sandbox.accounts("instagram") if a.kind == "normal"]
    try:
        with st.spinner("Verifying demo creators and fetching their numbers…"):
            before = {c.creator_id for c in ws.creators_with_handles(usernames)}
            added = ws.add_demo_creators(sandbox, usernames)
            new_ids = [
                c.creator_id
                for c in ws.creators_with_handles(usernames)
                if c.creator_id not in before
            ]
            fetched = fetch_headlines(ws, new_ids)  # costs no call for those already fetched
    except (FPAPIError, StoreError) as err:
        st.error(f"The demo creators could not all be added. {md_escape(str(err))}")
        return
    if not added:
        st.success("Every demo creator is on the roster already.")
        return
    st.success(
        f"Added {len(added)} demo creators: chart them on Insights, or put them side by "
        "side on Compare."
    )
    if fetched.failed:
        count = len(fetched.failed)
        reason = next(iter(fetched.failed.values()))
        st.warning(
            f"The insights of {count} of them could not be fetched yet: {md_escape(reason)} "
            "Their rows on the roster say so; open a creator's insights to try again."
        )
