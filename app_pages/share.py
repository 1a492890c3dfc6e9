"""Shared report: what a client's link (``/share?t=<token>``) shows, without sign-in.

The comparison or campaign report as it stood when shared, and its downloads; nothing else of
the workspace. Any token that opens nothing gets the same sentence.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.frame import state
from components.frame.workspace import open_public_workspace
from components.ui.share import render_shared
from fpapi.errors import StudioError
from fpapi.workspace.sharing import SHARE_REFUSED, ShareRefused

log = logging.getLogger(__name__)

ws = open_public_workspace(SHARE_REFUSED)
try:
    share = ws.open_share(st.query_params.get("t"), seen=state.seen_shares())
except ShareRefused:
    st.write(SHARE_REFUSED)
    st.stop()
except StudioError as err:  # e.g. no FPAPI_SECRET_KEY with a team database: for the log only
    log.warning("A share link could not be checked: %s", err)
    st.write(SHARE_REFUSED)
    st.stop()
state.mark_share_seen(share.key)
render_shared(share, ws.settings)
