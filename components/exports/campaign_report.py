"""A campaign's report as text, in one place for the page and its exports: each creator's
totals and costs beside the predicted ones, the campaign's totals, and the evidence (when each
creator consented, when the data was fetched, the vendor's processing date, the formulas)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from components.exports.report_html import cell_number, escaped
from components.text import day_label
from fpapi.analysis.campaigns import MATCH_RULE, CampaignReport, CreatorResult, Totals
from fpapi.analysis.compare import PRICING_FORMULAS
from fpapi.analysis.export import to_safe_csv, to_xlsx
from fpapi.analysis.metrics import NOT_AVAILABLE, format_count, format_pct
from fpapi.storage.records import Creator

ACTUAL_FORMULAS = (
    "Actual CPE = fee / engagements (likes + comments of the matched posts). "
    "Actual CPM = fee / views of the matched posts x 1,000. "
    "ER of a creator or the campaign = the matched posts' ER weighted by their views. "
    "Predicted = the compare page's cost of one typical post, divided by the number of posts "
    "matched (the fee buys them all)."
)


def money(amount: float | None, currency: str) -> str:
    return NOT_AVAILABLE if amount is None else f"{amount:,.2f} {currency}"


def totals_text(totals: Totals) -> str:
    er = format_pct(totals.weighted_er)
    return (
        f"{totals.posts} post{'s' if totals.posts != 1 else ''} · "
        f"{format_count(totals.views)} views · {format_count(totals.engagements)} engagements · "
        f"ER {er} (weighted by views)"
    )


def costs_text(result: CreatorResult) -> str | None:
    """Actual CPE and CPM beside the predicted ones, or None without a fee."""
    if result.fee is None:
        return None
    currency = result.fee.currency
    return (
        f"Fee {money(result.fee.amount, currency)} · "
        f"CPE {money(result.actual_cpe, currency)} (predicted "
        f"{money(result.predicted_cpe, currency)}) · "
        f"CPM {money(result.actual_cpm, currency)} (predicted "
        f"{money(result.predicted_cpm, currency)})"
    )


def source_text(result: CreatorResult) -> str:
    fetched = datetime.fromtimestamp(result.fetched_at, UTC).strftime("%d %b %Y %H:%M UTC")
    return (
        f"First-party data from the creator's own account, fetched {fetched}, vendor data "
        f"processed {day_label(result.processed_on)}."
    )


def campaign_costs_lines(report: CampaignReport) -> list[str]:
    """One line per currency: never added across currencies."""
    lines = []
    for currency, (cpe, cpm) in report.actual_costs().items():
        lines.append(
            f"Spend {money(report.spend[currency], currency)} · CPE {money(cpe, currency)} · "
            f"CPM {money(cpm, currency)}"
        )
    return lines


# The matched posts' table, on the page and in the HTML report: the link column is drawn by
# each (a markdown or an HTML link), the other cells come from post_cells.
POST_HEADERS = (
    "Date",
    "Creator",
    "Post",
    "Format",
    "Views",
    "Likes",
    "Comments",
    "ER",
    "Sponsored",
)
NUMERIC_HEADERS = frozenset({"Views", "Likes", "Comments", "ER"})


def post_cells(row: Any) -> dict[str, str]:
    """One matched post's cells as text, by header (all but "Post")."""
    return {
        "Date": str(row.date),
        "Creator": str(row.creator),
        "Format": str(row.format),
        "Views": format_count(cell_number(row.views)),
        "Likes": format_count(cell_number(row.likes)),
        "Comments": format_count(cell_number(row.comments)),
        "ER": format_pct(cell_number(row.er)),
        "Sponsored": "yes" if row.sponsored is True else "no",
    }


def summary_frame(report: CampaignReport) -> pd.DataFrame:
    """Per creator totals and costs, one row each, for the exports."""
    rows = []
    for result in report.creators:
        currency = result.fee.currency if result.fee else ""
        rows.append(
            {
                "creator": result.handle or result.label,
                "posts": result.totals.posts,
                "views": result.totals.views,
                "engagements": result.totals.engagements,
                "er_weighted": result.totals.weighted_er,
                "fee": result.fee.amount if result.fee else None,
                "currency": currency,
                "actual_cpe": result.actual_cpe,
                "predicted_cpe": result.predicted_cpe,
                "actual_cpm": result.actual_cpm,
                "predicted_cpm": result.predicted_cpm,
                "fetched_utc": datetime.fromtimestamp(result.fetched_at, UTC).isoformat(),
                "vendor_processed": result.processed_on.isoformat()
                if result.processed_on
                else None,
            }
        )
    return pd.DataFrame(rows)


def to_csv(report: CampaignReport) -> bytes:
    return to_safe_csv(report.rows())


def to_workbook(report: CampaignReport) -> bytes:
    return to_xlsx({"Posts": report.rows(), "Creators": summary_frame(report)})


def to_html(
    report: CampaignReport,
    creators: Mapping[str, Creator],
    *,
    brand: str,
    colour: str,
    now: float,
) -> str:
    """A self-contained report for a client: the agency's name and colour, no mention of
    this app, every vendor string escaped, links only to the Instagram posts the app built."""
    spec = report.spec
    title = spec.name or "Campaign report"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escaped(title)}</title><style>{_style(colour)}</style></head><body>",
    ]
    if brand:
        parts.append(f"<p class='brand'>{escaped(brand)}</p>")
    parts.append(f"<h1>{escaped(title)}</h1>")
    when = " to ".join(d.isoformat() for d in (spec.start, spec.end) if d) or "all dates"
    terms = " ".join([*(f"#{t}" for t in spec.hashtags), *(f"@{m}" for m in spec.mentions)])
    parts.append(
        f"<p class='muted'>{escaped(terms)} · {escaped(when)}"
        + (" · sponsored posts only" if spec.sponsored_only else "")
        + "</p>"
    )
    parts.append(f"<h2>Totals</h2><p>{escaped(totals_text(report.totals))}</p>")
    parts.extend(f"<p>{escaped(line)}</p>" for line in campaign_costs_lines(report))
    for result in report.creators:
        parts.append(f"<h2>{escaped(result.label)} {escaped(result.handle or '')}</h2>")
        if result.posts.empty:
            parts.append("<p>No post matches this campaign for this creator.</p>")
        else:
            parts.append(f"<p>{escaped(totals_text(result.totals))}</p>")
        costs = costs_text(result)
        if costs:
            parts.append(f"<p>{escaped(costs)}</p>")
        parts.append(f"<p class='muted'>{escaped(source_text(result))}</p>")
    rows = report.rows()
    if not rows.empty:
        head = "".join(
            f"<th class='num'>{h}</th>" if h in NUMERIC_HEADERS else f"<th>{h}</th>"
            for h in POST_HEADERS
        )
        parts.append(f"<h2>Posts</h2><table><tr>{head}</tr>")
        for row in rows.itertuples(index=False):
            cells = {
                **post_cells(row),
                "Post": f"<a href='{escaped(row.url)}'>post</a>"
                if isinstance(row.url, str)
                else "",
            }
            parts.append(
                "<tr>"
                + "".join(
                    f"<td class='num'>{escaped(cells[h])}</td>" if h in NUMERIC_HEADERS
                    else f"<td>{cells[h] if h == 'Post' else escaped(cells[h])}</td>"
                    for h in POST_HEADERS
                )
                + "</tr>"
            )  # fmt: skip
        parts.append("</table>")
    parts.append("<h2>Evidence</h2><table><tr><th>Creator</th><th>Consented</th>"
                 "<th>Data fetched</th><th>Vendor processed</th></tr>")  # fmt: skip
    for result in report.creators:
        creator = creators.get(result.creator_id)
        consented = (
            datetime.fromtimestamp(creator.verified_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
            if creator and creator.verified_at
            else NOT_AVAILABLE
        )
        fetched = datetime.fromtimestamp(result.fetched_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
        parts.append(
            f"<tr><td>{escaped(result.handle or result.label)}</td><td>{escaped(consented)}</td>"
            f"<td>{escaped(fetched)}</td><td>{escaped(day_label(result.processed_on))}</td></tr>"
        )
    parts.append("</table>")
    parts.append(
        f"<p class='muted'>All figures are first-party: read from each creator's own account "
        f"with their consent. {escaped(MATCH_RULE)} {escaped(ACTUAL_FORMULAS)} Predicted: "
        f"{escaped(PRICING_FORMULAS)}</p>"
    )
    made = datetime.fromtimestamp(now, UTC).strftime("%d %b %Y %H:%M UTC")
    parts.append(f"<p class='muted'>Prepared {escaped(made)}.</p></body></html>")
    return "".join(parts)


def _style(colour: str) -> str:
    return (
        "body{font-family:system-ui,-apple-system,sans-serif;color:#212529;max-width:1100px;"
        "margin:2rem auto;padding:0 1rem}"
        f"h1,h2{{color:{colour}}}.brand{{font-weight:700;color:{colour};letter-spacing:.05em}}"
        ".muted{color:#6c757d}table{border-collapse:collapse;width:100%;font-size:.9rem}"
        "th,td{border-bottom:1px solid #dee2e6;padding:.35rem .5rem;text-align:left}"
        ".num{text-align:right}"
    )
