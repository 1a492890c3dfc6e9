""" "Forget this creator": the button, its one confirmation, and the receipt shown after.

The deletion itself is the workspace core's (:meth:`Workspace.forget_creator`), which refuses
a viewer whatever the page draws; the button is drawn for analysts and admins only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from components.frame import state
from components.frame.pages import PAGES
from components.frame.workspace import Workspace, reopened
from components.text import md_escape
from fpapi.errors import StudioError
from fpapi.storage.records import Creator, Deletion
from fpapi.workspace.settings import Settings

__all__ = [
    "WHAT_IS_DELETED",
    "deletion_offer",
    "deletion_sentence",
    "render_deletion_receipt",
    "render_forget",
    "retention_policy",
]

WHAT_IS_DELETED = (
    "their entry on every workspace's roster, the links that brought them, the vendor's cached "
    "insights and every fetch on record, notes, tags and status, their place in shortlists and "
    "campaigns, and their alerts. Activity entries stay, with a deletion code where their name "
    "was."
)


def render_forget(ws: Workspace, creator: Creator) -> None:
    """The button, for those who may change; it asks once before anything is deleted."""
    if not ws.may_change:
        return
    if st.button("Forget this creator", icon=":material/delete_forever:", key="forget-open"):
        _confirm(ws, creator)


@st.dialog("Forget this creator?", width="medium")
def _confirm(ws: Workspace, creator: Creator) -> None:
    who = creator.name or creator.username or "this creator"
    handle = f"@{creator.username.lstrip('@')}" if creator.username and creator.name else ""
    named = f"**{md_escape(who)}**" + (f" ({md_escape(handle)})" if handle else "")
    st.write(
        f"This deletes everything the app holds about {named}, "
        f"in every workspace: {WHAT_IS_DELETED} It cannot be undone."
    )
    st.caption(
        "You get a deletion code to give the creator: anyone can check it at /deletion, which "
        "shows the dates and nothing else."
    )
    left, right = st.columns(2)
    if left.button(f"Forget {who}", type="primary", icon=":material/delete_forever:"):
        try:
            deletion = reopened(ws).forget_creator(creator.creator_id)
        except StudioError as err:
            st.error(md_escape(str(err)))
            return
        address = f"{ws.settings.public_url}/deletion?code={deletion.code}"
        state.set_deletion_receipt(
            f"Forgot {who}: everything the app held about them is deleted. Deletion code "
            f"**{deletion.code}**: give it to the creator, who can check it at {address}."
        )
        st.switch_page(PAGES["creators"].path)
    if right.button("Cancel"):
        st.rerun()


def render_deletion_receipt() -> None:
    """The receipt of a forgetting this analyst just did, once, where they land after it."""
    receipt = state.pop_deletion_receipt()
    if receipt:
        st.success(receipt, icon=":material/check:")


def deletion_sentence(deletion: Deletion | None) -> str:
    """What /deletion says for a code: the two dates, or one sentence for an unknown code."""
    if deletion is None:
        return (
            "No deletion has this code. Check that it was typed as given (10 letters and "
            "digits); if it still does not match, ask whoever gave it to you."
        )
    connected = (
        f"connected on {_day(deletion.connected_at)}" if deletion.connected_at else "connected"
    )
    return f"The data of a creator who {connected} was deleted on {_day(deletion.deleted_at)}."


def _day(at: float) -> str:
    day = datetime.fromtimestamp(at, UTC)
    return f"{day.day} {day:%B %Y}"


def deletion_offer(settings: Settings) -> str:
    """What the callback's thank-you tells a creator about having their data deleted later."""
    contact = settings.privacy_contact
    whom = f"write to {md_escape(contact)}" if contact else "ask the person who sent you the link"
    return (
        f"You can have your data deleted at any time: {whom}. Everything this app holds about "
        f"you is then deleted, and you get a code to check at {settings.public_url}/deletion. "
        "Withdrawing this app's access in your account settings does the same."
    )


def retention_policy(settings: Settings) -> str:
    """What the home page says the privacy rules are."""
    purge_days = settings.revoked_purge_s / 86_400
    purge = "at once" if purge_days <= 0 else f"{purge_days:g} days later"
    return (
        f"**Privacy.** Fetch history, activity entries and ended campaigns are kept "
        f"{settings.retention_s / 86_400:g} days (FPAPI_RETENTION_DAYS). A creator whose consent "
        f"the vendor reports withdrawn is forgotten {purge}, and any creator can be forgotten "
        "from their insights page, with a deletion code to give them."
    )
