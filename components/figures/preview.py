"""A chart's first picture: the figure drawn by the server as HTML and SVG, which the browser
shows the moment it arrives, and which plotly.js's interactive drawing replaces once it has
run (``components.frame.plotly_view``).

In a new tab, plotly.js drawing a page's first charts held the browser for 0.3 to 0.45 s after
their data had arrived, behind the page's other elements. The picture shows the same data in
the same colours, axes, title and legend (tick marks placed by a simpler rule than plotly's);
hovering, zooming and the range buttons come with plotly a moment later. A figure this
module cannot draw faithfully (other trace types, more than one pair of axes, shapes, notes)
gets no picture and waits for plotly, as every figure did before. Lines across the plot at a
value (``charts.horizontal_line``) are drawn; any other shape means no picture.

Pure: a plotly figure in, a string of HTML out. Every text is escaped here; it includes
vendor text (creator names in titles and legends).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.figures.describe import plain_text
from components.figures.preview_axes import (
    Axis,
    category_axis,
    date_axis,
    finite,
    fixed,
    number_axis,
    reads_as_number_or_day,
)

__all__ = ["PREVIEW_CLASS", "preview_html"]

PREVIEW_CLASS = "cis-preview"
_TRACES = frozenset({"scatter", "bar"})
_FONT = "'Open Sans', verdana, arial, sans-serif"
_INK, _GRID = "#2a3f5f", "#ebf0f8"  # the template's (plotly_white) text and grid colours
_LEFT, _RIGHT, _AXIS_BELOW, _LEGEND = 76, 14, 52, 28  # px: room for ticks, titles, legend
_SCALE = 1000  # the plot's own coordinates, stretched to its box


_Series = tuple[Any, tuple[str, np.ndarray], np.ndarray]  # a trace, its x (kind, values), its y


def preview_html(fig: go.Figure, label: str) -> str | None:
    """The figure as a picture (HTML with an SVG plot), or None when it has anything this
    module does not draw faithfully."""
    layout = fig.layout
    counted = [t for t in fig.data if t.visible is not False]  # plotly colours these in turn
    colours = _colours(fig, counted)
    shown = [i for i, t in enumerate(counted) if t.visible in (None, True)]
    traces, colours = [counted[i] for i in shown], [colours[i] for i in shown]
    levels = _levels(layout.shapes)
    if (
        not traces
        or any(t.type == "scatter" and t.mode is None for t in traces)  # plotly picks by size
        or fixed(layout.xaxis)
        or fixed(layout.yaxis, allow_range=True)
        or any(
            t.type not in _TRACES or (t.xaxis or "x") != "x" or (t.yaxis or "y") != "y"
            for t in traces
        )
        or levels is None
        or layout.annotations
        or any(t.type == "bar" and t.orientation == "h" for t in traces)
    ):
        return None
    if any(
        t.type == "scatter"
        and not (
            isinstance(t.marker.color, str | None) and isinstance(t.marker.size, int | float | None)
        )
        for t in traces
    ) or {layout.xaxis.type, layout.yaxis.type} - {None, "-", "linear", "date", "category"}:
        return None  # a colour or size per point, a log axis
    series: list[_Series] = []
    for trace in traces:
        xs, ys = _xs(trace), _ys(trace)
        if xs is None or ys is None or len(xs[1]) != len(ys):
            return None
        series.append((trace, xs, ys))
    kinds = {kind for _, (kind, _values), _ in series}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind != "category" and any(t.type == "bar" for t in traces):
        return None  # bars along dates or numbers: plotly's widths and gaps are its own
    bars = [s for s in series if s[0].type == "bar"]
    categories = _categories(series) if kind == "category" else []
    if sum(map(reads_as_number_or_day, categories)) * 2 > len(categories):
        return None  # plotly would lay such text out as a date or number axis
    x_axis = (
        category_axis([plain_text(name) for name in categories])
        if kind == "category"
        else date_axis(series)
        if kind == "date"
        else number_axis(finite(s[1][1] for s in series), pad=0.0)
    )
    y_axis = number_axis(
        np.concatenate([finite(s[2] for s in series), [level for level, _line in levels]]),
        pad=0.05 if bars else 0.02,
        zero=bool(bars),
        suffix=str(layout.yaxis.ticksuffix or ""),
        fixed=layout.yaxis.range,
        step=layout.yaxis.dtick,
    )
    if x_axis is None or y_axis is None:
        return None
    legend = _legend(traces, colours, layout)
    height = int(layout.height or 360)
    top = int(layout.margin.t if layout.margin.t is not None else 60)
    bottom = _AXIS_BELOW + (_LEGEND if legend else 0)
    plot_h = height - top - bottom
    if plot_h < 40:
        return None
    shapes = [_grid(y_axis), *(_level(y_axis, level, line) for level, line in levels)]
    group = 0
    for (trace, (_kind, x_values), y_values), colour in zip(series, colours, strict=True):
        if trace.type == "bar":
            shapes.append(
                _bar_shapes(x_values, y_values, y_axis, categories, colour, group, len(bars))
            )
            group += 1
        else:
            shapes.append(_scatter_shapes(trace, x_values, y_values, x_axis, y_axis, colour))
    box = f"left:{_LEFT}px;top:{top}px;width:calc(100% - {_LEFT + _RIGHT}px);height:{plot_h}px"
    parts = [
        f'<div class="{PREVIEW_CLASS}" role="img" aria-label="{_attr(label)}" '
        f'style="position:relative;height:{height}px;font-family:{_FONT};font-size:12px;'
        f'color:{_INK};background:#fff;overflow:hidden">',
        _text(
            plain_text(layout.title.text), f"left:10px;top:{max(top // 2 - 12, 0)}px;font-size:17px"
        ),
        f'<svg aria-hidden="true" viewBox="0 0 {_SCALE} {_SCALE}" preserveAspectRatio="none" '
        f'style="position:absolute;{box};overflow:visible">{"".join(shapes)}</svg>',
    ]
    for position, text in y_axis.ticks:
        y = top + (1 - position) * plot_h
        parts.append(_text(text, f"right:calc(100% - {_LEFT - 6}px);top:{y - 8:.1f}px"))
    for position, text in x_axis.ticks:
        parts.append(
            _text(
                text,
                f"left:calc({_LEFT}px + (100% - {_LEFT + _RIGHT}px) * {position:.4f});"
                f"top:{top + plot_h + 6}px;transform:translateX(-50%);white-space:nowrap",
            )
        )
    x_title, y_title = plain_text(layout.xaxis.title.text), plain_text(layout.yaxis.title.text)
    if x_title:
        parts.append(
            _text(
                x_title,
                f"left:calc({_LEFT}px + (100% - {_LEFT + _RIGHT}px) / 2);"
                f"top:{top + plot_h + 26}px;transform:translateX(-50%);font-size:14px",
            )
        )
    if y_title:
        parts.append(
            _text(
                y_title,
                f"left:4px;top:{top + plot_h / 2:.1f}px;transform:rotate(-90deg) "
                "translate(-50%, 0);transform-origin:0 0;white-space:nowrap;font-size:14px",
            )
        )
    if len(bars) == 1:
        bar, (_kind, x_values), y_values = bars[0]
        parts.extend(_bar_labels(bar, x_values, y_values, y_axis, categories, top, plot_h))
    if legend:
        parts.append(
            f'<div style="position:absolute;left:{_LEFT}px;right:{_RIGHT}px;'
            f'top:{height - _LEGEND}px;white-space:nowrap;overflow:hidden">{legend}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


# --- the data ----------------------------------------------------------------------------


def _xs(trace: Any) -> tuple[str, np.ndarray] | None:
    """The trace's x values and their kind: dates (as epoch milliseconds), categories (text)
    or numbers."""
    values = trace.x
    if values is None:
        return None
    array = np.asarray(values)
    if array.dtype.kind == "M":
        return "date", _epoch_ms(array)
    if array.dtype.kind in "iuf":
        return "number", array.astype(float)
    items = list(array.tolist())
    if all(isinstance(item, str) for item in items):
        return "category", np.array(items, dtype=object)
    try:
        stamps = pd.to_datetime(pd.Series(items, dtype=object), utc=True)
    except (TypeError, ValueError):
        return None
    if stamps.isna().any():
        return None
    return "date", _epoch_ms(stamps.dt.tz_convert(None).to_numpy())


def _epoch_ms(moments: np.ndarray) -> np.ndarray:
    """Dates and times as milliseconds since 1970, in floats."""
    return moments.astype("datetime64[ms]").astype("int64").astype(float)


def _ys(trace: Any) -> np.ndarray | None:
    if trace.y is None:
        return None
    try:
        return np.asarray(pd.to_numeric(pd.Series(list(trace.y)), errors="coerce"), dtype=float)
    except (TypeError, ValueError):
        return None


def _categories(series: Sequence[_Series]) -> list[str]:
    return list(dict.fromkeys(str(x) for _, (_k, xs), _ in series for x in xs))


def _colours(fig: go.Figure, traces: Sequence[Any]) -> list[Any]:
    """Each trace's colour as plotly picks it: its own, else the layout's colorway in turn."""
    way = list(fig.layout.colorway or ["#636efa"])
    colours = []
    for index, trace in enumerate(traces):
        own = None
        if trace.type == "scatter":  # the line takes the marker's colour, and the reverse
            marker = trace.marker.color if isinstance(trace.marker.color, str) else None
            own = (
                (trace.line.color or marker)
                if "lines" in trace.mode
                else (marker or trace.line.color)
            )
        elif trace.type == "bar":
            own = trace.marker.color
        colours.append(own if own is not None else way[index % len(way)])
    return colours


# --- the drawing -------------------------------------------------------------------------


def _grid(y_axis: Axis) -> str:
    lines = "".join(f"M0 {_y(position)}H{_SCALE}" for position, _ in y_axis.ticks)
    return f'<path d="{lines}" stroke="{_GRID}" vector-effect="non-scaling-stroke" fill="none"/>'


def _levels(shapes: Sequence[Any]) -> list[tuple[float, Any]] | None:
    """The layout's lines across the whole plot at a value (``charts.horizontal_line``), or
    None when it has any other shape."""
    levels = []
    for shape in shapes:
        across = shape.type == "line" and shape.xref == "x domain" and shape.yref == "y"
        if not (across and shape.x0 == 0 and shape.x1 == 1 and shape.y0 == shape.y1):
            return None
        try:
            levels.append((float(shape.y0), shape.line))
        except (TypeError, ValueError):
            return None
    return levels


def _level(y_axis: Axis, level: float, line: Any) -> str:
    dash = ' stroke-dasharray="3 3"' if line.dash in ("dot", "dash") else ""
    return (
        f'<path d="M0 {_y(y_axis.at(level))}H{_SCALE}" stroke="{_attr(line.color or _INK)}" '
        f'stroke-width="{line.width or 2}" vector-effect="non-scaling-stroke"{dash}/>'
    )


def _scatter_shapes(
    trace: Any, xs: np.ndarray, ys: np.ndarray, x_axis: Axis, y_axis: Axis, colour: Any
) -> str:
    mode = trace.mode or "lines"
    shown = np.isfinite(xs) & np.isfinite(ys)
    across = (x_axis.at(xs) * _SCALE).tolist()
    down = ((1 - y_axis.at(ys)) * _SCALE).tolist()
    points = [f"{x:.1f} {y:.1f}" for x, y in zip(across, down, strict=True)]
    out = []
    # A line breaks where a value is missing, as plotly draws it (connectgaps off).
    runs = [[p for p, keep in zip(points, run, strict=True) if keep] for run in _runs(shown)]
    runs = [run for run in runs if len(run) > 1]
    if "lines" in mode and runs:
        width = trace.line.width or 2
        path = "".join("M" + "L".join(run) for run in runs)
        out.append(
            f'<path d="{path}" fill="none" stroke="{_attr(colour)}" stroke-width="{width}" '
            'stroke-linejoin="round" vector-effect="non-scaling-stroke"/>'
        )
    if "markers" in mode:
        size = trace.marker.size if isinstance(trace.marker.size, int | float) else 6
        dots = "".join(f"M{point}h0" for point, keep in zip(points, shown, strict=True) if keep)
        out.append(
            f'<path d="{dots}" stroke="{_attr(colour)}" stroke-width="{size}" '
            'stroke-linecap="round" vector-effect="non-scaling-stroke"/>'
        )
    return "".join(out)


def _runs(present: np.ndarray) -> list[np.ndarray]:
    """One mask per unbroken run of present values."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], present.astype(int), [0]])))
    masks = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        mask = np.zeros(len(present), dtype=bool)
        mask[start:end] = True
        masks.append(mask)
    return masks


def _bar_shapes(
    xs: np.ndarray,
    ys: np.ndarray,
    y_axis: Axis,
    categories: Sequence[str],
    colour: Any,
    group: int,
    groups: int,
) -> str:
    slot = _SCALE / len(categories)
    width = slot * 0.8 / groups
    base = (1 - y_axis.at(0.0)) * _SCALE
    colours = colour if isinstance(colour, list | tuple) else [colour] * len(xs)
    out = []
    for index, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if not math.isfinite(y):
            continue
        left = categories.index(str(x)) * slot + slot * 0.1 + group * width
        top = (1 - y_axis.at(y)) * _SCALE
        fill = colours[index % len(colours)] if colours else "#636efa"
        out.append(
            f'<rect x="{left:.1f}" y="{min(top, base):.1f}" width="{width:.1f}" '
            f'height="{abs(base - top):.1f}" fill="{_attr(fill)}"/>'
        )
    return "".join(out)


def _bar_labels(
    trace: Any,
    xs: np.ndarray,
    ys: np.ndarray,
    y_axis: Axis,
    categories: Sequence[str],
    top: int,
    plot_h: int,
) -> list[str]:
    """Each bar's text (a chart of one group of bars), just above the bar."""
    texts = trace.text
    if texts is None or isinstance(texts, str) or len(texts) != len(xs):
        return []
    labels = []
    for x, y, text in zip(xs, ys, texts, strict=True):
        if not math.isfinite(y) or not text:
            continue
        centre = (categories.index(str(x)) + 0.5) / len(categories)
        edge = top + (1 - y_axis.at(max(y, 0.0))) * plot_h
        labels.append(
            _text(
                plain_text(text),
                f"left:calc({_LEFT}px + (100% - {_LEFT + _RIGHT}px) * "
                f"{centre:.4f});top:{edge - 18:.1f}px;transform:translateX(-50%)",
            )
        )
    return labels


def _legend(traces: Sequence[Any], colours: Sequence[Any], layout: Any) -> str:
    """The legend's entries (shown as plotly shows them: when asked, or for several named
    traces)."""
    named = [(t, c) for t, c in zip(traces, colours, strict=True) if t.showlegend is not False]
    if not (layout.showlegend or (layout.showlegend is None and len(named) > 1)):
        return ""
    items = []
    for trace, colour in named:
        swatch = colour if isinstance(colour, str) else "#636efa"
        items.append(
            f'<span style="margin-right:16px"><span style="display:inline-block;width:14px;'
            f'height:3px;vertical-align:middle;margin-right:5px;background:{_attr(swatch)}">'
            f"</span>{html.escape(plain_text(trace.name))}</span>"
        )
    return "".join(items)


def _y(position: float) -> str:
    return f"{(1 - position) * _SCALE:.1f}"


def _text(text: str, style: str) -> str:
    if not text:
        return ""
    return f'<span style="position:absolute;{style}">{html.escape(text)}</span>'


def _attr(value: Any) -> str:
    return html.escape(str(value), quote=True)
