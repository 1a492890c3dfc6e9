"""The chart warm-up finds Streamlit's plotly chunk: if an upgrade renames it, this fails
rather than the warm-up silently doing nothing (charts would load late again)."""

from __future__ import annotations

from components.chart_warmup import STREAMLIT_JS, plotly_chunk


def test_the_installed_streamlit_has_exactly_one_plotly_chunk():
    chunk = plotly_chunk()
    assert chunk is not None, f"no single PlotlyChart.*.js under {STREAMLIT_JS}"
    entry = next(STREAMLIT_JS.glob("index.*.js")).read_text(errors="replace")
    assert chunk in entry  # the very file Streamlit's own lazy import asks for
