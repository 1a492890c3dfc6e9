"""What a chart shows, in words and as a table: the name a screen reader reads for it
(``role="img"`` with this ``aria-label``), and the numbers behind it for "Show data".

Pure: a plotly figure in, text or a DataFrame out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

__all__ = ["MAX_DATA_ROWS", "describe", "figure_table", "plain_text"]

MAX_DATA_ROWS = 400  # a year of daily points and more: "Show data" keeps the newest


def plain_text(text: Any) -> str:
    """A plotly label as the reader sees it: markup dropped (a line break read as a space),
    entities read (``plot_text`` escapes vendor text for plotly, so "Tom & Jerry" arrives as
    "Tom &amp; Jerry")."""
    spaced = re.sub(r"<br\s*/?>", " ", str(text or ""), flags=re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "", spaced)).strip()


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}" if isinstance(value, int) else str(value)


def _values(trace: Any, axis: str) -> list[Any]:
    found = getattr(trace, axis, None)
    return [] if found is None else list(found)


def describe(fig: go.Figure) -> str:
    """One sentence naming the chart: its title, each series, the range it covers, and the
    latest value of a line, or the highest and lowest bar."""
    title = plain_text(fig.layout.title.text) or "Chart"
    parts = [title]
    for trace in fig.data:
        xs, ys = _values(trace, "x"), _values(trace, "y")
        pairs = [(x, y) for x, y in zip(xs, ys, strict=False) if y is not None]
        if not pairs:
            continue
        name = plain_text(trace.name) or "values"
        if trace.type == "scatter":
            first, last = pairs[0], pairs[-1]
            parts.append(
                f"{name}: from {plain_text(first[0])[:10]} to {plain_text(last[0])[:10]}, "
                f"latest {_number(last[1])}"
            )
        else:
            high = max(pairs, key=lambda pair: pair[1])
            low = min(pairs, key=lambda pair: pair[1])
            parts.append(
                f"{name}: highest {plain_text(high[0])} ({_number(high[1])}), "
                f"lowest {plain_text(low[0])} ({_number(low[1])})"
            )
    return ". ".join(parts) + "."


def figure_table(fig: go.Figure) -> pd.DataFrame:
    """The chart's numbers: one row per x value, one column per series (the newest
    MAX_DATA_ROWS rows of a long series)."""
    columns: dict[str, dict[Any, Any]] = {}
    order: list[Any] = []
    for index, trace in enumerate(fig.data):
        xs, ys = _values(trace, "x"), _values(trace, "y")
        if not xs or not ys:
            continue
        name = plain_text(trace.name) or f"series {index + 1}"
        while name in columns:
            name += " "
        columns[name] = dict(zip(map(plain_text, xs), ys, strict=False))
        order.extend(plain_text(x) for x in xs)
    rows: Sequence[str] = list(dict.fromkeys(order))[-MAX_DATA_ROWS:]
    x_title = plain_text(fig.layout.xaxis.title.text) or "x"
    table = pd.DataFrame({x_title: rows})
    for name, values in columns.items():
        table[name.strip()] = [_number(values[row]) if row in values else "–" for row in rows]
    return table
