"""What the sandbox's API answers for each creator: insight bodies in the vendor's exact shape and
spelling (``estimted_story_views``, ``quaterly_*``, ``DD/MM/YYYY`` dates, epoch ``posted_at``,
float views), deterministic from the account alone.
"""

from __future__ import annotations

import math
import random
import statistics
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from fpapi.sandbox import shapes
from fpapi.sandbox.accounts import (
    AS_OF,
    BRANDS,
    CAPTIONS,
    CITIES,
    NICHES,
    NORMAL_CREATORS,
    TIER_ER,
    TIERS,
    SandboxAccount,
    instagram_pool,
    seeded_rng,
)
from fpapi.sandbox.campaigns import add_campaign_tags

__all__ = ["build_insights", "size_of"]


def _vendor_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def build_insights(
    account: SandboxAccount,
    *,
    posts: int | None = None,
    days: int | None = None,
    trend_every: int = 1,
    trends_end_days_ago: int = 0,
) -> dict[str, Any]:
    """The insights JSON for ``account``; ``posts`` and ``days`` override the seeded sizes.

    The trend shape, as vendors send them for some creators: ``trend_every`` above 1 sends
    about one reading in that many days, at uneven gaps (the first and last day always), and
    ``trends_end_days_ago`` moves both trends that many days back (a creator whose history
    stops, so that it overlaps no other's). Every other number stays as it was.
    """
    if account.kind == "all_nulls":
        return shapes.all_nulls()
    if account.kind == "sections_missing":
        return {"profile_overview": {"handle": account.username, "followers_count": "15200"}}
    if account.kind == "empty":
        return _normal(account, posts=0, days=1)
    data = _normal(account, posts=posts, days=days)
    if trend_every > 1 or trends_end_days_ago:
        _reshape_trends(account, data["get_growth_trends"], trend_every, trends_end_days_ago)
    if account.kind == "hostile":
        shapes.make_hostile(data)
    elif account.kind == "quirky":
        shapes.make_quirky(data)
    return data


def _reshape_trends(
    account: SandboxAccount, trends: dict[str, Any], every: int, days_ago: int
) -> None:
    """Thin both trends to the same uneven readings and move them ``days_ago`` back."""
    rng = seeded_rng("trend-readings", account.index)  # not the body's own: the rest stays
    lists = ("cumulative_followers_trends", "engagement_trends")
    last = len(trends[lists[0]]) - 1
    kept = [i for i in range(last + 1) if i in (0, last) or rng.random() * every < 1]
    for name in lists:
        trends[name] = [_moved(trends[name][i], days_ago) for i in kept]


def _moved(entry: dict[str, Any], days_ago: int) -> dict[str, Any]:
    ((day, reading),) = entry.items()
    return {(date.fromisoformat(day) - timedelta(days=days_ago)).isoformat(): reading}


def size_of(account: SandboxAccount) -> tuple[str, int]:
    """The creator's tier and followers, as their insights give them, without building them."""
    return _size(seeded_rng("insights", account.index))


def _size(rng: random.Random) -> tuple[str, int]:
    """The first draws of a creator's insights: the tier, then today's followers."""
    low, high, tier, _ = rng.choices(TIERS, weights=[t[3] for t in TIERS])[0]
    return tier, int(math.exp(rng.uniform(math.log(low), math.log(high))))


def _normal(account: SandboxAccount, *, posts: int | None, days: int | None) -> dict[str, Any]:
    rng = seeded_rng("insights", account.index)
    tier, followers = _size(rng)
    niche_label, _, niche_tags = NICHES[account.index % len(NICHES)]
    city, country = CITIES[account.index % len(CITIES)]
    n_days = days if days is not None else rng.randint(6, 24) * 30
    n_posts = posts if posts is not None else rng.randint(30, 400)
    base_er = TIER_ER[tier] * rng.uniform(0.45, 2.2)
    video_share = rng.uniform(0.35, 0.85)
    sponsored_share = rng.uniform(0.0, 0.25)
    yearly_growth = rng.uniform(-0.05, 0.9)
    start = AS_OF - timedelta(days=max(0, n_days - 1))

    # Follower trend: compounding growth with noise, ending at today's followers.
    daily_rate = (1 + yearly_growth) ** (1 / 365) - 1
    series = []
    level = followers / (1 + daily_rate) ** max(0, n_days - 1)
    for _ in range(n_days):
        level *= 1 + daily_rate + rng.gauss(0, 0.002)
        series.append(max(1, round(level)))
    if series:  # scaled to end at today's followers (forcing the last day made a false jump)
        scale = followers / series[-1]
        series = [max(1, round(value * scale)) for value in series]
        series[-1] = followers
    trend_days = [start + timedelta(days=offset) for offset in range(n_days)]

    post_list = _posts(
        account,
        rng,
        n_posts,
        trend_days,
        series,
        followers,
        base_er,
        video_share,
        sponsored_share,
        niche_tags,
    )
    _add_spikes(account, trend_days, series, post_list)
    add_campaign_tags(account, post_list)
    video = [p for p in post_list if p["video"]]
    non_video = [p for p in post_list if not p["video"]]
    paid = [p for p in post_list if p["sponsored"]]
    engagement_series = []
    drift = 0.0
    for _ in trend_days:  # a slow random walk around the creator's own rate
        drift = 0.97 * drift + rng.gauss(0, 0.03)
        engagement_series.append(round(base_er * max(0.3, 1 + drift), 2))

    def med(values: list[float]) -> float | None:
        return round(statistics.median(values), 2) if values else None

    def avg(values: list[float]) -> float | None:
        return round(statistics.fmean(values), 2) if values else None

    def er_of(items: list[dict[str, Any]]) -> float | None:
        return avg([p["er"] for p in items])

    recent = [p for p in post_list if p["posted_at"] >= _epoch(AS_OF - timedelta(days=90))]
    median_views = med([p["views"] for p in recent or post_list])
    processed = _vendor_date(AS_OF)
    brand_accounts = [b for b in BRANDS if any(b[1] in p["mentions"] for p in post_list)]
    mention_handles = sorted({m for p in post_list for m in p["mentions"]})
    tag_counts: dict[str, int] = {}
    for p in post_list:
        for tag in p["hashtags"]:
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
    pool = instagram_pool()[:NORMAL_CREATORS]
    others = [a for a in pool if a.index != account.index]
    look_alikes = rng.sample(others, k=min(len(others), rng.randint(6, 10)))
    quality = {
        "engagement_rate": rng.randint(1, 5),
        "effective_followers": rng.randint(1, 5),
        "consistency": rng.randint(0, 5),
        "authentic_audience": rng.randint(0, 5),
    }
    score = round(sum(quality.values()) / 20 * 80 + rng.uniform(5, 20))

    def growth(days_back: int, values: list[float]) -> float:
        if len(values) <= days_back or not values[-days_back - 1]:
            return 0
        return round((values[-1] - values[-days_back - 1]) / values[-days_back - 1] * 100, 2)

    overview_er = er_of(post_list)
    return {
        "profile_overview": {
            "handle": account.username,
            "followers_count": followers,
            "post_count": n_posts,
            "following_count": rng.randint(80, 2500),
            "ig_user_id": account.platform_user_id,
            "content_per_week": round(n_posts / max(1, n_days) * 7, 2),
            "engagement": overview_er,
            "influencer_tier": tier,
            "last_processed_at": processed,
        },
        "profile_details": {
            "biography": f"{niche_label} · {city} 📍\nCollabs: {account.email}",
            "mobile": None,
            "gender": rng.choice(["male", "female", None]),
            "age_group": rng.choice(["18-24", "25-34", "35-44"]),
            "category": niche_label,
            "interests": rng.sample(["Travel", "Food", "Sports", "Music", "Fashion", "Tech"], 2),
            "location": city,
            "country": country,
            "mentions": mention_handles[:20],
            "hashtags": sorted(tag_counts, key=lambda t: -tag_counts[t])[:15],
            "brand_mentions": [b[1] for b in brand_accounts],
            "mentions_details": [_account_ref(_display_name(h), h) for h in mention_handles[:20]],
            "brand_mentions_details": [_account_ref(n, h) for n, h in brand_accounts],
            "look_alike_creators": [_account_ref(a.name, a.username) for a in look_alikes],
            "ig_user_id": account.platform_user_id,
            "ig_category": niche_label,
            "quality": {
                "profile_quality_score": min(100, score),
                "profile_quality_rating": round(min(100, score) / 20),
                **quality,
            },
            "languages": rng.sample(["English", "Hindi", "Spanish", "Portuguese", "French"], 2),
            "email": None,
            "handle": account.username,
            "handle_link": f"https://www.instagram.com/{account.username}/",
            "full_name": account.name,
            "image_url": "",
            "external_link": [f"https://linktr.ee/{account.username}"],
            "last_processed_at": processed,
        },
        "get_reach_and_engagement_details": {
            "non_video_engagement": er_of(non_video),
            "non_video_average_comments": avg([p["comments_count"] for p in non_video]),
            "non_video_reach": med([p["views"] * 0.9 for p in non_video]),
            "non_video_average_views": avg([p["views"] for p in non_video]),
            "non_video_average_likes": avg([p["likes_count"] for p in non_video]),
            "median_views": median_views,
            "median_unique_viewers": round(median_views * 0.95) if median_views else None,
            "effective_follower_rate": round(median_views / followers * 100, 1)
            if median_views
            else None,
            "median_comments": med([p["comments_count"] for p in post_list]),
            "median_likes": med([p["likes_count"] for p in post_list]),
            "popular_post_type": "Reels" if len(video) >= len(non_video) else "Images",
            "estimated_story_reach": round(followers * rng.uniform(0.03, 0.08)),
            "estimted_story_views": round(followers * rng.uniform(0.035, 0.09)),
            "ig_user_id": account.platform_user_id,
            "paid_post_average_views": avg([p["views"] for p in paid]),
            "paid_post_average_comments": avg([p["comments_count"] for p in paid]),
            "paid_post_average_likes": avg([p["likes_count"] for p in paid]),
            "paid_post_engagement": er_of(paid),
            "handle": account.username,
            "average_views": avg([p["views"] for p in post_list]),
            "average_unique_viewers": avg([p["views"] * 0.95 for p in post_list]),
            "overall_engagement": overview_er,
            "average_comments": avg([p["comments_count"] for p in post_list]),
            "average_likes": avg([p["likes_count"] for p in post_list]),
            "video_engagement": er_of(video),
            "video_average_comments": avg([p["comments_count"] for p in video]),
            "video_average_likes": avg([p["likes_count"] for p in video]),
            "last_processed_at": processed,
        },
        "get_posts": {"video_posts": video, "non_video_posts": non_video},
        "get_growth_trends": {
            "handle": account.username,
            "monthly_followers": growth(30, series),
            "quaterly_followers": growth(90, series),
            "yearly_followers": growth(365, series),
            "monthly_engagement": growth(30, engagement_series),
            "quaterly_engagement": growth(90, engagement_series),
            "yearly_engagement": growth(365, engagement_series),
            "cumulative_followers_trends": [
                {day.isoformat(): {"followers": value}}
                for day, value in zip(trend_days, series, strict=True)
            ],
            "engagement_trends": [
                {day.isoformat(): {"engagement": value}}
                for day, value in zip(trend_days, engagement_series, strict=True)
            ],
            "last_processed_at": processed,
            "ig_user_id": account.platform_user_id,
        },
        "get_audience": {"status": "locked"} if account.index % 4 == 1 else None,
        "unrelated_data": {"status": "locked"},
    }


def _add_spikes(
    account: SandboxAccount,
    trend_days: list[date],
    series: list[int],
    posts: list[dict[str, Any]],
) -> None:
    """One-day follower jumps, as real creators have them: about half the creators gain 1.5-4%
    in a day after a post of theirs takes off (10-15x their median views, the day before), and
    about a third jump by a round number with no such post. Their own random stream, so every
    other number of the creator stays as it was; today's followers stay the same (the days
    before a jump are lowered)."""
    rng = seeded_rng("spikes", account.index)
    viral, unexplained = rng.random() < 0.5, rng.random() < 0.35
    if len(trend_days) < 90 or not posts:
        return
    days = rng.sample(range(len(trend_days) // 3, len(trend_days) - 5), 2)
    if viral:
        day = days[0]
        views = sorted(float(p["views"]) for p in posts)
        post = rng.choice(posts)
        when = datetime.fromtimestamp(int(post["posted_at"]), UTC)
        when = datetime.combine(trend_days[day - 1], when.timetz())
        post["posted_at"] = int(when.timestamp())
        post["posted_date"] = format_datetime(when, usegmt=True)
        post["views"] = round(views[len(views) // 2] * rng.uniform(10, 15))
        _lift_from(series, day, round(series[day - 1] * rng.uniform(0.015, 0.04)))
    if unexplained:
        day = days[1]
        step = 1_000 if series[day - 1] >= 50_000 else 100
        _lift_from(series, day, max(step, round(series[day - 1] * 0.03 / step) * step))
    posts.sort(key=lambda p: int(p["posted_at"]), reverse=True)


def _lift_from(series: list[int], day: int, gain: int) -> None:
    """A one-day gain of ``gain`` on ``day``: every day before it is lowered by that much."""
    for index in range(day):
        series[index] = max(1, series[index] - gain)


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _display_name(handle: str) -> str:
    """The name behind a handle the sandbox knows: a pool creator or a brand."""
    for account in instagram_pool():
        if account.username == handle:
            return account.name
    return next((name for name, brand in BRANDS if brand == handle), handle)


def _account_ref(name: str, username: str) -> dict[str, str]:
    return {
        "name": name,
        "username": username,
        "image_url": "",
        "handle_link": f"https://www.instagram.com/{username}/",
    }


def _shortcode(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "C" + "".join(rng.choice(alphabet) for _ in range(10))


def _posts(
    account: SandboxAccount,
    rng: random.Random,
    n_posts: int,
    trend_days: list[date],
    followers_series: list[int],
    followers: int,
    base_er: float,
    video_share: float,
    sponsored_share: float,
    niche_tags: list[str],
) -> list[dict[str, Any]]:
    if not n_posts or not trend_days:
        return []
    # Creators post at their own favourite hours (UTC) and weekdays, with spread.
    favourite_hours = rng.sample(range(6, 23), 3)
    posts = []
    for _ in range(n_posts):
        day_index = rng.randrange(len(trend_days))
        day = trend_days[day_index]
        at_followers = followers_series[day_index]
        hour = rng.choice(favourite_hours) if rng.random() < 0.7 else rng.randrange(24)
        posted = datetime(
            day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=UTC
        )
        video = rng.random() < video_share
        sponsored = rng.random() < sponsored_share
        er = max(0.05, rng.lognormvariate(math.log(base_er * (1.25 if video else 0.85)), 0.55))
        if sponsored:
            er *= rng.uniform(0.55, 0.95)
        engagements = at_followers * er / 100
        comments = max(0, round(engagements * rng.uniform(0.01, 0.06)))
        likes = max(0, round(engagements) - comments)
        reach_factor = rng.lognormvariate(math.log(0.9 if video else 0.3), 0.6)
        views = at_followers * reach_factor
        tags = rng.sample(niche_tags, k=rng.randint(1, 4))
        mentions = []
        if sponsored:
            brand = rng.choice(BRANDS)
            mentions.append(brand[1])
            tags += ["ad", "sponsored"]
        if rng.random() < 0.2:
            mentions.append(instagram_pool()[rng.randrange(NORMAL_CREATORS)].username)
        caption = rng.choice(CAPTIONS) + "\n\n" + " ".join(f"#{t}" for t in tags)
        if mentions:
            caption += "\n" + " ".join(f"@{m}" for m in mentions)
        posts.append(
            {
                "shortcode": _shortcode(rng),
                "hashtags": tags,
                "caption": caption,
                "comments_count": comments,
                "likes_count": likes,
                "er": round((likes + comments) / max(1, at_followers) * 100, 2),
                "views": views if not video else round(views),
                "posted_at": int(posted.timestamp()),
                "posted_date": format_datetime(posted, usegmt=True),
                "image_url": "",
                "sponsored": sponsored,
                "external_links": [],
                "video": video,
                "post_type": rng.choice(["REEL", "REEL", "VIDEO"])
                if video
                else rng.choice(["IMAGE", "CAROUSEL_ALBUM"]),
                "mentions": mentions,
                "location_name": rng.choice(["", "", CITIES[account.index % len(CITIES)][0]]),
            }
        )
    posts.sort(key=lambda p: int(p["posted_at"]), reverse=True)  # type: ignore[call-overload]
    return posts


def shifted(
    body: dict[str, Any],
    *,
    followers_pct: float = 0.0,
    engagement_pct: float = 0.0,
    quality_points: float = 0.0,
) -> dict[str, Any]:
    """A creator's body as if their numbers had moved since the last fetch (the sandbox's
    ``changes`` knob): followers (today's count and the trend's last day), engagement rates
    (the overall figures) and the quality score, each where the vendor sends it."""
    overview = body.get("profile_overview")
    if isinstance(overview, dict):
        if isinstance(overview.get("followers_count"), int | float):
            overview["followers_count"] = round(
                overview["followers_count"] * (1 + followers_pct / 100)
            )
        if isinstance(overview.get("engagement"), int | float):
            overview["engagement"] = round(overview["engagement"] * (1 + engagement_pct / 100), 2)
    reach = body.get("get_reach_and_engagement_details")
    if isinstance(reach, dict) and isinstance(reach.get("overall_engagement"), int | float):
        reach["overall_engagement"] = round(
            reach["overall_engagement"] * (1 + engagement_pct / 100), 2
        )
    trends = body.get("get_growth_trends")
    points = trends.get("cumulative_followers_trends") if isinstance(trends, dict) else None
    if isinstance(points, list) and points and isinstance(points[-1], dict):
        for value in points[-1].values():
            if isinstance(value, dict) and isinstance(value.get("followers"), int | float):
                value["followers"] = round(value["followers"] * (1 + followers_pct / 100))
    details = body.get("profile_details")
    quality = details.get("quality") if isinstance(details, dict) else None
    if isinstance(quality, dict) and isinstance(quality.get("profile_quality_score"), int | float):
        quality["profile_quality_score"] = max(
            0, min(100, quality["profile_quality_score"] + quality_points)
        )
    return body
