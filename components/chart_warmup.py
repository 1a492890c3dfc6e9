"""Load the browser's chart code before the first chart needs it.

Streamlit loads plotly.js (its ``PlotlyChart`` chunk, 4.7 MB) the first time a tab shows a
chart, and evaluating it holds the browser's main thread for about 0.6 s on two cores: the
first insights page of every tab paid for it after its script had finished. This component
imports that same chunk (same URL, so the browser keeps one module) ahead of time:

- on a page that charts (insights, compare), at once, so it loads while the server runs the
  page instead of after;
- on any other analyst page, once that page is drawn and the browser is idle, so the home
  page or the roster never waits for it and the next click to a creator's charts does not.

It depends on the file name of a chunk inside the installed Streamlit; if a Streamlit upgrade
renames it, nothing breaks (charts load as before) and ``tests/test_chart_warmup.py`` says so.
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

STREAMLIT_JS = Path(st.__file__).parent / "static" / "static" / "js"

_JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.chunk || window.__cisChartsWarm) return;
  const entry = document.querySelector("script[type=module][src*='/static/js/index.']");
  if (!entry) return;
  const load = () => {
    if (window.__cisChartsWarm) return;
    window.__cisChartsWarm = import(new URL(data.chunk, entry.src).href).catch(() => {
      window.__cisChartsWarm = undefined;
    });
  };
  if (data.now) { load(); return; }
  const app = () => document.querySelector("[data-testid='stApp']");
  const whenDone = () => {
    if (app() && app().dataset.testScriptState === "notRunning") {
      (window.requestIdleCallback || ((f) => setTimeout(f, 200)))(load, { timeout: 2000 });
    } else {
      setTimeout(whenDone, 100);
    }
  };
  whenDone();
}
"""

_warmup = st.components.v2.component("cis_chart_warmup", js=_JS)


@functools.cache
def plotly_chunk() -> str | None:
    """The file name of Streamlit's plotly chunk, or None if this Streamlit has none."""
    found = sorted(STREAMLIT_JS.glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


def warm_up_charts(*, now: bool) -> None:
    """Start loading the chart code in this browser tab: at once (``now``, a page that charts)
    or when the page is drawn and the browser idle. Call once per run, in the sidebar."""
    chunk = plotly_chunk()
    if chunk is None:
        return
    with st.sidebar:
        _warmup(key="cis-chart-warmup", data={"chunk": chunk, "now": now}, height=0)
