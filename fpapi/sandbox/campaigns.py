"""The sandbox's demo campaign: the pool's normal creators (the demo creators) tagged a few of
their recent posts with shared campaign hashtags, so that a campaign report over them has
posts to match. Which posts is drawn from the account alone, on a random stream of its own,
so every other number of the creator stays as it was; the fee follows their followers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fpapi.sandbox.accounts import AS_OF, NORMAL_CREATORS, SandboxAccount, seeded_rng

__all__ = [
    "CAMPAIGN_END",
    "CAMPAIGN_NAME",
    "CAMPAIGN_START",
    "CAMPAIGN_TAGS",
    "add_campaign_tags",
    "campaign_fee",
    "takes_part",
]

CAMPAIGN_NAME = "Glow Week and Summer Drop (example)"
CAMPAIGN_TAGS = ("glowweek", "summerdrop")
CAMPAIGN_DAYS = 30
CAMPAIGN_END: date = AS_OF
CAMPAIGN_START: date = AS_OF - timedelta(days=CAMPAIGN_DAYS - 1)
FEE_PER_1000_FOLLOWERS_EUR = 8.0
MIN_FEE_EUR = 150.0


def takes_part(account: SandboxAccount) -> bool:
    """Whether the creator posted for the campaign: the pool's normal Instagram creators,
    those the "Add demo creators" button offers."""
    return (
        account.connector == "instagram"
        and account.kind == "normal"
        and 0 <= account.index < NORMAL_CREATORS
    )


def add_campaign_tags(account: SandboxAccount, posts: list[dict[str, Any]]) -> None:
    """Two or three of the creator's posts within the campaign's dates (unsponsored ones when
    there are two) carry a campaign hashtag: the first #glowweek, the second #summerdrop, a
    third either. It is added to the post's hashtags and its caption's tag line; nothing else
    of the post changes."""
    if not takes_part(account):
        return
    first = _epoch(CAMPAIGN_START)
    last = _epoch(CAMPAIGN_END + timedelta(days=1))
    recent = [p for p in posts if first <= int(p["posted_at"]) < last]
    unpaid = [p for p in recent if not p["sponsored"]]  # not a post another brand paid for
    candidates = unpaid if len(unpaid) >= 2 else recent
    rng = seeded_rng("campaign", account.index)
    chosen = rng.sample(candidates, k=min(len(candidates), rng.randint(2, 3)))
    for number, post in enumerate(chosen):
        tag = CAMPAIGN_TAGS[number] if number < len(CAMPAIGN_TAGS) else rng.choice(CAMPAIGN_TAGS)
        old_line = " ".join(f"#{t}" for t in post["hashtags"])
        post["hashtags"] = [*post["hashtags"], tag]
        post["caption"] = post["caption"].replace(old_line, f"{old_line} #{tag}", 1)


def campaign_fee(followers: int) -> float:
    """What a creator with ``followers`` was paid for the campaign, in EUR, in fifties."""
    fee = round(followers / 1000 * FEE_PER_1000_FOLLOWERS_EUR / 50) * 50
    return float(max(MIN_FEE_EUR, fee))


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
