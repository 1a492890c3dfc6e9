"""The home page's offer, in sandbox mode, to put demo creators on the roster."""

from __future__ import annotations

import streamlit as st

from components.frame.workspace import Workspace
from components.text import md_escape
from fpapi.errors import FPAPIError, StoreError
from fpapi.sandbox import embedded_sandbox
from fpapi.workspace.demo import DEMO_CREATORS


def render_demo_offer(ws: Workspace) -> None:
    """The offer and its button. The creators it adds have their headline numbers fetched
    right after, in the background (about a second on the sandbox): the roster shows them."""
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
        with st.spinner("Verifying demo creators…"):
            added = ws.add_demo_creators(sandbox, usernames)
    except (FPAPIError, StoreError) as err:
        st.error(f"The demo creators could not all be added. {md_escape(str(err))}")
        return
    if not added:
        st.success("Every demo creator is on the roster already.")
        return
    st.success(
        f"Added {len(added)} demo creators. Their followers and ER are being fetched now and "
        "show on the roster in a moment: chart them on Insights, or put them side by side on "
        "Compare."
    )
