"""Campaign results: which posts a creator was paid for, what they delivered, at what real cost.

The matching rule (shown on the page): a post matches when it was published within the date
range (inclusive, UTC dates) and carries any of the campaign's hashtags or mentions any of its
handles, case-insensitively; the caption counts as well as the vendor's ``hashtags`` and
``mentions`` lists. "Sponsored only" also requires the vendor's ``sponsored`` flag.

Costs: actual CPE = fee / engagements (likes + comments of the matched posts), actual CPM =
fee / views x 1,000, each beside what the vetting predicted from the creator's medians for as
many posts as matched (the compare page's formulas, ``compare.pricing``, give one typical
post's: the fee spread over n posts divides them by n). Costs in different currencies are
never added.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from fpapi.analysis.compare import Fee, Pricing, listed_ids, pricing
from fpapi.analysis.report import InsightsReport

__all__ = [
    "MATCH_RULE",
    "CampaignReport",
    "CampaignSpec",
    "CreatorResult",
    "Totals",
    "build_campaign_report",
    "matching_posts",
    "parse_terms",
    "spec_from_params",
    "spec_params",
]

MATCH_RULE = (
    "A post matches when it was published within the date range (inclusive, UTC dates) and "
    "carries any of the hashtags or mentions any of the handles, case-insensitively; the "
    'caption counts as well as the vendor\'s hashtag and mention lists. "Sponsored only" also '
    "requires the vendor's sponsored flag."
)
_TERM = re.compile(r"[\w.]+")


def parse_terms(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Hashtags or handles as typed (``#Ad, @brand.co  summer``): lower case, without ``#`` or
    ``@``, in order, each once; anything that cannot be a tag or handle is dropped."""
    parts = re.split(r"[\s,;]+", text) if isinstance(text, str) else list(text or [])
    terms: dict[str, None] = {}
    for part in parts:
        term = str(part).strip().lstrip("#@").lower().strip(".")
        if term and _TERM.fullmatch(term):
            terms[term] = None
    return tuple(terms)


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    creator_ids: tuple[str, ...]
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    fees: Mapping[str, Fee] = field(default_factory=dict)
    sponsored_only: bool = False
    notes: str = ""


def matching_posts(posts: pd.DataFrame, spec: CampaignSpec) -> pd.DataFrame:
    """The posts (a ``frames.posts`` frame) the campaign's rule matches, newest first."""
    if posts.empty or not (spec.hashtags or spec.mentions):
        return posts.iloc[0:0]
    days = posts["posted_at"].dt.tz_convert("UTC").dt.date
    keep = np.ones(len(posts), dtype=bool)
    if spec.start is not None:
        keep &= (days >= spec.start).fillna(False).to_numpy(dtype=bool)
    if spec.end is not None:
        keep &= (days <= spec.end).fillna(False).to_numpy(dtype=bool)
    if spec.start is not None or spec.end is not None:
        keep &= posts["posted_at"].notna().to_numpy()
    tags, handles = set(spec.hashtags), set(spec.mentions)
    caption = _caption_pattern(spec)
    carries = [
        bool(tags & set(hashtags) or handles & set(mentions) or caption.search(text or ""))
        for hashtags, mentions, text in zip(
            posts["hashtags"], posts["mentions"], posts["caption"], strict=True
        )
    ]
    keep &= np.array(carries, dtype=bool)
    if spec.sponsored_only:
        keep &= posts["sponsored"].fillna(False).to_numpy(dtype=bool)
    return posts[keep]


def _caption_pattern(spec: CampaignSpec) -> re.Pattern[str]:
    """``#tag`` or ``@handle`` in a caption, as a whole word (``#ad`` is not ``#adventure``)."""
    words = [f"#{re.escape(t)}" for t in spec.hashtags] + [
        f"@{re.escape(h)}" for h in spec.mentions
    ]
    return re.compile(r"(?<![\w#@])(?:" + "|".join(words) + r")(?![\w]|\.\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Totals:
    posts: int
    views: float
    engagements: float  # likes + comments
    weighted_er: float | None  # ER weighted by views, in percent

    @classmethod
    def of(cls, posts: pd.DataFrame) -> Totals:
        views = posts["views"].astype("float64").fillna(0.0).to_numpy()
        likes = posts["likes"].astype("float64").fillna(0.0).to_numpy()
        comments = posts["comments"].astype("float64").fillna(0.0).to_numpy()
        er = posts["er"].astype("float64").to_numpy()
        rated = ~np.isnan(er) & (views > 0)
        weight = views[rated].sum()
        return cls(
            posts=len(posts),
            views=float(views.sum()),
            engagements=float(likes.sum() + comments.sum()),
            weighted_er=float((er[rated] * views[rated]).sum() / weight) if weight else None,
        )

    def __add__(self, other: Totals) -> Totals:
        views = self.views + other.views
        parts = [(t.weighted_er, t.views) for t in (self, other) if t.weighted_er is not None]
        weight = sum(v for _, v in parts)
        return Totals(
            posts=self.posts + other.posts,
            views=views,
            engagements=self.engagements + other.engagements,
            weighted_er=sum(er * v for er, v in parts) / weight if weight else None,
        )


NO_POSTS = Totals(0, 0.0, 0.0, None)


@dataclass(frozen=True)
class CreatorResult:
    creator_id: str
    label: str
    handle: str | None
    posts: pd.DataFrame  # the matched posts
    totals: Totals
    fee: Fee | None
    predicted: Pricing | None  # one typical post at the fee, as the compare page prices it
    fetched_at: float
    processed_on: date | None

    @property
    def actual_cpe(self) -> float | None:
        if self.fee is None or not self.totals.engagements:
            return None
        return self.fee.amount / self.totals.engagements

    @property
    def actual_cpm(self) -> float | None:
        if self.fee is None or not self.totals.views:
            return None
        return self.fee.amount / self.totals.views * 1000

    @property
    def predicted_cpe(self) -> float | None:
        """What the vetting predicted for as many typical posts as matched (one if none)."""
        unit = self.predicted.cost_per_engagement if self.predicted else None
        return None if unit is None else unit / max(1, self.totals.posts)

    @property
    def predicted_cpm(self) -> float | None:
        unit = self.predicted.cpm if self.predicted else None
        return None if unit is None else unit / max(1, self.totals.posts)


@dataclass(frozen=True)
class CampaignReport:
    spec: CampaignSpec
    creators: tuple[CreatorResult, ...]

    @property
    def totals(self) -> Totals:
        return sum((result.totals for result in self.creators), NO_POSTS)

    @property
    def spend(self) -> dict[str, float]:
        """The fees by currency: never added across currencies."""
        by_currency: dict[str, float] = {}
        for result in self.creators:
            if result.fee is not None:
                currency = result.fee.currency
                by_currency[currency] = by_currency.get(currency, 0.0) + result.fee.amount
        return by_currency

    def actual_costs(self) -> dict[str, tuple[float | None, float | None]]:
        """Per currency: (CPE, CPM) over the creators paid in it."""
        costs = {}
        for currency, fee in self.spend.items():
            paid = (r.totals for r in self.creators if r.fee and r.fee.currency == currency)
            total = sum(paid, NO_POSTS)
            costs[currency] = (
                fee / total.engagements if total.engagements else None,
                fee / total.views * 1000 if total.views else None,
            )
        return costs

    def rows(self) -> pd.DataFrame:
        """One row per matched post, for the page and the exports."""
        frames = []
        for result in self.creators:
            if result.posts.empty:
                continue
            posts = result.posts
            frames.append(
                pd.DataFrame(
                    {
                        "date": posts["posted_at"].dt.strftime("%Y-%m-%d"),
                        "creator": result.handle or result.label,
                        "url": posts["url"],
                        "format": posts["format"],
                        "views": posts["views"],
                        "likes": posts["likes"],
                        "comments": posts["comments"],
                        "er": posts["er"],
                        "sponsored": posts["sponsored"],
                        "caption": posts["caption"],
                    }
                )
            )
        if not frames:
            return pd.DataFrame(columns=ROW_COLUMNS)
        return pd.concat(frames, ignore_index=True).sort_values(
            "date", ascending=False, kind="stable"
        )


ROW_COLUMNS = [
    "date", "creator", "url", "format", "views", "likes", "comments", "er", "sponsored", "caption",
]  # fmt: skip


def build_campaign_report(
    spec: CampaignSpec,
    reports: Mapping[str, InsightsReport],
    labels: Mapping[str, tuple[str, str | None]],
    fetched_at: Mapping[str, float],
) -> CampaignReport:
    """The campaign over the creators whose insights are loaded (``reports`` by creator id;
    ``labels``: each creator's name and handle)."""
    results = []
    for creator_id in spec.creator_ids:
        report = reports.get(creator_id)
        if report is None:
            continue
        matched = matching_posts(report.posts, spec)
        fee = spec.fees.get(creator_id)
        label, handle = labels.get(creator_id, (creator_id, None))
        results.append(
            CreatorResult(
                creator_id=creator_id,
                label=label,
                handle=handle,
                posts=matched,
                totals=Totals.of(matched),
                fee=fee,
                predicted=pricing(fee, report) if fee else None,
                fetched_at=fetched_at.get(creator_id, 0.0),
                processed_on=report.insights.last_processed_at,
            )
        )
    return CampaignReport(spec, tuple(results))


CURRENCY = re.compile(r"[A-Z]{3}")
DEFAULT_CURRENCY = "EUR"
MAX_CAMPAIGN_CREATORS = 50


def spec_from_params(
    params: Mapping[str, str], known: Mapping[str, object]
) -> tuple[CampaignSpec, list[str]]:
    """A campaign from a shared address (``creators``, ``hashtags``, ``mentions``, ``from``,
    ``to``, ``fees`` as ``creator_id:amount,...``, ``currency``, ``name``, ``sponsored``), and a
    sentence for each part that could not be used (the rest is still used)."""
    problems: list[str] = []
    wanted = listed_ids(params.get("creators"))
    ids = tuple(dict.fromkeys(cid for cid in wanted if cid in known))[:MAX_CAMPAIGN_CREATORS]
    if len(ids) < len(dict.fromkeys(wanted)):
        problems.append(
            "Some creators in the address are not on this workspace's roster and were left out."
        )
    start, end = _day(params.get("from"), "from", problems), _day(params.get("to"), "to", problems)
    if start and end and start > end:
        problems.append("The campaign ends before it starts: the two dates were swapped.")
        start, end = end, start
    currency = (params.get("currency") or DEFAULT_CURRENCY).strip().upper()
    if not CURRENCY.fullmatch(currency):
        problems.append(
            f"The currency must be a three-letter code such as EUR; {DEFAULT_CURRENCY} is used."
        )
        currency = DEFAULT_CURRENCY
    fees: dict[str, Fee] = {}
    for part in (params.get("fees") or "").split(","):
        if not part.strip():
            continue
        creator_id, _, rest = part.partition(":")
        amount, _, own = rest.partition(":")  # creator_id:amount, or creator_id:amount:USD
        try:
            value = float(amount)
        except ValueError:
            value = -1.0
        own = own.strip().upper()
        usable = 0 < value <= 1e9 and (not own or CURRENCY.fullmatch(own))
        if creator_id.strip() not in ids or not usable:
            problems.append(
                "A fee in the address could not be read (creator_id:amount, or "
                "creator_id:amount:USD); it was left out."
            )
            continue
        fees[creator_id.strip()] = Fee(value, own or currency)
    spec = CampaignSpec(
        name=(params.get("name") or "").strip()[:80],
        creator_ids=ids,
        hashtags=parse_terms(params.get("hashtags")),
        mentions=parse_terms(params.get("mentions")),
        start=start,
        end=end,
        fees=fees,
        sponsored_only=(params.get("sponsored") or "").lower() in ("1", "true", "yes"),
    )
    return spec, problems


def spec_params(spec: CampaignSpec) -> dict[str, str]:
    """The address of a campaign's report: what ``spec_from_params`` reads back."""
    currencies = [fee.currency for fee in spec.fees.values()]
    currency = max(sorted(set(currencies)), key=currencies.count) if currencies else ""
    params = {
        "name": spec.name,
        "creators": ",".join(spec.creator_ids),
        "hashtags": ",".join(spec.hashtags),
        "mentions": ",".join(spec.mentions),
        "from": spec.start.isoformat() if spec.start else "",
        "to": spec.end.isoformat() if spec.end else "",
        "fees": ",".join(
            f"{cid}:{fee.amount:g}" + ("" if fee.currency == currency else f":{fee.currency}")
            for cid, fee in spec.fees.items()
        ),
        "currency": currency if spec.fees else "",
        "sponsored": "1" if spec.sponsored_only else "",
    }
    return {key: value for key, value in params.items() if value}


def _day(text: str | None, name: str, problems: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems.append(f"The '{name}' date must be YYYY-MM-DD; it was left out.")
        return None
