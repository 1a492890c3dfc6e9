"""The access gate's Streamlit side: who is visiting, and what a visitor who is kept out sees.

The decision itself is ``fpapi.workspace.access.decide`` (pure, tested without Streamlit). Nothing here
reads or shows a value of the ``[auth]`` section: only whether it is there and complete.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import streamlit as st

from components.frame import state
from components.frame.loaders import SecretsUnreadable, get_config, get_store, secrets_section
from components.text import md_escape
from fpapi.errors import StudioError
from fpapi.workspace.access import (
    AccessDecision,
    Role,
    auth_providers,
    decide,
    load_access_policy,
)
from fpapi.workspace.members import REMOVED

APP_NAME = "Creator Insights Studio"
log = logging.getLogger(__name__)


def current_access() -> AccessDecision:
    """The verdict for this session's visitor, from the environment, secrets and ``st.user``,
    decided afresh: the frame does it at the start of every run (app.py), and the rest of the
    run reads it with :func:`access_this_run`."""
    decision = access_of(st.user.to_dict())
    state.remember_access(decision)
    return decision


def access_this_run() -> AccessDecision:
    """The decision the frame made at the start of this run (decided now if it made none)."""
    decision = state.remembered_access()
    return decision if isinstance(decision, AccessDecision) else current_access()


def access_of(user: dict[str, Any]) -> AccessDecision:
    """The verdict for a visitor with these identity claims (``st.user``'s, or a request's
    sign-in cookie's: serve.py closes server routes with it)."""
    try:
        fpapi_table, auth_table = secrets_section("fpapi"), secrets_section("auth")
    except SecretsUnreadable as err:  # fail closed
        return AccessDecision("misconfigured", reason=f"{err} Nobody can be let in until then.")
    policy = load_access_policy(os.environ, fpapi_table, auth_table)
    return decide(
        policy,
        user,
        now=time.time(),
        signed_out_at=_signed_out_at(user),
        is_member=_is_member,
    )


def sign_in_configured() -> bool:
    """Whether an [auth] section is there (an unreadable secrets.toml counts: fail closed)."""
    try:
        return bool(secrets_section("auth"))
    except SecretsUnreadable:
        return True


def _signed_out_at(user: dict[str, Any]) -> float | None:
    """When this visitor's subject last signed out, on any replica (the store is shared)."""
    subject = user.get("sub") or user.get("email")
    if not user.get("is_logged_in") or not subject:
        return None
    config = get_config()
    if config.problem:
        return None  # the frame stops on the configuration problem before any page runs
    try:
        return get_store(config).signed_out_at(str(subject))
    except StudioError:
        return None  # the frame tells the outage before any page runs


def _is_member(address: str) -> bool:
    """Whether an address no allow-list names is a member of a client workspace."""
    config = get_config()
    if config.problem:
        return False
    try:
        return any(m.role != REMOVED for m in get_store(config).memberships(address))
    except StudioError:
        return False  # fail closed; the frame tells the outage to those who are let in


def sign_out(decision: AccessDecision) -> None:
    """End this session here and on every replica: cookies issued up to now are refused
    from now on, then Streamlit clears this browser's. ID tokens say when they were issued in
    whole seconds, so the sign-out counts from the next one: a token issued in this second,
    as this session's may be (a quick sign-in and out), cannot be told from a later one, and
    is refused with it (a new sign-in in the same second has to sign in once more)."""
    if decision.subject:
        try:
            get_store(get_config()).sign_out(decision.subject, float(int(time.time()) + 1))
        except StudioError:
            log.warning("Could not record the sign-out of %s", decision.actor)
    st.logout()


def _providers() -> list[str]:
    try:
        return auth_providers(secrets_section("auth"))
    except SecretsUnreadable:
        return []


def render_gate(decision: AccessDecision) -> None:
    """All a visitor who is not let in sees: the app's name, one sentence, one button."""
    st.title(APP_NAME)
    if decision.verdict == "sign_in":
        if decision.reason:
            st.write(md_escape(decision.reason))
        st.write("Sign in with your work account to open the workspace.")
        providers = _providers()
        if len(providers) <= 1:
            if st.button("Sign in", type="primary"):
                st.login(providers[0] if providers else None)
        else:
            for provider in providers:
                if st.button(f"Sign in with {provider.title()}", key=f"login-{provider}"):
                    st.login(provider)
    elif decision.verdict == "not_allowed":
        who = f"You are signed in as **{md_escape(decision.email)}**. " if decision.email else ""
        st.write(who + md_escape(decision.reason))
        if st.button("Sign out"):
            sign_out(decision)
    else:  # needs_sign_in_setup, misconfigured
        st.error(md_escape(decision.reason))


def render_account(decision: AccessDecision, role: Role | None = None) -> None:
    """The sidebar's line about who is here: the signed-in address and a way out, or a
    warning that the workspace is open to anyone who reaches it."""
    with st.sidebar:
        if decision.verdict == "allowed":
            st.caption(
                f"Signed in as **{md_escape(decision.actor)}**"
                + (f" · {role or decision.role}" if role or decision.role else ""),
                help=f"Your sign-in provider vouched for this address with its "
                f"`{decision.verified_by}` claim.",
            )
            if st.button("Sign out", icon=":material/logout:"):
                sign_out(decision)
        else:
            st.warning(
                "**No sign-in.** Anyone who can reach this address sees every creator and can "
                "change the roster. Configure sign-in before sharing it (README: “Sign-in for "
                "a team”).",
                icon=":material/lock_open:",
            )
