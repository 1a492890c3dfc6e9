"""Published Instagram engagement-rate benchmarks by follower tier, with their sources.

Sources (keep every figure traceable to one of these):
- HypeAuditor, "State of Influencer Marketing 2026" report, as summarised by eMarketer
  (2026): average Instagram engagement rate 1.78% for nano creators (1K-10K followers),
  0.54% for micro creators (10K-100K) and 0.33% for mega creators (over 1M).
  ER there is (likes + comments) / followers x 100, the same definition the vendor uses.
- The source publishes no separate figure for mid (100K-500K) or macro (500K-1M) creators.
  For those tiers the app shows the band between the neighbouring published figures
  (micro 0.54% and mega 0.33%) and says so, rather than inventing a number.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BENCHMARK_SOURCE", "TIERS", "Benchmark", "Tier", "benchmark_for", "tier_for"]

BENCHMARK_SOURCE = "HypeAuditor State of Influencer Marketing 2026, via eMarketer (2026)"


@dataclass(frozen=True)
class Tier:
    name: str
    min_followers: int
    max_followers: int | None  # None: no upper bound

    @property
    def range_label(self) -> str:
        def short(n: int) -> str:
            return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1_000}K"

        if self.max_followers is None:
            return f"over {short(self.min_followers)}"
        return f"{short(self.min_followers)}–{short(self.max_followers)}"


TIERS = (
    Tier("Nano", 1_000, 10_000),
    Tier("Micro", 10_000, 100_000),
    Tier("Mid", 100_000, 500_000),
    Tier("Macro", 500_000, 1_000_000),
    Tier("Mega", 1_000_000, None),
)


@dataclass(frozen=True)
class Benchmark:
    """The published ER for a tier: ``low == high`` when the source gives one figure."""

    tier: Tier
    low_pct: float
    high_pct: float
    published: bool  # False: a band between neighbouring published tiers
    note: str

    def position(self, er_pct: float) -> str:
        """Where ``er_pct`` falls: 'above', 'within' or 'below' the benchmark."""
        if er_pct > self.high_pct:
            return "above"
        if er_pct < self.low_pct:
            return "below"
        return "within"


_PUBLISHED_PCT = {"Nano": 1.78, "Micro": 0.54, "Mega": 0.33}


def tier_for(followers: float | None) -> Tier | None:
    """The tier a follower count falls in; accounts under 1K followers have none."""
    if followers is None or followers < TIERS[0].min_followers:
        return None
    for tier in TIERS:
        if tier.max_followers is None or followers < tier.max_followers:
            return tier
    return TIERS[-1]


def benchmark_for(tier: Tier) -> Benchmark:
    published = _PUBLISHED_PCT.get(tier.name)
    if published is not None:
        return Benchmark(
            tier, published, published, True,
            f"{tier.name} creators ({tier.range_label} followers) average {published:.2f}% ER.",
        )  # fmt: skip
    low, high = _PUBLISHED_PCT["Mega"], _PUBLISHED_PCT["Micro"]
    return Benchmark(
        tier, low, high, False,
        f"No figure is published for {tier.name.lower()} creators ({tier.range_label} "
        f"followers); it lies between micro ({high:.2f}%) and mega ({low:.2f}%).",
    )  # fmt: skip
