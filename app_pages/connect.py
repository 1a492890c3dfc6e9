"""Connect a creator: create a verification link, bring the token back, track every link."""

from __future__ import annotations

import streamlit as st

from components import state
from components.access import current_actor
from components.connect_ui import (
    link_title,
    render_link_card,
    render_links_list,
    render_outcome,
)
from components.loaders import api_client
from components.pages import link as page_link
from components.workspace import open_workspace
from fpapi import FPAPIError
from fpapi.errors import LinkRequestError
from fpapi.workspace.connect import (
    CONNECTORS,
    create_link,
    finish_verification,
    parse_pasted_return,
)

st.title("Connect a creator")
st.write(
    "Send a creator a verification link. When they press Allow, their browser comes back to "
    "this app and they join the roster. If they land somewhere else, paste what they send "
    "you into step 2."
)

ws = open_workspace()
settings, store = ws.settings, ws.store


def make_link(connector: str, redirect_url: str, label: str) -> bool:
    """Create a link and show it as this analyst's latest; say plainly if that failed."""
    try:
        with api_client(settings) as client:
            link = create_link(
                client,
                store,
                connector=connector,
                redirect_url=redirect_url,
                label=label,
                actor=current_actor(),
            )
    except LinkRequestError as err:
        st.error(str(err))
        return False
    except FPAPIError as err:
        st.error(f"The link could not be created. {err}")
        return False
    state.set_last_link_state(link.state)
    return True


st.subheader("1. Create a verification link")
with st.form("create-link"):
    connector = st.radio(
        "Platform", list(CONNECTORS), format_func=CONNECTORS.__getitem__, horizontal=True
    )
    label = st.text_input(
        "Label (optional)",
        max_chars=80,
        placeholder="A name or note you will recognise, e.g. Ana for the spring campaign",
    )
    redirect_url = st.text_input(
        "Send the creator back to",
        value=settings.callback_url,
        help="This app's own callback page finishes verification by itself. Change it only "
        "if the creator should land on another page; then paste the token in step 2.",
    )
    if st.form_submit_button("Create verification link", type="primary"):
        make_link(connector, redirect_url, label)

last = store.get_link(state.last_link_state() or "")
if last is not None and last.url:
    render_link_card(last, ttl_s=store.pending_ttl_s)

st.subheader("2. Bring the token back")
st.caption(
    "Only needed when the creator landed somewhere other than this app. Paste the token, or "
    "the whole address they landed on."
)
links = store.links()
pending = [link for link in links if link.status == "pending"]
with st.form("paste-token", clear_on_submit=True):
    pasted = st.text_input(
        "Paste the token, or the address the creator landed on",
        type="password",
        placeholder="https://…/callback?token=…&state=…  or just the token",
    )
    chosen = st.selectbox(
        "For which link? (used when you paste a bare token)",
        pending,
        format_func=link_title,
        index=0 if pending else None,
        placeholder="No link is waiting for a creator",
    )
    if st.form_submit_button("Verify creator"):
        paste = parse_pasted_return(pasted)
        if paste.problem:
            state.set_paste_outcome(None)
            st.error(paste.problem)
        elif paste.state is None and chosen is None:
            st.error("No link is waiting for a creator: create one in step 1 first.")
        else:
            with api_client(settings) as client:
                outcome = finish_verification(
                    client,
                    store,
                    state=paste.state or chosen.state,
                    token=paste.token,
                    error=paste.error,
                    actor=current_actor(),
                )
            state.set_paste_outcome(outcome)
            links = store.links()
outcome = state.paste_outcome()
if outcome is not None:
    render_outcome(outcome)
    if outcome.creator is not None:
        page_link("creators", "See the roster")

st.subheader("Verification links")
if not links:
    st.caption("No links yet. Create one in step 1.")
action = render_links_list(links, ttl_s=store.pending_ttl_s)
if action:
    verb, link_state = action.split(":", 1)
    old = store.get_link(link_state)
    if verb == "cancel":
        store.cancel_link(link_state, actor=current_actor())
        st.rerun()
    elif old is not None and make_link(old.connector, old.redirect_url, old.label):
        st.rerun()
