"""Pydantic models of the First Party API's three responses, tolerant of the vendor's quirks.

Every field is optional. Numbers may arrive as numeric strings or floats, any section may be
null or missing, unknown keys are kept (``model_extra``), and a value that cannot be read
becomes ``None`` rather than failing the whole response. Attribute names follow the vendor's
section and field names with its misspellings corrected (``estimted_story_views`` ->
``estimated_story_views``, ``quaterly_*`` -> ``quarterly_*``); the misspelt keys are still
what is read.
"""

from __future__ import annotations

import functools
import inspect
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SkipValidation,
    ValidationInfo,
)

__all__ = [
    "MAX_PLAUSIBLE",
    "Account",
    "Audience",
    "GrowthTrends",
    "Insights",
    "LockableSection",
    "Post",
    "Posts",
    "ProfileDetails",
    "ProfileOverview",
    "Quality",
    "ReachAndEngagement",
    "TrendPoint",
    "VerificationLink",
    "VerifiedCreator",
    "posted_from_text",
    "read_post_values",
    "read_trend",
    "read_trend_days",
    "read_trend_values",
    "trend_entries",
]

log = logging.getLogger(__name__)

# --- lenient scalar readers -------------------------------------------------------------


# No count or amount the vendor sends is anywhere near this; beyond it a value is a fault
# (10^20 followers), and pandas cannot even hold it as an integer.
MAX_PLAUSIBLE = 10**15


def _number(value: Any, info: ValidationInfo | None = None) -> float | None:
    """A finite float from a number or numeric string ("15,200", " 4.5 "), else None; a value
    beyond any plausible magnitude is None too, logged with the field's name."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value:  # NaN: no value, not an implausible one
            return None
        result = float(value) if abs(value) <= MAX_PLAUSIBLE else math.inf
    elif isinstance(value, str):
        try:
            result = float(value.strip().replace(",", "").replace("_", ""))
        except ValueError:
            return None
    else:
        return None
    if math.isinf(result) or abs(result) > MAX_PLAUSIBLE:
        _implausible(value, info)
        return None
    return None if math.isnan(result) else result


def _count(value: Any, info: ValidationInfo | None = None) -> int | None:
    """A whole, non-negative count; anything else (a negative count) is None, logged."""
    number = _number(value, info)
    if number is not None and number < 0:
        _implausible(value, info)
        return None
    return None if number is None else round(number)


def _number_field(value: Any, info: ValidationInfo) -> float | None:
    return _number(value, info)


def _count_field(value: Any, info: ValidationInfo) -> int | None:
    return _count(value, info)


def _implausible(value: Any, info: ValidationInfo | None) -> None:
    title = (info.config or {}).get("title") if info else None
    name = info.field_name if info else None
    field = f"{title}.{name}" if title and name else (name or "trend value")
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
    log.warning(
        "The vendor's %s is %s, outside any plausible range: shown as not available", field, shown
    )


def _text(value: Any) -> str | None:
    """Text as sent; a number is its digits (an id sent as a number), but NaN or Infinity
    where text belongs is no text at all."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "yes", "1"}:
            return True
        if lowered in {"false", "no", "0"}:
            return False
    return None


# The two date spellings the vendor uses, read by hand: strptime costs about 5 us a call, and a
# two-year trend has 1,460 of them (a third of the whole parse).
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def _vendor_date(value: Any) -> date | None:
    """``DD/MM/YYYY`` as the vendor sends it; ISO ``YYYY-MM-DD`` is accepted too."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if found := _YMD.fullmatch(text):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _DMY.fullmatch(text):
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:  # 31/02/2024
        return None
    return None


def _epoch(value: Any) -> datetime | None:
    """Epoch seconds (number or numeric string) as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    seconds = _number(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text_list(value: Any) -> list[str]:
    """A list of strings; null becomes [], a lone string becomes [string], junk is dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if not isinstance(value, list | tuple):
        return []
    return [str(item) for item in value if item is not None and not isinstance(item, dict | list)]


def _object_list(value: Any) -> list[Any]:
    """A list of objects; null or a non-list becomes [], non-object items are dropped."""
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, dict)]


def _section(value: Any) -> Any:
    """A section that is not an object (a stray string or list) counts as missing."""
    return value if isinstance(value, dict) else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


Number = Annotated[float | None, BeforeValidator(_number_field)]
Count = Annotated[int | None, BeforeValidator(_count_field)]
Text = Annotated[str | None, BeforeValidator(_text)]
Flag = Annotated[bool | None, BeforeValidator(_flag)]
VendorDate = Annotated[date | None, BeforeValidator(_vendor_date)]
Timestamp = Annotated[datetime | None, BeforeValidator(_epoch)]
TextList = Annotated[list[str], BeforeValidator(_text_list)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


# --- shared pieces ----------------------------------------------------------------------


class Account(_Model):
    """Another account named by the vendor: a mention, a brand or a look-alike creator."""

    name: Text = None
    username: Text = None
    image_url: Text = None
    handle_link: Text = None


Accounts = Annotated[list[Account], BeforeValidator(_object_list)]


class TrendPoint(_Model):
    """One day of a trend series."""

    day: date
    value: float | None


def trend_entries(entries: Iterable[dict[str, Any]], metric: str) -> tuple[list[Any], list[Any]]:
    """A trend list ``[{"YYYY-MM-DD": {metric: n}}, ...]`` as two columns, in the vendor's
    order: the day keys as sent, and each day's raw value (the body itself when it is not an
    object)."""
    keys: list[Any] = []
    values: list[Any] = []
    for entry in entries:
        for key, body in entry.items():
            keys.append(key)
            values.append(body.get(metric) if isinstance(body, dict) else body)
    return keys, values


def read_trend_days(keys: Iterable[Any]) -> list[date | None]:
    """Each key read as a trend day (``DD/MM/YYYY`` or ``YYYY-MM-DD``), None if it is not one."""
    return [_vendor_date(key) for key in keys]


def read_trend_values(field: str, values: Iterable[Any]) -> list[float | None]:
    """Each value read as ``GrowthTrends.<field>`` reads it: numeric strings, nulls, values out
    of range logged by name."""
    where = _Where({"title": "GrowthTrends"}, field)
    return [_number(value, where) for value in values]  # type: ignore[arg-type]


def read_trend(entries: Iterable[dict[str, Any]], metric: str, field: str) -> list[TrendPoint]:
    """Sorted TrendPoints, one per day (the last one sent wins); unreadable days skipped."""
    keys, values = trend_entries(entries, metric)
    points: dict[date, float | None] = {}
    for day, value in zip(read_trend_days(keys), read_trend_values(field, values), strict=True):
        if day is not None:
            points[day] = value
    return [TrendPoint(day=day, value=points[day]) for day in sorted(points)]


# --- Verification -----------------------------------------------------------------------


class VerificationLink(_Model):
    """Create Verification URL's answer: where the creator must go, and the state echoed back."""

    url: Text = Field(None, validation_alias=AliasChoices("redirectUrl", "url"))
    state: Text = None


class VerifiedCreator(_Model):
    """Verify Creator's answer for a successful verification."""

    state: Text = None
    status: Text = None
    connector: Text = None
    creator_id: Text = None
    user_info: Annotated[dict[str, Any], BeforeValidator(_mapping)] = Field(default_factory=dict)
    error_info: Annotated[dict[str, Any] | None, BeforeValidator(_section)] = None

    @property
    def name(self) -> str | None:
        return _text(self.user_info.get("name"))

    @property
    def email(self) -> str | None:
        return _text(self.user_info.get("email")) or None

    @property
    def username(self) -> str | None:
        info = self.user_info
        return _text(info.get("ig_username") or info.get("yt_handle") or info.get("username"))

    @property
    def platform_user_id(self) -> str | None:
        info = self.user_info
        return _text(info.get("ig_user_id") or info.get("yt_channel_id"))


# --- Insights sections ------------------------------------------------------------------


class ProfileOverview(_Model):
    handle: Text = None
    followers_count: Count = None
    post_count: Count = None
    following_count: Count = None
    ig_user_id: Text = None
    content_per_week: Number = None
    engagement: Number = None
    influencer_tier: Text = None
    last_processed_at: VendorDate = None


class Quality(_Model):
    """The vendor's profile quality: a 0-100 score, a 0-5 rating and four 0-5 sub-scores."""

    profile_quality_score: Number = None
    profile_quality_rating: Number = None
    engagement_rate: Number = None
    effective_followers: Number = None
    consistency: Number = None
    authentic_audience: Number = None


class ProfileDetails(_Model):
    biography: Text = None
    mobile: Text = None
    gender: Text = None
    age_group: Text = None
    category: Text = None
    interests: TextList = Field(default_factory=list)
    location: Text = None
    country: Text = None
    mentions: TextList = Field(default_factory=list)
    hashtags: TextList = Field(default_factory=list)
    brand_mentions: TextList = Field(default_factory=list)
    mentions_details: Accounts = Field(default_factory=list)
    brand_mentions_details: Accounts = Field(default_factory=list)
    look_alike_creators: Accounts = Field(default_factory=list)
    ig_user_id: Text = None
    ig_category: Text = None
    quality: Annotated[Quality | None, BeforeValidator(_section)] = None
    languages: TextList = Field(default_factory=list)
    email: Text = None
    handle: Text = None
    handle_link: Text = None
    full_name: Text = None
    image_url: Text = None
    external_link: TextList = Field(default_factory=list)
    last_processed_at: VendorDate = None


class ReachAndEngagement(_Model):
    non_video_engagement: Number = None
    non_video_average_comments: Number = None
    non_video_reach: Number = None
    non_video_average_views: Number = None
    non_video_average_likes: Number = None
    median_views: Number = None
    median_unique_viewers: Number = None
    effective_follower_rate: Number = None
    median_comments: Number = None
    median_likes: Number = None
    popular_post_type: Text = None
    estimated_story_reach: Number = None
    estimated_story_views: Number = Field(
        None, validation_alias=AliasChoices("estimted_story_views", "estimated_story_views")
    )
    ig_user_id: Text = None
    paid_post_average_views: Number = None
    paid_post_average_comments: Number = None
    paid_post_average_likes: Number = None
    paid_post_engagement: Number = None
    handle: Text = None
    average_views: Number = None
    average_unique_viewers: Number = None
    overall_engagement: Number = None
    average_comments: Number = None
    average_likes: Number = None
    video_engagement: Number = None
    video_average_comments: Number = None
    video_average_likes: Number = None
    last_processed_at: VendorDate = None


class Post(_Model):
    shortcode: Text = None
    hashtags: TextList = Field(default_factory=list)
    caption: Text = None
    comments_count: Count = None
    likes_count: Count = None
    er: Number = None
    views: Number = None
    posted_at: Timestamp = None
    posted_date: Text = None
    image_url: Text = None
    sponsored: Flag = None
    external_links: TextList = Field(default_factory=list)
    video: Flag = None
    post_type: Text = None
    mentions: TextList = Field(default_factory=list)
    location_name: Text = None

    @property
    def posted(self) -> datetime | None:
        """``posted_at``, or the vendor's ``posted_date`` text when the epoch is missing."""
        return self.posted_at if self.posted_at is not None else posted_from_text(self.posted_date)


def posted_from_text(text: str | None) -> datetime | None:
    """The vendor's ``posted_date`` (an RFC 2822 date) as an aware datetime, or None."""
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Where:
    """What a reader that logs needs of pydantic's ValidationInfo: the model and the field."""

    config: dict[str, Any]
    field_name: str


def _field_reader(model: type[BaseModel], name: str) -> Callable[[Any], Any]:
    """The reader the model applies to field ``name`` (its BeforeValidator), callable alone."""
    read: Callable[..., Any] = next(
        m.func for m in model.model_fields[name].metadata if isinstance(m, BeforeValidator)
    )
    if len(inspect.signature(read).parameters) == 2:  # it names the field when it logs
        return functools.partial(read, info=_Where({"title": model.__name__}, name))
    return read


def read_post_values(field: str, values: Iterable[Any]) -> list[Any]:
    """Each value read exactly as ``Post.<field>`` reads it (numeric strings, nulls, values out
    of range logged by name), for code that reads a whole column of posts at once."""
    read = _POST_READERS[field]
    return [read(value) for value in values]


_POST_READERS = {name: _field_reader(Post, name) for name in Post.model_fields}


# A list of the vendor's objects kept as sent (non-objects dropped): pydantic's own check of
# every key and value of a thousand posts and two years of days took most of the parse.
RawObjects = Annotated[list[dict[str, Any]], SkipValidation, BeforeValidator(_object_list)]


class Posts(_Model):
    """The posts, read on first use: a fetch that only caches them, or a page that shows none
    of them (the compare table, the roster), never pays for reading a thousand of them."""

    video_raw: RawObjects = Field(default_factory=list, alias="video_posts")
    non_video_raw: RawObjects = Field(default_factory=list, alias="non_video_posts")

    @functools.cached_property
    def video_posts(self) -> list[Post]:
        return [Post.model_validate(post) for post in self.video_raw]

    @functools.cached_property
    def non_video_posts(self) -> list[Post]:
        return [Post.model_validate(post) for post in self.non_video_raw]


class GrowthTrends(_Model):
    handle: Text = None
    monthly_followers: Number = None
    quarterly_followers: Number = Field(
        None, validation_alias=AliasChoices("quaterly_followers", "quarterly_followers")
    )
    yearly_followers: Number = None
    monthly_engagement: Number = None
    quarterly_engagement: Number = Field(
        None, validation_alias=AliasChoices("quaterly_engagement", "quarterly_engagement")
    )
    yearly_engagement: Number = None
    # The daily series, kept as sent and read on first use (a fetch that only caches them, or
    # the compare table, never pays for reading 1,460 points): see read_trend.
    followers_raw: RawObjects = Field(default_factory=list, alias="cumulative_followers_trends")
    engagement_raw: RawObjects = Field(default_factory=list, alias="engagement_trends")
    last_processed_at: VendorDate = None
    ig_user_id: Text = None

    @functools.cached_property
    def cumulative_followers_trends(self) -> list[TrendPoint]:
        return read_trend(self.followers_raw, "followers", "cumulative_followers_trends")

    @functools.cached_property
    def engagement_trends(self) -> list[TrendPoint]:
        return read_trend(self.engagement_raw, "engagement", "engagement_trends")


class LockableSection(_Model):
    """A section the vendor may withhold: ``{"status": "locked"}`` means no data for this plan."""

    status: Text = None

    @property
    def locked(self) -> bool:
        return (self.status or "").lower() == "locked"


class Audience(LockableSection):
    """``get_audience``: its fields are not documented, so all of it lives in ``model_extra``."""


def _optional_section(value: Any) -> Any:
    return _section(value)


Section = BeforeValidator(_optional_section)


class Insights(_Model):
    """Get Instagram Creator Insights: every section optional.

    Sections have readable names; the vendor's spellings (``get_posts``, ``get_growth_trends``,
    ...) stay on the wire as aliases, so ``Insights.from_raw`` reads the API's JSON as it is.
    """

    profile_overview: Annotated[ProfileOverview | None, Section] = None
    profile_details: Annotated[ProfileDetails | None, Section] = None
    reach: Annotated[ReachAndEngagement | None, Section] = Field(
        None, alias="get_reach_and_engagement_details"
    )
    posts: Annotated[Posts | None, Section] = Field(None, alias="get_posts")
    growth: Annotated[GrowthTrends | None, Section] = Field(None, alias="get_growth_trends")
    audience: Annotated[Audience | None, Section] = Field(None, alias="get_audience")
    unrelated_data: Annotated[LockableSection | None, Section] = None

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> Insights:
        """Parse the API's JSON object, keeping the original for the cache and exports."""
        insights = cls.model_validate(raw)
        insights._raw = raw
        return insights

    @property
    def raw(self) -> dict[str, Any]:
        return self._raw

    @property
    def all_posts(self) -> list[Post]:
        if self.posts is None:
            return []
        return [*self.posts.video_posts, *self.posts.non_video_posts]

    @property
    def audience_locked(self) -> bool:
        return self.audience is not None and self.audience.locked

    @property
    def locked_sections(self) -> list[str]:
        """Names of the sections the vendor sent as ``{"status": "locked"}``."""
        return [
            name
            for name in ("audience", "unrelated_data")
            if (section := getattr(self, name)) is not None and section.locked
        ]

    @property
    def last_processed_at(self) -> date | None:
        """The vendor's processing date, from whichever section carries it."""
        for section in (
            self.profile_overview,
            self.profile_details,
            self.reach,
            self.growth,
        ):
            if section is not None and section.last_processed_at is not None:
                return section.last_processed_at
        return None
