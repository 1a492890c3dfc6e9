"""Charts in the browser: plotly.js, built with only the trace types the app draws, loaded
once per tab, draws every figure.

Streamlit's own ``st.plotly_chart`` loads the full plotly.js (4.7 MB, every trace type: maps,
3D, ...), and evaluating it held the browser's main thread for 0.7 s on two cores, in every new
tab. Even plotly's smallest official bundle with heatmaps (cartesian, 1.5 MB) held it for 0.3 to
0.5 s. The app draws scatter, bar and heatmap traces only, so it loads plotly.js's core with
those three (``scripts/plotly-bundle``: 1.2 MB, the same plotly.js version as the Python
package), which evaluates in 0.07 to 0.15 s. Streamlit serves it itself, from the app's
``static/`` folder at ``/app/static/`` (``server.enableStaticServing`` in
``.streamlit/config.toml``), so the charts draw under ``streamlit run app.py`` too, and
behind a proxy's prefix too. Streamlit 1.67 sends it as JavaScript (its docs still say files
of other types than images, fonts, PDF, XML and JSON go out as ``text/plain``, which with
``nosniff`` would keep the browser from running it: ``tests/browser/test_framing.py`` checks),
with a validator but no cache lifetime; ``serve.py`` adds a year's (the name carries the
version).

Each chart first shows the server's picture of it (``components.figures.preview``); once that
is painted and the browser idle, the chart loads plotly.js (once per tab) and draws the figure
with ``Plotly.react`` (its JSON as plotly's own encoder writes it, typed arrays included) in
the picture's place. Loading plotly.js as soon as a chart page's code was in held back that
page's own first drawing by 0.1-0.25 s; the pictures make it unnecessary. On every analyst
page, the sidebar's component also loads it once the page is drawn and the browser idle, so
the next chart is interactive at once. A chart without a picture (``preview_html`` draws none
for it) waits for plotly.js as before. The figures may use only the bundle's trace types
(``BUNDLED_TRACES``; a test builds every figure and checks).
"""

from __future__ import annotations

import logging
import weakref
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from components.figures.preview import PREVIEW_CLASS, preview_html

log = logging.getLogger(__name__)

# In the folder Streamlit's static file serving reads: ``static/`` next to the entry script.
PLOTLY_JS = Path(__file__).parents[2] / "static" / "plotly-4.1.1-scatter-bar-heatmap.min.js"
PLOTLY_JS_ROUTE = f"/app/static/{PLOTLY_JS.name}"  # immutable: a new version gets a new name
CHART_TEST_ID = "cisPlotlyChart"
CHART_COMPONENT = "cis_plotly_chart"
BUNDLED_TRACES = frozenset({"bar", "heatmap", "scatter"})  # scripts/plotly-bundle/entry.js

# Resolved against Streamlit's own entry script, so the bundle is found behind a proxy too.
_LOAD = """
const plotlyUrl = (data) => {
  const entry = document.querySelector("script[type=module][src*='/static/js/index.']");
  return new URL(data.src, entry ? entry.src : window.location.href).href;
};
const loadPlotly = (data) => {
  if (!window.__cisPlotly) {
    window.__cisPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = plotlyUrl(data);
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { window.__cisPlotly = undefined; reject(new Error("plotly.js")); };
      document.head.appendChild(script);
    });
  }
  return window.__cisPlotly;
};
"""


_WARM_UP_JS = (
    _LOAD
    + """
export default function ({ data }) {
  if (!data || window.__cisPlotly) return;
  const app = () => document.querySelector("[data-testid='stApp']");
  const whenDone = () => {
    if (window.__cisPlotly) return;
    if (app() && app().dataset.testScriptState === "notRunning") {
      const load = () => loadPlotly(data).catch(() => {});
      (window.requestIdleCallback || ((f) => setTimeout(f, 200)))(load, { timeout: 2000 });
    } else {
      setTimeout(whenDone, 100);
    }
  };
  whenDone();
}
"""
)

_CHART_JS = (
    _LOAD
    + """
export default function ({ data, parentElement }) {
  let graph = parentElement.querySelector(".cis-plot");
  if (!graph) {
    graph = document.createElement("div");
    graph.className = "cis-plot";
    graph.dataset.testid = "__TEST_ID__";
    parentElement.appendChild(graph);
  }

  // The server's picture of the chart shows at once, until plotly has drawn it: plotly waits
  // for that picture to be painted and for the browser to be idle (the rest of the page's
  // elements first: a chart's drawing held the main thread 50-150 ms each), then replaces it.
  // Only the latest data is drawn (a rerun can send new data before plotly.js has loaded).
  const run = (graph.__cisRun = (graph.__cisRun || 0) + 1);
  const latest = () => graph.__cisRun === run;
  graph.querySelectorAll(".cis-chart-note").forEach((note) => note.remove());
  const drawn = graph.querySelector(".main-svg");
  if (!drawn && data.preview) {
    graph.querySelectorAll(".__PREVIEW__").forEach((old) => old.remove());
    graph.insertAdjacentHTML("beforeend", data.preview);
  }
  const picture = graph.querySelector(".__PREVIEW__");
  const idle = (resolve) => (window.requestIdleCallback
    ? requestIdleCallback(resolve, { timeout: 1000 }) : setTimeout(resolve, 0));
  const painted = () => new Promise((resolve) => requestAnimationFrame(() => idle(resolve)));
  const figure = JSON.parse(data.figure);
  (picture ? painted() : Promise.resolve()).then(() => loadPlotly(data)).then((Plotly) =>
    latest() ? Plotly.react(graph, figure.data || [], figure.layout || {}, data.config) : null
  ).then(() => {
    if (!latest()) return;
    graph.querySelectorAll(".__PREVIEW__").forEach((old) => old.remove());
    // To a screen reader, the drawing is one image named by what it shows (plotly's other
    // layers repeat it); its buttons (range, toolbar) stay buttons beside it.
    graph.querySelectorAll("svg.main-svg").forEach((svg, index) => {
      if (index === 0) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", data.label || "Chart");
      } else {
        svg.setAttribute("aria-hidden", "true");
      }
    });
  }).catch(() => {
    if (!latest()) return;
    const note = document.createElement("p");
    note.className = "cis-chart-note";
    note.textContent = graph.querySelector(".__PREVIEW__")
      ? "This chart is a still picture: reload the page to try again."  // the picture stays
      : "This chart could not be drawn: reload the page to try again.";
    graph.appendChild(note);
  });
  return () => { if (window.Plotly) window.Plotly.purge(graph); };
}
""".replace("__TEST_ID__", CHART_TEST_ID).replace("__PREVIEW__", PREVIEW_CLASS)
)

_warm_up = st.components.v2.component("cis_chart_warmup", js=_WARM_UP_JS)
_chart = st.components.v2.component(CHART_COMPONENT, js=_CHART_JS, isolate_styles=False)


def warm_up_charts() -> None:
    """Load plotly.js in this browser tab once the page is drawn and the browser idle, so the
    next chart's picture is replaced at once. Call once per run, in the sidebar."""
    with st.sidebar:
        _warm_up(key="cis-chart-warmup", data={"src": _relative_route()}, height=0)


def plotly_chart(fig: go.Figure, *, key: str, config: dict[str, Any], label: str = "") -> None:
    """Draw one figure, as wide as its container, named ``label`` for screen readers."""
    encoded, preview = _encoded(fig, label)
    data = {
        "label": label,
        "figure": encoded,
        "preview": preview,
        "config": {"responsive": True, **config},
        "src": _relative_route(),
    }
    _chart(key=key, data=data, height="content")


_ENCODED: dict[int, tuple[str, str | None]] = {}  # by figure object, while it lives


def _encoded(fig: go.Figure, label: str) -> tuple[str, str | None]:
    """A figure's JSON and its first picture (``preview_html``), made once per figure object:
    the insights and compare pages' figures are built once per response and shared read-only
    (``components.frame.loaders``), and encoding a large one again cost 10-20 ms on every run
    that drew it. No figure is changed once drawn; its label is read from it (``describe``)."""
    key = id(fig)
    encoded = _ENCODED.get(key)
    if encoded is None:
        encoded = _ENCODED[key] = (fig.to_json(), _picture(fig, label))
        weakref.finalize(fig, _ENCODED.pop, key, None)  # before its id can be another's
    return encoded


def _picture(fig: go.Figure, label: str) -> str | None:
    """The figure's first picture; none when drawing it failed (plotly still draws the chart,
    the failure is logged)."""
    try:
        return preview_html(fig, label)
    except Exception:  # a picture is a head start, never a reason to lose the chart
        log.exception("Could not draw the first picture of the chart %r", label[:80])
        return None


def _relative_route() -> str:
    """The bundle's address relative to Streamlit's entry script (``<base>/static/js/``)."""
    return f"../..{PLOTLY_JS_ROUTE}"
