"""Everything the insights and compare pages show about one creator, computed on first use.

Each view is computed once per fetched response and then kept, so a page pays only for the
views it shows (the compare page needs no posting heatmap). Treat the frames as read-only:
a report is shared by every session that shows the same response.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from fpapi.analysis import frames, metrics
from fpapi.analysis.benchmarks import TIERS, Benchmark, Tier, benchmark_for, tier_for
from fpapi.analysis.spikes import SpikeReport, find_spikes
from fpapi.api.models import Insights

__all__ = ["InsightsReport", "build_report"]


class InsightsReport:
    def __init__(self, insights: Insights) -> None:
        self.insights = insights

    @cached_property
    def posts(self) -> pd.DataFrame:
        return frames.posts(self.insights)

    @cached_property
    def follower_trend(self) -> pd.DataFrame:
        return frames.follower_trend(self.insights)

    @cached_property
    def engagement_trend(self) -> pd.DataFrame:
        return frames.engagement_trend(self.insights)

    @cached_property
    def quality(self) -> pd.DataFrame:
        return frames.quality_scores(self.insights)

    @cached_property
    def engagement_split(self) -> pd.DataFrame:
        return frames.engagement_split(self.insights)

    @cached_property
    def look_alikes(self) -> pd.DataFrame:
        return frames.look_alikes(self.insights)

    @cached_property
    def mentions(self) -> pd.DataFrame:
        return frames.mentions(self.insights, self.posts)

    @cached_property
    def hashtags(self) -> pd.DataFrame:
        return frames.hashtags(self.insights, self.posts)

    @cached_property
    def posts_per_week(self) -> pd.DataFrame:
        return metrics.posts_per_week(self.posts)

    @cached_property
    def posting_heatmap(self) -> pd.DataFrame:
        return metrics.posting_heatmap(self.posts)

    @cached_property
    def kpis(self) -> metrics.KpiRow[metrics.Kpi]:
        return metrics.kpis(self.insights)

    @cached_property
    def growth(self) -> dict[str, float | None]:
        return {
            name: metrics.growth(self.follower_trend, days)
            for name, days in metrics.GROWTH_WINDOWS_DAYS.items()
        }

    @cached_property
    def spikes(self) -> SpikeReport:
        return find_spikes(self.follower_trend, self.posts)

    @cached_property
    def tier(self) -> Tier | None:
        tier = tier_for(self.followers)
        overview = self.insights.profile_overview
        if tier is None and overview and overview.influencer_tier:
            wanted = overview.influencer_tier.lower()
            tier = next((t for t in TIERS if t.name.lower() == wanted), None)
        return tier

    @cached_property
    def benchmark(self) -> Benchmark | None:
        return benchmark_for(self.tier) if self.tier else None

    @cached_property
    def sponsored(self) -> metrics.SponsoredSummary:
        return metrics.sponsored_summary(frames.sponsorship(self.insights))

    @property
    def followers(self) -> float | None:
        return self.kpis.followers.value

    @property
    def engagement_rate(self) -> float | None:
        return self.kpis.engagement_rate.value


def build_report(insights: Insights) -> InsightsReport:
    return InsightsReport(insights)
