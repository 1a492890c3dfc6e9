"""Hypothesis strategies for vendor bodies as a real vendor can break them, and the pipeline
every body must survive: the client, every frame, the report, every figure, and the exports.

A body starts as the vendor page's own sample or a sandbox creator (small, so a run stays fast)
and has one to four places broken: a value replaced (null, text, a numeric string with
separators, a negative or astronomical number, NaN/Infinity, a wrong container, a date in an
unknown format, markup), a key removed or added, or a section locked.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
import time
from typing import Any

import httpx
import plotly.graph_objects as go
from hypothesis import strategies as st

from components.exports.report_html import render_report_html
from components.figures.compare_charts import comparison_figures
from components.figures.report_figures import report_figures
from fpapi import FirstPartyClient, Insights, InvalidResponse
from fpapi.analysis.compare import Fee, build_comparison, export_sheets
from fpapi.analysis.export import to_safe_csv, to_xlsx
from fpapi.analysis.report import InsightsReport, build_report
from fpapi.sandbox import build_insights, instagram_pool
from tests.conftest import load_fixture

SANDBOX_BASES = {  # one creator of each shape, small: 12 posts, 40 days of trends
    account.kind: build_insights(account, posts=12, days=40) for account in instagram_pool()
}
BASES = {"vendor sample": load_fixture("vendor_insights.json"), **SANDBOX_BASES}

BAD_SCALARS: list[Any] = [
    None, "", "n/a", "—", "1,234,567", "1.234.567,5", "12 345", " 42 ", "-5", "1e400",
    -1, -(10**20), 10**20, 10**300, 1e308, -1e308, 0, 0.0, True, False,
    math.nan, math.inf, -math.inf,
    "31/02/2024", "2024-13-45", "02/30/2024", "yesterday", "1700000000000",
    "<script>alert(1)</script>", "<b>bold</b>", "=HYPERLINK(\"http://x\")", "🙂" * 3, "x" * 5000,
]  # fmt: skip
# What a broken vendor sends where a number belongs.
BAD_NUMBERS: list[Any] = [
    None, "", "n/a", "1,234,567", "1e400", "-5", "NaN", True, 10**20, -(10**20), 10**300,
    1e308, -1, -1e16, math.nan, math.inf, -math.inf, [3], {"value": 3},
]  # fmt: skip
WRONG_CONTAINERS: list[Any] = [[], {}, [1, 2], {"a": 1}, [{"x": None}], "[]", {"status": "locked"}]
NAN_TOKEN = re.compile(r"(?<![\w#@.])(nan|NaN|-?inf|-?Infinity)(?![\w])")
# Any text the vendor may send, except text that reads as NaN: a creator named "Infinity" is
# shown as such, and the checks below look for a NaN or infinity the app made up itself.
VENDOR_TEXT = st.text(max_size=30).filter(lambda text: not NAN_TOKEN.search(text))


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON value, at any depth (the first three items of a list stand for
    the rest)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def places(draw: st.DrawFn, body: Any) -> tuple:
    """A place in the body, drawn by its shape first (``get_posts/video_posts/*/er``), so that
    each kind of field is as likely as another, however many posts or trend days there are."""
    shapes: dict[str, list[tuple]] = {}
    for path in _paths(body):
        shapes.setdefault("/".join("*" if isinstance(p, int) else str(p) for p in path), []).append(
            path
        )
    if not shapes:
        return ()
    return draw(st.sampled_from(shapes[draw(st.sampled_from(sorted(shapes)))]))


def _numeric(value: Any) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and value.replace(",", "").replace(".", "", 1).isdigit()


def _parent(body: Any, path: tuple) -> Any:
    for step in path[:-1]:
        body = body[step]
    return body


@st.composite
def broken_bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[str]]:
    """(base name, broken body, what was done to it)."""
    name = draw(st.sampled_from(sorted(BASES)))
    body = copy.deepcopy(BASES[name])
    done = []
    for _ in range(draw(st.integers(1, 4))):
        path = draw(places(body))
        if not path:
            break
        parent = _parent(body, path)
        key = path[-1]
        action = draw(
            st.sampled_from(["value", "value", "value", "container", "remove", "add", "lock"])
        )
        if action == "value":
            parent[key] = draw(
                st.sampled_from(BAD_SCALARS) | st.integers() | st.floats() | VENDOR_TEXT
            )
        elif action == "container":
            parent[key] = copy.deepcopy(draw(st.sampled_from(WRONG_CONTAINERS)))  # never shared
        elif action == "remove" and isinstance(parent, dict):
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(st.sampled_from(BAD_SCALARS))
        elif action == "lock" and len(path) == 1:
            body[key] = {"status": "locked"}
        done.append(f"{action} at {'/'.join(map(str, path))}")
    return name, body, done


def _broken(name: str, path: tuple, value: Any) -> tuple[str, dict[str, Any], list[str]]:
    body = copy.deepcopy(BASES[name])
    _parent(body, path)[path[-1]] = value
    return name, body, [f"value at {'/'.join(map(str, path))}"]


# Bodies the properties once failed on, kept as explicit examples so they are always tried.
KNOWN_BREAKS = [
    _broken("normal", ("get_posts", "video_posts", 2, "comments_count"), 10**20),  # OverflowError
    _broken("vendor sample", ("profile_overview", "followers_count"), -(10**20)),  # OverflowError
    _broken("hostile", ("get_posts", "non_video_posts", 0, "er"), None),  # "mean ER nan%"
    _broken("all_nulls", ("profile_overview", "handle"), -math.inf),  # "@-inf" in the report
]


def fetch(body: Any) -> Insights:
    """The body as the vendor's answer, through the real client (MockTransport)."""
    encoded = json.dumps(body, allow_nan=True).encode()  # NaN and Infinity as a vendor sends them

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=encoded, headers={"content-type": "application/json"})

    with FirstPartyClient(
        "https://vendor.test/api",
        "test-token",
        transport=httpx.MockTransport(answer),
        sleep=lambda _: None,
    ) as client:
        return client.get_instagram_insights("creator-1")


def drawn_points(figure: go.Figure) -> int:
    """How many values the figure's traces would draw (finite numbers, or labels)."""
    count = 0
    for trace in figure.data:
        for axis in ("y", "x", "z", "values", "r"):
            values = getattr(trace, axis, None)
            if values is None:
                continue
            for value in _flat(values):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    count += math.isfinite(value)
                elif value is not None:
                    count += 1
            break
    return count


def _flat(values: Any) -> list[Any]:
    out: list[Any] = []
    for value in list(values):
        if isinstance(value, list | tuple):
            out += _flat(value)
        else:
            out.append(value.item() if hasattr(value, "item") else value)
    return out


def shown_texts(figure: go.Figure) -> list[str]:
    """Every piece of text a reader sees on the figure: labels, hovers, titles."""
    texts = [str(figure.layout.title.text or "")]
    for trace in figure.data:
        for attribute in ("text", "hovertext", "name"):
            value = getattr(trace, attribute, None)
            if value is not None:
                texts += [
                    str(v) for v in _flat(value if isinstance(value, list | tuple) else [value])
                ]
    return texts


def assert_no_nan_in_csv(frame: Any, name: str) -> None:
    csv = to_safe_csv(frame).decode("utf-8-sig")
    cells = [cell.strip('"') for line in csv.splitlines() for cell in line.split(",")]
    assert not any(NAN_TOKEN.fullmatch(cell) for cell in cells), f"the {name} CSV shows NaN"


def run_pipeline(body: Any) -> InsightsReport | InvalidResponse:
    """Everything an analyst can do with one response; raises on any failure but InvalidResponse."""
    try:
        insights = fetch(body)
    except InvalidResponse as refused:
        return refused
    report = build_report(insights)
    for view in ("posts", "follower_trend", "engagement_trend", "quality", "engagement_split",
                 "look_alikes", "mentions", "hashtags", "posts_per_week", "posting_heatmap",
                 "kpis", "growth", "tier", "benchmark", "sponsored"):  # fmt: skip
        getattr(report, view)
    figures = report_figures(report)
    for name, figure in figures.items():
        if figure is None:
            continue  # the page says "not available"
        assert drawn_points(figure) > 0, f"the {name} chart would be drawn empty"
        for text in shown_texts(figure):
            assert not NAN_TOKEN.search(text), f"the {name} chart shows {text!r}"
    for kpi in report.kpis:
        assert kpi.value is None or math.isfinite(kpi.value), kpi
        assert not NAN_TOKEN.search(kpi.display), kpi
    frames = {"posts": report.posts, "hashtags": report.hashtags, "look-alikes": report.look_alikes,
              "mentions": report.mentions, "followers": report.follower_trend}  # fmt: skip
    for name, frame in frames.items():
        assert_no_nan_in_csv(frame, name)
    to_xlsx(frames)
    _compare_with_the_sample(report)
    html = render_report_html(report, title="Report", fetched_at=time.time())
    text = re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    assert not NAN_TOKEN.search(text), NAN_TOKEN.search(text)
    return report


@functools.cache
def _sample_report() -> InsightsReport:
    """The vendor's sample as a report, built once: each example only reads it."""
    return build_report(Insights.from_raw(copy.deepcopy(BASES["vendor sample"])))


def _compare_with_the_sample(report: InsightsReport) -> None:
    """Side by side with the vendor's sample, a fee quoted for both: the table, every overlay
    chart, and the CSV and XLSX of the comparison."""
    sample = _sample_report()
    reports = {"broken": report, "sample": sample}
    columns = {"broken": "Broken", "sample": "Sample"}
    fees = {cid: Fee(1500.0, "EUR") for cid in columns}
    comparison = build_comparison(reports, columns, fees)
    for label, figure in zip(("growth", "er", "quality", "split", "scatter"),
                             comparison_figures({"Broken": report, "Sample": sample}, raw=False),
                             strict=False):  # fmt: skip
        if figure is not None:
            assert drawn_points(figure) > 0, f"the compare {label} chart would be drawn empty"
    assert_no_nan_in_csv(comparison.labelled(), "comparison")
    to_xlsx(export_sheets(comparison, reports, columns))
