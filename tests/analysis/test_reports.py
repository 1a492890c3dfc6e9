"""The insights report as one HTML file: self-contained, escaped, with the follower spikes."""

from __future__ import annotations

import re
import time

from components.exports.report_html import render_report_html
from fpapi import Insights
from fpapi.analysis.report import build_report
from fpapi.sandbox import (
    build_insights,
    instagram_pool,
)


def test_html_report_is_self_contained_and_escaped():
    account = next(a for a in instagram_pool() if a.kind == "hostile")
    report = build_report(Insights.from_raw(build_insights(account)))
    page = render_report_html(report, title="<script>alert(1)</script>", fetched_at=time.time())
    assert page.startswith("<!doctype html>") and "Plotly.newPlot" in page
    assert (
        "<script src=" not in page and "<link " not in page
    )  # plotly.js is inlined: works offline
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;bio&#x27;)" in page
    assert not re.search(r"href=['\"]\s*javascript", page, re.IGNORECASE)
    assert "<img" not in page and "<style>body" not in page
    assert page.count('class="plotly-graph-div"') >= 8


def test_the_html_report_lists_the_follower_spikes():
    report = build_report(Insights.from_raw(build_insights(instagram_pool()[1])))
    page = render_report_html(report, title="Camila", fetched_at=time.time())
    for spike in report.spikes.spikes:
        assert f"{spike.day.isoformat()}: +{spike.gain:,.0f} followers" in page
        if spike.explained:
            assert f"<a href='{spike.post_url}'>a post</a>" in page
    assert "of the last year's growth came in unexplained spikes" in page
