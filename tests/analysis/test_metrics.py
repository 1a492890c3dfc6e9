from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given

from fpapi import Insights, InvalidResponse
from fpapi.analysis.benchmarks import BENCHMARK_SOURCE, benchmark_for, tier_for
from fpapi.analysis.export import to_safe_csv
from fpapi.analysis.frames import posts, sponsorship
from fpapi.analysis.metrics import filter_posts, format_count, growth, kpis, sponsored_summary
from fpapi.analysis.report import build_report
from tests.helpers import KPI_LABELS
from tests.vendor_shapes import (
    broken_bodies,
    fetch,
)


def test_kpis_from_the_vendor_sample(vendor_insights):
    row = {k.label: k.display for k in kpis(Insights.from_raw(vendor_insights))}
    assert row == {
        "Followers": "1,257", "Engagement rate": "43.64%", "Posts per week": "0.94",
        "Effective follower rate": "324.00%", "Median views": "4,287", "Profile quality": "92 / 100",
    }  # fmt: skip


def test_each_kpi_is_read_under_its_own_name(vendor_insights):
    # The sample's six KPIs all differ, so any two swapped would show here.
    row = kpis(Insights.from_raw(vendor_insights))
    assert (row.followers.label, row.followers.value) == ("Followers", 1257)
    assert (row.engagement_rate.label, row.engagement_rate.value) == ("Engagement rate", 43.64)
    assert (row.posts_per_week.label, row.posts_per_week.value) == ("Posts per week", 0.94)
    efr = row.effective_follower_rate
    assert (efr.label, efr.value) == ("Effective follower rate", 324.0)
    assert (row.median_views.label, row.median_views.value) == ("Median views", 4287)
    assert (row.quality_score.label, row.quality_score.value) == ("Profile quality", 92)
    assert [kpi.label for kpi in row] == list(KPI_LABELS)  # the order the page shows
    report = build_report(Insights.from_raw(vendor_insights))
    assert (report.followers, report.engagement_rate) == (1257, 43.64)


def test_kpi_help_says_how_and_over_what_window(vendor_insights):
    helps = {k.label: k.help for k in kpis(Insights.from_raw(vendor_insights))}
    assert "divided by followers" in helps["Engagement rate"]
    assert "last 90 days" in helps["Effective follower rate"]


def test_kpis_say_not_available_for_nulls():
    assert {k.display for k in kpis(Insights.from_raw({}))} == {"not available"}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1257, "1,257"),
        (45_210, "45.2K"),
        (452_100, "452K"),
        (2_840_038, "2.84M"),
        (None, "not available"),
    ],
)
def test_format_count(value, text):
    assert format_count(value) == text


def test_growth_over_the_trend():
    trend = pd.DataFrame(
        {"date": pd.date_range("2025-01-01", periods=400, freq="D"), "value": range(1000, 1400)}
    )
    assert growth(trend, 30) == pytest.approx((1399 - 1369) / 1369 * 100)
    assert growth(trend, 365) == pytest.approx((1399 - 1034) / 1034 * 100)
    assert growth(trend.head(20), 30) is None  # the trend does not cover a month
    assert growth(trend.head(1), 30) is None


def test_growth_skips_missing_values_and_a_zero_start():
    dates = pd.Series(pd.date_range("2025-01-01", periods=5, freq="D")).astype("datetime64[s]")
    trend = pd.DataFrame(
        {"date": dates, "value": pd.array([100, None, 0, 150, None], dtype="Float64")}
    )
    assert growth(trend, 3) == pytest.approx(50.0)  # from 100 (day 1) to 150 (day 4)
    assert growth(trend, 1) is None  # the value a day before the last is 0: no base
    empty = pd.DataFrame({"date": dates[:0], "value": pd.array([], dtype="Float64")})
    assert growth(empty, 30) is None


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (999, None),
        (1_000, "Nano"),
        (9_999, "Nano"),
        (10_000, "Micro"),
        (250_000, "Mid"),
        (750_000, "Macro"),
        (5_000_000, "Mega"),
    ],
)
def test_tiers(followers, tier):
    found = tier_for(followers)
    assert (found.name if found else None) == tier


def test_benchmarks_cite_their_source_and_never_invent_a_figure():
    nano = benchmark_for(tier_for(5_000))
    assert nano.published and nano.low_pct == 1.78 and nano.position(2.0) == "above"
    mid = benchmark_for(tier_for(200_000))
    assert not mid.published and (mid.low_pct, mid.high_pct) == (0.33, 0.54)
    assert "No figure is published" in mid.note and mid.position(0.4) == "within"
    assert "HypeAuditor" in BENCHMARK_SOURCE and "2026" in BENCHMARK_SOURCE


def test_filter_posts_by_format_and_sponsorship():
    posts = pd.DataFrame(
        {
            "format": ["REEL", "IMAGE", "REEL"],
            "sponsored": pd.array([True, False, None], dtype="boolean"),
            "er": [1.0, 2.0, 3.0],
        }
    )
    assert len(filter_posts(posts, formats=["REEL"])) == 2
    assert filter_posts(posts, sponsored="sponsored")["er"].tolist() == [1.0]
    assert filter_posts(posts, sponsored="organic")["er"].tolist() == [2.0, 3.0]


def test_sponsored_summary():
    posts = pd.DataFrame(
        {
            "sponsored": pd.array([True, False, False, None], dtype="boolean"),
            "er": [1.0, 3.0, 5.0, None],
        }
    )
    summary = sponsored_summary(posts)
    assert (
        summary.sponsored_posts,
        summary.total_posts,
        summary.sponsored_er,
        summary.organic_er,
    ) == (1, 4, 1.0, 4.0)
    assert summary.share_pct == 25


def test_the_paid_vs_organic_means_read_the_same_whatever_the_posts_order():
    """Twelve sponsored posts whose plain float mean is 3.1649999999999996 in one order and
    3.1650000000000005 in another: the page said 3.16% or 3.17% by which page had built the
    creator's posts first. Now one number, the correctly rounded one."""
    er = [1.38, 3.96, 4.67, 2.46, 1.59, 1.56, 4.91, 4.1, 3.62, 4.26, 2.59, 2.88]
    means = {
        sponsored_summary(
            pd.DataFrame({"sponsored": pd.array([True] * 12, dtype="boolean"), "er": order})
        ).sponsored_er
        for order in (er, er[::-1], sorted(er), sorted(er, reverse=True))
    }
    assert means == {math.fsum(er) / len(er)}


def test_csv_export_neutralises_formulas_and_keeps_numbers(vendor_insights):
    posts = vendor_insights["get_posts"]["video_posts"]
    posts[0]["caption"] = '=HYPERLINK("http://evil.example","x")'
    posts[1]["caption"] = "+SUM(1,2)"
    posts[2]["caption"] = "@SUM(A1)"
    posts[3]["caption"] = "-2+3"
    posts[4]["location_name"] = "\t=1+1"
    report = build_report(Insights.from_raw(vendor_insights))
    text = to_safe_csv(report.posts).decode("utf-8-sig")
    for bad in ("=HYPERLINK", "+SUM(1,2)", "@SUM(A1)", "-2+3"):
        assert f",'{bad}" in text or f",\"'{bad}" in text, bad
    assert "\n=" not in text and ",=" not in text and ",+" not in text and ",@" not in text
    rows = pd.read_csv(__import__("io").StringIO(text))
    assert rows["likes"].dtype.kind == "i" and rows["likes"].iloc[0] == 2141


def test_a_missing_percentage_reads_not_available_whatever_kind_of_missing():
    from fpapi.analysis.metrics import format_pct

    assert format_pct(2.345) == "2.35%" and format_pct(-1.0, signed=True) == "-1.00%"
    for missing in (None, float("nan"), pd.NA):
        assert format_pct(missing) == "not available"


@given(broken_bodies())
def test_the_paid_vs_organic_summary_reads_the_same_from_two_columns(case):
    """The summary reads only the sponsored and ER columns; whatever the body, it is the one
    every post gives."""
    name, body, done = case
    try:
        insights = fetch(body)
    except InvalidResponse:
        return
    light = sponsored_summary(sponsorship(insights))
    full = sponsored_summary(posts(insights))
    assert (light.sponsored_posts, light.total_posts) == (full.sponsored_posts, full.total_posts)
    for mine, theirs in (
        (light.sponsored_er, full.sponsored_er),
        (light.organic_er, full.organic_er),
    ):
        assert mine == theirs, (name, done)  # the same number, whatever the posts' order
