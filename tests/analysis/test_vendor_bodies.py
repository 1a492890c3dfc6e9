"""Property-based tests (hypothesis): every shape a vendor body can take either renders, with
"not available" where a value is unusable, or is refused with a sentence naming the field.

The CI profile runs a fixed number of examples from a fixed seed; HYPOTHESIS_PROFILE=long runs
many more by hand (README, Development).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from components.loaders import SANDBOX_CACHE_LABEL
from fpapi import Insights, InvalidResponse
from fpapi.analysis.frames import follower_trend, posts, sponsorship
from fpapi.analysis.metrics import sponsored_summary
from fpapi.storage.cache import InsightCache
from fpapi.storage.records import Creator
from tests.apptest import INSIGHTS_SECTIONS, PAGE_RUNS, app_store, open_insights, page_text
from tests.vendor_shapes import (
    BAD_NUMBERS,
    BASES,
    KNOWN_BREAKS,
    NAN_TOKEN,
    broken_bodies,
    fetch,
    run_pipeline,
)


def test_every_unbroken_base_renders():
    for name, body in BASES.items():
        assert not isinstance(run_pipeline(body), InvalidResponse), name


@given(broken_bodies())
@example(KNOWN_BREAKS[0])
@example(KNOWN_BREAKS[1])
@example(KNOWN_BREAKS[2])
@example(KNOWN_BREAKS[3])
def test_a_broken_vendor_body_renders_or_is_refused_by_name(case):
    name, body, done = case
    outcome = run_pipeline(body)
    if isinstance(outcome, InvalidResponse):  # it says what was wrong, by name
        said = str(outcome)
        assert "get_posts" in said or " (at " in said, (said, name, done)


@PAGE_RUNS
@given(broken_bodies(), st.sampled_from(list(INSIGHTS_SECTIONS)))
def test_the_insights_page_shows_a_broken_body_without_a_crash_or_nan(app_env, case, section):
    name, body, done = case
    try:
        insights = fetch(body)
    except InvalidResponse:
        return  # never cached: the page shows the refusal sentence (tests/test_faults.py)
    store = app_store(app_env)
    store.add_creator(Creator("broken-1", "instagram", name="Broken Body", verified_at=1.0))
    InsightCache(app_env / "insights", api_base_url=SANDBOX_CACHE_LABEL).put("broken-1", insights)
    at = open_insights("broken-1", section)
    assert not at.exception, (name, section, done)
    shown = page_text(at) + " ".join(f"{m.label} {m.value}" for m in at.metric)
    assert not NAN_TOKEN.search(shown), (NAN_TOKEN.search(shown), name, done)


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


@given(broken_bodies())
def test_the_paid_vs_organic_summary_reads_the_same_from_two_columns(case):
    """The summary reads only the sponsored and ER columns; whatever the body, it is the one
    every post gives."""
    name, body, done = case
    try:
        insights = fetch(body)
    except InvalidResponse:
        return
    light = sponsored_summary(sponsorship(insights))
    full = sponsored_summary(posts(insights))
    assert (light.sponsored_posts, light.total_posts) == (full.sponsored_posts, full.total_posts)
    for mine, theirs in (
        (light.sponsored_er, full.sponsored_er),
        (light.organic_er, full.organic_er),
    ):
        assert (mine is None) == (theirs is None), (name, done)
        assert mine is None or mine == pytest.approx(theirs, rel=1e-9), (name, done)
