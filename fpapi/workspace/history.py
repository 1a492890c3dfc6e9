"""Fetch history: each successful fetch kept as a snapshot of a creator's headline numbers, and
what changed between two of them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from fpapi.analysis.metrics import KpiRow, format_count, format_pct, kpis
from fpapi.api.models import Insights
from fpapi.errors import StoreError
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Snapshot

__all__ = [
    "HISTORY_METRICS",
    "Change",
    "Metric",
    "SnapshotStore",
    "change",
    "headline",
    "previous_snapshot",
    "record_fetch",
    "record_fetches",
    "snapshot_of",
]

log = logging.getLogger(__name__)


class SnapshotStore(Protocol):
    def add_snapshots(self, found: list[Snapshot]) -> None: ...


@dataclass(frozen=True)
class Metric:
    field: str  # the Snapshot field that keeps it
    label: str  # the KPI's label on the insights page
    percent: bool = False
    count: bool = False
    points: bool = False  # a score: its change is in points, not a share of itself

    def show(self, value: float | None) -> str:
        if self.percent:
            return format_pct(value)
        if self.count:
            return format_count(value)
        return "not available" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


# The numbers a snapshot keeps that the insights page shows as KPIs, each under its KPI's name.
HISTORY_METRICS: KpiRow[Metric] = KpiRow(
    followers=Metric("followers", "Followers", count=True),
    engagement_rate=Metric("engagement_rate", "Engagement rate", percent=True),
    posts_per_week=Metric("posts_per_week", "Posts per week"),
    effective_follower_rate=Metric(
        "effective_follower_rate", "Effective follower rate", percent=True
    ),
    median_views=Metric("median_views", "Median views", count=True),
    quality_score=Metric("quality_score", "Profile quality", points=True),
)


def snapshot_of(creator_id: str, fetched_at: float, insights: Insights) -> Snapshot:
    """The headline numbers of one fetched response, as the KPI row reads them."""
    row = kpis(insights)
    details = insights.profile_details
    quality = details.quality if details else None
    processed = insights.last_processed_at
    return Snapshot(
        creator_id=creator_id,
        fetched_at=fetched_at,
        processed_on=processed.isoformat() if processed else None,
        followers=row.followers.value,
        engagement_rate=row.engagement_rate.value,
        posts_per_week=row.posts_per_week.value,
        effective_follower_rate=row.effective_follower_rate.value,
        median_views=row.median_views.value,
        quality_score=row.quality_score.value,
        quality_engagement_rate=quality.engagement_rate if quality else None,
        quality_effective_followers=quality.effective_followers if quality else None,
        quality_consistency=quality.consistency if quality else None,
        quality_authentic_audience=quality.authentic_audience if quality else None,
    )


def record_fetch(store: SnapshotStore, loaded: LoadedInsights) -> Snapshot | None:
    """Keep a snapshot of a response that was just fetched (not one read from the cache). A
    store that cannot write loses the snapshot, never the page: logged, not raised."""
    return record_fetches(store, [loaded]).get(loaded.creator_id)


def record_fetches(store: SnapshotStore, loaded: list[LoadedInsights]) -> dict[str, Snapshot]:
    """``record_fetch`` for several responses, in one write; the snapshots kept, by creator."""
    kept = {
        item.creator_id: snapshot_of(item.creator_id, item.fetched_at, item.insights)
        for item in loaded
        if item.source == "api"
    }
    try:
        store.add_snapshots(list(kept.values()))
    except StoreError as err:
        log.warning("Could not keep the fetch history of %d creators: %s", len(kept), err)
        return {}
    return kept


def previous_snapshot(history: list[Snapshot], fetched_at: float) -> Snapshot | None:
    """The newest snapshot taken before the fetch at ``fetched_at`` (history oldest first)."""
    return next((s for s in reversed(history) if s.fetched_at < fetched_at), None)


def headline(previous: Snapshot | None, current: Snapshot | None) -> list[tuple[str, str]]:
    """Followers and ER at ``current``, each with its change since ``previous``: (the KPI's
    label, ``43.0K, +3,000 (+7.50%)``), for the roster and the refresh's report."""
    parts = []
    for metric in (HISTORY_METRICS.followers, HISTORY_METRICS.engagement_rate):
        text = metric.show(getattr(current, metric.field) if current else None)
        moved = change(metric, previous, current)
        parts.append((metric.label, text + (f", {moved.delta_text()}" if moved else "")))
    return parts


@dataclass(frozen=True)
class Change:
    metric: Metric
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        """The change as a share of the value before, in percent (None from zero)."""
        return self.delta / abs(self.before) * 100 if self.before else None

    def delta_text(self) -> str:
        """The change alone: ``+1,204 (+2.31%)`` for a count, ``-0.12 points`` for a rate."""
        if self.metric.percent:
            return f"{self.delta:+.2f} points"
        if self.metric.points:
            return f"{self.delta:+,.0f} points"
        amount = f"{self.delta:+,.0f}" if self.metric.count else f"{self.delta:+,.2f}"
        relative = self.relative
        return amount if relative is None else f"{amount} ({format_pct(relative, signed=True)})"

    def describe(self) -> str:
        """``1,234 → 1,300 (+5.35%)``: before → after, the relative change for counts."""
        text = f"{self.metric.show(self.before)} → {self.metric.show(self.after)}"
        if self.metric.percent or self.metric.points:
            text += f" ({self.delta_text()})"
        elif self.relative is not None:
            text += f" ({format_pct(self.relative, signed=True)})"
        return text


def change(metric: Metric, previous: Snapshot | None, current: Snapshot | None) -> Change | None:
    """How ``metric`` moved between two snapshots, None when either lacks it."""
    if previous is None or current is None:
        return None
    before, after = getattr(previous, metric.field), getattr(current, metric.field)
    if before is None or after is None:
        return None
    return Change(metric, float(before), float(after))
