"""Sharing with clients, on the Streamlit side: the "Share with a client" button of the compare
page and the campaign report, and what a client's link shows (``/share``).

A client's page is built from the share alone (the vendor's bodies as they stood when shared,
the labels and the report's settings): no roster, no workspace, no other creator can reach it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from components.exports import campaign_report
from components.exports.compare_html import render_compare_html
from components.figures import compare_charts as cc
from components.figures.compare_charts import comparison_figure, comparison_figures
from components.frame import state
from components.frame.downloads import offered_publicly
from components.frame.workspace import Workspace
from components.text import md_escape
from components.ui import campaigns as campaigns_ui
from components.ui import compare as compare_ui
from components.ui.insights import show_figure
from fpapi import Insights
from fpapi.analysis.campaigns import build_campaign_report, spec_from_params
from fpapi.analysis.compare import Fee, build_comparison, unique_labels
from fpapi.analysis.export import to_safe_csv
from fpapi.analysis.report import InsightsReport, build_report
from fpapi.errors import StudioError
from fpapi.storage.records import Creator, Share
from fpapi.workspace.settings import Settings

__all__ = ["render_share_button", "render_shared", "share_address"]


def share_address(settings: Settings, token: str) -> str:
    return f"{settings.public_url}/share?t={token}"


def _day(at: float) -> str:
    day = datetime.fromtimestamp(at, UTC)
    return f"{day.day} {day:%B %Y}"


def render_share_button(
    ws: Workspace, kind: str, title: str, creator_ids: list[str], spec: dict[str, Any]
) -> None:
    """A popover to share what the page shows, for analysts and admins."""
    if not ws.may_change:
        return
    what = "comparison" if kind == "compare" else "campaign report"
    this = f"{kind}|{title}|{','.join(creator_ids)}"  # the link shown is for what is on screen
    with st.popover("Share with a client", icon=":material/share:"):
        st.write(
            f"A link that shows this {what}, as it stands now, to anyone who has it: no account "
            "needed, nothing else of the workspace. You can revoke or update it on Shares."
        )
        days = st.radio(
            "The link works for",
            ws.expiry_choices(),
            format_func=lambda n: f"{n} day{'s' if n != 1 else ''}",
            horizontal=True,
            key=f"share-days-{kind}",
        )
        if st.button("Create share link", type="primary", key=f"share-create-{kind}"):
            try:
                made = ws.create_share(kind, title, creator_ids, spec, days=int(days))
            except StudioError as err:
                st.error(md_escape(str(err)))
            else:
                state.remember_share_link(this, share_address(ws.settings, made.token))
                state.set_notice(
                    f"Share link created: it works until {_day(made.share.expires_at)}."
                )
        address = state.share_link(this)
        if address:
            st.caption("Copy the link (the button at its right) and send it to the client:")
            st.code(address, language=None, wrap_lines=True)


def render_shared(share: Share, settings: Settings) -> None:
    """What a client's link shows: the comparison or report as it stood, and its downloads."""
    kept: dict[str, dict[str, Any]] = share.content.get("creators") or {}
    creators = {cid: kept[cid] for cid in share.creator_ids if cid in kept}  # as shared, in order
    spec: dict[str, Any] = share.content.get("spec") or {}
    st.title(md_escape(share.title))  # names creators chose: text, never markup
    brand = f" by {md_escape(settings.report_brand)}" if settings.report_brand else ""
    st.caption(
        f"Shared{brand} · as of {_day(share.as_of)} · this link works until {_day(share.expires_at)}"
    )
    if not creators:
        st.write("There is nothing left to show in this share.")
        return
    reports = {cid: build_report(Insights.from_raw(c["raw"])) for cid, c in creators.items()}
    if share.kind == "campaign":
        _render_campaign(share, creators, spec, reports, settings)
    else:
        _render_comparison(creators, spec, reports)


def _render_comparison(
    creators: dict[str, dict[str, Any]], spec: dict[str, Any], reports: dict[str, InsightsReport]
) -> None:
    columns = unique_labels(
        {cid: (c.get("name"), c.get("username")) for cid, c in creators.items()}
    )
    fees = {
        cid: Fee(float(fee["amount"]), str(fee["currency"]))
        for cid, fee in (spec.get("fees") or {}).items()
        if cid in creators
    }
    comparison = build_comparison(reports, columns, fees)
    statuses = {columns[cid]: f"Fetched {_day(c['fetched_at'])}" for cid, c in creators.items()}
    shown = compare_ui.shown_table(comparison, comparison.row_keys, statuses)
    st.subheader("Side by side", anchor=False)
    st.table(compare_ui.styled(shown))
    labelled = {columns[cid]: reports[cid] for cid in creators}
    st.subheader("Charts", anchor=False)
    tabs = st.tabs(list(compare_ui.CHART_SECTIONS), key="shared-chart", on_change="rerun")
    for index, tab in enumerate(tabs):  # only the open tab's chart is built and sent
        if tab.open:
            with tab:
                figure = comparison_figure(labelled, index, raw=False)
                show_figure(figure, key=f"shared-{index}", missing=cc.MISSING_NOTES[index])
    left, right = st.columns(2)
    _download(
        left, "Table as CSV", lambda: to_safe_csv(comparison.labelled()), "comparison.csv",
        "text/csv", ":material/download:",
    )  # fmt: skip
    _download(
        right, "Report as HTML",
        lambda: render_compare_html(
            shown.frame, best=shown.highlight, figures=comparison_figures(labelled, raw=False),
            title="Creator comparison",
        ),
        "comparison.html", "text/html", ":material/description:",
    )  # fmt: skip


def _render_campaign(
    share: Share,
    creators: dict[str, dict[str, Any]],
    spec: dict[str, Any],
    reports: dict[str, InsightsReport],
    settings: Settings,
) -> None:
    by_id = {
        cid: Creator(cid, "instagram", name=c.get("name"), username=c.get("username"))
        for cid, c in creators.items()
    }
    params = {**{k: str(v) for k, v in spec.items()}, "creators": ",".join(creators)}
    campaign, _ = spec_from_params(params, by_id)
    report = build_campaign_report(
        campaign,
        reports,
        {
            cid: (c.name or cid, f"@{c.username}" if c.username else None)
            for cid, c in by_id.items()
        },
        {cid: c["fetched_at"] for cid, c in creators.items()},
    )
    campaigns_ui.render_report(report)
    stem = "".join(ch if ch.isalnum() else "-" for ch in share.title).strip("-") or "campaign"
    left, right = st.columns(2)
    _download(
        left, "Posts as CSV", lambda: campaign_report.to_csv(report), f"{stem}.csv", "text/csv",
        ":material/download:",
    )  # fmt: skip
    _download(
        right, "Report as HTML",
        lambda: campaign_report.to_html(
            report, by_id, brand=settings.report_brand, colour=settings.report_color,
            now=time.time(),
        ),
        f"{stem}.html", "text/html", ":material/description:",
    )  # fmt: skip


def _download(
    where: Any, label: str, build: Callable[[], bytes | str], name: str, mime: str, icon: str
) -> None:
    """A download the client may fetch without signing in, built when pressed."""

    def make() -> bytes:
        content = build()
        data = content.encode() if isinstance(content, str) else content
        return offered_publicly(data, mime, name)

    where.download_button(label, data=make, file_name=name, mime=mime, icon=icon, on_click="ignore")
