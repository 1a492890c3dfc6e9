"""Every chart of one creator's report, built once, for the page and the HTML export alike."""

from __future__ import annotations

import plotly.graph_objects as go

from components import charts
from fpapi.analysis.report import InsightsReport


def report_figures(report: InsightsReport) -> dict[str, go.Figure | None]:
    """Figures by name; None where the data is not available."""
    return {
        "followers": charts.make_trend_figure(
            report.follower_trend, title="Followers over time", y_title="Followers"
        ),
        "engagement": charts.make_trend_figure(
            report.engagement_trend,
            title="Engagement rate over time",
            y_title="Engagement rate",
            percent=True,
        ),
        "split": charts.make_engagement_split_figure(report.engagement_split),
        "quality": charts.make_quality_figure(report.quality),
        "benchmark": charts.make_benchmark_figure(
            report.engagement_rate, report.tier.name if report.tier else None
        ),
        "scatter": charts.make_posts_scatter(report.posts),
        "per_week": charts.make_posts_per_week_figure(report.posts_per_week),
        "heatmap": charts.make_posting_heatmap(report.posting_heatmap),
        "hashtags": charts.make_top_items_figure(
            report.hashtags, label_column="hashtag", title="Most used hashtags", prefix="#"
        ),
    }
