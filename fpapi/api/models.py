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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any, TypeVar, cast

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SkipValidation,
)

from fpapi.api import fields as read
from fpapi.api.fields import (
    MAX_PLAUSIBLE,
    Count,
    Flag,
    Number,
    Text,
    TextList,
    Timestamp,
    VendorDate,
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
T = TypeVar("T")


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


# --- shared pieces ----------------------------------------------------------------------


class Account(_Model):
    """Another account named by the vendor: a mention, a brand or a look-alike creator."""

    name: Text = None
    username: Text = None
    image_url: Text = None
    handle_link: Text = None


Accounts = Annotated[list[Account], BeforeValidator(read.object_list)]
# A section or object sent as something else (a stray string or list) counts as missing.
Section = BeforeValidator(read.section)


class TrendPoint(_Model):
    """One day of a trend series."""

    day: date
    value: float | None


def trend_entries(entries: Iterable[dict[str, Any]], metric: str) -> tuple[list[Any], list[Any]]:
    """A trend list ``[{"YYYY-MM-DD": {metric: n}}, ...]`` as two columns, in the vendor's
    order: the day keys as sent, and each day's raw value (the body itself when it is not an
    object). A column at a time, not entry by entry: two years of days took half a
    millisecond per trend."""
    entries = list(entries)
    keys = [key for entry in entries for key in entry]
    bodies = [body for entry in entries for body in entry.values()]
    try:  # the usual case: every body an object (of JSON's values, only an object has get)
        return keys, [body.get(metric) for body in bodies]
    except AttributeError:
        return keys, [body.get(metric) if isinstance(body, dict) else body for body in bodies]


def read_trend_days(keys: Iterable[Any]) -> list[date | None]:
    """Each key read as a trend day (``DD/MM/YYYY`` or ``YYYY-MM-DD``), None if it is not one."""
    return [read.vendor_date(key) for key in keys]


def read_trend_values(field: str, values: Iterable[Any]) -> list[float | None]:
    """Each value read as ``GrowthTrends.<field>`` reads it: numeric strings, nulls, values out
    of range logged by name."""
    where = _Where({"title": "GrowthTrends"}, field)
    return [read.number(value, where) for value in values]  # type: ignore[arg-type]


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
    user_info: Annotated[dict[str, Any], BeforeValidator(read.mapping)] = Field(
        default_factory=dict
    )
    error_info: Annotated[dict[str, Any] | None, Section] = None

    @property
    def name(self) -> str | None:
        return read.text(self.user_info.get("name"))

    @property
    def email(self) -> str | None:
        return read.text(self.user_info.get("email")) or None

    @property
    def username(self) -> str | None:
        info = self.user_info
        return read.text(info.get("ig_username") or info.get("yt_handle") or info.get("username"))

    @property
    def platform_user_id(self) -> str | None:
        info = self.user_info
        return read.text(info.get("ig_user_id") or info.get("yt_channel_id"))


# --- Insights sections ------------------------------------------------------------------


class _Section(_Model):
    """What each of the four data sections carries besides its own fields: whose account it
    is and when the vendor processed it (``Insights.last_processed_at`` reads the first)."""

    handle: Text = None
    ig_user_id: Text = None
    last_processed_at: VendorDate = None


class ProfileOverview(_Section):
    followers_count: Count = None
    post_count: Count = None
    following_count: Count = None
    content_per_week: Number = None
    engagement: Number = None
    influencer_tier: Text = None


class Quality(_Model):
    """The vendor's profile quality: a 0-100 score, a 0-5 rating and four 0-5 sub-scores."""

    profile_quality_score: Number = None
    profile_quality_rating: Number = None
    engagement_rate: Number = None
    effective_followers: Number = None
    consistency: Number = None
    authentic_audience: Number = None


class ProfileDetails(_Section):
    biography: Text = None
    mobile: Text = None
    gender: Text = None
    age_group: Text = None
    category: Text = None
    interests: TextList
    location: Text = None
    country: Text = None
    mentions: TextList
    hashtags: TextList
    brand_mentions: TextList
    mentions_details: Accounts = Field(default_factory=list)
    brand_mentions_details: Accounts = Field(default_factory=list)
    look_alike_creators: Accounts = Field(default_factory=list)
    ig_category: Text = None
    quality: Annotated[Quality | None, Section] = None
    languages: TextList
    email: Text = None
    handle_link: Text = None
    full_name: Text = None
    image_url: Text = None
    external_link: TextList


class ReachAndEngagement(_Section):
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
    paid_post_average_views: Number = None
    paid_post_average_comments: Number = None
    paid_post_average_likes: Number = None
    paid_post_engagement: Number = None
    average_views: Number = None
    average_unique_viewers: Number = None
    overall_engagement: Number = None
    average_comments: Number = None
    average_likes: Number = None
    video_engagement: Number = None
    video_average_comments: Number = None
    video_average_likes: Number = None


class Post(_Model):
    shortcode: Text = None
    hashtags: TextList
    caption: Text = None
    comments_count: Count = None
    likes_count: Count = None
    er: Number = None
    views: Number = None
    posted_at: Timestamp = None
    posted_date: Text = None
    image_url: Text = None
    sponsored: Flag = None
    external_links: TextList
    video: Flag = None
    post_type: Text = None
    mentions: TextList
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
RawObjects = Annotated[list[dict[str, Any]], SkipValidation, BeforeValidator(read.object_list)]


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


class GrowthTrends(_Section):
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


class _Derived(dict[str, Any]):
    """What is derived from a response follows from it: it never makes two responses differ
    (pydantic compares private attributes too)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Derived)

    __hash__ = None


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
    # What analysis derived from this response, by name (the posts frame): a response is never
    # changed once parsed, so what is derived from it holds as long as it does.
    _derived: _Derived = PrivateAttr(default_factory=lambda: _Derived())

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """``build()``'s result, built on the first call for ``name`` and kept with this
        response (one build even when threads ask at once is not promised: both agree)."""
        if name not in self._derived:
            self._derived[name] = build()
        return cast(T, self._derived[name])

    def kept(self, name: str) -> Any | None:
        """What ``derived`` built for ``name``, if it has been built; else None."""
        return self._derived.get(name)

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
