"""Every chart of one creator's report, one builder per name, for the page and the HTML export
alike: the page builds only the charts of the section on screen, the export all of them."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from components.figures import charts
from fpapi.analysis.report import InsightsReport

FIGURE_BUILDERS: dict[str, Callable[[InsightsReport], go.Figure | None]] = {
    "followers": lambda report: charts.make_trend_figure(
        report.follower_trend,
        title="Followers over time",
        y_title="Followers",
        spikes=report.spikes.spikes,
    ),
    "engagement": lambda report: charts.make_trend_figure(
        report.engagement_trend,
        title="Engagement rate over time",
        y_title="Engagement rate",
        percent=True,
    ),
    "split": lambda report: charts.make_engagement_split_figure(report.engagement_split),
    "quality": lambda report: charts.make_quality_figure(report.quality),
    "benchmark": lambda report: charts.make_benchmark_figure(
        report.engagement_rate, report.tier.name if report.tier else None
    ),
    "scatter": lambda report: charts.make_posts_scatter(report.posts),
    "per_week": lambda report: charts.make_posts_per_week_figure(report.posts_per_week),
    "heatmap": lambda report: charts.make_posting_heatmap(report.posting_heatmap),
    "hashtags": lambda report: charts.make_top_items_figure(
        report.hashtags, label_column="hashtag", title="Most used hashtags", prefix="#"
    ),
}


def report_figures(report: InsightsReport) -> dict[str, go.Figure | None]:
    """Every figure by name; None where the data is not available."""
    return {name: build(report) for name, build in FIGURE_BUILDERS.items()}
