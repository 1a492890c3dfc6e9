"""Side-by-side comparison: the table, best-in-row, indexed growth, overlap and pricing. Pure."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from fpapi.analysis.metrics import trend_points
from fpapi.analysis.report import InsightsReport

__all__ = [
    "MAX_COMPARE",
    "METRICS",
    "MIN_COMPARE",
    "PRICING_FORMULAS",
    "ROW_LABELS",
    "Comparison",
    "Fee",
    "Metric",
    "Pricing",
    "best_in_row",
    "build_comparison",
    "comparison_frame",
    "export_sheets",
    "fee_problem",
    "indexed_growth",
    "listed_ids",
    "overlap",
    "parse_creator_ids",
    "pricing",
    "pricing_frame",
    "share_a_period",
    "unique_labels",
]

MIN_COMPARE, MAX_COMPARE = 2, 12


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    better: str | None  # "higher", "lower", or None when neither is better
    kind: str  # "count", "pct", "number", "score", "money", "date"
    value: Callable[[InsightsReport], float | date | None]


# How a comparison row reads its number from one creator's report.
_Reader = Callable[[InsightsReport], float | None]


def _reach(field: str) -> _Reader:
    def read(report: InsightsReport) -> float | None:
        reach = report.insights.reach
        return getattr(reach, field) if reach else None

    return read


def _quality(field: str) -> _Reader:
    def read(report: InsightsReport) -> float | None:
        details = report.insights.profile_details
        quality = details.quality if details else None
        return getattr(quality, field) if quality else None

    return read


def _kpi(name: str) -> _Reader:
    """The value of the KPI row's field ``name`` (a field of ``KpiRow``)."""
    return lambda report: getattr(report.kpis, name).value


def _growth(window: str) -> _Reader:
    """Follower growth over ``window`` (a key of ``GROWTH_WINDOWS_DAYS``), in percent."""
    return lambda report: report.growth.get(window)


def _sponsored(field: str) -> _Reader:
    """A field of the report's ``SponsoredSummary``."""
    return lambda report: getattr(report.sponsored, field)


METRICS: tuple[Metric, ...] = (
    Metric("followers", "Followers", "higher", "count", _kpi("followers")),
    Metric("er", "Engagement rate", "higher", "pct", _kpi("engagement_rate")),
    Metric("posts_per_week", "Posts per week", "higher", "number", _kpi("posts_per_week")),
    Metric("efr", "Effective follower rate", "higher", "pct", _kpi("effective_follower_rate")),
    Metric("median_views", "Median views", "higher", "count", _kpi("median_views")),
    Metric("video_er", "Video engagement", "higher", "pct", _reach("video_engagement")),
    Metric("non_video_er", "Non-video engagement", "higher", "pct", _reach("non_video_engagement")),
    Metric("quality", "Profile quality score", "higher", "score", _quality("profile_quality_score")),
    Metric("q_er", "Quality: engagement rate", "higher", "number", _quality("engagement_rate")),
    Metric("q_effective", "Quality: effective followers", "higher", "number", _quality("effective_followers")),
    Metric("q_consistency", "Quality: consistency", "higher", "number", _quality("consistency")),
    Metric("q_authentic", "Quality: authentic audience", "higher", "number", _quality("authentic_audience")),
    Metric("growth_month", "Follower growth, month", "higher", "pct", _growth("month")),
    Metric("growth_quarter", "Follower growth, quarter", "higher", "pct", _growth("quarter")),
    Metric("growth_year", "Follower growth, year", "higher", "pct", _growth("year")),
    Metric("sponsored_share", "Share of sponsored posts", None, "pct", _sponsored("share_pct")),
    Metric("sponsored_er", "Sponsored ER", "higher", "pct", _sponsored("sponsored_er")),
    Metric("organic_er", "Organic ER", "higher", "pct", _sponsored("organic_er")),
    Metric("vendor_date", "Vendor data date", "higher", "date", lambda r: r.insights.last_processed_at),
)  # fmt: skip


@dataclass(frozen=True)
class ParsedIds:
    ids: list[str]
    notes: list[str]


def listed_ids(param: str | None) -> list[str]:
    """The creator ids an address lists (``?creators=a,b``), as written: trimmed, none empty."""
    return [part.strip() for part in (param or "").split(",") if part.strip()]


def parse_creator_ids(param: str | None, known: Mapping[str, object]) -> ParsedIds:
    """The ``?creators=`` list made safe: known ids only, no duplicates, at most 12."""
    raw = listed_ids(param)
    notes = []
    unique = list(dict.fromkeys(raw))
    if len(unique) < len(raw):
        notes.append("The link named some creators twice; each is shown once.")
    unknown = [cid for cid in unique if cid not in known]
    if unknown:
        notes.append(
            f"{len(unknown)} creator{'s' if len(unknown) != 1 else ''} in the link "
            f"{'are' if len(unknown) != 1 else 'is'} not on this workspace's roster and left out."
        )
    valid = [cid for cid in unique if cid in known]
    if len(valid) > MAX_COMPARE:
        notes.append(
            f"At most {MAX_COMPARE} creators fit side by side; the first {MAX_COMPARE} are shown."
        )
        valid = valid[:MAX_COMPARE]
    return ParsedIds(valid, notes)


def comparison_frame(
    reports: Mapping[str, InsightsReport], names: Mapping[str, str]
) -> pd.DataFrame:
    """Rows are metric keys, columns creator names; cells are raw values (NaN when missing)."""
    columns = {}
    for creator_id, report in reports.items():
        columns[names[creator_id]] = [_plain(metric.value(report)) for metric in METRICS]
    return pd.DataFrame(columns, index=[m.key for m in METRICS], dtype=object)


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def best_in_row(table: pd.DataFrame, better: Mapping[str, str | None]) -> dict[str, set[str]]:
    """For each row with a direction and at least two values: the column(s) holding the best."""
    best: dict[str, set[str]] = {}
    for key, row in table.iterrows():
        direction = better.get(str(key))
        values = {
            column: value
            for column, value in row.items()
            if value is not None and not _isnan(value)
        }
        if direction is None or len(values) < 2:
            continue
        target = max(values.values()) if direction == "higher" else min(values.values())
        if all(value == target for value in values.values()):
            continue  # everyone ties: nothing stands out
        best[str(key)] = {str(column) for column, value in values.items() if value == target}
    return best


def _isnan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def indexed_growth(
    trends: Mapping[str, pd.DataFrame], *, indexed: bool = True, own_start: bool = False
) -> pd.DataFrame:
    """Long frame (``date``, ``creator``, ``value``) of follower trends from their common start,
    each indexed to 100 there (or raw with ``indexed=False``); empty when they never overlap.
    With ``own_start``, each whole trend from its own first reading instead (for trends that
    share no period: one creator's history stopped before another's began)."""
    series = _trend_series(trends)
    period = _common_period(series)
    if not series or (period is None and not own_start):
        return pd.DataFrame(columns=["date", "creator", "value"])
    parts = []
    for name, (dates, values) in series.items():
        window = dates >= (dates.min() if own_start or period is None else period[0])
        order = np.argsort(dates[window], kind="stable")
        days, shown = dates[window][order], values[window][order]
        if indexed and shown[0] == 0:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "date": days,
                    "creator": name,
                    "value": shown / shown[0] * 100 if indexed else shown,
                }
            )
        )
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["date", "creator", "value"])
    )


def share_a_period(trends: Mapping[str, pd.DataFrame]) -> bool:
    """Whether the follower trends (those with any reading) have days in common."""
    series = _trend_series(trends)
    return bool(series) and _common_period(series) is not None


def _trend_series(trends: Mapping[str, pd.DataFrame]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    points = {name: trend_points(trend) for name, trend in trends.items()}
    return {name: (dates, values) for name, (dates, values) in points.items() if len(values)}


def _common_period(
    series: dict[str, tuple[np.ndarray, np.ndarray]],
) -> tuple[np.datetime64, np.datetime64] | None:
    """The first and last day every series covers, or None when they share none."""
    if not series:
        return None
    start = max(dates.min() for dates, _ in series.values())
    end = min(dates.max() for dates, _ in series.values())
    return (start, end) if start <= end else None


def overlap(
    reports: Mapping[str, InsightsReport], names: Mapping[str, str]
) -> dict[str, pd.DataFrame]:
    """Hashtags, brand mentions and look-alikes shared by two or more of the creators."""

    def shared(items_of: Callable[[InsightsReport], set[str]], column: str) -> pd.DataFrame:
        holders: dict[str, list[str]] = {}
        for creator_id, report in reports.items():
            for item in items_of(report):
                holders.setdefault(item, []).append(names[creator_id])
        rows = [
            {column: item, "creators": len(who), "shared by": ", ".join(sorted(who))}
            for item, who in holders.items()
            if len(who) >= 2
        ]
        frame = pd.DataFrame(rows, columns=[column, "creators", "shared by"])
        return frame.sort_values(["creators", column], ascending=[False, True]).reset_index(
            drop=True
        )

    return {
        "hashtags": shared(lambda r: set(r.hashtags["hashtag"]), "hashtag"),
        "brands": shared(
            lambda r: set(r.mentions[r.mentions["brand"].fillna(False)]["username"]), "brand"
        ),
        "look_alikes": shared(lambda r: set(r.look_alikes["username"].str.lower()), "look-alike"),
    }


MAX_FEE = 1_000_000_000  # a quoted fee above this is a typo, not a deal


@dataclass(frozen=True)
class Fee:
    amount: float
    currency: str


def fee_problem(amount: float | None) -> str | None:
    """Why a quoted fee cannot be used (it must be more than 0 and at most MAX_FEE), or None."""
    if amount is None:
        return None
    if not math.isfinite(amount) or amount <= 0:
        return "A fee must be more than 0; leave it empty when none was quoted."
    if amount > MAX_FEE:
        return f"A fee must be at most {MAX_FEE:,}: check the number of zeros."
    return None


@dataclass(frozen=True)
class Pricing:
    cost_per_engagement: float | None
    cpm: float | None
    cost_per_1k_followers: float | None
    notes: tuple[str, ...] = ()


PRICING_FORMULAS = (
    "Cost per engagement = fee / (median likes + median comments per post). "
    "CPM = fee / median views per post x 1,000. "
    "Cost per 1,000 followers = fee / followers x 1,000. "
    "Each uses the creator's own medians from the vendor, so it is the expected cost of one typical post."
)


def pricing(fee: Fee | None, report: InsightsReport) -> Pricing | None:
    """Expected unit costs of one post at ``fee``; a missing or zero median gives None, with why."""
    if fee is None or fee.amount is None or _isnan(fee.amount) or fee.amount < 0:
        return None
    reach = report.insights.reach
    likes = reach.median_likes if reach else None
    comments = reach.median_comments if reach else None
    views = reach.median_views if reach else None
    followers = report.followers
    notes = []
    engagements = None if likes is None and comments is None else (likes or 0) + (comments or 0)
    if not engagements:
        notes.append("no median likes or comments")
    if not views:
        notes.append("no median views")
    if not followers:
        notes.append("no follower count")
    return Pricing(
        cost_per_engagement=fee.amount / engagements if engagements else None,
        cpm=fee.amount / views * 1000 if views else None,
        cost_per_1k_followers=fee.amount / followers * 1000 if followers else None,
        notes=tuple(notes),
    )


PRICING_ROWS = (
    ("fee", "Quoted fee"),
    ("cost_per_engagement", "Cost per engagement"),
    ("cpm", "CPM (cost per 1,000 views)"),
    ("cost_per_1k_followers", "Cost per 1,000 followers"),
)


def pricing_frame(
    reports: Mapping[str, InsightsReport], names: Mapping[str, str], fees: Mapping[str, Fee]
) -> tuple[pd.DataFrame, dict[str, str | None], dict[str, str]]:
    """Pricing rows for creators with a fee: the frame, each row's direction, and each
    column's currency. Rows have no best when fees are in different currencies."""
    columns: dict[str, list[float | None]] = {}
    currencies: dict[str, str] = {}
    for creator_id, report in reports.items():
        fee = fees.get(creator_id)
        priced = pricing(fee, report)
        if fee is None or priced is None:
            continue
        name = names[creator_id]
        currencies[name] = fee.currency
        columns[name] = [
            fee.amount,
            priced.cost_per_engagement,
            priced.cpm,
            priced.cost_per_1k_followers,
        ]
    frame = pd.DataFrame(columns, index=[key for key, _ in PRICING_ROWS], dtype=object)
    one_currency = len(set(currencies.values())) <= 1
    better = {key: ("lower" if one_currency else None) for key, _ in PRICING_ROWS}
    return frame, better, currencies


def unique_labels(people: Mapping[str, tuple[str | None, str | None]]) -> dict[str, str]:
    """A column label per creator id from (name, username): the name, with the handle added
    where two creators share a name, and the id's start where even that repeats."""
    base = {cid: name or username or cid for cid, (name, username) in people.items()}
    counts: dict[str, int] = {}
    for label in base.values():
        counts[label] = counts.get(label, 0) + 1
    labels = {
        cid: f"{label} (@{handle.lstrip('@')})"
        if counts[label] > 1 and (handle := people[cid][1])
        else label
        for cid, label in base.items()
    }
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {
        cid: f"{label} [{cid[:6]}]" if seen[label] > 1 else label for cid, label in labels.items()
    }


ROW_LABELS = {m.key: m.label for m in METRICS} | dict(PRICING_ROWS)
TOP_POSTS_EXPORTED = 50


@dataclass(frozen=True)
class Comparison:
    """The whole side-by-side table, built once: raw values (rows are metric keys, then the
    pricing rows when a fee was entered; columns are creator names in the analyst's order),
    each row's direction, the best column(s) per row, and each priced column's currency."""

    table: pd.DataFrame
    better: dict[str, str | None]
    best: dict[str, set[str]]
    currencies: dict[str, str]

    @property
    def row_keys(self) -> list[str]:
        return [str(key) for key in self.table.index]

    @property
    def mixed_currencies(self) -> bool:
        return len(set(self.currencies.values())) > 1

    def labelled(self) -> pd.DataFrame:
        """The raw values with a leading "metric" column of readable labels, for CSV/XLSX."""
        return self.table.rename(index=ROW_LABELS).reset_index(names="metric")


def build_comparison(
    reports: Mapping[str, InsightsReport],
    columns: Mapping[str, str],
    fees: Mapping[str, Fee],
) -> Comparison:
    """``columns`` maps every picked creator id to its column name, in order; a creator
    without a report (the fetch failed) keeps an empty column of its own."""
    names = list(columns.values())
    table = comparison_frame({cid: reports[cid] for cid in columns if cid in reports}, columns)
    table = table.reindex(columns=names)
    better: dict[str, str | None] = {m.key: m.better for m in METRICS}
    prices, price_better, currencies = pricing_frame(reports, columns, fees)
    if not prices.empty:
        table = pd.concat([table, prices.reindex(columns=names)])
        better |= price_better
    return Comparison(table, better, best_in_row(table, better), currencies)


def export_sheets(
    comparison: Comparison,
    reports: Mapping[str, InsightsReport],
    columns: Mapping[str, str],
) -> dict[str, pd.DataFrame]:
    """The XLSX export: the comparison, then each creator's top posts by ER."""
    sheets = {"Comparison": comparison.labelled()}
    for creator_id, name in columns.items():
        if creator_id in reports:
            posts = reports[creator_id].posts.sort_values("er", ascending=False)
            sheets[name] = posts.head(TOP_POSTS_EXPORTED).drop(columns=["image_url"])
    return sheets
