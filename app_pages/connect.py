"""Connect a creator: create a verification link, bring the token back, track every link."""

from __future__ import annotations

import streamlit as st

from components.frame import state
from components.frame.pages import link as page_link
from components.frame.workspace import open_workspace
from components.text import md_escape
from components.ui.connect import (
    link_title,
    render_link_card,
    render_links_list,
    render_outcome,
)
from fpapi import FPAPIError
from fpapi.errors import LinkRequestError
from fpapi.workspace.connect import CONNECTORS
from fpapi.workspace.returns import parse_pasted_return, port_mismatch

st.title("Connect a creator")
ws = open_workspace()
if ws.may_change:
    st.write(
        "Send a creator a verification link. When they press Allow, their browser comes back "
        "to this app and they join the roster. If they land somewhere else, paste what they "
        "send you into step 2."
    )

settings = ws.settings
ws.prune_links()


def make_link(connector: str, redirect_url: str, label: str) -> bool:
    """Create a link and show it as this analyst's latest; say plainly if that failed."""
    try:
        new = ws.create_link(connector=connector, redirect_url=redirect_url, label=label)
    except LinkRequestError as err:
        st.error(str(err))
        return False
    except FPAPIError as err:
        st.error(f"The link could not be created. {md_escape(str(err))}")
        return False
    state.remember_link(new.link.key, new.state)
    return True


if not ws.may_change:
    st.info(
        "You are a viewer: you can see the verification links below. Creating, verifying and "
        "cancelling them is for analysts.",
        icon=":material/visibility:",
    )
else:
    reconnect = st.query_params.get("reconnect")
    if reconnect:  # "Prepare a fresh link" on the roster or a creator's insights: done at once
        del st.query_params["reconnect"]  # a reload must not make another
        lapsed = ws.creator(reconnect)
        if lapsed is None:
            st.warning("That creator is no longer on the roster: create a link for them below.")
        else:
            name = lapsed.name or lapsed.username or lapsed.label or "the creator"
            if make_link(lapsed.connector, settings.callback_url, f"{name} (reconnect)"):
                st.success(
                    f"A fresh verification link for {md_escape(name)} is ready below: send "
                    "it to them."
                )

    st.subheader("1. Create a verification link")
    port_note = port_mismatch(settings.public_url, st.get_option("server.port"))
    if port_note:
        st.warning(port_note)
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
            "if the creator should land on another page of this app or of a site listed in "
            "FPAPI_ALLOWED_REDIRECT_ORIGINS; then paste what they land on in step 2.",
        )
        if st.form_submit_button("Create verification link", type="primary"):
            make_link(connector, redirect_url, label)

    last = ws.link(state.last_link_key() or "")
    if last is not None and last.url:
        render_link_card(last, ttl_s=settings.link_ttl_s)

    st.subheader("2. Bring the token back")
    st.caption(
        "Only needed when the creator landed somewhere other than this app. Paste the whole "
        "address they landed on (it names its link), or just the token and pick its link."
    )
    open_links = ws.links(include_finished=False)
    ours = [link for link in open_links if link.status == "pending" and state.link_state(link.key)]
    with st.form("paste-token", clear_on_submit=True):
        pasted = st.text_input(
            "Paste the address the creator landed on, or the token",
            type="password",
            placeholder="https://…/callback?token=…&state=…  or just the token",
        )
        chosen = st.selectbox(
            "For which link? (needed for a bare token)",
            ours,
            format_func=link_title,
            index=0 if len(ours) == 1 else None,
            placeholder="Choose the link this token is for"
            if ours
            else "No link of yours is waiting",
            help="A bare token can be matched only to a link created in this browser session. "
            "For any other link, paste the whole address.",
        )
        if st.form_submit_button("Verify creator"):
            paste = parse_pasted_return(pasted)
            link_state = paste.state or (state.link_state(chosen.key) if chosen else None)
            if paste.problem:
                state.set_paste_outcome(None)
                st.error(paste.problem)
            elif link_state is None:
                state.set_paste_outcome(None)
                st.error(
                    "Choose which link this token is for."
                    if ours
                    else "A bare token can be matched only to a link created in this browser "
                    "session. Paste the whole address the creator landed on instead."
                )
            else:
                outcome = ws.finish_verification(
                    state=link_state,
                    token=paste.token,
                    error=paste.error,
                    via="pasted_url" if paste.state else "pasted_token",
                )
                state.set_paste_outcome(outcome)
    outcome = state.paste_outcome()
    if outcome is not None:
        render_outcome(outcome)
        if outcome.creator is not None:
            page_link("creators", "See the roster")

st.subheader("Verification links")
show_finished = st.toggle(
    "Show finished and expired links",
    help=f"They are deleted {settings.link_keep_s / 86_400:.0f} days after they end "
    "(FPAPI_LINK_KEEP_DAYS).",
)
links = ws.links(include_finished=show_finished)
if not links:
    st.caption(
        "No links waiting for a creator." + (" Create one in step 1." if ws.may_change else "")
    )
action = render_links_list(links, ttl_s=settings.link_ttl_s, actions=ws.may_change)
if action:
    verb, key = action
    old = ws.link(key)
    if verb == "cancel":
        ws.cancel_link(key)
        st.rerun()
    elif old is not None and make_link(old.connector, old.redirect_url, old.label):
        st.rerun()
