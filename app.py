"""Creator Insights Studio: the frame around every page (access gate, config, sidebar, menu)."""

from __future__ import annotations

import logging

import streamlit as st

from components.frame.access import current_access, render_account, render_gate
from components.frame.loaders import get_config, start_first_view
from components.frame.pages import navigation_pages, render_menu, spec_of
from components.frame.plotly_view import warm_up_charts
from components.frame.routes import serve_metrics_port
from components.frame.sidebar import render_api_status, render_data_warnings, render_focus_style
from components.frame.state import note_page, remember_workspace
from components.frame.workspace import enter_workspace
from components.text import md_escape
from fpapi.errors import NotInWorkspace, NotPermitted, StoreError
from fpapi.workspace.access import Role

log = logging.getLogger("creator_insights_studio")

st.set_page_config(page_title="Creator Insights Studio", page_icon="📊", layout="wide")

# Every page is registered on every run (the callback too), but the built-in menu is always
# hidden: the menu is drawn below, and only for a visitor who is let in.
page = st.navigation(navigation_pages(), position="hidden")
spec = spec_of(page)
note_page(spec.key)
render_focus_style()  # every page, the public ones too: the keyboard's place always shows
serve_metrics_port()  # FPAPI_METRICS_PORT: once per process, under any entry point
access = current_access()
remember_workspace(None)  # opened afresh below, for this run


def run_page() -> None:
    try:
        page.run()
    except (NotPermitted, NotInWorkspace) as err:  # forced: no button offers it
        st.error(md_escape(str(err)))
    except StoreError as err:  # names the data folder: for analysts only
        log.warning("Store error on the %s page: %s", page.title, err)
        st.error(
            str(err)
            if not spec.public
            else "This app cannot save right now. Tell the person who sent you the link; "
            "they can send a new one once it is fixed."
        )
    except Exception:  # the last guard: a sentence for the visitor, the details for the log
        log.exception("Unexpected error on the %s page", page.title)
        st.error(
            "Something went wrong on this page, and it stopped. Your roster, links and cached "
            "insights are unchanged. Reload the page; if it happens again, the details are in "
            "the app's log."
        )


if spec.public:
    # A creator's browser: their own outcome only, no menu, no sidebar, no workspace.
    run_page()
    st.stop()

if not access.may_enter:
    render_gate(access)
    st.stop()

config = get_config()
try:
    ws = enter_workspace(config=config)
except NotInWorkspace as err:  # the workspace asked for is not theirs (or they have none)
    render_account(access)
    st.error(md_escape(str(err)))
    st.stop()
# The creator a page opens on is loaded while the rest of the frame and the page draw (on
# any other page, a load this session did not take is let go).
start_first_view(ws, st.query_params.get("creator") if spec.first_view else None)
render_menu(admin=ws.actor.role is Role.ADMIN)
warm_up_charts()
render_account(access, ws.role)
render_api_status(config)
render_data_warnings(ws)
run_page()
