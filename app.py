"""Creator Insights Studio: the frame around every page (config, sidebar, navigation)."""

from __future__ import annotations

import logging

import streamlit as st

from components.loaders import get_config
from components.sidebar import render_api_status, render_data_warnings
from fpapi.store import StoreError

log = logging.getLogger("creator_insights_studio")

st.set_page_config(page_title="Creator Insights Studio", page_icon="📊", layout="wide")

# Every page is registered on every run, the callback too: a creator's browser opens
# /callback in a brand-new session, and an unregistered path answers "Page not found".
page = st.navigation(
    [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page(
            "app_pages/connect.py",
            title="Connect a creator",
            icon=":material/link:",
            url_path="connect",
        ),
        st.Page(
            "app_pages/creators.py", title="Creators", icon=":material/group:", url_path="creators"
        ),
        st.Page(
            "app_pages/insights.py",
            title="Insights",
            icon=":material/insights:",
            url_path="insights",
        ),
        st.Page(
            "app_pages/compare.py",
            title="Compare",
            icon=":material/compare_arrows:",
            url_path="compare",
        ),
        st.Page(
            "app_pages/callback.py",
            title="Verification",
            icon=":material/verified:",
            url_path="callback",
            visibility="hidden",
        ),
    ]
)

config = get_config()
render_api_status(config)
if config.problem:
    st.error(config.problem)
    st.stop()
render_data_warnings(config)
try:
    page.run()
except StoreError as err:
    st.error(str(err))
except Exception:  # the last guard: a sentence for the analyst, the details for the log
    log.exception("Unexpected error on the %s page", page.title)
    st.error(
        "Something went wrong on this page, and it stopped. Your roster, links and cached "
        "insights are unchanged. Reload the page; if it happens again, the details are in "
        "the app's log."
    )
