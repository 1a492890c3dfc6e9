"""What a screen reader hears for a chart, and the numbers "Show data" shows: vendor names as
they are written, never as the escaped text plotly is given."""

from __future__ import annotations

import pandas as pd

from components.figures import charts
from components.figures.describe import describe, figure_table


def _trend(name: str):
    trend = pd.DataFrame(
        {"date": pd.date_range("2026-01-01", periods=3, freq="D"), "value": [10.0, 11.0, 12.0]}
    )
    return charts.make_trend_figure(
        trend, title=charts.plot_text(name), y_title=charts.plot_text(name)
    )


def test_a_name_with_an_ampersand_is_read_as_written():
    fig = _trend("Tom & Jerry")
    assert "&amp;" in fig.layout.title.text  # plotly is given escaped text
    said = describe(fig)
    assert said.startswith("Tom & Jerry.") and "&amp;" not in said
    assert "latest 12" in said
    assert "Tom & Jerry" in figure_table(fig).columns


def test_markup_in_a_name_is_read_as_text_not_dropped():
    fig = _trend("<b>Évi</b>")
    assert describe(fig).startswith("<b>Évi</b>.")  # the name as sent, tags and all
