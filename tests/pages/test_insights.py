"""The insights page under AppTest, over sandbox creators of every shape."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from components.insights_sections import SECTIONS
from components.loaders import SANDBOX_CACHE_LABEL
from components.report_html import render_report_html
from fpapi import Insights
from fpapi.analysis.metrics import format_count
from fpapi.analysis.report import build_report
from fpapi.sandbox import Sandbox, build_insights, instagram_pool, youtube_pool
from fpapi.storage.cache import InsightCache
from tests.apptest import (
    add_to_roster,
    every_section,
    open_insights,
    open_page,
    page_source,
    page_text,
)
from tests.helpers import KPI_LABELS, charts_of, plotly_values


def one_per_tier():
    seen, picked = set(), []
    for account in instagram_pool()[:30]:
        tier = build_insights(account)["profile_overview"]["influencer_tier"]
        if tier not in seen:
            seen.add(tier)
            picked.append(account)
    return picked


SHAPES = one_per_tier() + list(instagram_pool()[30:])


@pytest.mark.parametrize("account", SHAPES, ids=lambda a: f"{a.kind}-{a.username}")
def test_every_creator_shape_renders_every_section_without_an_exception(app_env, account):
    add_to_roster(app_env, account)
    for section, at in every_section(account.creator_id):
        assert not at.exception, (section, at.exception)
        for chart in charts_of(at):
            assert chart["data"], (section, chart["layout"].get("title"))  # never an empty chart
        assert "Follower growth" in page_text(at)  # the trend stays on top of every section
        assert [t.label for t in at.tabs] == list(SECTIONS)


def test_only_the_open_section_is_built_and_sent(app_env):
    account = instagram_pool()[0]
    add_to_roster(app_env, account)
    titles = {
        section: [c["layout"]["title"]["text"] for c in charts_of(at)]
        for section, at in every_section(account.creator_id)
    }
    assert titles["Engagement"] == [
        "Followers over time", "Engagement rate over time", "Engagement by format",
    ]  # fmt: skip
    assert (
        titles["Posting activity"][0] == "Followers over time"
        and len(titles["Posting activity"]) == 3
    )
    every_chart = [title for shown in titles.values() for title in shown[1:]]
    assert len(every_chart) == len(set(every_chart)) == 8  # each chart in exactly one section


def test_a_normal_creator_shows_kpis_trends_and_the_benchmark(app_env):
    account = instagram_pool()[0]
    add_to_roster(app_env, account)
    at = open_insights(account.creator_id)
    metrics = {m.label: m.value for m in at.metric}
    assert [m.label for m in at.metric][: len(KPI_LABELS)] == list(KPI_LABELS)
    for label in KPI_LABELS:
        assert metrics[label] != "not available", label
    raw = build_insights(account)
    assert metrics["Followers"] == format_count(raw["profile_overview"]["followers_count"])
    reach = raw["get_reach_and_engagement_details"]
    assert metrics["Median views"] == format_count(reach["median_views"])
    assert all(
        m.help for m in at.metric if m.label in ("Engagement rate", "Effective follower rate")
    )
    assert {"Followers, last month", "Followers, last quarter", "Followers, last year"} <= set(
        metrics
    )
    assert "Paid vs organic." in page_text(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("full report" in label for label in labels)  # under every section

    at = open_insights(account.creator_id, "Quality and benchmark")
    titles = [c["layout"]["title"]["text"] for c in charts_of(at)]
    assert "Engagement rate against published tier averages" in titles
    assert "HypeAuditor State of Influencer Marketing 2026" in page_text(at)

    at = open_insights(account.creator_id, "Top posts")
    posts_table = next(df for df in at.dataframe if "er" in df.value.columns)
    assert posts_table.value["er"].is_monotonic_decreasing  # best first
    assert len(posts_table.value) == len(build_insights(account)["get_posts"]["video_posts"]) + len(
        build_insights(account)["get_posts"]["non_video_posts"]
    )
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download these posts as CSV" in labels


def test_a_period_the_trend_does_not_cover_is_not_shown_as_no_growth(app_env):
    """The vendor reports 0 for a growth period its history is too short for: with a trend of
    300 days, last year's growth is "not available", not "+0.00%"."""
    account = next(a for a in instagram_pool() if a.name == "Ravi Dubois")
    raw = build_insights(account)
    assert raw["get_growth_trends"]["yearly_followers"] == 0
    assert len(raw["get_growth_trends"]["cumulative_followers_trends"]) < 365
    add_to_roster(app_env, account)
    at = open_insights(account.creator_id)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Followers, last year"] == "–"  # "not available" does not fit the column
    assert "Not available: the trend covers 299 days." in page_text(at)
    assert metrics["Followers, last quarter"].startswith("+")


def test_filters_narrow_the_posts(app_env):
    account = instagram_pool()[0]
    add_to_roster(app_env, account)
    at = open_insights(account.creator_id, "Top posts")
    formats = next(m for m in at.multiselect if m.label == "Formats")
    formats.set_value(["IMAGE"]).run()
    table = next(df for df in at.dataframe if "er" in df.value.columns).value
    assert set(table["format"]) == {"IMAGE"}
    assert "posts match these filters" in page_text(at)


def test_the_all_nulls_creator_says_what_is_not_available(app_env):
    account = next(a for a in instagram_pool() if a.kind == "all_nulls")
    add_to_roster(app_env, account)
    sections = every_section(account.creator_id)
    assert not any(charts_of(at) for _, at in sections)
    text = " ".join(page_text(at) for _, at in sections)
    at = sections[0][1]
    assert "No follower trend is available yet." in text
    assert "The vendor sent no posts for this creator." in text
    assert "The vendor sent no audience data for this creator." in text
    assert {m.value for m in at.metric if m.label in ("Followers", "Median views")} == {"–"}
    assert "Not available from the vendor's data: Followers, Engagement rate" in page_text(at)
    assert "Follower growth over a month, quarter and year: not available, there is no " in text
    assert not [m for m in at.metric if m.label.startswith("Followers, last")]  # no dashes
    assert "**Follower spikes.** There is no follower trend to look for them in." in text


def test_one_trend_point_and_no_posts(app_env):
    account = next(a for a in instagram_pool() if a.kind == "empty")
    add_to_roster(app_env, account)
    at = open_page("insights", query={"creator": account.creator_id})
    followers = next(
        c for c in charts_of(at) if c["layout"]["title"]["text"] == "Followers over time"
    )
    assert followers["data"][0]["mode"] == "markers"
    low, high = (pd.Timestamp(x) for x in followers["layout"]["xaxis"]["range"])
    assert high - low == pd.Timedelta(days=6)  # a week around the point, not a millisecond
    assert followers["layout"]["xaxis"]["tickformat"] == "%d %b %Y"
    (value,) = plotly_values(followers["data"][0]["y"])
    assert followers["layout"]["yaxis"]["range"] == pytest.approx([value * 0.9, value * 1.1])
    assert "Only one data point" in followers["layout"]["annotations"][0]["text"]
    text = page_text(at)
    assert "**Follower spikes.** The trend has a single day, too short to look for them" in text
    assert "Follower growth over a month, quarter and year: not available, the trend has a " in text


def test_a_locked_audience_is_said_plainly(app_env):
    account = next(a for a in instagram_pool() if a.kind == "quirky")
    add_to_roster(app_env, account)
    at = open_insights(account.creator_id, "Audience")
    assert "Audience data is locked on the current API plan" in page_text(at)


def test_hostile_vendor_text_is_escaped_everywhere(app_env):
    account = next(a for a in instagram_pool() if a.kind == "hostile")
    add_to_roster(app_env, account)
    sections = [at for _, at in every_section(account.creator_id)]
    source = "\n".join(page_source(at, markdown_only=True) for at in sections)
    unescaped = re.compile(r"(?<!\\)(<|\$|:red\[|:blue\[|\]\(javascript)")
    assert not unescaped.search(source), unescaped.search(source)
    assert "\\<b\\>Not bold\\</b\\>" in source  # escaped, so shown as text
    at = sections[0]
    assert any("<script>alert('bio')" in t.value for t in at.text)  # the bio: plain text
    assert "<script>alert('bio')</script>" in page_text(at)


def test_look_alikes_on_the_roster_link_to_insights_and_compare(app_env):
    account = instagram_pool()[0]
    looks = build_insights(account)["profile_details"]["look_alike_creators"]
    on_roster = [a for a in instagram_pool() if a.username in {look["username"] for look in looks}][
        :2
    ]
    add_to_roster(app_env, account, *on_roster)
    at = open_insights(account.creator_id, "Look-alikes")
    links = [(link.proto.page, link.proto.query_string) for link in at.get("page_link")]
    for other in on_roster:
        assert ("insights", f"creator={other.creator_id}") in links
    compare = [q for page, q in links if page == "compare"]
    assert compare and compare[0].startswith(f"creators={account.creator_id}%2C")
    assert "on your roster" in page_text(at)


def test_an_unknown_creator_in_the_link_is_a_note_not_a_crash(app_env):
    add_to_roster(app_env, instagram_pool()[0])
    at = open_page("insights", query={"creator": "not-a-creator"})
    assert not at.exception
    assert "not on the roster" in page_text(at)


def test_a_youtube_creator_is_told_plainly(app_env):
    add_to_roster(app_env, youtube_pool()[0])
    at = open_page("insights", query={"creator": youtube_pool()[0].creator_id})
    assert "Instagram insights only" in page_text(at)


def test_stale_data_is_shown_with_its_age_when_the_api_fails(app_env, monkeypatch):
    account = instagram_pool()[1]
    add_to_roster(app_env, account)
    with Sandbox() as sandbox:
        monkeypatch.setenv("FPAPI_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("FPAPI_TOKEN", sandbox.token)
        monkeypatch.setenv("FPAPI_CACHE_TTL_S", "1")
        first = open_page("insights", query={"creator": account.creator_id})
        assert "just fetched from the API" in page_text(first)
        time.sleep(1.1)
        sandbox.knobs.failure_rate = 1.0
        at = open_page("insights", query={"creator": account.creator_id})
    text = page_text(at)
    assert not at.exception and "could not be reached just now" in text and "HTTP 503" in text
    assert charts_of(at)  # the cached charts still render


def test_no_cache_and_a_failing_api_is_a_sentence(app_env, monkeypatch):
    account = instagram_pool()[2]
    add_to_roster(app_env, account)
    with Sandbox() as sandbox:
        monkeypatch.setenv("FPAPI_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("FPAPI_TOKEN", "revoked-token-123")
        at = open_page("insights", query={"creator": account.creator_id})
    assert not at.exception
    assert "could not be loaded" in page_text(at) and "HTTP 401" in page_text(at)


def test_refresh_bypasses_the_cache(app_env):
    account = instagram_pool()[4]
    add_to_roster(app_env, account)
    at = open_page("insights", query={"creator": account.creator_id})
    at = open_page("insights", query={"creator": account.creator_id})
    assert "from the app's cache" in page_text(at)
    next(b for b in at.button if b.label == "Refresh").click().run()
    assert "just fetched from the API" in page_text(at)


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


def test_cache_label_keeps_the_sandbox_cache_across_restarts(app_env, vendor_insights):
    cache = InsightCache(app_env / "insights", api_base_url=SANDBOX_CACHE_LABEL)
    account = instagram_pool()[5]
    vendor_insights["profile_overview"]["handle"] = "from-the-cache"
    cache.put(account.creator_id, Insights.from_raw(vendor_insights))
    cache.close()
    add_to_roster(app_env, account)
    at = open_page("insights", query={"creator": account.creator_id})
    assert "@from-the-cache" in page_text(at) and "from the app's cache" in page_text(at)


def test_follower_spikes_are_listed_as_text_and_marked_on_the_chart(app_env):
    account = instagram_pool()[1]  # a sandbox creator with one spike of each kind
    spikes = build_report(Insights.from_raw(build_insights(account))).spikes
    assert {s.explained for s in spikes.spikes} == {True, False}
    add_to_roster(app_env, account)
    at = open_insights(account.creator_id)
    text, source = page_text(at), page_source(at, markdown_only=True)
    assert "**Follower spikes.** 2 abnormal one-day gains." in text
    assert f"{spikes.unexplained_share:.2f}% of the last year's growth came in unexplained" in text
    for spike in spikes.spikes:
        line = f"{spike.day.isoformat()}**: +{spike.gain:,.0f} followers (+{spike.share:.2f}%)"
        assert line in text
        if spike.explained:
            assert f"[a post]({spike.post_url})" in source
            assert f"{spike.views_multiple:.1f}x the median" in text
    (followers,) = [
        c for c in charts_of(at) if c["layout"]["title"]["text"] == "Followers over time"
    ]
    marked = {trace["name"]: trace["x"] for trace in followers["data"][1:]}
    assert sorted(marked) == ["Spike, explained by a post", "Spike, unexplained"]
    for spike in spikes.spikes:
        name = "Spike, explained by a post" if spike.explained else "Spike, unexplained"
        assert any(str(x).startswith(spike.day.isoformat()) for x in marked[name])


def test_the_html_report_lists_the_follower_spikes():
    report = build_report(Insights.from_raw(build_insights(instagram_pool()[1])))
    page = render_report_html(report, title="Camila", fetched_at=time.time())
    for spike in report.spikes.spikes:
        assert f"{spike.day.isoformat()}: +{spike.gain:,.0f} followers" in page
        if spike.explained:
            assert f"<a href='{spike.post_url}'>a post</a>" in page
    assert "of the last year's growth came in unexplained spikes" in page


def test_spikes_that_are_all_explained_are_said_plainly_on_the_page_and_in_the_report(app_env):
    """A creator whose only spike follows a post that took off: no "0.00% of the growth"."""
    account = instagram_pool()[0]
    spikes = build_report(Insights.from_raw(build_insights(account))).spikes
    assert [s.explained for s in spikes.spikes] == [True] and spikes.unexplained_share == 0
    add_to_roster(app_env, account)
    text = page_text(open_insights(account.creator_id))
    sentence = "None of the last year's growth came in unexplained spikes."
    assert f"**Follower spikes.** One abnormal one-day gain. {sentence}" in text
    assert "0.00% of the last year's growth" not in text
    report = render_report_html(
        build_report(Insights.from_raw(build_insights(account))), title="K", fetched_at=0
    )
    assert f"Follower spikes: {sentence}" in report
