"""One typed wrapper over ``st.session_state``: every key this app keeps lives here.

Only this analyst's own, non-secret choices are kept: which link they just created, what the
callback page concluded, which creators they picked.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from fpapi.workspace.connect import VerificationOutcome

_PREFIX = "cis."


def _get(name: str, default: Any = None) -> Any:
    return st.session_state.get(_PREFIX + name, default)


def _set(name: str, value: Any) -> None:
    st.session_state[_PREFIX + name] = value


def last_link_state() -> str | None:
    """The state of the link this analyst created last, to show its card."""
    return _get("last_link_state")


def set_last_link_state(state: str | None) -> None:
    _set("last_link_state", state)


def callback_outcome(fingerprint: str) -> VerificationOutcome | None:
    """What the callback page concluded for one set of query parameters in this session."""
    return _get("callback_outcomes", {}).get(fingerprint)


def remember_callback_outcome(fingerprint: str, outcome: VerificationOutcome) -> None:
    outcomes = dict(_get("callback_outcomes", {}))
    outcomes[fingerprint] = outcome
    _set("callback_outcomes", outcomes)
    _set("last_callback_fingerprint", fingerprint)


def last_callback_outcome() -> VerificationOutcome | None:
    fingerprint = _get("last_callback_fingerprint")
    return callback_outcome(fingerprint) if fingerprint else None


def paste_outcome() -> VerificationOutcome | None:
    """The result of this analyst's last paste-back on the connect page."""
    return _get("paste_outcome")


def set_paste_outcome(outcome: VerificationOutcome | None) -> None:
    _set("paste_outcome", outcome)
