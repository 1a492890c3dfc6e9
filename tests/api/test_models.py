from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fpapi import Insights, VerificationLink


def test_vendor_sample_reads_into_clean_attribute_names(vendor_insights):
    insights = Insights.from_raw(vendor_insights)
    overview = insights.profile_overview
    assert overview.followers_count == 1257 and overview.influencer_tier == "Nano"
    assert overview.last_processed_at == date(2024, 1, 26)
    assert insights.profile_details.quality.profile_quality_score == 92
    assert insights.profile_details.quality.authentic_audience == 0
    reach = insights.reach
    assert reach.estimated_story_views == 47  # from the vendor's "estimted_story_views"
    assert reach.paid_post_engagement is None
    trends = insights.growth
    assert trends.quarterly_followers == 0  # from "quaterly_followers"
    assert [(p.day, p.value) for p in trends.cumulative_followers_trends] == [
        (date(2024, 1, 26), 1257)
    ]
    assert len(insights.posts.video_posts) == 12 and len(insights.posts.non_video_posts) == 5
    first = insights.posts.video_posts[0]
    assert first.posted_at == datetime(2024, 1, 26, 1, 44, 55, tzinfo=UTC)
    assert insights.posts.non_video_posts[0].views == pytest.approx(2139.414)
    assert insights.audience is None
    assert insights.unrelated_data.locked and insights.locked_sections == ["unrelated_data"]
    assert insights.profile_details.look_alike_creators[3].username == "oliandre_organic_beauty"


def test_numeric_strings_and_float_counts_are_read(vendor_insights):
    vendor_insights["profile_overview"]["followers_count"] = "15200"
    vendor_insights["profile_overview"]["engagement"] = "4.5"
    vendor_insights["get_posts"]["video_posts"][0]["likes_count"] = 2141.6
    vendor_insights["get_posts"]["video_posts"][0]["posted_at"] = "1706233495"
    insights = Insights.from_raw(vendor_insights)
    assert insights.profile_overview.followers_count == 15200
    assert insights.profile_overview.engagement == 4.5
    assert insights.posts.video_posts[0].likes_count == 2142
    assert insights.posts.video_posts[0].posted_at.year == 2024


def test_unknown_keys_are_kept_not_fatal(vendor_insights):
    vendor_insights["profile_overview"]["brand_new_metric"] = 7
    vendor_insights["surprise_section"] = {"a": 1}
    insights = Insights.from_raw(vendor_insights)
    assert insights.profile_overview.model_extra == {"brand_new_metric": 7}
    assert insights.model_extra["surprise_section"] == {"a": 1}


def test_nulls_and_missing_sections_are_tolerated():
    insights = Insights.from_raw(
        {
            "profile_overview": None,
            "profile_details": {"quality": None, "hashtags": None, "look_alike_creators": None},
            "get_posts": {"video_posts": None, "non_video_posts": [None, "junk", {"er": "n/a"}]},
            "get_growth_trends": {
                "cumulative_followers_trends": [{"not-a-date": {}}, "x", {"2024-02-01": None}]
            },
            "get_audience": {"status": "locked"},
        }
    )
    assert insights.profile_overview is None
    assert insights.profile_details.quality is None and insights.profile_details.hashtags == []
    assert len(insights.all_posts) == 1 and insights.all_posts[0].er is None
    assert [(p.day, p.value) for p in insights.growth.cumulative_followers_trends] == [
        (date(2024, 2, 1), None)
    ]
    assert insights.audience_locked and insights.locked_sections == ["audience"]
    assert Insights.from_raw({}).last_processed_at is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("26/01/2024", date(2024, 1, 26)),
        ("2024-01-26", date(2024, 1, 26)),
        ("31/02/2024", None),
        (None, None),
        (5, None),
    ],
)
def test_last_processed_at_is_a_date(vendor_insights, raw, expected):
    vendor_insights["profile_overview"]["last_processed_at"] = raw
    for name in ("profile_details", "get_reach_and_engagement_details", "get_growth_trends"):
        vendor_insights[name]["last_processed_at"] = raw
    assert Insights.from_raw(vendor_insights).last_processed_at == expected


def test_posted_date_is_the_fallback_for_a_missing_epoch(vendor_insights):
    post = vendor_insights["get_posts"]["video_posts"][0]
    post["posted_at"] = None
    insights = Insights.from_raw(vendor_insights)
    assert insights.posts.video_posts[0].posted == datetime(2024, 1, 26, 1, 44, 55, tzinfo=UTC)


def test_verification_link_reads_redirect_url():
    link = VerificationLink.model_validate({"redirectUrl": "https://v.example/x", "state": "s"})
    assert link.url == "https://v.example/x" and link.state == "s"


@pytest.mark.parametrize(
    ("field", "value"),
    [("followers_count", 10**20), ("followers_count", -15), ("followers_count", "1e400"),
     ("engagement", 1e308), ("content_per_week", -(10**16))],
)  # fmt: skip
def test_an_implausible_number_is_not_available_and_logged_by_name(
    vendor_insights, caplog, field, value
):
    vendor_insights["profile_overview"][field] = value
    insights = Insights.from_raw(vendor_insights)
    assert getattr(insights.profile_overview, field) is None
    assert f"ProfileOverview.{field}" in caplog.text
    assert insights.profile_overview.handle == "a_poetic_storyteller"  # the rest is kept


def test_an_implausible_trend_value_drops_that_day_only(vendor_insights, caplog):
    trend = vendor_insights["get_growth_trends"]["cumulative_followers_trends"]
    day = next(iter(trend[0]))
    trend[0][day]["followers"] = 10**20
    points = Insights.from_raw(vendor_insights).growth.cumulative_followers_trends
    assert points[0].value is None and all(p.value is not None for p in points[1:])
    assert "cumulative_followers_trends" in caplog.text


def test_nan_is_no_value_and_not_called_implausible(vendor_insights, caplog):
    vendor_insights["profile_overview"]["engagement"] = float("nan")
    assert Insights.from_raw(vendor_insights).profile_overview.engagement is None
    assert "plausible" not in caplog.text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_or_infinity_where_text_belongs_is_no_text(vendor_insights, value):
    vendor_insights["profile_overview"]["handle"] = value
    vendor_insights["profile_overview"]["ig_user_id"] = 17841400000237570  # an id as a number
    overview = Insights.from_raw(vendor_insights).profile_overview
    assert overview.handle is None and overview.ig_user_id == "17841400000237570"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20/11/2026", date(2026, 11, 20)), ("2026-11-20", date(2026, 11, 20)),
     ("1/2/2024", date(2024, 2, 1)), (" 2024-1-5 ", date(2024, 1, 5)), ("31/02/2024", None),
     ("2024-13-01", None), ("20/11/26", None), ("2026/11/20", None), ("２０/11/2026", None),
     ("2026-11-20T00:00", None), ("", None)],
)  # fmt: skip
def test_vendor_dates_in_either_spelling_and_nothing_else(text, expected):
    from fpapi.api.fields import vendor_date

    assert vendor_date(text) == expected
