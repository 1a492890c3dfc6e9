"""The insights page under AppTest, over sandbox creators of every shape, and a vendor that
fails, moves its numbers or revokes a consent."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.exports.report_html import render_report_html
from components.frame.loaders import SANDBOX_CACHE_LABEL
from components.ui.insights_sections import SECTIONS
from fpapi import Insights
from fpapi.analysis.metrics import format_count
from fpapi.analysis.report import build_report
from fpapi.commands.seed import main
from fpapi.sandbox import (
    build_insights,
    instagram_pool,
    youtube_pool,
)
from fpapi.sandbox.accounts import generated_account
from fpapi.storage.cache import InsightCache
from fpapi.workspace.history import HISTORY_METRICS, change
from tests.analyst_input import QUERY_VALUE
from tests.helpers import KPI_LABELS, add_to_roster, app_store, charts_of, plotly_values
from tests.pages.apptest import (
    INSIGHTS_SECTIONS,
    PAGE_RUNS,
    break_vendor,
    by_label,
    every_section,
    open_insights,
    open_page,
    page_source,
    page_text,
)

NORMAL = instagram_pool()[0]
WATCHED = instagram_pool()[2]  # its numbers moved by the sandbox's knob
LAPSED = instagram_pool()[3]  # its consent revoked by the sandbox's knob
FAULTY = instagram_pool()[6]  # served by a vendor that breaks


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
    assert "not on this workspace's roster" in page_text(at)


def test_a_youtube_creator_is_told_plainly(app_env):
    add_to_roster(app_env, youtube_pool()[0])
    at = open_page("insights", query={"creator": youtube_pool()[0].creator_id})
    assert "Instagram insights only" in page_text(at)


def test_stale_data_is_shown_with_its_age_when_the_api_fails(app_env, vendor, monkeypatch):
    account = instagram_pool()[1]
    add_to_roster(app_env, account)
    monkeypatch.setenv("FPAPI_CACHE_TTL_S", "1")
    first = open_page("insights", query={"creator": account.creator_id})
    assert "just fetched from the API" in page_text(first)
    time.sleep(1.1)
    vendor.knobs.failure_rate = 1.0
    at = open_page("insights", query={"creator": account.creator_id})
    text = page_text(at)
    assert not at.exception and "could not be reached just now" in text and "HTTP 503" in text
    assert charts_of(at)  # the cached charts still render


def test_no_cache_and_a_failing_api_is_a_sentence(app_env, vendor, monkeypatch):
    account = instagram_pool()[2]
    add_to_roster(app_env, account)
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


FAULTS = {
    "slow": "did not answer in time",
    "flapping-429": "limiting how often we may call it (HTTP 429)",
    "503-html": "problem on its side (HTTP 503)",
    "truncated-json": "text that is not JSON",
    "json-array": "JSON list where an object was expected",
    "empty-body": "empty answer",
    "html-200": "a web page instead of data",
    "20mb-body": "more than 10 MB",
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_faulty_vendor_with_nothing_cached_gets_a_sentence(vendor, app_env, fault):
    add_to_roster(app_env, FAULTY)
    break_vendor(vendor, fault)
    at = open_page("insights", query={"creator": FAULTY.creator_id})
    assert not at.exception
    text = page_text(at)
    assert "could not be loaded" in text and FAULTS[fault] in text


@pytest.mark.parametrize("fault", ["slow", "503-html", "truncated-json", "20mb-body"])
def test_a_faulty_vendor_with_a_cached_copy_shows_it_as_stale(vendor, app_env, monkeypatch, fault):
    add_to_roster(app_env, FAULTY)
    monkeypatch.setenv("FPAPI_CACHE_TTL_S", "0")  # the copy is stale at once
    first = open_page("insights", query={"creator": FAULTY.creator_id})
    assert "just fetched from the API" in page_text(first)
    break_vendor(vendor, fault)
    at = open_page("insights", query={"creator": FAULTY.creator_id})
    text = page_text(at)
    assert not at.exception and "could not be reached just now" in text and FAULTS[fault] in text
    assert "old" in text
    titles = [chart["layout"]["title"]["text"] for chart in charts_of(at)]
    assert titles[:2] == ["Followers over time", "Engagement rate over time"]  # the cached copy


def test_a_corrupt_insight_cache_is_rebuilt(app_env):
    add_to_roster(app_env, FAULTY)
    open_page("insights", query={"creator": FAULTY.creator_id})
    (app_env / "insights" / "cache.db").write_bytes(b"garbage" * 64)
    at = open_page("insights", query={"creator": FAULTY.creator_id})
    assert not at.exception
    assert charts_of(at)[0]["layout"]["title"]["text"] == "Followers over time"


def test_a_creator_whose_consent_was_withdrawn_is_forgotten_at_once(app_env, clean_sandbox):
    add_to_roster(app_env, LAPSED)
    clean_sandbox.knobs.revoked = [LAPSED.creator_id]
    at = open_page("insights", query={"creator": LAPSED.creator_id})
    text = page_text(at)
    assert not at.exception and not charts_of(at)
    assert "withdrew their consent" in text and "deletion code" in text
    calls = clean_sandbox.calls[f"insights:{LAPSED.creator_id}"]
    again = open_page("insights", query={"creator": LAPSED.creator_id})
    assert "No creators yet" in page_text(again)
    assert clean_sandbox.calls[f"insights:{LAPSED.creator_id}"] == calls  # never asked again
    assert "No creators yet" in page_text(open_page("creators"))
    (entry, *_) = app_store(app_env).activity()
    assert entry.action == "creator_forgotten" and entry.subject.startswith("deletion ")


def test_a_withdrawn_consent_kept_for_days_shows_nothing_and_calls_no_more(
    app_env, clean_sandbox, monkeypatch
):
    monkeypatch.setenv("FPAPI_REVOKED_PURGE_DAYS", "30")
    monkeypatch.setenv("FPAPI_CACHE_TTL_S", "0")  # every open asks the vendor
    add_to_roster(app_env, LAPSED)
    open_page("insights", query={"creator": LAPSED.creator_id})  # fetched while consent holds
    clean_sandbox.knobs.revoked = [LAPSED.creator_id]
    at = open_page("insights", query={"creator": LAPSED.creator_id})
    calls = clean_sandbox.calls[f"insights:{LAPSED.creator_id}"]
    again = open_page("insights", query={"creator": LAPSED.creator_id})
    for page in (at, again):
        text = page_text(page)
        assert not page.exception and not charts_of(page)  # the cached copy is not shown
        assert "withdrew their consent on" in text and "it is deleted on" in text
    assert clean_sandbox.calls[f"insights:{LAPSED.creator_id}"] == calls


def test_the_insights_page_edits_status_tags_and_notes(app_env):
    add_to_roster(app_env, NORMAL)
    at = open_page("insights", query={"creator": NORMAL.creator_id})
    assert "Status: **new** · no tags · 0 notes" in page_text(at)
    by_label(at.selectbox, "Status").set_value("contacted")
    by_label(at.text_input, "Tags").input("Travel, #Q3 launch")
    by_label(at.text_area, "Add a note").input("Asked for the rate card.")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    kept = app_store(app_env).relationship(NORMAL.creator_id)
    assert kept.status == "contacted" and kept.tags == ["travel", "q3 launch"]
    assert [(n["author"], n["text"]) for n in kept.notes] == [("local", "Asked for the rate card.")]
    text = page_text(at)
    assert "Status: **contacted** · #travel, #q3 launch · 1 note" in text
    assert any(t.value.endswith("· local: Asked for the rate card.") for t in at.text)


def refresh(at):
    next(b for b in at.button if b.label == "Refresh").click().run()
    assert "just fetched from the API" in page_text(at)
    return at


def test_each_fetch_is_kept_and_the_kpis_say_what_changed(app_env, clean_sandbox):
    add_to_roster(app_env, WATCHED)
    at = open_page("insights", query={"creator": WATCHED.creator_id})
    assert not any(m.proto.delta for m in at.metric if m.label == "Followers")  # one fetch yet
    clean_sandbox.knobs.changes[WATCHED.creator_id] = {"followers_pct": 10, "engagement_pct": -30}
    at = refresh(at)
    history = app_store(app_env).snapshots(WATCHED.creator_id)
    assert len(history) == 2 and history[1].fetched_at > history[0].fetched_at
    before, after = history
    assert after.followers == pytest.approx(before.followers * 1.1, abs=1)
    followers = next(m for m in at.metric if m.label == "Followers")
    gained = after.followers - before.followers
    assert followers.proto.delta == f"{gained:+,.0f} ({(gained / before.followers * 100):+.2f}%)"
    er = next(m for m in at.metric if m.label == "Engagement rate")
    assert er.proto.delta == f"{after.engagement_rate - before.engagement_rate:+.2f} points"
    assert any(e.label == "History of 2 fetches" for e in at.expander)
    unchanged = next(m for m in at.metric if m.label == "Posts per week")
    assert not unchanged.proto.delta and "Unchanged since the previous fetch" in unchanged.help

    roster = open_page("creators")
    text = page_text(roster)
    followers = HISTORY_METRICS.followers
    moved = change(followers, before, after)
    assert f"Followers {followers.show(after.followers)}, {moved.delta_text()}" in text
    assert "since the previous fetch" in text


def test_a_seeded_creator_opens_on_the_insights_page(app_env):
    assert main(["--creators", "60"]) == 0
    creator = generated_account(7)
    at = open_page("insights", query={"creator": creator.creator_id})
    assert not at.exception
    assert "Find a creator" in [t.label for t in at.text_input]  # 60 is more than one menu
    assert creator.name in page_text(at)


ACCOUNTS = instagram_pool()[:3]


KNOWN = st.sampled_from([a.creator_id for a in ACCOUNTS])


@PAGE_RUNS
@given(
    creator=QUERY_VALUE | KNOWN,
    extra=st.dictionaries(
        st.text(min_size=1, max_size=20) | st.just("section"),
        QUERY_VALUE | st.sampled_from(list(INSIGHTS_SECTIONS)),
        max_size=3,
    ),
)
def test_any_query_string_on_insights_is_a_page_not_a_crash(app_env, creator, extra):
    add_to_roster(app_env, *ACCOUNTS)
    at = open_page("insights", query={**extra, "creator": creator})
    assert not at.exception
    assert [t.value for t in at.title] == ["Insights"]
    shown = page_text(at)
    assert "<script>" not in shown or "&lt;script&gt;" in shown or "\\<script" in shown
