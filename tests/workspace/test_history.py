"""Fetch history: each snapshot holds the KPI row it was taken from (the pages that show what
changed are in tests/pages)."""

from __future__ import annotations

from fpapi.sandbox import build_insights, instagram_pool
from fpapi.storage.records import Snapshot
from fpapi.workspace.history import HISTORY_METRICS, snapshot_of

ACCOUNT = instagram_pool()[2]


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
