"""The sidebar every page shares: which API the app is talking to."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from components.loaders import Config


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
