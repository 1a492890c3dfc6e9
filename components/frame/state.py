"""One typed wrapper over ``st.session_state``: every key this app keeps lives here.

Only this session's own, non-secret state is kept: which link the analyst just created, what
the callback page concluded, which creators they picked, the load of the creator a page opens
on (while it runs), the shares a client's visit opened (by key, never the token).
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from fpapi.workspace.connect import VerificationOutcome

_PREFIX = "cis."


SHORTLIST_NAME_KEY = _PREFIX + "compare.shortlist_name"  # the compare page's name field


def raw_follower_counts() -> bool:
    """Whether this analyst's compare growth chart shows raw counts instead of an index. Kept
    apart from its toggle: a widget's state goes when its tab is closed, this choice does not."""
    return bool(_get("compare.raw_counts", False))


def set_raw_follower_counts(raw: bool) -> None:
    _set("compare.raw_counts", raw)


def private_key(value: str) -> str:
    """A widget key derived from ``value`` that does not reveal it in the page (a link's
    state, a creator id)."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def _get(name: str, default: Any = None) -> Any:
    return st.session_state.get(_PREFIX + name, default)


def _set(name: str, value: Any) -> None:
    st.session_state[_PREFIX + name] = value


def _pop(name: str, default: Any = None) -> Any:
    """A value kept for one reading: it is gone once read."""
    return st.session_state.pop(_PREFIX + name, default)


def remember_link(key: str, state: str) -> None:
    """A link this analyst just created: its card is shown, and a bare token pasted later in
    this session can be matched to it (the store keeps only a hash of its state)."""
    _set("link_states", {**_get("link_states", {}), key: state})
    _set("last_link_key", key)


def link_state(key: str) -> str | None:
    """The state of a link created in this session, else None."""
    return _get("link_states", {}).get(key)


def last_link_key() -> str | None:
    """The link this analyst created last, to show its card."""
    return _get("last_link_key")


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


def remember_access(decision: Any) -> None:
    """This run's access decision (the frame decides it first, every run), so that pages and
    buttons do not read the secrets and the store's sign-outs again."""
    _set("access", decision)


def remembered_access() -> Any:
    return _get("access")


def remember_workspace(ws: Any) -> None:
    """The workspace core the frame opened for this run (None before it opens one)."""
    _set("workspace", ws)


def remembered_workspace() -> Any:
    return _get("workspace")


def workspace_name() -> str | None:
    """The client workspace this session is in (None before its first run in one)."""
    return _get("workspace_name")


def set_workspace_name(name: str | None) -> None:
    _set("workspace_name", name)


def set_deletion_receipt(text: str) -> None:
    """The receipt of a forgetting (markdown: the names in it are escaped), shown once."""
    _set("deletion_receipt", text)


def pop_deletion_receipt() -> str | None:
    return _pop("deletion_receipt")


def remember_share_link(kind: str, address: str) -> None:
    """The share link this analyst just made on a page (its token is shown to them only)."""
    _set(f"share_link.{kind}", address)


def share_link(kind: str) -> str | None:
    return _get(f"share_link.{kind}")


def seen_shares() -> set[str]:
    """The shares (by key, never the token) a client's visit opened already: drawn again, they
    are not counted as another view."""
    return _get("share.seen", set())


def mark_share_seen(key: str) -> None:
    _set("share.seen", seen_shares() | {key})


def note_page(key: str) -> None:
    """The frame, on every run: the page this run shows (``entered_page`` then says whether
    the session's previous run showed another)."""
    _set("page.entered", _get("page.current") != key)
    _set("page.current", key)


def entered_page() -> bool:
    """Whether this run opened its page (from another page, a link or a new tab), rather
    than rerunning it for a change made on it."""
    return bool(_get("page.entered", True))


def set_notice(text: str) -> None:
    """A sentence to show once, as a toast, on the next run (after an action that reruns)."""
    _set("notice", text)


def pop_notice() -> str | None:
    return _pop("notice")


def request_refresh(creator_id: str) -> None:
    """Ask the next run of the insights page to fetch this creator again."""
    _set(f"refresh.{creator_id}", True)


def pop_refresh(creator_id: str) -> bool:
    return bool(_pop(f"refresh.{creator_id}", False))


def refresh_requested(creator_id: str) -> bool:
    return bool(_get(f"refresh.{creator_id}", False))


def set_first_view(creator_id: str | None, started: Any = None) -> None:
    """The load of the creator this run's address names, started as the run began (a
    Future), or none."""
    _set("first_view", (creator_id, started) if creator_id else None)


def pop_first_view(creator_id: str) -> Any:
    """That load, if it was for ``creator_id``; it is handed out once."""
    started = _pop("first_view")
    return started[1] if started and started[0] == creator_id else None


def paste_outcome() -> VerificationOutcome | None:
    """The result of this analyst's last paste-back on the connect page."""
    return _get("paste_outcome")


def set_paste_outcome(outcome: VerificationOutcome | None) -> None:
    _set("paste_outcome", outcome)


def set_shortlist_name(name: str) -> None:
    """Prefill the compare page's shortlist name (an opened shortlist's)."""
    st.session_state[SHORTLIST_NAME_KEY] = name


# Quoted fees: widget values reset when the analyst switches pages, so each value is also kept
# under a ".saved" key and restored when the pricing inputs are drawn again.


def _pricing_key(creator_id: str, field: str) -> str:
    return f"{_PREFIX}fee.{field}.{private_key(creator_id)}"


def pricing_widget(creator_id: str, field: str, default: Any) -> str:
    """The widget key for one pricing field, its value restored from before if any."""
    key = _pricing_key(creator_id, field)
    st.session_state.setdefault(key, st.session_state.get(f"{key}.saved", default))
    return key


def keep_pricing(creator_id: str, field: str, value: Any) -> None:
    st.session_state[f"{_pricing_key(creator_id, field)}.saved"] = value


def set_pricing(creator_id: str, field: str, value: Any) -> None:
    """Put a value (a shortlist's) where the pricing input will show it."""
    st.session_state[_pricing_key(creator_id, field)] = value
    keep_pricing(creator_id, field, value)
