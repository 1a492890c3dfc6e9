"""The insights page's sections. Each takes a report and renders it; no data logic here."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.figures.charts import make_history_figure
from components.figures.describe import MAX_DATA_ROWS, describe, figure_table
from components.frame.pages import compare_link, link
from components.frame.plotly_view import plotly_chart
from components.text import ago, day_label, md_escape, safe_http_url, unexplained_growth
from fpapi.analysis.benchmarks import BENCHMARK_SOURCE
from fpapi.analysis.frames import profile_url
from fpapi.analysis.metrics import NOT_AVAILABLE, format_count, format_pct, trend_span_days
from fpapi.analysis.report import InsightsReport
from fpapi.analysis.spikes import (
    LOOKBACK_DAYS,
    MIN_GAIN,
    MIN_SHARE,
    MIN_Z,
    VIEWS_MULTIPLE,
    WINDOW_DAYS,
)
from fpapi.errors import ConsentLapsed
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Creator, Snapshot
from fpapi.workspace.core import Workspace
from fpapi.workspace.history import HISTORY_METRICS, change, snapshot_of

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def show_figure(fig: go.Figure | None, *, key: str, missing: str) -> None:
    """A chart, or a plain sentence when there is nothing to draw (never an empty chart). A
    screen reader reads the chart as an image named by what it shows; "Show data" shows its
    numbers as a table."""
    if fig is None:
        st.caption(f":material/info: {missing}")
        return
    plotly_chart(fig, key=key, config=PLOTLY_CONFIG, label=describe(fig))
    if st.toggle("Show data", key=f"{key}-data", help="The chart's numbers, as a table."):
        table = figure_table(fig)
        st.table(table.map(md_escape), hide_index=True)
        if len(table) == MAX_DATA_ROWS:
            st.caption(f"The newest {MAX_DATA_ROWS} rows.")


def render_header(report: InsightsReport, creator: Creator) -> None:
    insights = report.insights
    details, overview = insights.profile_details, insights.profile_overview
    name = (details.full_name if details else None) or creator.name or creator.username or "Creator"
    handle = (
        (overview.handle if overview else None)
        or (details.handle if details else None)
        or creator.username
    )
    photo = safe_http_url(details.image_url if details else None)
    left, right = st.columns([1, 6]) if photo else (None, st.container())
    if photo and left is not None:
        left.image(photo, width=110)
    with right:
        st.header(md_escape(name), anchor=False)
        facts = []
        link = profile_url(handle)
        if link and handle:
            facts.append(f"[@{md_escape(handle.lstrip('@'))}]({link})")
        elif handle:
            facts.append(f"@{md_escape(handle)}")
        if details and details.category:
            facts.append(md_escape(details.category))
        place = ", ".join(filter(None, [details.location, details.country])) if details else ""
        if place:
            facts.append(md_escape(place))
        if report.tier:
            facts.append(f"{report.tier.name} tier ({report.tier.range_label} followers)")
        st.markdown(" · ".join(facts) if facts else "No profile details available.")
        if details and details.biography:
            st.text(details.biography)  # plain text: no markdown, no auto-linked e-mails


def render_freshness(
    loaded: LoadedInsights, report: InsightsReport, *, may_refresh: bool = True
) -> bool:
    """Where the data came from and how old it is, with a Refresh button (not for a viewer).
    Returns True when Refresh is pressed."""
    insights = report.insights
    fetched = datetime.fromtimestamp(loaded.fetched_at, tz=UTC).strftime("%d %b %Y %H:%M UTC")
    origin = {
        "api": "just fetched from the API",
        "cache": "from the app's cache",
        "stale": "from the app's cache",
    }
    text, button = st.columns([4, 1], vertical_alignment="center")  # "Refresh" whole at 1,024 px
    text.caption(
        f"Vendor data processed {day_label(insights.last_processed_at)} · fetched {fetched} "
        f"({ago(loaded.age_s)}), {origin.get(loaded.source, loaded.source)}."
    )
    if loaded.source == "stale" and isinstance(loaded.error, ConsentLapsed):
        st.warning(
            f"These insights are {ago(loaded.age_s)} old: the vendor no longer serves this "
            f"creator's insights. {md_escape(str(loaded.error))}",
            icon=":material/link_off:",
        )
        if may_refresh:
            link("connect", "Prepare a fresh link", query_params={"reconnect": loaded.creator_id})
    elif loaded.source == "stale":
        st.warning(
            f"These insights are {ago(loaded.age_s)} old: the API could not be reached just now, "
            f"so the last copy is shown. {md_escape(str(loaded.error or ''))}",
            icon=":material/history:",
        )
    return may_refresh and button.button(
        "Refresh", icon=":material/refresh:", help="Fetch again from the API, skipping the cache."
    )


KPIS_PER_ROW = 3


def render_kpis(report: InsightsReport, previous: Snapshot | None = None) -> None:
    """The KPIs, three to a row (six in one row cut "Effective follower rate" at 1,400 px),
    each with its change since the previous fetch, when there was one."""
    paired = list(report.kpis.paired(HISTORY_METRICS))
    columns = [c for _ in range(0, len(paired), KPIS_PER_ROW) for c in st.columns(KPIS_PER_ROW)]
    current = snapshot_of("", 0.0, report.insights) if previous else None
    for column, (kpi, metric) in zip(columns, paired, strict=False):
        moved = change(metric, previous, current)
        if moved is not None and moved.delta == 0:
            moved, note = None, " Unchanged since the previous fetch."
        else:
            note = " The change is since the previous fetch." if moved else ""
        column.metric(
            kpi.label,
            "–" if kpi.value is None else kpi.display,  # "not available" does not fit a column
            delta=moved.delta_text() if moved else None,
            help=kpi.help + note,
        )
    missing = [kpi.label for kpi in report.kpis if kpi.value is None]
    if missing:
        st.caption(f"Not available from the vendor's data: {', '.join(missing)}.")


def render_history(snapshots: list[Snapshot]) -> None:
    """Followers and ER at each fetch, once there are two fetches or more."""
    if len(snapshots) < 2:
        return
    with st.expander(f"History of {len(snapshots)} fetches", icon=":material/history:"):
        show_figure(make_history_figure(snapshots), key="history", missing="No history yet.")


def render_growth(report: InsightsReport) -> None:
    """Follower growth over a month, quarter and year: from the trend, else the vendor's own
    figure; when neither has any, one sentence saying why instead of three dashes."""
    trends = report.insights.growth
    vendor = {
        "month": trends.monthly_followers if trends else None,
        "quarter": trends.quarterly_followers if trends else None,
        "year": trends.yearly_followers if trends else None,
    }
    why = _trend_extent(report.follower_trend)
    if all(value is None for value in report.growth.values()) and not any(vendor.values()):
        st.caption(f"Follower growth over a month, quarter and year: not available, {why}.")
        return
    for period, value in report.growth.items():
        if value is not None:
            st.metric(f"Followers, last {period}", format_pct(value, signed=True),
                      help=f"Change in followers over the last {period}, from the follower trend.")  # fmt: skip
        elif vendor[period]:  # the vendor says 0 also when its history is too short for it
            st.metric(f"Followers, last {period}", format_pct(vendor[period], signed=True),
                      help="The trend does not cover this period; this is the vendor's own figure.")  # fmt: skip
        else:  # a dash: "not available" does not fit this narrow column
            st.metric(f"Followers, last {period}", "–",
                      help="Not available: the trend does not cover this period yet (the "
                      "vendor's figure for it is 0, as the vendor reports when its history is "
                      "too short).")  # fmt: skip
            st.caption(f"Not available: {why}.")


def _trend_extent(trend: pd.DataFrame) -> str:
    """How much follower trend there is, for the sentences that say why something is missing."""
    if trend.empty:
        return "there is no follower trend"
    span = trend_span_days(trend)
    return f"the trend covers {span} days" if span else "the trend has a single day"


def render_spikes(report: InsightsReport) -> None:
    """Abnormal one-day follower gains as page text, each with what explains it, and how much
    of the last year's growth came in unexplained ones (fpapi/analysis/spikes.py)."""
    found = report.spikes
    if not found.spikes:
        if report.follower_trend.empty:
            st.markdown("**Follower spikes.** There is no follower trend to look for them in.")
        elif trend_span_days(report.follower_trend) <= WINDOW_DAYS:
            st.markdown(
                f"**Follower spikes.** {_trend_extent(report.follower_trend).capitalize()}, too "
                f"short to look for them in (each day is measured against the {WINDOW_DAYS} days "
                "before it)."
            )
        else:
            st.markdown("**Follower spikes.** No abnormal one-day gain in the follower trend.")
        return
    count = len(found.spikes)
    gains = "one abnormal one-day gain" if count == 1 else f"{count} abnormal one-day gains"
    st.markdown(f"**Follower spikes.** {gains.capitalize()}. {unexplained_growth(found)}")
    lines = []
    for spike in reversed(found.spikes):  # newest first
        gain = f"**{spike.day.isoformat()}**: +{spike.gain:,.0f} followers ({format_pct(spike.share, signed=True)})"
        if spike.explained:
            post = f"[a post]({spike.post_url})" if spike.post_url else "a post"
            lines.append(
                f"- {gain}, explained by {post} published just before it: "
                f"{format_count(spike.post_views)} views, {spike.views_multiple:.1f}x the median."
            )
        else:
            lines.append(
                f"- {gain}, unexplained: no post in the {LOOKBACK_DAYS} days before it drew "
                f"{VIEWS_MULTIPLE:.0f}x the median views. Worth asking the creator before judging."
            )
    st.markdown("\n".join(lines))
    st.caption(
        f"A spike is a one-day gain at least {MIN_Z:.0f} robust standard deviations above the "
        f"previous {WINDOW_DAYS} days' gains and at least {MIN_GAIN} followers or "
        f"{MIN_SHARE * 100:.1f}% of followers. Ads rarely add more than 5K followers a day, and "
        "a genuine spike usually follows a post that took off."
    )


def render_sponsored(report: InsightsReport) -> None:
    summary = report.sponsored
    if summary is None or summary.total_posts == 0:
        st.caption(":material/info: No posts are available, so paid vs organic cannot be compared.")
        return
    share = format_pct(summary.share_pct)
    st.markdown(
        f"**Paid vs organic.** {summary.sponsored_posts} of {summary.total_posts} posts are "
        f"sponsored ({share}). Mean ER: sponsored {format_pct(summary.sponsored_er)}, "
        f"organic {format_pct(summary.organic_er)}."
    )


def render_quality_summary(report: InsightsReport) -> None:
    details = report.insights.profile_details
    quality = details.quality if details else None
    if quality is None or quality.profile_quality_score is None:
        st.caption(":material/info: The vendor has no quality score for this creator.")
        return
    rating = (
        ""
        if quality.profile_quality_rating is None
        else f" · rating {quality.profile_quality_rating:.0f} of 5"
    )
    st.metric("Profile quality score", f"{quality.profile_quality_score:.0f} / 100{rating}")


def render_benchmark_note(report: InsightsReport) -> None:
    if report.benchmark is None or report.engagement_rate is None:
        st.caption(
            ":material/info: Without a follower count and an engagement rate, there is no tier to compare with."
        )
        return
    position = report.benchmark.position(report.engagement_rate)
    st.markdown(
        f"This creator's ER of **{format_pct(report.engagement_rate)}** is **{position}** the "
        f"published range for {report.benchmark.tier.name.lower()} creators. {report.benchmark.note}"
    )
    st.caption(
        f"Source: {BENCHMARK_SOURCE}. Both use ER = (likes + comments) / followers x 100; "
        "vendors differ in which posts they count, so read it as a guide."
    )


POST_COLUMNS = {
    "image_url": st.column_config.ImageColumn("Thumbnail", width="small"),
    "posted_at": st.column_config.DatetimeColumn("Date", format="D MMM YYYY"),
    "format": st.column_config.TextColumn("Format"),
    "likes": st.column_config.NumberColumn("Likes", format="localized"),
    "comments": st.column_config.NumberColumn("Comments", format="localized"),
    "views": st.column_config.NumberColumn("Views", format="localized"),
    "er": st.column_config.NumberColumn("ER %", format="%.2f"),
    "sponsored": st.column_config.CheckboxColumn("Sponsored"),
    "url": st.column_config.LinkColumn("Post", display_text="Open"),
    "caption": st.column_config.TextColumn("Caption", width="large"),
}
ACCOUNT_COLUMNS = {
    "hashtag": st.column_config.TextColumn("Hashtag"),
    "username": st.column_config.TextColumn("Account"),
    "name": st.column_config.TextColumn("Name"),
    "posts": st.column_config.NumberColumn("Posts"),
    "average_er": st.column_config.NumberColumn("Mean ER %", format="%.2f"),
    "brand": st.column_config.CheckboxColumn("Brand"),
}


def render_posts_table(posts: pd.DataFrame) -> None:
    """Sortable table of posts, best ER first; click a header to sort another way."""
    table = posts.sort_values("er", ascending=False, na_position="last")[list(POST_COLUMNS)]
    table = table.assign(
        caption=table["caption"].str.slice(0, 200),
        views=table["views"].round(0),
        image_url=table["image_url"].map(safe_http_url),
    )
    if table["image_url"].isna().all():  # no thumbnails at all: no empty column
        table = table.drop(columns="image_url")
    st.dataframe(table, column_config=POST_COLUMNS, hide_index=True, width="stretch", height=420)


def render_accounts_table(
    accounts: pd.DataFrame, *, title_column: str, prefix: str, empty: str
) -> None:
    if accounts.empty:
        st.caption(f":material/info: {empty}")
        return
    shown = accounts.assign(**{title_column: prefix + accounts[title_column].astype(str)})
    st.dataframe(shown, column_config=ACCOUNT_COLUMNS, hide_index=True, width="stretch")


def render_audience(report: InsightsReport) -> None:
    insights = report.insights
    audience = insights.audience
    if audience is None:
        st.info(
            "The vendor sent no audience data for this creator.", icon=":material/visibility_off:"
        )
    elif audience.locked:
        st.info(
            "Audience data is locked on the current API plan, so it cannot be shown.",
            icon=":material/lock:",
        )
    elif audience.model_extra:
        rows = [
            {"field": key, "value": str(value)[:200]} for key, value in audience.model_extra.items()
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.info("The vendor's audience section is empty for this creator.")
    if insights.unrelated_data is not None and insights.unrelated_data.locked:
        st.caption(
            "Further data (the vendor's “unrelated data” section) is locked on the current plan."
        )


def render_look_alikes(report: InsightsReport, creator: Creator, ws: Workspace) -> None:
    """Look-alike creators with their profiles; those on the roster open their own insights,
    and any of them can go to the compare page together with this creator."""
    looks = report.look_alikes
    if looks.empty:
        st.caption(":material/info: The vendor lists no look-alike creators for this one.")
        return
    on_roster = {
        (c.username or "").lstrip("@").lower(): c
        for c in ws.creators_with_handles([str(u) for u in looks["username"]])
        if c.connector == "instagram" and c.creator_id != creator.creator_id
    }
    for row in looks.itertuples():
        match = on_roster.get(str(row.username).lower())
        name = md_escape(row.name or row.username)
        handle = (
            f"[@{md_escape(row.username)}]({row.profile_url})"
            if isinstance(row.profile_url, str)
            else f"@{md_escape(row.username)}"
        )
        text, action = st.columns([4, 2], vertical_alignment="center")
        text.markdown(f"**{name}** · {handle}" + (" · on your roster" if match else ""))
        if match:
            with action:
                link("insights", "Open insights", query_params={"creator": match.creator_id})
    candidates = [on_roster[u] for u in looks["username"].str.lower() if u in on_roster]
    if candidates:
        chosen = st.multiselect(
            "Compare with look-alikes on your roster",
            candidates,
            default=candidates[: min(3, len(candidates))],
            format_func=lambda c: c.name or c.username or c.creator_id,
        )
        ids = [creator.creator_id, *(c.creator_id for c in chosen)]
        if len(ids) >= 2:
            compare_link(ids, f"Compare these {len(ids)} creators")
    else:
        st.caption(
            "None of these look-alikes is on your roster yet: send them a verification link to compare."
        )


def render_split_table(report: InsightsReport) -> None:
    """The numbers behind the engagement split, for the analyst who wants them exactly: a
    plain table (real text, and no grid to load for three rows)."""
    split = report.engagement_split
    if split.empty:
        return
    st.table(
        pd.DataFrame(
            {
                "Format": split["format"],
                "Engagement rate": [format_pct(v) for v in split["engagement"]],
                "Average likes": [_count_text(v) for v in split["average_likes"]],
                "Average comments": [_count_text(v) for v in split["average_comments"]],
                "Average views": [_count_text(v) for v in split["average_views"]],
            }
        ),
        hide_index=True,
    )


def _count_text(value: float | None) -> str:
    return NOT_AVAILABLE if value is None or pd.isna(value) else f"{float(value):,.0f}"
