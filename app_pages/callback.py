"""Verification: where a creator's browser lands after the consent screen.

Opened in a brand-new session with ``?token=…&state=…`` or ``?error=…&state=…``. The link is
claimed once, the vendor asked once, and the token is then wiped from the URL bar and history.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from components.frame import state
from components.frame.access import access_this_run
from components.frame.pages import link
from components.frame.url_scrub import scrub_query_string
from components.frame.workspace import open_public_workspace
from components.text import md_escape
from components.ui.connect import render_outcome
from components.ui.forget import deletion_offer
from fpapi.workspace.connect import CONNECTORS, VerificationOutcome

# What a creator reads when the app cannot finish: no setting names or folders.
UNAVAILABLE = (
    "This app cannot finish verifications right now. Tell the person who sent you the link; "
    "they can send a new one once it is fixed."
)

st.title("Verification")

params = {name: st.query_params.get_all(name) for name in ("token", "state", "error")}
has_params = any(params.values())

outcome: VerificationOutcome | None = None
if has_params:
    fingerprint = hashlib.sha256(repr(sorted(params.items())).encode()).hexdigest()
    outcome = state.callback_outcome(fingerprint)
    if outcome is None:
        if any(len(set(values)) > 1 for values in params.values()):
            outcome = VerificationOutcome(
                "rejected",
                "This address carries two different values for the same field, so it cannot "
                "be trusted. Ask the analyst for a new link.",
            )
        else:
            ws = open_public_workspace(UNAVAILABLE)
            with st.spinner("Confirming your account…"):
                outcome = ws.finish_verification(
                    state=(params["state"] or [None])[0],
                    token=(params["token"] or [None])[0],
                    error=(params["error"] or [None])[0],
                    via="callback",
                    credit_link_creator=True,  # a creator's browser: signed out
                )
        state.remember_callback_outcome(fingerprint, outcome)
    scrub_query_string(key="scrub-callback")
else:
    outcome = state.last_callback_outcome()

# Whoever opened this page, only an analyst who is let in gets a way into the workspace.
analyst = access_this_run().may_enter
if outcome is None:
    st.write(
        "This page finishes a creator's verification when their browser comes back from the "
        "consent screen. There is nothing to do here by hand."
    )
    if analyst:
        link("connect", "Create a verification link")
elif outcome.status == "verified" and outcome.creator is not None:
    creator = outcome.creator
    platform = CONNECTORS.get(creator.connector, creator.connector)
    st.success(
        f"Thank you{', ' + md_escape(creator.name) if creator.name else ''}! Your {platform} "
        "account is connected. You can close this tab now."
    )
    st.write(deletion_offer(open_public_workspace(UNAVAILABLE).settings))
    if analyst:
        link("creators", "Open the roster")
else:
    render_outcome(outcome)
