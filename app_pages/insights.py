"""Insights: one creator's first-party Instagram insights (``?creator=<creator_id>``)."""

from __future__ import annotations

import time

import streamlit as st

from components import insights_ui as ui
from components import state
from components.activity import export_button, refresh_insights
from components.charts import make_posts_scatter
from components.loaders import insights_figures, load_insights, report_of
from components.pages import link
from components.report_html import render_report_html
from components.text import md_escape
from components.workspace import open_workspace
from fpapi import FPAPIError
from fpapi.analysis.export import to_safe_csv
from fpapi.analysis.metrics import filter_posts

st.title("Insights")

ws = open_workspace()
roster = ws.store.creators()

if not roster:
    st.info("No creators yet. Verify a creator first; their insights appear here.")
    link("connect", "Create a verification link")
    st.stop()

by_id = {c.creator_id: c for c in roster}
wanted = st.query_params.get("creator")
if wanted and wanted not in by_id:
    st.warning(
        "The creator in this link is not on the roster (removed, or a mistyped link). Pick one below."
    )
ids = list(by_id)
chosen = st.selectbox(
    "Creator",
    ids,
    index=ids.index(wanted) if wanted in by_id else None,
    format_func=lambda cid: (
        " · ".join(
            filter(
                None, [by_id[cid].name, f"@{by_id[cid].username}" if by_id[cid].username else None]
            )
        )
        or cid
    ),
    placeholder="Choose a creator from the roster",
)
if chosen is None:
    st.stop()
if chosen != wanted:
    st.query_params["creator"] = chosen  # the view stays a shareable link
creator = by_id[chosen]
title = creator.name or creator.username or "Creator"

if creator.connector != "instagram":
    st.info(
        "This creator connected a YouTube channel. The First Party API offers Instagram "
        "insights only, so there is nothing to chart for them."
    )
    st.stop()

try:
    with st.spinner("Loading insights…"):
        loaded = (
            refresh_insights(ws, chosen, subject=title)
            if state.pop_refresh(chosen)
            else load_insights(ws.config, chosen)
        )
        report = report_of(ws.config, loaded)
except FPAPIError as err:
    st.error(f"Insights for {md_escape(title)} could not be loaded. {err}")
    st.stop()

ui.render_header(report, creator)
if ui.render_freshness(loaded, report):
    state.request_refresh(chosen)
    st.rerun()
ui.render_kpis(report)

figures = insights_figures(ws.config, loaded)

st.subheader("Followers and engagement over time", anchor=False)
chart, numbers = st.columns([4, 1])
with chart:
    ui.show_figure(
        figures["followers"], key="followers", missing="No follower trend is available yet."
    )
with numbers:
    ui.render_growth(report)
ui.show_figure(
    figures["engagement"], key="engagement", missing="No engagement trend is available yet."
)

st.subheader("Engagement split", anchor=False)
ui.show_figure(
    figures["split"], key="split", missing="The vendor has no engagement figures by format."
)
ui.render_split_table(report)
ui.render_sponsored(report)

st.subheader("Quality and benchmark", anchor=False)
quality, bench = st.columns(2)
with quality:
    ui.render_quality_summary(report)
    ui.show_figure(
        figures["quality"], key="quality", missing="No quality sub-scores are available."
    )
with bench:
    ui.show_figure(figures["benchmark"], key="benchmark", missing="No engagement rate to compare.")
    ui.render_benchmark_note(report)

st.subheader("Top posts", anchor=False)
left, right = st.columns(2)
formats = sorted(report.posts["format"].dropna().unique())
picked_formats = left.multiselect("Formats", formats, default=formats, placeholder="All formats")
sponsored = right.segmented_control(
    "Sponsored", ["all", "sponsored", "organic"], default="all",
    format_func=lambda v: {"all": "All posts", "sponsored": "Sponsored", "organic": "Organic"}[v],
)  # fmt: skip
posts = filter_posts(report.posts, formats=picked_formats, sponsored=sponsored or "all")
scatter = figures["scatter"] if len(posts) == len(report.posts) else make_posts_scatter(posts)

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
        file_name=f"posts-{(creator.username or chosen).lstrip('@')}.csv",
        mime="text/csv",
        icon=":material/download:",
        subject=f"the posts of {title}",
    )
ui.show_figure(scatter, key="scatter", missing="No posts with views and ER to plot.")

st.subheader("Posting activity", anchor=False)
ui.show_figure(figures["per_week"], key="per_week", missing="No dated posts to count per week.")
ui.show_figure(
    figures["heatmap"], key="heatmap", missing="No dated posts to place by weekday and hour."
)

st.subheader("Hashtags, mentions and brands", anchor=False)
ui.show_figure(figures["hashtags"], key="hashtags", missing="No hashtags in the posts.")
tags, people = st.columns(2)
with tags:
    ui.render_accounts_table(
        report.hashtags, title_column="hashtag", prefix="#", empty="No hashtags in the posts."
    )
with people:
    ui.render_accounts_table(
        report.mentions, title_column="username", prefix="@", empty="No mentions or brand mentions."
    )

st.subheader("Look-alike creators", anchor=False)
ui.render_look_alikes(report, creator, roster)

st.subheader("Audience", anchor=False)
ui.render_audience(report)

st.subheader("Share this report", anchor=False)
export_button(
    "Download the full report (HTML, charts included)",
    data=lambda: render_report_html(report, title=title, fetched_at=loaded.fetched_at),
    file_name=f"insights-{(creator.username or chosen).lstrip('@')}-{time.strftime('%Y%m%d')}.html",
    mime="text/html",
    icon=":material/description:",
    subject=f"the insights report of {title}",
)
