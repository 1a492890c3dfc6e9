"""Chart builders: tidy DataFrame in, ``go.Figure`` out. No Streamlit calls, no I/O.

Every figure has a title and axis titles, and none is ever empty: a builder given no data
returns None, so the page says "not available" instead of drawing an empty frame. Vendor
text that lands in a label or hover goes through :func:`plot_text` first, since plotly reads
a few HTML tags (<b>, <a href>) in text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from fpapi.analysis.benchmarks import TIERS, Benchmark, benchmark_for
from fpapi.analysis.metrics import WEEKDAYS
from fpapi.analysis.spikes import Spike
from fpapi.storage.records import Snapshot


def _app_template() -> go.layout.Template:
    """plotly_white for the three trace types the browser's plotly.js draws (its defaults for
    the other 40 travelled in every figure: 3.6 KB each), and tick labels measured once: with
    plotly's default for date and number axes ("hide past div") the browser measures every
    label again to hide those past the chart's edge, which the margins already prevent (a
    tenth of the drawing time of the insights page's first charts)."""
    template = go.layout.Template(pio.templates["plotly_white"])
    template.data = {kind: template.data[kind] for kind in ("scatter", "bar", "heatmap")}
    template.layout.xaxis.ticklabeloverflow = "allow"
    template.layout.yaxis.ticklabeloverflow = "allow"
    return template


# One look for every chart, set once: passing template= to each figure costs more than
# building the figure itself (plotly deep-copies and validates the template every time).
pio.templates["creator_insights"] = _app_template()
pio.templates.default = "creator_insights"

# Okabe and Ito's colours, which readers with each kind of colour blindness tell apart: blue,
# orange, bluish green, reddish purple, yellow, sky blue, vermillion (in the roles the charts
# gave the earlier palette: video, photo, explained, paid, middling, other, unexplained).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#56B4E9", "#D55E00"]
VIDEO_COLOUR, PHOTO_COLOUR, PAID_COLOUR = PALETTE[0], PALETTE[1], PALETTE[3]
RANGE_BUTTONS = [
    {"count": 1, "label": "1m", "step": "month", "stepmode": "backward"},
    {"count": 3, "label": "3m", "step": "month", "stepmode": "backward"},
    {"count": 6, "label": "6m", "step": "month", "stepmode": "backward"},
    {"count": 1, "label": "1y", "step": "year", "stepmode": "backward"},
    {"step": "all", "label": "All"},
]
MAX_LABEL_CHARS = 40
OUTLIER_Z = 2.5


def plot_text(value: object, *, limit: int = MAX_LABEL_CHARS) -> str:
    """Vendor text made safe and short for a plotly label or hover."""
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text)


def figure(
    data: Sequence[go.BaseTraceType], *, title: str, height: int = 360, **layout: object
) -> go.Figure:
    """The figure in one constructor call, in the look every chart shares: ``layout`` holds
    the chart's own axes, shapes and annotations as plain dicts. Plotly's update_layout,
    update_xaxes and add_* walk and check the whole figure on every call (5-15 ms each, against
    about 2 ms for the constructor), which made figures most of a report's server time."""
    return go.Figure(
        data=list(data),
        layout={
            "title": {"text": title, "x": 0, "xanchor": "left"},
            "height": height,
            "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
            "colorway": PALETTE,
            "legend": {"orientation": "h", "y": -0.2},
            **layout,
        },
    )


def vertical_line(x: float, **line: object) -> dict[str, object]:
    """A line across the plot at ``x`` (as plotly's add_vline draws it)."""
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1,
            "yref": "y domain", "line": line}  # fmt: skip


def horizontal_line(y: float, **line: object) -> dict[str, object]:
    """A line across the plot at ``y`` (as plotly's add_hline draws it)."""
    return {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y,
            "yref": "y", "line": line}  # fmt: skip


def make_trend_figure(
    trend: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    percent: bool = False,
    spikes: Sequence[Spike] = (),
) -> go.Figure | None:
    """A line over time with a range selector; a single point is drawn as a point with a note.
    ``spikes`` (the follower chart's) are marked on their days: explained by a post or not."""
    series = trend.dropna(subset=["value"])
    if series.empty:
        return None
    single = len(series) == 1
    line = go.Scatter(
        x=series["date"],
        y=series["value"].astype(float),
        mode="markers" if single else "lines",
        marker={"size": 12} if single else None,
        name=y_title,
        hovertemplate="%{x|%d %b %Y}: %{y:,.2f}" + ("%" if percent else "") + "<extra></extra>",
    )
    xaxis: dict[str, object] = {"title": {"text": "Date"}}
    yaxis: dict[str, object] = {"title": {"text": y_title}, "ticksuffix": "%" if percent else ""}
    extra: dict[str, Any] = {}  # more of the layout: the note and legend, where there are any
    if single:
        extra["annotations"] = [{
            "text": "Only one data point so far: the trend appears as the vendor collects more.",
            "xref": "paper", "yref": "paper", "x": 0.5, "y": 1.05, "showarrow": False,
        }]  # fmt: skip
        # A week around the point, in days, and a tenth either side of its value: plotly's own
        # ranges for one point are a millisecond and a unit wide ("23:59:59.9995", "25.0655k").
        day, value = pd.Timestamp(series["date"].iloc[0]), float(series["value"].iloc[0])
        xaxis.update(range=[day - pd.Timedelta(days=3), day + pd.Timedelta(days=3)],
                     tickformat="%d %b %Y", dtick=86_400_000)  # fmt: skip
        if value > 0:
            yaxis["range"] = [value * 0.9, value * 1.1]
    else:
        xaxis.update(rangeselector={"buttons": RANGE_BUTTONS}, rangeslider={"visible": False})
    marks = _spike_traces(spikes, trend)
    if marks:
        extra.update(showlegend=True, legend={"orientation": "h", "y": -0.25})
    return figure([line, *marks], title=title, xaxis=xaxis, yaxis=yaxis, **extra)


SPIKE_COLOURS = {True: PALETTE[2], False: PALETTE[6]}  # explained: green; unexplained: red


def _spike_traces(spikes: Sequence[Spike], trend: pd.DataFrame) -> list[go.Scatter]:
    """A diamond on the follower line for each spike: explained ones, then unexplained."""
    if not spikes:
        return []
    level = dict(zip(pd.to_datetime(trend["date"]).dt.date, trend["value"], strict=True))
    traces = []
    for explained in (True, False):
        shown = [s for s in spikes if s.explained is explained]
        if not shown:
            continue
        traces.append(
            go.Scatter(
                x=[pd.Timestamp(s.day) for s in shown],
                y=[float(level[s.day]) for s in shown],
                customdata=[[s.gain, s.share] for s in shown],
                mode="markers",
                marker={"size": 11, "color": SPIKE_COLOURS[explained], "symbol": "diamond",
                        "line": {"width": 1, "color": "white"}},
                name="Spike, explained by a post" if explained else "Spike, unexplained",
                hovertemplate="%{x|%Y-%m-%d}: +%{customdata[0]:,.0f} followers "
                "(+%{customdata[1]:.2f}%)<extra>%{fullData.name}</extra>",
            )
        )  # fmt: skip
    return traces


def make_history_figure(snapshots: Sequence[Snapshot]) -> go.Figure | None:
    """Followers (left axis) and engagement rate (right axis) at each fetch."""
    shown = [s for s in snapshots if s.followers is not None or s.engagement_rate is not None]
    if len(shown) < 2:
        return None
    when = [datetime.fromtimestamp(s.fetched_at, UTC) for s in shown]
    followers = go.Scatter(
        x=when, y=[s.followers for s in shown], name="Followers", mode="lines+markers",
        line={"color": PALETTE[0]},
        hovertemplate="%{x|%Y-%m-%d %H:%M}: %{y:,.0f} followers<extra></extra>",
    )  # fmt: skip
    rate = go.Scatter(
        x=when, y=[s.engagement_rate for s in shown], name="Engagement rate",
        mode="lines+markers", line={"color": PALETTE[1], "dash": "dot"}, yaxis="y2",
        hovertemplate="%{x|%Y-%m-%d %H:%M}: %{y:.2f}% ER<extra></extra>",
    )  # fmt: skip
    return figure(
        [followers, rate],
        title="Followers and engagement rate at each fetch",
        height=300,
        yaxis={"title": {"text": "Followers"}},
        yaxis2={"title": {"text": "Engagement rate"}, "overlaying": "y", "side": "right",
                "ticksuffix": "%", "tickformat": ".2f", "showgrid": False},
        xaxis={"title": {"text": "Fetched (UTC)"}},
    )  # fmt: skip


def make_engagement_split_figure(split: pd.DataFrame) -> go.Figure | None:
    """Engagement rate by format (video, non-video, paid) with average likes and comments."""
    rows = split.dropna(subset=["engagement"])
    if rows.empty:
        return None
    colours = {"Video": VIDEO_COLOUR, "Non-video": PHOTO_COLOUR, "Paid": PAID_COLOUR}
    hover = [
        f"{fmt}<br>ER {er:.2f}%<br>avg likes {_num(likes)}<br>avg comments {_num(comments)}"
        for fmt, er, likes, comments in zip(
            rows["format"],
            rows["engagement"],
            rows["average_likes"],
            rows["average_comments"],
            strict=True,
        )
    ]
    bars = go.Bar(
        x=rows["format"],
        y=rows["engagement"].astype(float),
        marker_color=[colours.get(f, PALETTE[2]) for f in rows["format"]],
        text=[f"{v:.2f}%" for v in rows["engagement"]],
        textposition="auto",
        hovertext=hover,
        hoverinfo="text",
    )
    return figure(
        [bars],
        title="Engagement by format",
        xaxis={"title": {"text": "Format"}},
        yaxis={"title": {"text": "Engagement rate (%)"}, "ticksuffix": "%"},
    )


def _num(value: float | None) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{float(value):,.0f}"


def _score_colour(score: float) -> str:
    """A 0-5 sub-score's colour: good from 4, fair from 2, weak below."""
    return PALETTE[2] if score >= 4 else PALETTE[4] if score >= 2 else PALETTE[6]


def make_quality_figure(quality: pd.DataFrame) -> go.Figure | None:
    """The four 0-5 sub-scores as horizontal bars on a common 0-5 scale."""
    subs = quality[quality["max_score"] == 5].dropna(subset=["score"])
    if subs.empty:
        return None
    scores = subs["score"].astype(float)
    bars = go.Bar(
        y=subs["label"],
        x=scores,
        orientation="h",
        marker_color=[_score_colour(score) for score in scores],
        text=[f"{score:.0f} / 5" for score in scores],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.0f} of 5<extra></extra>",
    )
    return figure(
        [bars],
        title="Quality sub-scores",
        height=300,
        xaxis={"range": [0, 5.7], "tickvals": [0, 1, 2, 3, 4, 5], "title": {"text": "Score (0-5)"}},
        yaxis={"autorange": "reversed", "title": {"text": ""}},
    )


def make_benchmark_figure(er_pct: float | None, tier_name: str | None) -> go.Figure | None:
    """Each tier's published average ER (a diamond) or, where none is published, the band
    between its neighbours; the creator's own tier highlighted and its ER as a red line."""
    if er_pct is None:
        return None
    traces = []
    for tier in TIERS:
        bench: Benchmark = benchmark_for(tier)
        label = f"{tier.name} ({tier.range_label})"
        colour = PALETTE[0] if tier.name == tier_name else "#868e96"
        if bench.published:
            traces.append(
                go.Scatter(
                    x=[bench.low_pct], y=[label], mode="markers+text",
                    marker={"symbol": "diamond", "size": 16, "color": colour},
                    text=[f"{bench.low_pct:.2f}%"], textposition="middle right",
                    hovertext=bench.note, hoverinfo="text", showlegend=False,
                )
            )  # fmt: skip
        else:
            traces.append(
                go.Scatter(
                    x=[bench.low_pct, bench.high_pct], y=[label, label], mode="lines",
                    line={"color": colour, "width": 10}, opacity=0.5,
                    hovertext=bench.note, hoverinfo="text", showlegend=False,
                )
            )  # fmt: skip
    notes = [{
        "x": er_pct, "y": 1.04, "yref": "paper", "showarrow": False,
        "text": f"This creator: {er_pct:.2f}%", "font": {"color": PALETTE[6]},
        "xanchor": "left" if er_pct < 1 else "right",
    }]  # fmt: skip
    if tier_name is None:
        notes.append({"text": "Under 1K followers: no tier to compare with", "xref": "paper",
                      "yref": "paper", "x": 1, "y": 0, "showarrow": False})  # fmt: skip
    upper = max(er_pct, max(benchmark_for(t).high_pct for t in TIERS)) * 1.2
    return figure(
        traces,
        title="Engagement rate against published tier averages",
        height=320,
        shapes=[vertical_line(er_pct, color=PALETTE[6], width=3)],
        annotations=notes,
        xaxis={"title": {"text": "Engagement rate (%)"}, "ticksuffix": "%", "range": [0, upper]},
        yaxis={"autorange": "reversed", "title": {"text": ""}, "categoryorder": "array",
               "categoryarray": [f"{t.name} ({t.range_label})" for t in TIERS]},
    )  # fmt: skip


def make_posts_scatter(posts: pd.DataFrame) -> go.Figure | None:
    """Views vs ER, one dot per post, coloured by format; outliers stand out in size and label."""
    data = posts.dropna(subset=["views", "er"])
    data = data[data["views"] > 0]
    if data.empty:
        return None
    outlier = _high_outliers(data["er"].astype(float)) | _high_outliers(data["views"].astype(float))
    traces = []
    for index, (fmt, group) in enumerate(data.groupby("format", sort=True)):
        flags = outlier.loc[group.index]
        traces.append(
            go.Scatter(
                x=group["views"].astype(float),
                y=group["er"].astype(float),
                mode="markers",
                name=plot_text(fmt),
                marker={
                    "color": PALETTE[index % len(PALETTE)],
                    "size": [14 if f else 7 for f in flags],
                    "symbol": ["star" if s else "circle" for s in group["sponsored"].fillna(False)],
                    "line": {"width": [2 if f else 0 for f in flags], "color": "#212529"},
                    "opacity": 0.8,
                },
                hovertext=[
                    f"{plot_text(fmt)} · {d:%d %b %Y}<br>{v:,.0f} views · ER {e:.2f}%"
                    + ("<br>sponsored" if s else "")
                    + ("<br><b>outlier</b>" if f else "")
                    for d, v, e, s, f in zip(
                        group["posted_at"],
                        group["views"],
                        group["er"],
                        group["sponsored"].fillna(False),
                        flags,
                        strict=True,
                    )
                ],
                hoverinfo="text",
            )
        )
    return figure(
        traces,
        title="Views vs engagement rate (stars: sponsored, large: outliers)",
        height=420,
        xaxis={"type": "log", "title": {"text": "Views (log scale)"}},
        yaxis={"title": {"text": "Engagement rate (%)"}, "ticksuffix": "%"},
    )


def _high_outliers(values: pd.Series) -> pd.Series:
    """Values far above the creator's typical one: a robust z-score over 2.5 on the log scale
    (ER and views are skewed, so a plain z-score flags half the posts of a viral creator)."""
    logs = np.log(values.clip(lower=1e-6))
    mad = (logs - logs.median()).abs().median() * 1.4826
    if not mad:
        return pd.Series(False, index=values.index)
    return (logs - logs.median()) / mad > OUTLIER_Z


def make_posts_per_week_figure(weekly: pd.DataFrame) -> go.Figure | None:
    if weekly.empty or weekly["posts"].sum() == 0:
        return None
    bars = go.Bar(x=weekly["week"], y=weekly["posts"], marker_color=PALETTE[0],
                  hovertemplate="Week of %{x|%d %b %Y}: %{y} posts<extra></extra>")  # fmt: skip
    yaxis: dict[str, object] = {"title": {"text": "Posts"}}
    if weekly["posts"].max() <= 6:
        yaxis["dtick"] = 1
    return figure(
        [bars],
        title="Posts per week",
        xaxis={"title": {"text": "Week"}, "rangeselector": {"buttons": RANGE_BUTTONS}},
        yaxis=yaxis,
    )


def make_posting_heatmap(cells: pd.DataFrame) -> go.Figure | None:
    """When the creator posts (weekday x hour, UTC) and how those posts perform."""
    if cells.empty:
        return None
    posts = cells.pivot_table(
        index="weekday", columns="hour", values="posts", aggfunc="sum"
    ).reindex(index=range(7), columns=range(24))
    er = cells.pivot_table(
        index="weekday", columns="hour", values="average_er", aggfunc="mean"
    ).reindex(index=range(7), columns=range(24))
    counts, ers = posts.to_numpy(dtype=float), er.to_numpy(dtype=float)
    hover = [
        [
            f"{WEEKDAYS[d]} {h:02d}:00 UTC<br>{_slot_text(counts[d, h], ers[d, h])}"
            for h in range(24)
        ]
        for d in range(7)
    ]
    cells_drawn = go.Heatmap(
        z=posts.fillna(0).to_numpy(),
        x=[f"{h:02d}" for h in range(24)],
        y=WEEKDAYS,
        colorscale="Blues",
        colorbar={"title": {"text": "Posts"}},
        hovertext=hover,
        hoverinfo="text",
    )
    return figure(
        [cells_drawn],
        title="When the creator posts",
        height=340,
        xaxis={"title": {"text": "Hour of day (UTC)"}},
        yaxis={"autorange": "reversed", "title": {"text": ""}},
    )


def _slot_text(posts: float, mean_er: float) -> str:
    """One heatmap cell's hover: how many posts, and their mean ER where there is one."""
    if math.isnan(posts):
        return "no posts"
    count = f"{posts:.0f} post{'' if round(posts) == 1 else 's'}"
    return count + (" · ER not available" if math.isnan(mean_er) else f" · mean ER {mean_er:.2f}%")


def make_top_items_figure(
    items: pd.DataFrame, *, label_column: str, title: str, prefix: str = "", top: int = 15
) -> go.Figure | None:
    """The most used hashtags or mentions: bars by number of posts, coloured by mean ER."""
    data = items[items["posts"] > 0].head(top)
    if data.empty:
        return None
    bars = go.Bar(
        y=[prefix + plot_text(v) for v in data[label_column]],
        x=data["posts"].astype(int),
        orientation="h",
        marker={
            "color": data["average_er"].astype(float).fillna(0),
            "colorscale": "Viridis",
            "colorbar": {"title": {"text": "Mean ER %"}},
        },
        hovertext=[
            f"{prefix}{plot_text(v)}: {n} posts, mean ER {'n/a' if pd.isna(e) else f'{e:.2f}%'}"
            for v, n, e in zip(data[label_column], data["posts"], data["average_er"], strict=True)
        ],
        hoverinfo="text",
    )
    return figure(
        [bars],
        title=title,
        height=max(300, 26 * len(data) + 100),
        xaxis={"title": {"text": "Posts"}},
        yaxis={"autorange": "reversed", "title": {"text": ""}},
    )
