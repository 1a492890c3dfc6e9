"""The Shares page's list: one card per share, with Revoke and Update for those who may."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from components.frame import state
from components.frame.workspace import Workspace
from components.text import md_escape
from fpapi.errors import StudioError
from fpapi.storage.records import Share

__all__ = ["render_share_list"]


def _when(at: float | None) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "never"


def _status(share: Share, now: float) -> str:
    if share.revoked_at is not None:
        return f"revoked {_when(share.revoked_at)}"
    if share.expires_at <= now:
        return f"expired {_when(share.expires_at)}"
    return f"works until {_when(share.expires_at)}"


def render_share_list(ws: Workspace) -> None:
    shares, now = ws.shares(), time.time()
    if not shares:
        st.info(
            "No shares yet. Share a comparison (Compare) or a campaign report (Campaigns) with "
            "the “Share with a client” button."
        )
        return
    names = {c.creator_id: c.name or c.username or c.creator_id for c in ws.creators(
        sorted({cid for share in shares for cid in share.creator_ids})
    )}  # fmt: skip
    for share in shares:
        what = "Comparison" if share.kind == "compare" else "Campaign report"
        who = ", ".join(
            names.get(cid, "a creator no longer on the roster") for cid in share.creator_ids
        )
        with st.container(border=True, key=f"share-{share.key[:16]}"):
            st.markdown(
                f"**{md_escape(share.title)}** · {what}, {len(share.creator_ids)} creator{'s' if len(share.creator_ids) != 1 else ''}: "
                f"{md_escape(who) or 'nobody left'}  \n"
                f":small[Shared by {md_escape(share.created_by)} on {_when(share.created_at)} · "
                f"as of {_when(share.as_of)} · {_status(share, now)}]  \n"
                f":small[Views: **{share.views}** · last view {_when(share.last_view_at)}]"
            )
            if ws.may_change and share.revoked_at is None and share.expires_at > now:
                left, right, _ = st.columns([1, 1, 4])
                if left.button("Revoke", key=f"revoke-{share.key[:16]}", icon=":material/block:"):
                    _change(ws.revoke_share, share.key, f"Revoked {share.title}.")
                if right.button("Update", key=f"update-{share.key[:16]}", icon=":material/sync:"):
                    _change(
                        ws.update_share, share.key, f"{share.title} now shows the current data."
                    )


def _change(do: Callable[[str], object], key: str, done: str) -> None:
    try:
        do(key)
    except StudioError as err:
        st.error(md_escape(str(err)))
        return
    state.set_notice(done)
    st.rerun()
