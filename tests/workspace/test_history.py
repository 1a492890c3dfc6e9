"""Fetch history: every fetch kept, and what changed since the previous one shown where an
analyst looks (the insights KPIs, the roster)."""

from __future__ import annotations

import time

import pytest

from fpapi.sandbox import build_insights, embedded_sandbox, instagram_pool
from fpapi.sandbox.insights import shifted
from fpapi.storage.records import Snapshot, StoredAlert
from fpapi.workspace.history import HISTORY_METRICS, change, snapshot_of
from tests.apptest import add_to_roster, app_store, open_page, page_text

ACCOUNT = instagram_pool()[2]


@pytest.fixture
def moving_sandbox():
    """The app's embedded sandbox, its numbers-moved knob cleared before and after."""
    sandbox = embedded_sandbox()
    sandbox.knobs.changes.clear()
    yield sandbox
    sandbox.knobs.changes.clear()


def refresh(at):
    next(b for b in at.button if b.label == "Refresh").click().run()
    assert "just fetched from the API" in page_text(at)
    return at


def test_the_sandbox_knob_moves_the_numbers_it_names():
    base = build_insights(ACCOUNT)
    moved = shifted(
        build_insights(ACCOUNT), followers_pct=10, engagement_pct=-30, quality_points=-12
    )
    assert moved["profile_overview"]["followers_count"] == round(
        base["profile_overview"]["followers_count"] * 1.1
    )
    assert moved["profile_overview"]["engagement"] == round(
        base["profile_overview"]["engagement"] * 0.7, 2
    )
    quality = moved["profile_details"]["quality"]["profile_quality_score"]
    assert quality == max(0, base["profile_details"]["quality"]["profile_quality_score"] - 12)


def test_each_fetch_is_kept_and_the_kpis_say_what_changed(app_env, moving_sandbox):
    add_to_roster(app_env, ACCOUNT)
    at = open_page("insights", query={"creator": ACCOUNT.creator_id})
    assert not any(m.proto.delta for m in at.metric if m.label == "Followers")  # one fetch yet
    moving_sandbox.knobs.changes[ACCOUNT.creator_id] = {"followers_pct": 10, "engagement_pct": -30}
    at = refresh(at)
    history = app_store(app_env).snapshots(ACCOUNT.creator_id)
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


def test_a_snapshot_holds_the_kpi_row_and_the_sub_scores():
    from fpapi import Insights
    from fpapi.analysis.metrics import kpis

    insights = Insights.from_raw(build_insights(ACCOUNT))
    snapshot = snapshot_of(ACCOUNT.creator_id, 123.0, insights)
    assert isinstance(snapshot, Snapshot) and snapshot.fetched_at == 123.0
    for kpi, metric in kpis(insights).paired(HISTORY_METRICS):
        assert metric.label == kpi.label  # the page shows each KPI's change beside it
        assert getattr(snapshot, metric.field) == kpi.value, metric.label
    quality = insights.profile_details.quality
    assert snapshot.quality_consistency == quality.consistency
    assert snapshot.processed_on == insights.last_processed_at.isoformat()


def test_each_kpi_lands_in_its_own_snapshot_field(vendor_insights):
    from fpapi import Insights

    # The sample's six KPIs all differ, so any two swapped would show here.
    snapshot = snapshot_of("c", 1.0, Insights.from_raw(vendor_insights))
    kept = (snapshot.followers, snapshot.engagement_rate, snapshot.posts_per_week,
            snapshot.effective_follower_rate, snapshot.median_views, snapshot.quality_score)  # fmt: skip
    assert kept == (1257, 43.64, 0.94, 324.0, 4287, 92)


def test_the_home_page_lists_what_changed_newest_first(app_env):
    add_to_roster(app_env, ACCOUNT)
    store = app_store(app_env)
    assert "No alerts yet" in page_text(open_page("home"))
    older = StoredAlert("a|er_drop|1", ACCOUNT.creator_id, "er_drop",
                        "@lucia: engagement rate 3.00% → 2.00% (-1.00 points)", at=time.time() - 7200)  # fmt: skip
    newer = StoredAlert("b|spike|2026-11-20", "gone", "spike",
                        "@gone: followers jumped by 5,000 (+3.00%) on 2026-11-20", at=time.time() - 60)  # fmt: skip
    store.add_alert(older)
    store.add_alert(newer)
    at = open_page("home")
    text = page_text(at)
    assert "What changed" in text
    assert text.index("@gone: followers jumped") < text.index(
        "@lucia: engagement rate 3.00% → 2.00%"
    )
    to_insights = [e for e in at.get("page_link") if ACCOUNT.creator_id in str(e.proto)]
    assert len(to_insights) == 1  # the creator on the roster; "gone" is not: no link
