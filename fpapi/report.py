"""Everything the insights page and its export show, computed once per fetched response."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fpapi import frames, metrics
from fpapi.benchmarks import TIERS, Benchmark, Tier, benchmark_for, tier_for
from fpapi.models import Insights

__all__ = ["InsightsReport", "build_report"]


@dataclass(frozen=True)
class InsightsReport:
    insights: Insights
    posts: pd.DataFrame
    follower_trend: pd.DataFrame
    engagement_trend: pd.DataFrame
    quality: pd.DataFrame
    engagement_split: pd.DataFrame
    look_alikes: pd.DataFrame
    mentions: pd.DataFrame
    hashtags: pd.DataFrame
    posts_per_week: pd.DataFrame
    posting_heatmap: pd.DataFrame
    kpis: list[metrics.Kpi]
    growth: dict[str, float | None] = field(default_factory=dict)
    tier: Tier | None = None
    benchmark: Benchmark | None = None
    sponsored: metrics.SponsoredSummary | None = None

    @property
    def followers(self) -> float | None:
        return self.kpis[0].value

    @property
    def engagement_rate(self) -> float | None:
        return self.kpis[1].value


def build_report(insights: Insights) -> InsightsReport:
    posts = frames.posts(insights)
    follower_trend = frames.follower_trend(insights)
    kpis = metrics.kpis(insights)
    overview = insights.profile_overview
    followers = kpis[0].value
    tier = tier_for(followers)
    if tier is None and overview and overview.influencer_tier:
        tier = next((t for t in TIERS if t.name.lower() == overview.influencer_tier.lower()), None)
    return InsightsReport(
        insights=insights,
        posts=posts,
        follower_trend=follower_trend,
        engagement_trend=frames.engagement_trend(insights),
        quality=frames.quality_scores(insights),
        engagement_split=frames.engagement_split(insights),
        look_alikes=frames.look_alikes(insights),
        mentions=frames.mentions(insights),
        hashtags=frames.hashtags(insights),
        posts_per_week=metrics.posts_per_week(posts),
        posting_heatmap=metrics.posting_heatmap(posts),
        kpis=kpis,
        growth={
            name: metrics.growth(follower_trend, days)
            for name, days in metrics.GROWTH_WINDOWS_DAYS.items()
        },
        tier=tier,
        benchmark=benchmark_for(tier) if tier else None,
        sponsored=metrics.sponsored_summary(posts),
    )
