"""The server's first picture of a chart (shown until plotly.js has drawn it): the same data,
colours, titles and legend as the figure, vendor text escaped, and no picture at all for a
figure it cannot draw faithfully."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pandas as pd
import plotly.graph_objects as go
import pytest

from components.figures import charts
from components.figures.compare_charts import comparison_figure, comparison_figures
from components.figures.describe import describe
from components.figures.preview import PREVIEW_CLASS, preview_html
from components.figures.report_figures import report_figures
from fpapi import Insights
from fpapi.analysis.report import build_report
from fpapi.sandbox import build_insights, instagram_pool


@pytest.fixture(scope="module")
def largest():
    return build_report(
        Insights.from_raw(build_insights(instagram_pool()[0], posts=1000, days=730))
    )


class _Picture(HTMLParser):
    """The picture's parts as a browser reads them: its text, paths, bars and root."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.paths: list[dict[str, str]] = []
        self.rects: list[dict[str, str]] = []
        self.root: dict[str, str] = {}
        self.tags: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        found = {k: v or "" for k, v in attrs}
        if not self.root:
            self.root = found
        if tag == "path":
            self.paths.append(found)
        if tag == "rect":
            self.rects.append(found)

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())


def _points(path: dict[str, str]) -> list[tuple[float, float]]:
    return [tuple(map(float, pair)) for pair in re.findall(r"([\d.]+) ([\d.]+)", path["d"])]


def test_the_follower_trend_picture_draws_every_reading_in_the_figures_colours(largest):
    figures = report_figures(largest)
    fig = figures["followers"]
    markup = preview_html(fig, describe(fig))
    picture = _Picture(markup)
    assert PREVIEW_CLASS in picture.root["class"] and picture.root["role"] == "img"
    assert picture.root["aria-label"] == describe(fig)
    line = next(p for p in picture.paths if p.get("stroke") == charts.PALETTE[0])
    points = _points(line)
    assert len(points) == len(largest.follower_trend.dropna())
    assert all(0 <= x <= 1000 and 0 <= y <= 1000 for x, y in points)  # inside the plot
    # The newest reading is drawn at the right edge, the highest one at the top's height.
    values = largest.follower_trend["value"].astype(float)
    assert points[-1][0] == 1000.0
    highest = min(y for _, y in points)
    assert points[int(values.to_numpy().argmax())][1] == highest
    assert "Followers over time" in picture.text and "Date" in picture.text
    # Spike marks in the colours plotly gives them, and the legend names them.
    for trace in fig.data[1:]:
        assert any(p.get("stroke") == trace.marker.color for p in picture.paths)
        assert trace.name in picture.text


def test_the_split_picture_has_one_bar_per_format_in_its_colour_and_its_label(largest):
    fig = report_figures(largest)["split"]
    picture = _Picture(preview_html(fig, describe(fig)))
    bars = fig.data[0]
    assert [r["fill"] for r in picture.rects] == list(bars.marker.color)
    heights = [float(r["height"]) for r in picture.rects]
    ratios = [h / v for h, v in zip(heights, bars.y, strict=True)]
    assert max(ratios) - min(ratios) < 0.5  # heights in proportion to the values
    assert set(bars.text) <= set(picture.text) and set(bars.x) <= set(picture.text)


def test_each_creator_keeps_the_colour_plotly_gives_them_on_the_compare_growth_chart():
    accounts = instagram_pool()[:4]
    reports = {
        account.name: build_report(Insights.from_raw(build_insights(account)))
        for account in accounts
    }
    fig = comparison_figure(reports, 0, raw=False)
    markup = preview_html(fig, describe(fig))
    picture = _Picture(markup)
    colourway = list(fig.layout.colorway)
    for index, trace in enumerate(fig.data):
        colour = trace.line.color or trace.marker.color or colourway[index % len(colourway)]
        assert any(p.get("stroke") == colour and len(_points(p)) > 1 for p in picture.paths)
        swatch = f"background:{colour}"
        at = markup.index(swatch)
        assert trace.name in markup[at : at + 200]  # each name beside its own colour
    assert any("stroke-dasharray" in p for p in map(str, picture.paths))  # the 100 line


def test_vendor_text_in_a_picture_is_escaped():
    hostile = '<img src=x onerror="alert(1)">Évi &amp; co'
    trend = pd.DataFrame(
        {"date": pd.date_range("2026-01-01", periods=30, freq="D"), "value": range(30)}
    )
    fig = charts.make_trend_figure(trend, title=charts.plot_text(hostile), y_title="Followers")
    markup = preview_html(fig, f"{hostile} chart")
    picture = _Picture(markup)
    assert "img" not in picture.tags and "<img" not in markup
    shown = html.unescape(charts.plot_text(hostile))  # the title as plotly shows it
    assert shown.startswith("<img") and shown in picture.text  # text, never markup
    assert picture.root["aria-label"] == f"{hostile} chart"


def test_a_figure_it_cannot_draw_faithfully_gets_no_picture(largest):
    figures = report_figures(largest)
    # Heatmaps, a log axis, per-point colours, reference lines: plotly draws those alone.
    for name in ("heatmap", "scatter", "benchmark", "quality", "per_week"):
        assert figures[name] is not None and preview_html(figures[name], "x") is None, name
    one_point = pd.DataFrame({"date": [pd.Timestamp("2026-01-01")], "value": [5.0]})
    noted = charts.make_trend_figure(one_point, title="F", y_title="F")  # has a note
    assert preview_html(noted, "x") is None
    assert preview_html(go.Figure(), "x") is None


def test_values_equal_but_for_rounding_give_a_picture_with_a_few_ticks():
    """0.3 and 0.1 + 0.2 differ in their last bit: the axis must not count ticks forever."""
    trend = pd.DataFrame(
        {"date": pd.date_range("2026-01-01", periods=2, freq="D"), "value": [0.3, 0.1 + 0.2]}
    )
    fig = charts.make_trend_figure(trend, title="ER", y_title="ER", percent=True)
    picture = _Picture(preview_html(fig, "ER"))
    ticks = [t for t in picture.text if t.endswith("%")]
    assert 1 <= len(ticks) <= 10, ticks


def test_an_axis_the_figure_fixes_is_drawn_on_its_range_and_ticks():
    """The compare page's quality chart is 0 to 5 with a tick per point, whatever the scores:
    the picture's bars keep plotly's proportions."""
    accounts = instagram_pool()[:3]
    reports = {
        account.name: build_report(Insights.from_raw(build_insights(account)))
        for account in accounts
    }
    fig = next(f for f in comparison_figures(reports, raw=False) if f and f.layout.yaxis.range)
    picture = _Picture(preview_html(fig, "quality"))
    assert [t for t in picture.text if t in "012345"] == ["0", "1", "2", "3", "4", "5"]
    tallest = max(float(r["height"]) for r in picture.rects)
    highest = max(max(v for v in t.y if v is not None) for t in fig.data)
    assert abs(tallest - highest / 5 * 1000) < 1  # the same scale as plotly's 0-5 axis


def test_a_line_breaks_where_a_value_is_missing_as_plotly_draws_it():
    fig = go.Figure(
        go.Scatter(x=[1, 2, 3, 4, 5], y=[1.0, 2.0, None, 4.0, 5.0], mode="lines", name="a"),
        layout={"title": {"text": "Gap"}, "colorway": charts.PALETTE},
    )
    picture = _Picture(preview_html(fig, "gap"))
    line = next(p for p in picture.paths if p.get("stroke") == charts.PALETTE[0])
    assert line["d"].count("M") == 2 and len(_points(line)) == 4
