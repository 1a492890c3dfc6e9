"""Chart builders on the vendor sample and ugly variants, asserted on fig.data and fig.layout."""

from __future__ import annotations

import pandas as pd
import pytest

from components.figures import charts
from components.figures.compare_charts import comparison_figure, comparison_figures
from components.figures.report_figures import report_figures
from components.frame.plotly_view import BUNDLED_TRACES
from fpapi import Insights
from fpapi.analysis import frames, metrics
from fpapi.analysis.report import build_report
from fpapi.sandbox import build_insights, instagram_pool


@pytest.fixture
def sample(vendor_insights):
    return build_report(Insights.from_raw(vendor_insights))


@pytest.fixture
def rich():
    return build_report(Insights.from_raw(build_insights(instagram_pool()[3])))


def test_trend_figure_has_a_range_selector_and_every_point(rich):
    fig = charts.make_trend_figure(
        rich.follower_trend, title="Followers over time", y_title="Followers"
    )
    assert len(fig.data[0].x) == len(rich.follower_trend) and fig.data[0].mode == "lines"
    labels = [b.label for b in fig.layout.xaxis.rangeselector.buttons]
    assert labels == ["1m", "3m", "6m", "1y", "All"]
    assert (
        fig.layout.title.text == "Followers over time"
        and fig.layout.yaxis.title.text == "Followers"
    )


def test_a_single_trend_point_is_a_point_with_a_note(sample):
    fig = charts.make_trend_figure(sample.follower_trend, title="F", y_title="Followers")
    assert fig.data[0].mode == "markers" and list(fig.data[0].y) == [1257]
    assert "Only one data point" in fig.layout.annotations[0].text


def test_no_data_gives_no_figure_rather_than_an_empty_one():
    empty = build_report(Insights.from_raw({}))
    assert charts.make_trend_figure(empty.follower_trend, title="F", y_title="F") is None
    assert charts.make_engagement_split_figure(empty.engagement_split) is None
    assert charts.make_quality_figure(empty.quality) is None
    assert charts.make_benchmark_figure(None, None) is None
    assert charts.make_posts_scatter(empty.posts) is None
    assert charts.make_posts_per_week_figure(empty.posts_per_week) is None
    assert charts.make_posting_heatmap(empty.posting_heatmap) is None
    assert charts.make_top_items_figure(empty.hashtags, label_column="hashtag", title="t") is None


def test_engagement_split_bars(sample):
    fig = charts.make_engagement_split_figure(sample.engagement_split)
    assert list(fig.data[0].x) == ["Video", "Non-video"]
    assert list(fig.data[0].y) == [54.04, 18.68]
    assert fig.layout.yaxis.ticksuffix == "%"


def test_quality_figure_shows_the_four_sub_scores_on_a_0_to_5_scale(sample):
    fig = charts.make_quality_figure(sample.quality)
    assert list(fig.data[0].y) == [
        "Engagement rate",
        "Effective followers",
        "Consistency",
        "Authentic audience",
    ]
    assert list(fig.data[0].x) == [4, 4, 3, 0]
    assert list(fig.layout.xaxis.tickvals) == [0, 1, 2, 3, 4, 5]
    assert fig.data[0].text[-1] == "0 / 5"  # a zero still says so


def test_benchmark_figure_marks_the_creator_and_highlights_its_tier():
    fig = charts.make_benchmark_figure(2.4, "Micro")
    assert len(fig.data) == 5
    micro = next(t for t in fig.data if t.y[0].startswith("Micro"))
    assert micro.marker.color == charts.PALETTE[0] and list(micro.x) == [0.54]
    mid = next(t for t in fig.data if t.y[0].startswith("Mid"))
    assert list(mid.x) == [0.33, 0.54]  # a band: no published figure for mid-tier
    assert fig.layout.shapes[0].x0 == 2.4
    assert "2.40%" in fig.layout.annotations[0].text


def test_scatter_splits_formats_and_marks_outliers_and_sponsored():
    posts = pd.DataFrame(
        {
            "views": [1000.0, 1100, 900, 1200, 1050, 100_000],
            "er": [1.0, 1.1, 0.9, 1.2, 20.0, 1.0],
            "format": ["REEL", "REEL", "IMAGE", "IMAGE", "REEL", "REEL"],
            "sponsored": [False, True, False, False, False, False],
            "posted_at": pd.to_datetime([f"2024-01-0{d}" for d in range(1, 7)], utc=True),
        }
    )
    fig = charts.make_posts_scatter(posts)
    assert [t.name for t in fig.data] == ["IMAGE", "REEL"]
    reel = fig.data[1]
    sizes = dict(zip(reel.y, reel.marker.size, strict=True))
    assert sizes[20.0] > sizes[1.1]  # the ER outlier stands out
    assert (
        max(reel.marker.size) == reel.marker.size[list(reel.x).index(100_000)]
    )  # and the views one
    assert "star" in reel.marker.symbol
    assert fig.layout.xaxis.type == "log"


def test_heatmap_is_weekday_by_hour(rich):
    fig = charts.make_posting_heatmap(rich.posting_heatmap)
    z = fig.data[0].z
    assert len(z) == 7 and len(z[0]) == 24
    assert sum(sum(row) for row in z) == len(rich.posts)
    assert list(fig.data[0].y) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_vendor_text_in_labels_is_escaped(vendor_insights):
    for post in vendor_insights["get_posts"]["video_posts"]:
        post["hashtags"] = ["<a href='javascript:x'>x</a>"]
    report = build_report(Insights.from_raw(vendor_insights))
    fig = charts.make_top_items_figure(
        report.hashtags, label_column="hashtag", title="Tags", prefix="#"
    )
    labels = " ".join(fig.data[0].y)
    assert "<a" not in labels and "&lt;a href=" in labels


def test_posts_per_week_counts_weeks_with_no_posts(sample):
    weekly = metrics.posts_per_week(sample.posts)
    assert weekly["posts"].sum() == 17
    assert (weekly["posts"] == 0).any()  # gaps are shown, not skipped
    fig = charts.make_posts_per_week_figure(weekly)
    assert list(fig.data[0].y) == list(weekly["posts"])


@pytest.mark.parametrize("account", instagram_pool()[30:], ids=lambda a: a.kind)
def test_ugly_creators_build_without_an_exception(account):
    report = build_report(Insights.from_raw(build_insights(account)))
    from components.figures.report_figures import report_figures

    for name, fig in report_figures(report).items():
        assert fig is None or len(fig.data) > 0, name
    assert frames.posts(report.insights).columns.tolist() == frames.POST_COLUMNS


def test_a_heatmap_slot_whose_posts_have_no_er_says_so_never_nan():
    cells = pd.DataFrame(
        {"weekday": [0, 2], "hour": [10, 18], "posts": [1, 3], "average_er": [None, 2.5]}
    ).astype({"average_er": "Float64"})
    hover = charts.make_posting_heatmap(cells).data[0].hovertext
    assert hover[0][10] == "Mon 10:00 UTC<br>1 post · ER not available"
    assert hover[2][18] == "Wed 18:00 UTC<br>3 posts · mean ER 2.50%"
    assert hover[1][0] == "Tue 00:00 UTC<br>no posts"


def test_every_figure_uses_only_traces_the_browser_bundle_draws():
    """The browser loads a plotly.js of three trace types (components/frame/plotly_view.py): a trace type
    outside it would draw nothing at all."""
    reports = {
        account.name: build_report(Insights.from_raw(build_insights(account, posts=60, days=90)))
        for account in instagram_pool()
    }
    figures = [f for report in reports.values() for f in report_figures(report).values()]
    figures += comparison_figures(reports, raw=False) + comparison_figures(reports, raw=True)
    used = {trace.type for figure in figures if figure is not None for trace in figure.data}
    assert {"scatter", "bar", "heatmap"} <= used  # every kind the app draws was built here
    assert used <= BUNDLED_TRACES, used - BUNDLED_TRACES


def test_the_compare_growth_chart_draws_trends_that_share_no_period():
    """A creator whose history stopped two years ago, compared with three current ones: each
    line is drawn from its own first reading, and the chart says so."""
    accounts = instagram_pool()[:4]
    shapes = [{"days": 365, "trends_end_days_ago": 800}, {}, {}, {}]
    reports = {
        account.name: build_report(Insights.from_raw(build_insights(account, **shape)))
        for account, shape in zip(accounts, shapes, strict=True)
    }
    growth = comparison_figure(reports, 0, raw=False)
    assert growth is not None and len(growth.data) == 4
    assert "100 at each one's first reading" in growth.layout.title.text
    assert all(trace.y[0] == 100.0 for trace in growth.data)
    apart = growth.data[0]
    assert max(apart.x) < min(min(trace.x) for trace in growth.data[1:])
    raw = comparison_figure(reports, 0, raw=True)
    assert raw is not None and [len(t.x) for t in raw.data] == [len(t.x) for t in growth.data]
