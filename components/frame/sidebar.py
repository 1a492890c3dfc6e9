"""The sidebar every page shares: which API the app is talking to, and where its data lives."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from components.frame.loaders import Config
from components.frame.workspace import Workspace

# Where the keyboard is must always show: Streamlit's page links draw no focus ring of their own,
# and its inputs only tint their border. One ring for all, set once per run. And a metric's
# label wraps in a narrow column instead of ending in "…" ("Followers, last quarter" at 1,024 px).
FOCUS_STYLE = """<style>
a:focus-visible, [role="tab"]:focus-visible, summary:focus-visible,
input:focus-visible, textarea:focus-visible {
  outline: 2px solid #0b57d0 !important; outline-offset: 2px; border-radius: 4px;
}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
</style>"""


def render_focus_style() -> None:
    st.html(FOCUS_STYLE)


def render_api_status(config: Config) -> None:
    with st.sidebar:
        if config.problem:
            st.error("The app is not configured correctly. See the message on the page.")
        elif config.sandbox:
            st.info(
                "**Sandbox mode.** The app is running on its built-in emulator of the First "
                "Party API: the creators are synthetic and no real account is touched. Set "
                "`FPAPI_BASE_URL` and `FPAPI_TOKEN` to use the vendor's API.",
                icon=":material/science:",
            )
        elif config.settings is not None:
            host = urlsplit(config.settings.base_url or "").netloc
            st.caption(f"Connected to the First Party API at {host}.")
        if config.settings is not None and config.settings.database_url:
            st.caption(
                "Shared with your team: the roster, links, shortlists, activity and cached "
                "insights live in the team database."
            )


def render_data_warnings(ws: Workspace) -> None:
    """Say so when a damaged database was moved aside at start-up: never lose data silently."""
    store, cache = ws.store, ws.cache
    if store.recovered_from is not None:
        st.warning(
            f"The roster database could not be read, so it was moved aside to {store.recovered_from} "
            "and a new, empty one was started. Creators verified before need a fresh link, or "
            "restore that folder while the app is stopped."
        )
    if cache.recovered_from is not None:
        st.caption(
            f"The insight cache could not be read and was moved aside to {cache.recovered_from}; "
            "insights are fetched again as you open them."
        )
