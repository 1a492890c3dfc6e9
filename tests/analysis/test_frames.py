from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fpapi import Insights, InvalidResponse
from fpapi.analysis import frames
from fpapi.analysis.frames import follower_trend, posts
from fpapi.analysis.report import build_report
from fpapi.sandbox import build_insights, instagram_pool
from tests.vendor_shapes import (
    BAD_NUMBERS,
    broken_bodies,
    fetch,
)

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


@pytest.mark.parametrize(
    ("function", "columns"), FRAME_FUNCTIONS, ids=lambda f: getattr(f, "__name__", "")
)
def test_an_empty_frame_changed_by_one_caller_is_not_the_next_callers(function, columns):
    """Empty frames are made once and handed out as copies: what one page does to its copy
    (a value, a column, a label) never shows in another creator's frame."""
    dtypes = function(Insights.from_raw({})).dtypes.tolist()
    mine = function(Insights.from_raw({}))
    mine[columns[0]] = mine[columns[0]].astype(object)
    mine["extra"] = 1
    mine.columns.name = "changed"
    mine.index.name = "changed"
    theirs = function(Insights.from_raw({}))
    assert theirs.empty and list(theirs.columns) == columns and theirs.dtypes.tolist() == dtypes
    assert theirs.columns.name is None and theirs.index.name is None


@pytest.mark.parametrize("account", instagram_pool()[-5:], ids=lambda a: a.kind)
@pytest.mark.parametrize(
    ("function", "columns"), FRAME_FUNCTIONS, ids=lambda f: getattr(f, "__name__", "")
)
def test_ugly_sandbox_creators_give_frames_with_the_right_columns(account, function, columns):
    frame = function(Insights.from_raw(build_insights(account)))
    assert list(frame.columns) == columns


DAY_KEYS = st.sampled_from(
    ["2024-03-01", "2024-03-02", "2024-02-29", "2024-02-30", "01/03/2024", "29/02/2024",
     "31/02/2024", " 2024-03-03 ", "2024-3-4", "2024-03", "yesterday", "", "２０２４-03-01"]
)  # fmt: skip


TREND_VALUE = st.sampled_from(BAD_NUMBERS) | st.integers() | st.floats() | st.text(max_size=8)


@given(
    st.lists(
        st.lists(DAY_KEYS, min_size=1, max_size=3).map(sorted)
        | st.dates().map(lambda day: [day.isoformat()])
        | st.dates().map(lambda day: [day.strftime("%d/%m/%Y")]),
        max_size=40,
    ),
    st.lists(TREND_VALUE, min_size=40, max_size=40),
    st.booleans(),
)
def test_a_trend_frame_holds_what_the_model_reads(days, values, wrapped):
    """The frame reads the vendor's list a column at a time; the model point by point. For
    any list (days in any spelling, duplicated, out of order, impossible; any value) they
    hold the same days and values."""
    entries, index = [], 0
    for group in days:
        entry = {}
        for key in group:
            entry[key] = {"followers": values[index % 40]} if wrapped else values[index % 40]
            index += 1
        entries.append(entry)
    insights = Insights.from_raw({"get_growth_trends": {"cumulative_followers_trends": entries}})
    frame = follower_trend(insights)
    points = insights.growth.cumulative_followers_trends
    assert [d.date() for d in frame["date"]] == [p.day for p in points]
    assert [None if pd.isna(v) else v for v in frame["value"]] == [p.value for p in points]
    assert str(frame["date"].dtype) == "datetime64[s]" and str(frame["value"].dtype) == "Float64"


def _read_by_the_model(post) -> dict:
    """One row of the posts frame as the ``Post`` model reads the vendor's post."""
    code = post.shortcode
    return {
        "shortcode": code,
        "url": f"https://www.instagram.com/p/{code}/"
        if code and re.fullmatch(r"[A-Za-z0-9_-]{5,64}", code)
        else None,
        "posted_at": post.posted,
        "format": (post.post_type or ("VIDEO" if post.video else "POST")).upper(),
        "video": post.video,
        "sponsored": post.sponsored,
        "likes": post.likes_count,
        "comments": post.comments_count,
        "views": post.views,
        "er": post.er,
        "caption": post.caption or "",
        "hashtags": [tag.strip().lstrip("#").lower() for tag in post.hashtags],
        "mentions": [name.strip().lstrip("@").lower() for name in post.mentions],
        "location": post.location_name or "",
        "image_url": post.image_url or None,
    }


def _plain(value):
    return None if value is pd.NaT or (not isinstance(value, list) and pd.isna(value)) else value


@given(broken_bodies())
@example(("missing flags", {"get_posts": {"video_posts": [{"shortcode": "abcdef"}]}}, []))
def test_the_posts_frame_holds_what_the_post_model_reads(case):
    """The frame reads the posts a column at a time; the model post by post. Whatever the
    body, each row holds what the model reads, newest first (ties in the vendor's order)."""
    name, body, done = case
    try:
        insights = fetch(body)
    except InvalidResponse:
        return
    section = insights.posts
    models = [*section.video_posts, *section.non_video_posts] if section else []
    expected = [_read_by_the_model(post) for post in models]
    dated = sorted(
        (row for row in expected if row["posted_at"] is not None),
        key=lambda row: row["posted_at"],
        reverse=True,
    )  # sorted() is stable, and reverse=True keeps ties in their order
    expected = dated + [row for row in expected if row["posted_at"] is None]
    frame = posts(insights)
    shown = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    assert len(shown) == len(expected), (name, done)
    for mine, theirs in zip(shown, expected, strict=True):
        assert mine == theirs, (
            name,
            done,
            {k: (v, theirs[k]) for k, v in mine.items() if v != theirs[k]},
        )


def test_every_frame_of_one_response_reads_its_posts_once_and_each_caller_gets_its_own_columns(
    monkeypatch,
):
    insights = Insights.from_raw(build_insights(instagram_pool()[0]))
    built = []
    build_posts = frames._posts
    monkeypatch.setattr(frames, "_posts", lambda i: built.append(i) or build_posts(i))
    first = frames.posts(insights)
    assert not frames.mentions(insights).empty and not frames.hashtags(insights).empty
    report = build_report(insights)
    assert report.posts.equals(first) and report.mentions.equals(frames.mentions(insights))
    assert built == [insights]  # one read of the vendor's posts for all of them
    first["mine"] = 1
    first.loc[0, "er"] = -1.0
    again = frames.posts(insights)
    assert "mine" not in again.columns and again.loc[0, "er"] != -1.0
    other = Insights.from_raw(build_insights(instagram_pool()[1]))
    frames.posts(other)
    assert built == [insights, other]  # another response is read for itself


def test_the_paid_and_organic_columns_come_from_the_posts_frame_once_built_and_leave_it_alone():
    raw = build_insights(instagram_pool()[0])
    read_alone = frames.sponsorship(Insights.from_raw(raw))
    insights = Insights.from_raw(raw)
    shown = frames.posts(insights)
    before = shown.copy(deep=True)
    reused = frames.sponsorship(insights)
    assert len(reused) == len(read_alone) == len(shown)
    assert reused["sponsored"].sum() == read_alone["sponsored"].sum() == shown["sponsored"].sum()
    assert sorted(reused["er"].dropna()) == sorted(read_alone["er"].dropna())
    reused.loc[0, "er"] = -1.0
    reused.loc[0, "sponsored"] = not reused.loc[0, "sponsored"]
    assert frames.posts(insights).equals(before) and shown.equals(before)
