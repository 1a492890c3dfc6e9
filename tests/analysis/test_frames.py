from __future__ import annotations

import pandas as pd
import pytest

from fpapi import Insights
from fpapi.analysis import frames
from fpapi.sandbox import build_insights, instagram_pool

FRAME_FUNCTIONS = [
    (frames.posts, frames.POST_COLUMNS),
    (frames.follower_trend, frames.TREND_COLUMNS),
    (frames.engagement_trend, frames.TREND_COLUMNS),
    (frames.quality_scores, frames.QUALITY_COLUMNS),
    (frames.engagement_split, frames.ENGAGEMENT_SPLIT_COLUMNS),
    (frames.look_alikes, frames.LOOK_ALIKE_COLUMNS),
    (frames.mentions, frames.MENTION_COLUMNS),
    (frames.hashtags, frames.HASHTAG_COLUMNS),
]


def test_posts_combines_video_and_non_video_newest_first(vendor_insights):
    posts = frames.posts(Insights.from_raw(vendor_insights))
    assert len(posts) == 17
    assert posts["video"].sum() == 12
    assert posts["posted_at"].is_monotonic_decreasing
    assert str(posts["posted_at"].dt.tz) == "UTC"
    first = posts.iloc[0]
    assert (first["shortcode"], first["format"], first["likes"], first["comments"]) == (
        "C2i51IIITd4",
        "REEL",
        2141,
        21,
    )
    assert first["url"] == "https://www.instagram.com/p/C2i51IIITd4/"
    assert "republicday" in first["hashtags"] and "bhaktigoswamii" in first["mentions"]
    assert set(posts["format"]) == {"REEL", "IMAGE"}


def test_quality_scores_long_form(vendor_insights):
    quality = frames.quality_scores(Insights.from_raw(vendor_insights))
    assert quality.set_index("metric")["score"].to_dict() == {
        "profile_quality_score": 92,
        "engagement_rate": 4,
        "effective_followers": 4,
        "consistency": 3,
        "authentic_audience": 0,
    }
    assert quality.set_index("metric").loc["profile_quality_score", "max_score"] == 100


def test_engagement_split_leaves_out_paid_when_the_vendor_has_none(vendor_insights):
    split = frames.engagement_split(Insights.from_raw(vendor_insights))
    assert list(split["format"]) == ["Video", "Non-video"]
    assert split.set_index("format").loc["Video", "engagement"] == 54.04
    vendor_insights["get_reach_and_engagement_details"]["paid_post_engagement"] = 3.2
    split = frames.engagement_split(Insights.from_raw(vendor_insights))
    assert list(split["format"]) == ["Video", "Non-video", "Paid"]


def test_hashtags_count_posts_and_their_er(vendor_insights):
    tags = frames.hashtags(Insights.from_raw(vendor_insights)).set_index("hashtag")
    assert tags.loc["punecity", "posts"] == 3
    assert tags.loc["punecity", "average_er"] == pytest.approx((20.84 + 26.49 + 214.96) / 3)
    assert tags["posts"].is_monotonic_decreasing


def test_mentions_flag_brands(vendor_insights):
    mentions = frames.mentions(Insights.from_raw(vendor_insights)).set_index("username")
    assert bool(mentions.loc["a_poetic_storyteller", "brand"]) is True
    assert bool(mentions.loc["virat.kohli", "brand"]) is False
    assert mentions.loc["virat.kohli", "name"] == "Virat Kohli"
    assert mentions.loc["bhaktigoswamii", "posts"] == 2


def test_look_alikes_only_link_to_instagram(vendor_insights):
    details = vendor_insights["profile_details"]
    details["look_alike_creators"][0]["username"] = "javascript:alert(1)"
    looks = frames.look_alikes(Insights.from_raw(vendor_insights))
    assert len(looks) == 10
    assert pd.isna(looks.iloc[0]["profile_url"])
    assert looks.iloc[1]["profile_url"] == "https://www.instagram.com/swapnilshrirao/"


def test_trends_are_dated_series(vendor_insights):
    trend = frames.follower_trend(Insights.from_raw(vendor_insights))
    assert list(trend.columns) == ["date", "value"]
    assert trend.iloc[0]["date"] == pd.Timestamp("2024-01-26") and trend.iloc[0]["value"] == 1257


@pytest.mark.parametrize(
    "raw",
    [{}, {"profile_details": None, "get_posts": None}, {"get_posts": {"video_posts": None}}],
    ids=["empty", "null-sections", "null-lists"],
)
@pytest.mark.parametrize(
    ("function", "columns"), FRAME_FUNCTIONS, ids=lambda f: getattr(f, "__name__", "")
)
def test_empty_input_gives_an_empty_frame_with_the_right_columns(raw, function, columns):
    frame = function(Insights.from_raw(raw))
    assert frame.empty and list(frame.columns) == columns


@pytest.mark.parametrize("account", instagram_pool()[-5:], ids=lambda a: a.kind)
@pytest.mark.parametrize(
    ("function", "columns"), FRAME_FUNCTIONS, ids=lambda f: getattr(f, "__name__", "")
)
def test_ugly_sandbox_creators_give_frames_with_the_right_columns(account, function, columns):
    frame = function(Insights.from_raw(build_insights(account)))
    assert list(frame.columns) == columns
