"""Charts that overlay several creators. DataFrames in, ``go.Figure`` out, no Streamlit."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from components.figures.charts import (
    PALETTE,
    RANGE_BUTTONS,
    figure,
    horizontal_line,
    plot_text,
)
from fpapi.analysis.benchmarks import TIERS, benchmark_for
from fpapi.analysis.compare import indexed_growth, share_a_period
from fpapi.analysis.frames import QUALITY_SUBSCORES
from fpapi.analysis.report import InsightsReport


def creator_colours(names: list[str]) -> dict[str, str]:
    """Each creator's colour, from their place in the comparison: the same on every chart and
    export, whichever charts a creator has data for."""
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(names)}


def make_growth_overlay(
    growth: pd.DataFrame, colours: Mapping[str, str], *, indexed: bool, own_start: bool = False
) -> go.Figure | None:
    """Follower trends on one chart: indexed to 100 at the common start (at each one's own
    first reading with ``own_start``: trends that share no period), or raw."""
    if growth.empty:
        return None
    traces = []
    for name, colour in colours.items():  # the table's column order: the legend's too
        series = growth[growth["creator"] == name]
        if series.empty:
            continue
        traces.append(
            go.Scatter(
                x=series["date"], y=series["value"], mode="lines", name=plot_text(name),
                line={"color": colour}, marker={"color": colour},
                hovertemplate=plot_text(name) + " · %{x|%d %b %Y}: %{y:,.1f}<extra></extra>",
            )
        )  # fmt: skip
    start = "each one's first reading" if own_start else "the common start"
    title = (
        f"Follower growth, indexed to 100 at {start}"
        + (" (the trends share no period)" if own_start else "")
        if indexed
        else "Followers over time"
    )
    y_title = f"Followers (100 = {start})" if indexed else "Followers"
    return figure(
        traces,
        title=title,
        height=420,
        xaxis={"title": {"text": "Date"}, "rangeselector": {"buttons": RANGE_BUTTONS}},
        yaxis={"title": {"text": y_title}},
        shapes=[horizontal_line(100, dash="dot", color="#adb5bd")] if indexed else [],
    )


def make_engagement_overlay(
    trends: Mapping[str, pd.DataFrame], colours: Mapping[str, str]
) -> go.Figure | None:
    traces = []
    for name, trend in trends.items():
        data = trend.dropna(subset=["value"])
        if data.empty:
            continue
        traces.append(
            go.Scatter(
                x=data["date"], y=data["value"].astype(float), mode="lines" if len(data) > 1 else "markers",
                name=plot_text(name), line={"color": colours[name]}, marker={"color": colours[name]},
                hovertemplate=plot_text(name) + " · %{x|%d %b %Y}: %{y:.2f}%<extra></extra>",
            )
        )  # fmt: skip
    if not traces:
        return None
    return figure(
        traces,
        title="Engagement rate over time",
        height=420,
        xaxis={"title": {"text": "Date"}, "rangeselector": {"buttons": RANGE_BUTTONS}},
        yaxis={"title": {"text": "Engagement rate (%)"}, "ticksuffix": "%"},
    )


def make_quality_comparison(
    reports: Mapping[str, InsightsReport], colours: Mapping[str, str]
) -> go.Figure | None:
    """Grouped bars: each 0-5 quality sub-score, one bar per creator."""
    bars = []
    labels = list(QUALITY_SUBSCORES.values())
    for name, report in reports.items():
        scores = report.quality.set_index("metric")["score"]
        values = [None if key not in scores else float(scores[key]) for key in QUALITY_SUBSCORES]
        if all(v is None for v in values):
            continue
        bars.append(go.Bar(x=labels, y=values, name=plot_text(name), marker_color=colours[name]))
    if not bars:
        return None
    return figure(
        bars,
        title="Quality sub-scores",
        height=400,
        barmode="group",
        yaxis={"range": [0, 5], "dtick": 1, "title": {"text": "Score (0-5)"}},
    )


def make_format_comparison(
    reports: Mapping[str, InsightsReport], colours: Mapping[str, str]
) -> go.Figure | None:
    """Grouped bars: engagement rate by format (video, non-video, paid), one bar per creator."""
    bars = []
    for name, report in reports.items():
        split = report.engagement_split.dropna(subset=["engagement"])
        if split.empty:
            continue
        bars.append(
            go.Bar(x=split["format"], y=split["engagement"].astype(float), name=plot_text(name),
                   marker_color=colours[name])
        )  # fmt: skip
    if not bars:
        return None
    return figure(
        bars,
        title="Engagement by format",
        height=400,
        barmode="group",
        yaxis={"title": {"text": "Engagement rate (%)"}, "ticksuffix": "%"},
    )


def make_er_followers_scatter(
    reports: Mapping[str, InsightsReport], colours: Mapping[str, str]
) -> go.Figure | None:
    """ER vs followers for each creator, over the published benchmark for each tier."""
    points = [
        (name, report.followers, report.engagement_rate)
        for name, report in reports.items()
        if report.followers and report.engagement_rate is not None
    ]
    if not points:
        return None
    bands, notes, traces = [], [], []
    for tier in TIERS:
        bench = benchmark_for(tier)
        upper = tier.max_followers or max(max(p[1] for p in points) * 2, tier.min_followers * 10)
        bands.append({
            "type": "rect", "x0": tier.min_followers, "x1": upper, "y0": bench.low_pct * 0.95,
            "y1": max(bench.high_pct, bench.low_pct) * 1.05, "fillcolor": "#74c0fc",
            "opacity": 0.35, "line": {"width": 0}, "layer": "below",
        })  # fmt: skip
        notes.append({
            "x": _log_mid(tier.min_followers, upper), "y": bench.high_pct,
            "text": f"{tier.name} avg", "showarrow": False, "yshift": 10,
            "font": {"size": 10, "color": "#495057"}, "xref": "x", "yref": "y",
        })  # fmt: skip
    for name, followers, er in points:
        traces.append(
            go.Scatter(
                x=[followers], y=[er], mode="markers+text", name=plot_text(name), text=[plot_text(name, limit=18)],
                textposition="top center", marker={"size": 14, "color": colours[name]},
                hovertemplate=plot_text(name) + ": %{x:,.0f} followers, ER %{y:.2f}%<extra></extra>",
            )
        )  # fmt: skip
    return figure(
        traces,
        title="Engagement rate vs followers, over the tier benchmarks",
        height=440,
        shapes=bands,
        annotations=notes,
        xaxis={"type": "log", "title": {"text": "Followers (log scale)"}},
        yaxis={"title": {"text": "Engagement rate (%)"}, "ticksuffix": "%", "rangemode": "tozero"},
    )


def _log_mid(low: float, high: float) -> float:
    return (low * high) ** 0.5


def _growth_overlay(
    trends: dict[str, pd.DataFrame], colours: dict[str, str], raw: bool
) -> go.Figure | None:
    """From the trends' common start; from each one's own first reading when they share no
    period (a chart of each creator's own growth, rather than none)."""
    own_start = not share_a_period(trends)
    growth = indexed_growth(trends, indexed=not raw, own_start=own_start)
    return make_growth_overlay(growth, colours, indexed=not raw, own_start=own_start)


MISSING_NOTES = (
    "No follower growth to chart: no follower trends, or none with followers at their common start.",
    "No engagement trends are available.",
    "No quality sub-scores are available.",
    "No engagement figures by format are available.",
    "No follower counts and engagement rates to plot.",
)


ComparisonBuilder = Callable[
    [Mapping[str, InsightsReport], dict[str, str], bool], "go.Figure | None"
]

# The compare page's charts in page order (the tabs of compare_ui.CHART_SECTIONS).
COMPARISON_BUILDERS: tuple[ComparisonBuilder, ...] = (
    lambda reports, colours, raw: _growth_overlay(
        {name: report.follower_trend for name, report in reports.items()}, colours, raw
    ),
    lambda reports, colours, raw: make_engagement_overlay(
        {name: report.engagement_trend for name, report in reports.items()}, colours
    ),
    lambda reports, colours, raw: make_quality_comparison(reports, colours),
    lambda reports, colours, raw: make_format_comparison(reports, colours),
    lambda reports, colours, raw: make_er_followers_scatter(reports, colours),
)


def comparison_figure(
    reports: Mapping[str, InsightsReport], index: int, *, raw: bool
) -> go.Figure | None:
    """One overlay chart of the compare page (``index`` in page order), by column label in the
    table's order; each creator has the same colour in every one of them."""
    return COMPARISON_BUILDERS[index](reports, creator_colours(list(reports)), raw)


def comparison_figures(
    reports: Mapping[str, InsightsReport], *, raw: bool
) -> list[go.Figure | None]:
    """Every overlay chart of the compare page, in page order (for the HTML export)."""
    return [comparison_figure(reports, i, raw=raw) for i in range(len(COMPARISON_BUILDERS))]
