"""Insights -> tidy pandas DataFrames, one function per view. Pure: no I/O, no Streamlit.

Every function accepts an ``Insights`` with any section missing and returns a frame with its
documented columns, empty when there is nothing to show, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from fpapi.analysis.columns import (
    NONE,
    empty_frame,
    flags,
    floats,
    objects,
    plain_numbers,
    ready_frame,
    text_array,
    typed_frame,
)
from fpapi.analysis.trend_frames import trend_frame
from fpapi.api.models import Account, Insights, posted_from_text, read_post_values

__all__ = [
    "ENGAGEMENT_SPLIT_COLUMNS",
    "HASHTAG_COLUMNS",
    "LOOK_ALIKE_COLUMNS",
    "MENTION_COLUMNS",
    "POST_COLUMNS",
    "QUALITY_COLUMNS",
    "QUALITY_SUBSCORES",
    "TREND_COLUMNS",
    "engagement_split",
    "engagement_trend",
    "follower_trend",
    "hashtags",
    "look_alikes",
    "mentions",
    "posts",
    "profile_url",
    "quality_scores",
    "sponsorship",
]

INSTAGRAM_URL = "https://www.instagram.com/"
_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,64}")
_SHORTCODE_RUN = re.compile(r"[A-Za-z0-9_-]{5,64}(?:\n[A-Za-z0-9_-]{5,64})*")

POST_COLUMNS = [
    "shortcode", "url", "posted_at", "format", "video", "sponsored", "likes", "comments",
    "views", "er", "caption", "hashtags", "mentions", "location", "image_url",
]  # fmt: skip
TREND_COLUMNS = ["date", "value"]
QUALITY_SUBSCORES = {
    "engagement_rate": "Engagement rate",
    "effective_followers": "Effective followers",
    "consistency": "Consistency",
    "authentic_audience": "Authentic audience",
}
QUALITY_COLUMNS = ["metric", "label", "score", "max_score"]
ENGAGEMENT_SPLIT_COLUMNS = [
    "format", "engagement", "average_likes", "average_comments", "average_views",
]  # fmt: skip
LOOK_ALIKE_COLUMNS = ["name", "username", "profile_url", "image_url"]
MENTION_COLUMNS = ["username", "name", "brand", "posts", "average_er"]
HASHTAG_COLUMNS = ["hashtag", "posts", "average_er"]

_POST_DTYPES = {  # the others are text
    "likes": "Int64", "comments": "Int64", "views": "Float64", "er": "Float64",
    "video": "boolean", "sponsored": "boolean", "posted_at": "datetime64[us, UTC]",
    "hashtags": object, "mentions": object, "image_url": object,
}  # fmt: skip


def profile_url(username: str | None) -> str | None:
    """The public Instagram URL for a handle, or None when there is no usable handle."""
    handle = (username or "").strip().lstrip("@")
    if not handle or not all(ch.isalnum() or ch in "._" for ch in handle):
        return None
    return f"{INSTAGRAM_URL}{handle}/"


def posts(insights: Insights) -> pd.DataFrame:
    """One row per post, video and non-video together, newest first (posts of the same moment
    in the vendor's order, undated ones last).

    Built once per response and kept with it (``Insights.derived``): every call, and every
    frame read from it (mentions, hashtags), gets a shallow copy, so none pays for it twice
    and none can add or drop another's columns.

    Read a column at a time from the vendor's JSON: a column of plain numbers, strings or
    booleans (the usual case) is taken as it is; any other column is read value by value with
    the same readers as ``Post`` (numeric strings, nulls, out-of-range values logged by name).
    """
    return _kept_posts(insights).copy(deep=False)


def _kept_posts(insights: Insights) -> pd.DataFrame:
    """The posts frame kept with the response: read it, never change it."""
    return insights.derived(_POSTS, lambda: _posts(insights))


_POSTS = "posts"  # the posts frame's name among what is kept with a response


def _posts(insights: Insights) -> pd.DataFrame:
    raw = _raw_posts(insights)
    if not raw:  # each column in the dtype it has when there are posts
        return empty_frame(POST_COLUMNS, _POST_DTYPES)
    rows = _fields(raw, _POST_FIELDS)
    field = _columns(rows, _POST_FIELDS)
    posted = _posted_column(field["posted_at"], field["posted_date"])
    order = _newest_first(posted)
    if (np.diff(order) != 1).any():  # not already newest first
        rows = [rows[i] for i in order]
        field = _columns(rows, _POST_FIELDS)
        posted = posted.take(order)
    shortcode = _plain(field, "shortcode", str)
    video = _plain(field, "video", bool)
    columns = {
        "shortcode": text_array(shortcode),
        "url": text_array(_post_urls(shortcode)),
        "posted_at": posted,
        "format": text_array(_formats(_plain(field, "post_type", str), video)),
        "video": flags(video),
        "sponsored": flags(_plain(field, "sponsored", bool)),
        "likes": _numbers(field, "likes_count", count=True),
        "comments": _numbers(field, "comments_count", count=True),
        "views": _numbers(field, "views"),
        "er": _numbers(field, "er"),
        "caption": text_array(_or_empty(_plain(field, "caption", str))),
        "hashtags": objects(_text_lists(field, "hashtags", "#")),
        "mentions": objects(_text_lists(field, "mentions", "@")),
        "location": text_array(_or_empty(_plain(field, "location_name", str))),
        "image_url": objects(_or_none(_plain(field, "image_url", str))),
    }
    return ready_frame(columns, len(rows))  # in POST_COLUMNS order


# The vendor's post fields the frame reads, the two for its order first.
_POST_FIELDS = (
    "posted_at", "posted_date", "shortcode", "video", "post_type", "sponsored", "likes_count",
    "comments_count", "views", "er", "caption", "hashtags", "mentions", "location_name",
    "image_url",
)  # fmt: skip


def _fields(raw: list[dict[str, Any]], keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Each post's values of ``keys`` (None where one is missing), read in one pass: with
    ``itemgetter`` when every post has every key, the usual case."""
    try:
        return list(map(itemgetter(*keys), raw))
    except KeyError:
        return [tuple(post.get(key) for key in keys) for post in raw]


def _columns(rows: list[tuple[Any, ...]], keys: tuple[str, ...]) -> dict[str, list[Any]]:
    """``rows`` of ``keys``' values as one list per key."""
    columns = zip(*rows, strict=True) if rows else [()] * len(keys)
    return {key: list(column) for key, column in zip(keys, columns, strict=True)}


def _post_urls(shortcodes: list[Any]) -> list[str | None]:
    """Each post's Instagram URL, None where the shortcode could not be one."""
    if set(map(type, shortcodes)) <= {str} and _SHORTCODE_RUN.fullmatch("\n".join(shortcodes)):
        return [f"{INSTAGRAM_URL}p/{code}/" for code in shortcodes]  # all valid: checked at once
    return [
        f"{INSTAGRAM_URL}p/{code}/"
        if isinstance(code, str) and _SHORTCODE.fullmatch(code)
        else None
        for code in shortcodes
    ]


def _formats(post_types: list[str | None], video: list[bool | None]) -> list[str]:
    """Each post's format: the vendor's type, else VIDEO or POST by its video flag."""
    if None not in post_types:  # the usual case: every post has a type, a few kinds
        upper = {kind: (kind or "").upper() for kind in set(post_types)}
        if all(upper.values()):
            return [upper[kind] for kind in post_types]
    kinds = list(zip(post_types, video, strict=True))
    named = {
        (kind, is_video): (kind or ("VIDEO" if is_video is True else "POST")).upper()
        for kind, is_video in set(kinds)
    }
    return [named[pair] for pair in kinds]


def _or_empty(texts: list[str | None]) -> list[str | None]:
    return texts if None not in texts else [text or "" for text in texts]


def _or_none(texts: list[str | None]) -> list[str | None]:
    return texts if "" not in texts else [text or None for text in texts]


def sponsorship(insights: Insights) -> pd.DataFrame:
    """Just the ``sponsored`` and ``er`` columns of :func:`posts`, read with the same readers:
    what the paid vs organic summary needs, at a fraction of the cost. In the vendor's order;
    when the posts frame of these insights is already built (the insights page builds it
    first), a copy of its two columns instead, newest first (pandas' own selection of two
    columns costs five times more)."""
    built = insights.kept(_POSTS)
    if built is not None:
        return ready_frame(
            {"sponsored": built["sponsored"].array.copy(), "er": built["er"].array.copy()},
            len(built),
        )
    rows = _fields(_raw_posts(insights), ("sponsored", "er"))
    field = _columns(rows, ("sponsored", "er"))
    return ready_frame(
        {"sponsored": flags(_plain(field, "sponsored", bool)), "er": _numbers(field, "er")},
        len(rows),
    )


def _raw_posts(insights: Insights) -> list[dict[str, Any]]:
    """Every post as the vendor sent it, video and non-video together."""
    section = insights.posts
    return [*section.video_raw, *section.non_video_raw] if section else []


def _plain(field: dict[str, list[Any]], key: str, kind: type) -> list[Any]:
    """A column of plain strings or booleans (or nulls) as it is; any other column read value
    by value with Post's own reader."""
    values = field[key]
    if set(map(type, values)) <= {kind, NONE}:
        return values
    return read_post_values(key, values)


def _numbers(field: dict[str, list[Any]], key: str, *, count: bool = False) -> Any:
    """Plain numbers within any plausible range are taken as they are (counts rounded);
    anything else goes through the post's own reader."""
    values = field[key]
    numbers = plain_numbers(values)
    if numbers is None or (count and (numbers < 0).any()):
        return pd.array(read_post_values(key, values), dtype="Int64" if count else "Float64")
    if count:  # built here: pandas' own conversion costs several times more
        missing = np.isnan(numbers)
        return pd.arrays.IntegerArray(
            np.where(missing, 0, numbers.round()).astype("int64"), missing
        )
    return floats(numbers)


def _text_lists(field: dict[str, list[Any]], key: str, mark: str) -> list[list[str]]:
    """Each post's hashtags or handles, normalised (no ``#``/``@``, lower case); a value that
    is not a plain list of strings goes through Post's own reader first. Lists already in that
    form (the usual case) are kept as they are, not copied."""
    column = field[key]
    if set(map(type, column)) <= {list} and set(map(type, chain.from_iterable(column))) <= {str}:
        plain: list[list[str]] = column  # the usual case: the same few tags over and over
    else:
        plain = read_post_values(key, column)
    normal = {item: item.strip().lstrip(mark).lower() for item in set(chain.from_iterable(plain))}
    if all(item == form for item, form in normal.items()):
        return plain
    return [[normal[item] for item in items] for items in plain]


def _posted_column(epochs: list[Any], dates: list[Any]) -> pd.arrays.DatetimeArray:
    """When each post went up: the epoch when it is there, else the ``posted_date`` text."""
    numbers = plain_numbers(epochs)
    if numbers is not None and not (np.abs(numbers[~np.isnan(numbers)]) > _MAX_EPOCH_S).any():
        posted = _utc_seconds(numbers)
    else:
        posted = pd.to_datetime(
            pd.Series(read_post_values("posted_at", epochs), dtype=object), utc=True
        ).array
    missing = posted.isna()
    if missing.any() and dates.count(None) < len(dates):
        posted = posted.copy()
        for index in np.flatnonzero(missing):
            text = dates[index]
            posted[int(index)] = posted_from_text(text if isinstance(text, str) else None)
    return posted


def _utc_seconds(numbers: np.ndarray) -> pd.arrays.DatetimeArray:
    """Epoch seconds (NaN where missing) as UTC moments to the microsecond, converted by numpy
    (``pd.to_datetime(unit="s")`` costs several times more)."""
    missing = np.isnan(numbers)
    micros = np.where(missing, 0, np.round(numbers * 1e6)).astype("int64")
    micros[missing] = np.iinfo(np.int64).min  # numpy's NaT
    return pd.array(micros.view("datetime64[us]"), dtype="datetime64[us, UTC]")


def _newest_first(posted: pd.arrays.DatetimeArray) -> np.ndarray:
    """Row order newest first, stable (same moment: the vendor's order), undated rows last."""
    stamps = np.asarray(posted.view("i8"))
    return np.argsort(np.where(posted.isna(), np.iinfo(np.int64).max, -stamps), kind="stable")


_MAX_EPOCH_S = 253_402_300_799  # 9999-12-31, the last second a datetime holds


def follower_trend(insights: Insights) -> pd.DataFrame:
    """Followers by day: columns ``date``, ``value``."""
    trends = insights.growth
    raw = trends.followers_raw if trends else []
    return trend_frame(raw, "followers", "cumulative_followers_trends")


def engagement_trend(insights: Insights) -> pd.DataFrame:
    """Engagement rate by day: columns ``date``, ``value``."""
    trends = insights.growth
    return trend_frame(trends.engagement_raw if trends else [], "engagement", "engagement_trends")


def quality_scores(insights: Insights) -> pd.DataFrame:
    """The 0-100 profile quality score and the four 0-5 sub-scores, long form."""
    details = insights.profile_details
    quality = details.quality if details else None
    rows: list[tuple[str, str, float, float]] = []
    if quality is not None:
        if quality.profile_quality_score is not None:
            rows.append(
                ("profile_quality_score", "Profile quality", quality.profile_quality_score, 100.0)
            )
        for field, label in QUALITY_SUBSCORES.items():
            score = getattr(quality, field)
            if score is not None:
                rows.append((field, label, score, 5.0))
    return typed_frame(rows, QUALITY_COLUMNS, {"score": "Float64", "max_score": "Float64"})


def engagement_split(insights: Insights) -> pd.DataFrame:
    """Engagement and averages by format: video, non-video and, when the vendor has it, paid."""
    reach = insights.reach
    rows = []
    if reach is not None:
        candidates = [
            ("Video", reach.video_engagement, reach.video_average_likes,
             reach.video_average_comments, None),
            ("Non-video", reach.non_video_engagement, reach.non_video_average_likes,
             reach.non_video_average_comments, reach.non_video_average_views),
            ("Paid", reach.paid_post_engagement, reach.paid_post_average_likes,
             reach.paid_post_average_comments, reach.paid_post_average_views),
        ]  # fmt: skip
        rows = [row for row in candidates if any(v is not None for v in row[1:])]
    return typed_frame(
        rows, ENGAGEMENT_SPLIT_COLUMNS, {c: "Float64" for c in ENGAGEMENT_SPLIT_COLUMNS[1:]}
    )


def _accounts_frame(accounts: Iterable[Account]) -> pd.DataFrame:
    rows = [
        (
            account.name or "",
            _handle(account.username),
            profile_url(account.username),
            account.image_url or None,
        )
        for account in accounts
        if account.username or account.name
    ]
    return typed_frame(rows, LOOK_ALIKE_COLUMNS, {})


def look_alikes(insights: Insights) -> pd.DataFrame:
    """Creators the vendor finds similar. ``profile_url`` is only ever an Instagram URL."""
    details = insights.profile_details
    return _accounts_frame(details.look_alike_creators if details else [])


def mentions(insights: Insights) -> pd.DataFrame:
    """Accounts the creator mentions, brands flagged, with how many posts and their mean ER."""
    details = insights.profile_details
    names: dict[str, str] = {}
    brands: set[str] = set()
    if details is not None:
        for account in details.mentions_details:
            names.setdefault(_handle(account.username), account.name or "")
        for account in details.brand_mentions_details:
            names.setdefault(_handle(account.username), account.name or "")
            brands.add(_handle(account.username))
        brands.update(_handle(b) for b in details.brand_mentions)
        for handle in details.mentions:
            names.setdefault(_handle(handle), "")
    usage = _usage(_kept_posts(insights), "mentions")
    for handle in usage:
        names.setdefault(handle, "")
    rows = sorted(
        (
            (handle, name, handle in brands, *usage.get(handle, (0, None)))
            for handle, name in names.items()
            if handle
        ),
        key=lambda row: (-row[3], row[0]),
    )
    return typed_frame(
        rows, MENTION_COLUMNS, {"brand": "boolean", "posts": "Int64", "average_er": "Float64"}
    )


def hashtags(insights: Insights) -> pd.DataFrame:
    """Hashtags by how many posts carry them, with those posts' mean ER."""
    usage = _usage(_kept_posts(insights), "hashtags")
    rows = sorted(
        ((tag, count, er) for tag, (count, er) in usage.items()),
        key=lambda row: (-row[1], row[0]),
    )
    return typed_frame(rows, HASHTAG_COLUMNS, {"posts": "Int64", "average_er": "Float64"})


def _usage(post_frame: pd.DataFrame, column: str) -> dict[str, tuple[int, float | None]]:
    """For each item of ``column`` (normalised hashtags or handles): the number of posts
    carrying it and their mean ER (counted with numpy: a loop per tag cost a millisecond)."""
    carried = [items if len(items) < 2 else set(items) for items in post_frame[column].tolist()]
    flat = list(chain.from_iterable(carried))
    index = {item: code for code, item in enumerate(dict.fromkeys(flat))}
    codes = np.fromiter(map(index.__getitem__, flat), dtype=np.intp, count=len(flat))
    ers = np.repeat(
        post_frame["er"].to_numpy(dtype="float64", na_value=np.nan), [*map(len, carried)]
    )
    rated = ~np.isnan(ers)
    counts = np.bincount(codes, minlength=len(index))
    er_counts = np.bincount(codes[rated], minlength=len(index))
    er_sums = np.bincount(codes[rated], weights=ers[rated], minlength=len(index))
    return {
        item: (
            int(counts[code]),
            float(er_sums[code] / er_counts[code]) if er_counts[code] else None,
        )
        for item, code in index.items()
        if item
    }


def _handle(raw: str | None) -> str:
    return (raw or "").strip().lstrip("@").lower()
