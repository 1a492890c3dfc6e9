"""Widgets of the connect flow: the link card, the pending list and verification outcomes."""

from __future__ import annotations

import io
import time
from urllib.parse import urlsplit

import segno
import streamlit as st

from components.text import ago, clock_label, duration, md_escape
from fpapi.links import PendingLink
from fpapi.workspace.connect import CONNECTORS, VerificationOutcome

QR_SCALE = 5


def link_title(link: PendingLink) -> str:
    """What the analyst recognises a link by: its label, else its platform and time."""
    platform = CONNECTORS.get(link.connector, link.connector)
    return (
        f"{link.label} ({platform})"
        if link.label
        else f"{platform} link of {clock_label(link.created_at)}"
    )


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as PNG bytes, for a creator sitting across the table."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=QR_SCALE, border=2)
    return buffer.getvalue()


def render_link_card(link: PendingLink, *, ttl_s: float, now: float | None = None) -> None:
    """The link just created, ready to send: clickable, copyable, as a QR code, with expiry."""
    now = time.time() if now is None else now
    expires_at = link.expires_at(ttl_s)
    with st.container(border=True):
        st.markdown(f"**Verification link for {md_escape(link_title(link))}**")
        if urlsplit(link.url).scheme not in ("http", "https"):
            st.error(
                "The API returned a link that is not a web address, so it is not shown. "
                "Create a new link; if this repeats, contact the vendor."
            )
            return
        left, right = st.columns([3, 1])
        with left:
            st.link_button("Open the verification link", link.url)
            st.caption("Copy the link to send it by email or chat:")
            st.code(link.url, language=None, wrap_lines=True)
            if link.status == "pending" and expires_at > now:
                st.caption(
                    f"Expires in {duration(expires_at - now)}, at {clock_label(expires_at)}. "
                    "The creator opens it, connects their account, and comes back here."
                )
            else:
                st.caption(f"Status: {link.status.label}.")
        with right:
            st.image(qr_png(link.url), caption="Scan to open on a phone", width=180)


def render_outcome(outcome: VerificationOutcome) -> None:
    """One verification result as a plain sentence in the right colour."""
    show = {
        "verified": st.success,
        "refused": st.info,
        "failed": st.error,
        "retry": st.warning,
        "rejected": st.warning,
    }[outcome.status]
    show(md_escape(outcome.message))


LINKS_PER_PAGE = 20


def render_links_list(
    links: list[PendingLink], *, ttl_s: float, actions: bool = True, now: float | None = None
) -> tuple[str, str] | None:
    """The links, a page at a time, each with label, platform, age and status, and (with
    ``actions``: not for a viewer) Cancel and New link buttons. Returns the action the analyst
    chose, ``("cancel" | "renew", link key)``, else None."""
    now = time.time() if now is None else now
    action = None
    pages = max(1, -(-len(links) // LINKS_PER_PAGE))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1)
        )
        st.caption(
            f"Links {(page - 1) * LINKS_PER_PAGE + 1} to {min(page * LINKS_PER_PAGE, len(links))} "
            f"of {len(links)}, newest first."
        )
    for link in links[(page - 1) * LINKS_PER_PAGE : page * LINKS_PER_PAGE]:
        key = link.key[:16]
        with st.container(border=True):
            text, buttons = st.columns([4, 2], vertical_alignment="center")
            status = link.status.label
            by = f" by {link.created_by}" if link.created_by else ""
            details = f"Created {ago(now - link.created_at)}{by} · {status}"
            if link.status == "pending":
                details += f" · expires in {duration(link.expires_at(ttl_s) - now)}"
            if link.detail and link.status in ("failed", "refused", "pending"):
                details += f" · {link.detail}"
            text.markdown(f"**{md_escape(link_title(link))}**  \n{md_escape(details)}")
            if not actions:
                continue
            with buttons:
                if link.status == "pending" and st.button("Cancel", key=f"cancel-{key}"):
                    action = ("cancel", link.key)
                if st.button("New link for this creator", key=f"renew-{key}"):
                    action = ("renew", link.key)
    return action
