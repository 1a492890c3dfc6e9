"""Campaign matching, totals and costs on hand-made posts: each case an analyst would check."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fpapi import Insights
from fpapi.analysis.campaigns import (
    CampaignSpec,
    Totals,
    build_campaign_report,
    matching_posts,
    parse_terms,
)
from fpapi.analysis.compare import Fee
from fpapi.analysis.report import build_report


def post(code, day, *, tags=(), mentions=(), caption="", views=1000, likes=90, comments=10,
         er=5.0, sponsored=False):  # fmt: skip
    at = datetime(2026, 5, day, 23, 30, tzinfo=UTC)  # late in the UTC day
    return {"shortcode": code, "posted_at": int(at.timestamp()), "hashtags": list(tags),
            "mentions": list(mentions), "caption": caption, "views": views, "likes_count": likes,
            "comments_count": comments, "er": er, "sponsored": sponsored, "video": True}  # fmt: skip


def report_of(*posts, reach=None):
    body = {"get_posts": {"video_posts": list(posts), "non_video_posts": []}}
    if reach:
        body["get_reach_and_engagement_details"] = reach
    return build_report(Insights.from_raw(body))


POSTS = report_of(
    post("tagged01", 10, tags=["SummerDrop"]),
    post("hashed02", 11, tags=["summerdrop"]),
    post("caption3", 12, caption="Loving it #SUMMERDROP with friends"),
    post("mention4", 13, mentions=["@Brand.Co"]),
    post("capment5", 14, caption="thanks @brand.co!"),
    post("longer06", 15, caption="#summerdropping is not the tag, nor @brand.company"),
    post("outside7", 20, tags=["summerdrop"]),
    post("paid0008", 16, tags=["summerdrop"], sponsored=True),
).posts


def codes(frame):
    return sorted(frame["shortcode"])


def spec(**kwargs):
    base = dict(name="Summer", creator_ids=("c1",), hashtags=("summerdrop",),
                mentions=("brand.co",), start=date(2026, 5, 10), end=date(2026, 5, 16))  # fmt: skip
    return CampaignSpec(**{**base, **kwargs})


def test_terms_are_read_with_or_without_their_marks():
    assert parse_terms("#SummerDrop, summerdrop  @Brand.Co;x y") == (
        "summerdrop",
        "brand.co",
        "x",
        "y",
    )
    assert parse_terms(["#a", "", "<b>"]) == ("a",)


def test_hashtags_mentions_and_captions_match_case_insensitively_as_whole_words():
    assert codes(matching_posts(POSTS, spec())) == sorted(
        ["tagged01", "hashed02", "caption3", "mention4", "capment5", "paid0008"]
    )
    assert codes(matching_posts(POSTS, spec(mentions=()))) == sorted(
        ["tagged01", "hashed02", "caption3", "paid0008"]
    )


def test_the_date_range_is_inclusive_in_utc_days():
    assert codes(matching_posts(POSTS, spec(start=date(2026, 5, 16), end=date(2026, 5, 20)))) == [
        "outside7", "paid0008"
    ]  # fmt: skip
    assert codes(matching_posts(POSTS, spec(start=date(2026, 5, 21), end=None))) == []


def test_sponsored_only_needs_the_vendors_flag():
    assert codes(matching_posts(POSTS, spec(sponsored_only=True))) == ["paid0008"]


def test_no_terms_or_no_posts_match_nothing():
    assert matching_posts(POSTS, spec(hashtags=(), mentions=())).empty
    assert matching_posts(report_of().posts, spec()).empty


def test_totals_weight_er_by_views_and_costs_divide_the_fee():
    report = report_of(
        post("aaaaa1", 10, tags=["x"], views=1000, likes=40, comments=10, er=5.0),
        post("bbbbb2", 11, tags=["x"], views=3000, likes=90, comments=10, er=1.0),
        reach={"median_likes": 50, "median_comments": 5, "median_views": 2000},
    )
    campaign = spec(hashtags=("x",), fees={"c1": Fee(300.0, "EUR")})
    result = build_campaign_report(campaign, {"c1": report}, {"c1": ("Ana", "@ana")}, {"c1": 1.0})
    (creator,) = result.creators
    assert creator.totals == Totals(posts=2, views=4000.0, engagements=150.0, weighted_er=2.0)
    assert creator.actual_cpe == pytest.approx(2.0) and creator.actual_cpm == pytest.approx(75.0)
    assert creator.predicted.cost_per_engagement == pytest.approx(300 / 55)  # one typical post
    assert creator.predicted_cpe == pytest.approx(300 / 55 / 2)  # two posts for the fee
    assert creator.predicted_cpm == pytest.approx(150.0 / 2)


def test_zero_views_zero_engagements_and_no_fee_give_no_cost():
    report = report_of(post("aaaaa1", 10, tags=["x"], views=0, likes=0, comments=0, er=None))
    result = build_campaign_report(
        spec(hashtags=("x",), fees={"c1": Fee(100.0, "USD")}), {"c1": report}, {}, {}
    )
    (creator,) = result.creators
    assert creator.totals.weighted_er is None
    assert creator.actual_cpe is None and creator.actual_cpm is None
    unpaid = build_campaign_report(spec(hashtags=("x",)), {"c1": report}, {}, {}).creators[0]
    assert unpaid.fee is None and unpaid.actual_cpe is None and unpaid.predicted is None


def test_costs_in_different_currencies_are_never_added():
    a = report_of(post("aaaaa1", 10, tags=["x"], views=1000, likes=90, comments=10))
    b = report_of(post("bbbbb2", 10, tags=["x"], views=2000, likes=190, comments=10))
    campaign = spec(hashtags=("x",), creator_ids=("a", "b", "c"),
                    fees={"a": Fee(100.0, "EUR"), "b": Fee(50.0, "USD"), "c": Fee(70.0, "EUR")})  # fmt: skip
    result = build_campaign_report(campaign, {"a": a, "b": b, "c": report_of()}, {}, {})
    assert result.spend == {"EUR": 170.0, "USD": 50.0}
    costs = result.actual_costs()
    assert costs["EUR"] == (pytest.approx(1.7), pytest.approx(170.0))  # c had no matching post
    assert costs["USD"] == (pytest.approx(0.25), pytest.approx(25.0))
    assert result.totals.posts == 2 and result.totals.views == 3000.0
    assert [r.creator_id for r in result.creators if r.posts.empty] == ["c"]


def test_a_shared_address_round_trips_a_campaign_with_two_currencies():
    from fpapi.analysis.campaigns import spec_from_params, spec_params

    known = {"a": 1, "b": 1, "c": 1}
    original = spec(creator_ids=("a", "b", "c"), sponsored_only=True,
                    fees={"a": Fee(100.0, "EUR"), "b": Fee(50.5, "USD"), "c": Fee(70.0, "EUR")})  # fmt: skip
    read, problems = spec_from_params(spec_params(original), known)
    assert problems == []
    assert read == original
