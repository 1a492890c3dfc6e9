"""One creator's report as a single self-contained HTML file (plotly.js inlined once).

Every vendor string is HTML-escaped; links are only the Instagram URLs the app builds.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pandas as pd
import plotly.io as pio

from components.figures.report_figures import report_figures
from components.text import day_label, unexplained_growth
from fpapi.analysis.benchmarks import BENCHMARK_SOURCE
from fpapi.analysis.export import redact_contacts
from fpapi.analysis.frames import profile_url
from fpapi.analysis.metrics import format_count, format_pct
from fpapi.analysis.report import InsightsReport

TOP_POSTS = 20
TOP_TAGS = 20
_STYLE = """
body { font-family: system-ui, -apple-system, sans-serif; color: #212529; max-width: 1100px;
       margin: 2rem auto; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } .muted { color: #6c757d; }
.kpis { display: grid; grid-template-columns: repeat(3, 1fr); gap: .75rem; margin: 1.5rem 0; }
.kpi { border: 1px solid #dee2e6; border-radius: .5rem; padding: .75rem; }
.kpi b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #dee2e6; padding: .35rem .5rem; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; }
.bio { white-space: pre-wrap; overflow-wrap: anywhere; }
"""


def escaped(value: object) -> str:
    """Text for an HTML report: contacts redacted (a bio may carry them), then HTML-escaped;
    None is no text."""
    return html.escape(redact_contacts("" if value is None else str(value)))


def cell_number(value: object) -> float | None:
    """A frame cell as a float; None where it holds no number (None, NaN, NA, text)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _spikes_html(report: InsightsReport) -> str:
    """The follower spikes, as on the page: date, gain, and what explains each."""
    found = report.spikes
    if not found.spikes:
        return "<p>Follower spikes: no abnormal one-day gain in the follower trend.</p>"
    items = []
    for spike in reversed(found.spikes):
        gain = f"{spike.day.isoformat()}: +{spike.gain:,.0f} followers ({format_pct(spike.share, signed=True)})"
        if spike.explained:
            post = f"<a href='{escaped(spike.post_url)}'>a post</a>" if spike.post_url else "a post"
            why = (
                f"explained by {post} published just before it: "
                f"{escaped(format_count(spike.post_views))} views, {spike.views_multiple:.1f}x the median"
            )
        else:
            why = "unexplained: no post just before it drew far more views than usual"
        items.append(f"<li>{escaped(gain)}, {why}</li>")
    return f"<p>Follower spikes: {unexplained_growth(found)}</p><ul>{''.join(items)}</ul>"


def render_report_html(report: InsightsReport, *, title: str, fetched_at: float) -> str:
    """The whole report as one HTML document an analyst can send to a client."""
    insights = report.insights
    details = insights.profile_details
    overview = insights.profile_overview
    handle = (overview.handle if overview else None) or (details.handle if details else None)
    link = profile_url(handle)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escaped(title)} · Creator Insights Studio</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escaped(title)}</h1>",
    ]
    facts = [
        f"<a href='{escaped(link)}'>@{escaped(handle)}</a>"
        if link
        else (f"@{escaped(handle)}" if handle else ""),
        escaped(details.category) if details and details.category else "",
        escaped(", ".join(filter(None, [details.location, details.country]))) if details else "",
        escaped(report.tier.name) + " tier" if report.tier else "",
    ]
    parts.append(f"<p class='muted'>{' · '.join(f for f in facts if f)}</p>")
    if details and details.biography:
        parts.append(f"<p class='bio'>{escaped(details.biography)}</p>")
    fetched = datetime.fromtimestamp(fetched_at, tz=UTC).strftime("%d %b %Y %H:%M UTC")
    parts.append(
        f"<p class='muted'>Vendor data processed {escaped(day_label(insights.last_processed_at))}; "
        f"fetched {escaped(fetched)}. Source: the creator's first-party Instagram insights.</p>"
    )
    parts.append("<div class='kpis'>")
    for kpi in report.kpis:
        parts.append(
            f"<div class='kpi'>{escaped(kpi.label)}<b>{escaped(kpi.display)}</b><span class='muted'>{escaped(kpi.help)}</span></div>"
        )
    parts.append("</div>")
    growth = " · ".join(
        f"{name}: {format_pct(value, signed=True)}" for name, value in report.growth.items()
    )
    parts.append(f"<p>Follower growth over the last {escaped(growth)}</p>")
    parts.append(_spikes_html(report))
    if report.benchmark:
        parts.append(
            f"<p>{escaped(report.benchmark.note)} <span class='muted'>Source: {escaped(BENCHMARK_SOURCE)}.</span></p>"
        )

    first = True
    for figure in report_figures(report).values():
        if figure is None:
            continue
        parts.append(
            pio.to_html(figure, full_html=False, include_plotlyjs="inline" if first else False)
        )
        first = False

    parts.append(f"<h2>Top {TOP_POSTS} posts by engagement rate</h2>")
    parts.append(_posts_table(report))
    parts.append(f"<h2>Most used hashtags</h2>{_tags_table(report)}")
    parts.append("<p class='muted'>Made with Creator Insights Studio.</p></body></html>")
    return "".join(parts)


def _posts_table(report: InsightsReport) -> str:
    posts = report.posts.dropna(subset=["er"]).sort_values("er", ascending=False).head(TOP_POSTS)
    if posts.empty:
        return "<p class='muted'>No posts available.</p>"
    rows = ["<table><tr><th>Date</th><th>Format</th><th class='num'>Likes</th><th class='num'>Comments</th>"
            "<th class='num'>Views</th><th class='num'>ER</th><th>Sponsored</th><th>Caption</th></tr>"]  # fmt: skip
    for post in posts.itertuples():
        posted = post.posted_at
        date = (
            posted.strftime("%d %b %Y")
            if isinstance(posted, datetime) and not pd.isna(posted)
            else ""
        )
        caption = str(post.caption or "")[:160]
        cell = (
            f"<a href='{escaped(post.url)}'>{escaped(caption) or 'open'}</a>"
            if isinstance(post.url, str)
            else escaped(caption)
        )
        rows.append(
            f"<tr><td>{escaped(date)}</td><td>{escaped(post.format)}</td><td class='num'>{escaped(format_count(cell_number(post.likes)))}</td>"
            f"<td class='num'>{escaped(format_count(cell_number(post.comments)))}</td><td class='num'>{escaped(format_count(cell_number(post.views)))}</td>"
            f"<td class='num'>{escaped(format_pct(cell_number(post.er)))}</td><td>{'yes' if post.sponsored is True else 'no'}</td>"
            f"<td>{cell}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _tags_table(report: InsightsReport) -> str:
    tags = report.hashtags.head(TOP_TAGS)
    if tags.empty:
        return "<p class='muted'>No hashtags available.</p>"
    rows = [
        "<table><tr><th>Hashtag</th><th class='num'>Posts</th><th class='num'>Mean ER</th></tr>"
    ]
    for tag in tags.itertuples():
        rows.append(
            f"<tr><td>#{escaped(tag.hashtag)}</td><td class='num'>{tag.posts}</td><td class='num'>{escaped(format_pct(cell_number(tag.average_er)))}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)
