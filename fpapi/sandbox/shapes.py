"""The sandbox's ugly creators, as a broken or careless vendor would send them: every field
null, hostile text (markup, scripts, a caption of 100,000 characters) and quirky values
(numbers as strings, floats for counts, missing sections). The app must show each without
crashing or running anything.
"""

from __future__ import annotations

from typing import Any

__all__ = ["HOSTILE_TEXT", "all_nulls", "make_hostile", "make_quirky"]


def all_nulls() -> dict[str, Any]:
    """Every section present, every value null: the vendor before it has processed anything."""
    return {
        "profile_overview": dict.fromkeys(
            [
                "handle",
                "followers_count",
                "post_count",
                "following_count",
                "content_per_week",
                "engagement",
                "influencer_tier",
                "last_processed_at",
            ]
        ),
        "profile_details": {
            **dict.fromkeys(
                [
                    "biography",
                    "category",
                    "location",
                    "country",
                    "full_name",
                    "quality",
                    "mentions",
                    "hashtags",
                    "look_alike_creators",
                ]
            ),
        },
        "get_reach_and_engagement_details": dict.fromkeys(
            [
                "median_views",
                "effective_follower_rate",
                "video_engagement",
                "non_video_engagement",
                "estimted_story_views",
                "paid_post_engagement",
            ]
        ),
        "get_posts": {"video_posts": None, "non_video_posts": None},
        "get_growth_trends": {
            "quaterly_followers": None,
            "cumulative_followers_trends": None,
            "engagement_trends": None,
        },
        "get_audience": None,
        "unrelated_data": None,
    }


HOSTILE_TEXT = (
    "<script>alert('bio')</script><img src=x onerror=alert(1)><style>body{display:none}</style>"
    " [click me](javascript:alert(1)) ![img](https://example.invalid/x.png) $\\frac{a}{b}$"
    " :red[alarm] **bold** \u202eتجربة RTL\u202c 🧨"
)


def make_hostile(data: dict[str, Any]) -> None:
    """Markup everywhere the vendor passes free text through."""
    details = data["profile_details"]
    details["biography"] = HOSTILE_TEXT
    details["full_name"] = "<b>Not bold</b> [link](javascript:alert(2))"
    details["location"] = "<img src=x onerror=alert(3)>"
    details["category"] = ":blue[Category] $x^2$"
    details["handle_link"] = "javascript:alert(4)"
    details["external_link"] = ["javascript:alert(5)", '=HYPERLINK("http://evil.example")']
    details["hashtags"] = ["<script>x</script>", "=cmd|' /C calc'!A0", *details["hashtags"]]
    details["look_alike_creators"][0]["name"] = "<script>alert('look')</script>"
    details["look_alike_creators"][0]["handle_link"] = "javascript:alert(6)"
    for index, post in enumerate(data["get_posts"]["video_posts"][:5]):
        post["caption"] = HOSTILE_TEXT + ("x" * 100_000 if index == 0 else "")
        post["location_name"] = "+SUM(1,2)"
        post["hashtags"] = ["<b>tag</b>", "@SUM(A1)", "-2+3"]


def make_quirky(data: dict[str, Any]) -> None:
    """Numeric strings, float counts, unknown keys and a locked audience."""
    overview = data["profile_overview"]
    overview["followers_count"] = str(overview["followers_count"])
    overview["engagement"] = str(overview["engagement"])
    overview["new_vendor_field"] = {"introduced": "2026"}
    data["get_reach_and_engagement_details"]["median_views"] = str(
        data["get_reach_and_engagement_details"]["median_views"]
    )
    for post in data["get_posts"]["non_video_posts"]:
        post["likes_count"] = float(post["likes_count"]) + 0.4
        post["comments_count"] = str(post["comments_count"])
    data["get_audience"] = {"status": "locked"}
    data["brand_new_section"] = {"anything": [1, 2, 3]}
