"""Everything the insights and compare pages show about one creator, computed on first use.

Each view is computed once per fetched response and then kept, so a page pays only for the
views it shows (the compare page needs no posting heatmap). Treat the frames as read-only:
a report is shared by every session that shows the same response.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from fpapi.analysis import frames, metrics
from fpapi.analysis.benchmarks import TIERS, Tier, benchmark_for, tier_for
from fpapi.analysis.spikes import find_spikes
from fpapi.api.models import Insights

__all__ = ["InsightsReport", "build_report"]

T = TypeVar("T")


def _view(compute: Callable[[InsightsReport], T]) -> cached_property[T]:
    """A view of the report, computed by ``compute`` on first use and then kept. Unlike a bare
    ``cached_property(lambda ...)``, the type checker knows ``compute`` takes an InsightsReport."""
    return cached_property(compute)


class InsightsReport:
    """One fetched response's views (frames, KPIs, summaries), each computed on first use."""

    def __init__(self, insights: Insights) -> None:
        self.insights = insights

    posts = _view(lambda report: frames.posts(report.insights))
    follower_trend = _view(lambda report: frames.follower_trend(report.insights))
    engagement_trend = _view(lambda report: frames.engagement_trend(report.insights))
    quality = _view(lambda report: frames.quality_scores(report.insights))
    engagement_split = _view(lambda report: frames.engagement_split(report.insights))
    look_alikes = _view(lambda report: frames.look_alikes(report.insights))
    kpis = _view(lambda report: metrics.kpis(report.insights))
    sponsored = _view(lambda report: metrics.sponsored_summary(frames.sponsorship(report.insights)))
    # The views of the posts reuse the posts frame rather than build it again.
    mentions = _view(lambda report: frames.mentions(report.insights))
    hashtags = _view(lambda report: frames.hashtags(report.insights))
    posts_per_week = _view(lambda report: metrics.posts_per_week(report.posts))
    posting_heatmap = _view(lambda report: metrics.posting_heatmap(report.posts))
    spikes = _view(lambda report: find_spikes(report.follower_trend, report.posts))
    benchmark = _view(lambda report: benchmark_for(report.tier) if report.tier else None)

    @cached_property
    def growth(self) -> dict[str, float | None]:
        return {
            name: metrics.growth(self.follower_trend, days)
            for name, days in metrics.GROWTH_WINDOWS_DAYS.items()
        }

    @cached_property
    def tier(self) -> Tier | None:
        tier = tier_for(self.followers)
        overview = self.insights.profile_overview
        if tier is None and overview and overview.influencer_tier:
            wanted = overview.influencer_tier.lower()
            tier = next((t for t in TIERS if t.name.lower() == wanted), None)
        return tier

    @property
    def followers(self) -> float | None:
        return self.kpis.followers.value

    @property
    def engagement_rate(self) -> float | None:
        return self.kpis.engagement_rate.value


def build_report(insights: Insights) -> InsightsReport:
    return InsightsReport(insights)
