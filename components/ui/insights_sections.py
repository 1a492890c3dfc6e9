"""The insights page below its header: the follower trend on top, then one tab per section.

Only the open tab runs: its figures are built (once per response, see ``insights_figure``)
and sent, the others cost nothing until the analyst opens them. The open tab is kept in the
address (``?section=...``), so a link can open a creator's top posts directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st

from components.exports.report_html import render_report_html
from components.figures.charts import make_posts_scatter
from components.frame.loaders import insights_figure
from components.ui import insights as ui
from components.ui.activity import export_button
from fpapi.analysis.export import to_safe_csv
from fpapi.analysis.metrics import filter_posts
from fpapi.analysis.report import InsightsReport
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Creator
from fpapi.workspace.core import Workspace

SECTION_KEY = "section"


@dataclass(frozen=True)
class InsightsView:
    """What every section of one creator's insights draws from."""

    ws: Workspace
    loaded: LoadedInsights
    report: InsightsReport
    creator: Creator
    title: str

    def figure(self, name: str) -> go.Figure | None:
        return insights_figure(self.ws, self.loaded, name)

    def show(self, name: str, missing: str) -> None:
        ui.show_figure(self.figure(name), key=name, missing=missing)

    @property
    def handle(self) -> str:
        return (self.creator.username or self.creator.creator_id).lstrip("@")


def render_trend(view: InsightsView) -> None:
    """Always on screen: the follower trend and the growth over a month, quarter and year."""
    st.subheader("Follower growth", anchor=False)
    chart, numbers = st.columns([4, 1])
    with chart:
        view.show("followers", "No follower trend is available yet.")
    with numbers:
        ui.render_growth(view.report)
    ui.render_spikes(view.report)


def render_engagement(view: InsightsView) -> None:
    view.show("engagement", "No engagement trend is available yet.")
    st.subheader("Engagement split", anchor=False)
    view.show("split", "The vendor has no engagement figures by format.")
    ui.render_split_table(view.report)
    ui.render_sponsored(view.report)


def render_quality(view: InsightsView) -> None:
    quality, bench = st.columns(2)
    with quality:
        ui.render_quality_summary(view.report)
        view.show("quality", "No quality sub-scores are available.")
    with bench:
        view.show("benchmark", "No engagement rate to compare.")
        ui.render_benchmark_note(view.report)


def render_posts(view: InsightsView) -> None:
    report = view.report
    left, right = st.columns(2)
    formats = sorted(report.posts["format"].dropna().unique())
    picked = left.multiselect("Formats", formats, default=formats, placeholder="All formats")
    sponsored = right.segmented_control(
        "Sponsored", ["all", "sponsored", "organic"], default="all",
        format_func=lambda v: {"all": "All posts", "sponsored": "Sponsored", "organic": "Organic"}[v],
    )  # fmt: skip
    posts = filter_posts(report.posts, formats=picked, sponsored=sponsored or "all")
    st.caption(f"{len(posts)} of {len(report.posts)} posts match these filters.")
    if posts.empty:
        st.caption(
            ":material/info: No posts match these filters."
            if len(report.posts)
            else ":material/info: The vendor sent no posts for this creator."
        )
    else:
        ui.render_posts_table(posts)
        export_button(
            "Download these posts as CSV",
            data=lambda: to_safe_csv(posts),
            file_name=f"posts-{view.handle}.csv",
            mime="text/csv",
            icon=":material/download:",
            subject=f"the posts of {view.title}",
        )
    scatter = (
        view.figure("scatter") if len(posts) == len(report.posts) else make_posts_scatter(posts)
    )
    ui.show_figure(scatter, key="scatter", missing="No posts with views and ER to plot.")


def render_activity(view: InsightsView) -> None:
    view.show("per_week", "No dated posts to count per week.")
    view.show("heatmap", "No dated posts to place by weekday and hour.")


def render_hashtags(view: InsightsView) -> None:
    report = view.report
    view.show("hashtags", "No hashtags in the posts.")
    tags, people = st.columns(2)
    with tags:
        ui.render_accounts_table(
            report.hashtags, title_column="hashtag", prefix="#", empty="No hashtags in the posts."
        )
    with people:
        ui.render_accounts_table(
            report.mentions, title_column="username", prefix="@", empty="No mentions or brand mentions."
        )  # fmt: skip


def render_look_alikes(view: InsightsView) -> None:
    ui.render_look_alikes(view.report, view.creator, view.ws)


def render_audience(view: InsightsView) -> None:
    ui.render_audience(view.report)


SECTIONS: dict[str, Callable[[InsightsView], None]] = {
    "Engagement": render_engagement,
    "Quality and benchmark": render_quality,
    "Top posts": render_posts,
    "Posting activity": render_activity,
    "Hashtags and mentions": render_hashtags,
    "Look-alikes": render_look_alikes,
    "Audience": render_audience,
}


def render_sections(view: InsightsView) -> None:
    """One tab per section; only the open one runs."""
    tabs = st.tabs(list(SECTIONS), key=SECTION_KEY, bind="query-params", on_change="rerun")
    for tab, render in zip(tabs, SECTIONS.values(), strict=True):
        if tab.open:
            with tab:
                render(view)


def render_share(view: InsightsView) -> None:
    st.subheader("Share this report", anchor=False)
    export_button(
        "Download the full report (HTML, every section and chart)",
        data=lambda: render_report_html(view.report, title=view.title, fetched_at=view.loaded.fetched_at),
        file_name=f"insights-{view.handle}-{time.strftime('%Y%m%d')}.html",
        mime="text/html",
        icon=":material/description:",
        subject=f"the insights report of {view.title}",
    )  # fmt: skip
