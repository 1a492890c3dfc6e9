"""Insights -> tidy pandas DataFrames, one function per view. Pure: no I/O, no Streamlit.

Every function accepts an ``Insights`` with any section missing and returns a frame with its
documented columns, empty when there is nothing to show, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from fpapi.api.models import (
    MAX_PLAUSIBLE,
    Account,
    Insights,
    posted_from_text,
    read_post_values,
    read_trend_days,
    read_trend_values,
    trend_entries,
)

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

_POST_DTYPES = {
    "likes": "Int64", "comments": "Int64", "views": "Float64", "er": "Float64",
    "video": "boolean", "sponsored": "boolean",
}  # fmt: skip


def profile_url(username: str | None) -> str | None:
    """The public Instagram URL for a handle, or None when there is no usable handle."""
    handle = (username or "").strip().lstrip("@")
    if not handle or not all(ch.isalnum() or ch in "._" for ch in handle):
        return None
    return f"{INSTAGRAM_URL}{handle}/"


def posts(insights: Insights) -> pd.DataFrame:
    """One row per post, video and non-video together, newest first.

    Read a column at a time from the vendor's JSON: a column of plain numbers, strings or
    booleans (the usual case) is taken as it is; any other column is read value by value with
    the same readers as ``Post`` (numeric strings, nulls, out-of-range values logged by name).
    """
    raw = _raw_posts(insights)
    table = pd.DataFrame.from_records(raw, columns=_RAW_POST_KEYS) if raw else None
    if table is None or table.empty:
        return pd.DataFrame(columns=POST_COLUMNS).astype(
            _POST_DTYPES | {"posted_at": "datetime64[ns, UTC]"}
        )

    shortcode = _plain_column(table, "shortcode", str)
    video = _plain_column(table, "video", bool)
    post_type = _plain_column(table, "post_type", str)
    frame = pd.DataFrame(
        {
            "shortcode": shortcode,
            "url": [
                f"{INSTAGRAM_URL}p/{code}/"
                if isinstance(code, str) and _SHORTCODE.fullmatch(code)
                else None
                for code in shortcode
            ],
            "posted_at": _posted_column(table),
            "format": [
                (kind or ("VIDEO" if is_video is True else "POST")).upper()
                for kind, is_video in zip(post_type, video, strict=True)
            ],
            "video": video,
            "sponsored": _plain_column(table, "sponsored", bool),
            "likes": _number_column(table, "likes_count", count=True),
            "comments": _number_column(table, "comments_count", count=True),
            "views": _number_column(table, "views"),
            "er": _number_column(table, "er"),
            "caption": [text or "" for text in _plain_column(table, "caption", str)],
            "hashtags": [
                [_tag(t) for t in tags]
                for tags in read_post_values("hashtags", table["hashtags"].tolist())
            ],
            "mentions": [
                [_handle(m) for m in names]
                for names in read_post_values("mentions", table["mentions"].tolist())
            ],
            "location": [text or "" for text in _plain_column(table, "location_name", str)],
            "image_url": [text or None for text in _plain_column(table, "image_url", str)],
        },
        columns=POST_COLUMNS,
    )
    frame = frame.astype(_POST_DTYPES)
    return frame.sort_values("posted_at", ascending=False, na_position="last").reset_index(
        drop=True
    )


def sponsorship(insights: Insights) -> pd.DataFrame:
    """Just the ``sponsored`` and ``er`` columns of :func:`posts`, read with the same readers
    (unsorted): what the paid vs organic summary needs, at a fraction of the cost."""
    raw = _raw_posts(insights)
    if not raw:
        return pd.DataFrame(columns=_SPONSORSHIP).astype({k: _POST_DTYPES[k] for k in _SPONSORSHIP})
    table = pd.DataFrame.from_records(raw, columns=_SPONSORSHIP)
    frame = pd.DataFrame(
        {"sponsored": _plain_column(table, "sponsored", bool), "er": _number_column(table, "er")}
    )
    return frame.astype({k: _POST_DTYPES[k] for k in _SPONSORSHIP})


def _raw_posts(insights: Insights) -> list[dict[str, Any]]:
    """Every post as the vendor sent it, video and non-video together."""
    section = insights.posts
    return [*section.video_raw, *section.non_video_raw] if section else []


_SPONSORSHIP = ["sponsored", "er"]
_RAW_POST_KEYS = [
    "shortcode", "hashtags", "caption", "comments_count", "likes_count", "er", "views",
    "posted_at", "posted_date", "image_url", "sponsored", "video", "post_type", "mentions",
    "location_name",
]  # fmt: skip


_INFERRED_AS = {str: "string", bool: "boolean"}


def _plain_column(table: pd.DataFrame, key: str, kind: type) -> list[Any]:
    """A column of plain strings or booleans (by pandas' own inference) as it is, missing
    values as None; any other column read value by value with Post's own reader."""
    values = table[key].tolist()
    if pd.api.types.infer_dtype(table[key], skipna=True) in (_INFERRED_AS[kind], "empty"):
        return [value if isinstance(value, kind) else None for value in values]
    return read_post_values(key, values)


def _number_column(table: pd.DataFrame, key: str, *, count: bool = False) -> pd.Series:
    """Plain numbers within any plausible range are taken as they are (counts rounded);
    anything else goes through the post's own reader."""
    values = table[key]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("float64")
        if _plausible(numbers.to_numpy()) and (not count or numbers.dropna().ge(0).all()):
            return numbers.round() if count else numbers
    return pd.Series(read_post_values(key, values.tolist()), dtype="Int64" if count else "Float64")


def _plausible(numbers: np.ndarray) -> bool:
    """Whether every number present (NaN is a missing one) is finite and within any plausible
    magnitude: then a column is taken as it is, else read value by value (which logs)."""
    return bool((np.abs(numbers[~np.isnan(numbers)]) <= MAX_PLAUSIBLE).all())


def _posted_column(table: pd.DataFrame) -> pd.Series:
    """When each post went up: the epoch when it is there, else the ``posted_date`` text."""
    epochs = table["posted_at"]
    if (
        pd.api.types.is_numeric_dtype(epochs)
        and not pd.api.types.is_bool_dtype(epochs)
        and epochs.dropna().abs().le(_MAX_EPOCH_S).all()
    ):
        posted = pd.to_datetime(epochs, unit="s", utc=True)
    else:
        posted = pd.to_datetime(
            pd.Series(read_post_values("posted_at", epochs.tolist()), dtype=object), utc=True
        )
    missing = posted.isna() & table["posted_date"].notna()
    if missing.any():
        posted = posted.copy()
        for index in posted.index[missing]:
            text = table.at[index, "posted_date"]
            posted.at[index] = posted_from_text(text if isinstance(text, str) else None)
    return posted


_MAX_EPOCH_S = 253_402_300_799  # 9999-12-31, the last second a datetime holds


def _trend_frame(entries: list[dict[str, Any]], metric: str, field: str) -> pd.DataFrame:
    """One row per day, oldest first, read straight from the vendor's list: the same days and
    values as ``read_trend`` (the last one sent for a day wins, unreadable days are skipped),
    a column at a time when the column is plain, value by value otherwise."""
    keys, values = trend_entries(entries, metric)
    days, numbers = _trend_days(keys), _trend_values(values, field)
    frame = pd.DataFrame({"date": days, "value": numbers})
    if (np.diff(days.astype("int64")) > 0).all() and not np.isnat(days).any():
        return frame  # the usual case: one reading a day, in order
    frame = frame.dropna(subset=["date"]).drop_duplicates("date", keep="last")
    return frame.sort_values("date").reset_index(drop=True)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_VENDOR_DAY = re.compile(r"\d{2}/\d{2}/\d{4}", re.ASCII)


def _trend_days(keys: list[Any]) -> np.ndarray:
    """The day keys as dates (NaT where a key is no day): all in one spelling, parsed at once;
    otherwise key by key with the trend's own reader."""
    try:
        if all(isinstance(key, str) and _ISO_DAY.fullmatch(key) for key in keys):
            return np.array(keys, dtype="datetime64[D]").astype("datetime64[s]")
        if all(isinstance(key, str) and _VENDOR_DAY.fullmatch(key) for key in keys):
            days = pd.to_datetime(pd.Series(keys, dtype=object), format="%d/%m/%Y")
            return days.to_numpy().astype("datetime64[s]")
    except ValueError:  # a day that does not exist (31/02/2024): read key by key
        pass
    read = pd.to_datetime(pd.Series(read_trend_days(keys), dtype=object))
    return read.to_numpy().astype("datetime64[s]")


def _trend_values(values: list[Any], field: str) -> Any:
    """Plain finite numbers within any plausible range are taken as they are; anything else
    goes through the trend's own reader (numeric strings, nulls, values logged by name)."""
    if all(type(value) in (int, float) for value in values):
        try:
            numbers = np.array(values, dtype="float64")
        except OverflowError:  # an integer beyond any float: read one by one below
            pass
        else:
            if _plausible(numbers):
                return pd.array(numbers, dtype="Float64")
    return pd.array(read_trend_values(field, values), dtype="Float64")


def follower_trend(insights: Insights) -> pd.DataFrame:
    """Followers by day: columns ``date``, ``value``."""
    trends = insights.growth
    raw = trends.followers_raw if trends else []
    return _trend_frame(raw, "followers", "cumulative_followers_trends")


def engagement_trend(insights: Insights) -> pd.DataFrame:
    """Engagement rate by day: columns ``date``, ``value``."""
    trends = insights.growth
    return _trend_frame(trends.engagement_raw if trends else [], "engagement", "engagement_trends")


def quality_scores(insights: Insights) -> pd.DataFrame:
    """The 0-100 profile quality score and the four 0-5 sub-scores, long form."""
    details = insights.profile_details
    quality = details.quality if details else None
    rows = []
    if quality is not None:
        if quality.profile_quality_score is not None:
            rows.append(
                ["profile_quality_score", "Profile quality", quality.profile_quality_score, 100.0]
            )
        for field, label in QUALITY_SUBSCORES.items():
            score = getattr(quality, field)
            if score is not None:
                rows.append([field, label, score, 5.0])
    frame = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    return frame.astype({"score": "Float64", "max_score": "Float64"})


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
        rows = [list(row) for row in candidates if any(v is not None for v in row[1:])]
    frame = pd.DataFrame(rows, columns=ENGAGEMENT_SPLIT_COLUMNS)
    return frame.astype({c: "Float64" for c in ENGAGEMENT_SPLIT_COLUMNS[1:]})


def _accounts_frame(accounts: Iterable[Account]) -> pd.DataFrame:
    rows = [
        {
            "name": account.name or "",
            "username": _handle(account.username),
            "profile_url": profile_url(account.username),
            "image_url": account.image_url or None,
        }
        for account in accounts
        if account.username or account.name
    ]
    return pd.DataFrame(rows, columns=LOOK_ALIKE_COLUMNS)


def look_alikes(insights: Insights) -> pd.DataFrame:
    """Creators the vendor finds similar. ``profile_url`` is only ever an Instagram URL."""
    details = insights.profile_details
    return _accounts_frame(details.look_alike_creators if details else [])


def mentions(insights: Insights, post_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Accounts the creator mentions, brands flagged, with how many posts and their mean ER.
    ``post_frame`` is ``posts(insights)`` when the caller has it already."""
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
    usage = _usage(posts(insights) if post_frame is None else post_frame, "mentions")
    for handle in usage:
        names.setdefault(handle, "")
    rows = [
        {
            "username": handle,
            "name": name,
            "brand": handle in brands,
            "posts": usage.get(handle, (0, None))[0],
            "average_er": usage.get(handle, (0, None))[1],
        }
        for handle, name in names.items()
        if handle
    ]
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    frame = frame.astype({"brand": "boolean", "posts": "Int64", "average_er": "Float64"})
    return frame.sort_values(["posts", "username"], ascending=[False, True]).reset_index(drop=True)


def hashtags(insights: Insights, post_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Hashtags by how many posts carry them, with those posts' mean ER. ``post_frame`` is
    ``posts(insights)`` when the caller has it already."""
    usage = _usage(posts(insights) if post_frame is None else post_frame, "hashtags")
    rows = [
        {"hashtag": tag, "posts": count, "average_er": er} for tag, (count, er) in usage.items()
    ]
    frame = pd.DataFrame(rows, columns=HASHTAG_COLUMNS)
    frame = frame.astype({"posts": "Int64", "average_er": "Float64"})
    return frame.sort_values(["posts", "hashtag"], ascending=[False, True]).reset_index(drop=True)


def _usage(post_frame: pd.DataFrame, column: str) -> dict[str, tuple[int, float | None]]:
    """For each item of ``column`` (normalised hashtags or handles): the number of posts
    carrying it and their mean ER."""
    counts: dict[str, int] = {}
    er_sums: dict[str, float] = {}
    er_counts: dict[str, int] = {}
    ers = post_frame["er"].astype("float64").tolist()  # NaN where a post has no ER
    for items, er in zip(post_frame[column].tolist(), ers, strict=True):
        for item in set(items) - {""}:
            counts[item] = counts.get(item, 0) + 1
            if er == er:
                er_sums[item] = er_sums.get(item, 0.0) + er
                er_counts[item] = er_counts.get(item, 0) + 1
    return {
        item: (count, er_sums[item] / er_counts[item] if er_counts.get(item) else None)
        for item, count in counts.items()
    }


def _tag(raw: str) -> str:
    return raw.strip().lstrip("#").lower()


def _handle(raw: str | None) -> str:
    return (raw or "").strip().lstrip("@").lower()
