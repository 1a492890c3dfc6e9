"""The roster's rows: each creator as real page text with links and actions."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import streamlit as st

from components.frame import state
from components.frame.pages import compare_link, link
from components.frame.workspace import Workspace
from components.text import day_label, md_escape, since
from components.ui.relationship import summary
from fpapi import FPAPIError
from fpapi.analysis.compare import MAX_COMPARE
from fpapi.storage.records import (
    PIPELINE_STATUSES,
    ROSTER_SORTS,
    Relationship,
    RosterCounts,
    RosterQuery,
    StoredAlert,
    clean_tags,
)
from fpapi.workspace.connect import CONNECTORS, RECONNECT_AFTER_DAYS
from fpapi.workspace.headlines import fetch_failure, fetching
from fpapi.workspace.history import headline
from fpapi.workspace.roster import CONSENT_FILTERS, RosterRow, consent_window

PAGE_KEY = "page"
FIRST_FETCH_POLL_S = 1.0  # how often a roster with first fetches under way looks again


def _first_page() -> None:
    st.session_state[PAGE_KEY] = 1  # a new search starts on its first page


def render_roster_filters(counts: RosterCounts, *, now: float, per_page: int) -> RosterQuery:
    """The search, filters and sort, each bound to the address (``?q=ana&status=...&sort=
    followers&page=2``) so that a filtered roster can be shared; the page asked for comes
    from the address too (``render_pager`` draws it once the number of pages is known)."""
    search, status_col, tags_col = st.columns([3, 1, 2])
    text = search.text_input(
        "Search by name, handle, label or tag", placeholder="e.g. ana or @ana.travel",
        key="q", bind="query-params", on_change=_first_page,
    )  # fmt: skip
    status = status_col.selectbox(
        "Status", ["any", *PIPELINE_STATUSES], key="status", bind="query-params",
        on_change=_first_page,
    )  # fmt: skip
    tags = tags_col.multiselect(
        "Tags", counts.tags, placeholder="Any tag", key="tag", bind="query-params",
        on_change=_first_page,
    )  # fmt: skip
    consent_col, connector_col, sort_col = st.columns([2, 1, 2])
    consent = consent_col.selectbox(
        "Consent age", CONSENT_FILTERS, key="consent", bind="query-params", on_change=_first_page
    )
    connector = connector_col.selectbox(
        "Platform", ["any", *sorted(counts.by_connector)], key="platform", bind="query-params",
        on_change=_first_page,
    )  # fmt: skip
    sort = sort_col.selectbox(
        "Sort by", ROSTER_SORTS, key="sort", bind="query-params", on_change=_first_page
    )
    st.caption(
        "By status: "
        + " · ".join(
            f"{s} {counts.by_status[s]}" for s in PIPELINE_STATUSES if s in counts.by_status
        )
    )
    before, since_ = consent_window(consent or "any", now)
    return RosterQuery(
        text=text,
        status=None if status in (None, "any") else status,
        tags=tuple(tags),
        connector=None if connector in (None, "any") else connector,
        verified_before=before,
        verified_since=since_,
        sort=sort or ROSTER_SORTS[0],
        page=_asked_page(),
        per_page=per_page,
    )


def _asked_page() -> int:
    """The page the pager holds, or on a first run the one in the address."""
    asked = st.session_state.get(PAGE_KEY, st.query_params.get(PAGE_KEY, 1))
    try:
        return max(1, int(asked))
    except (TypeError, ValueError):
        return 1  # ?page=abc: the first page


def render_pager(page: int, pages: int, per_page: int) -> None:
    """The page number, bound to the address, when there is more than one page."""
    if pages <= 1:
        return
    if st.session_state.get(PAGE_KEY) != page:
        st.session_state[PAGE_KEY] = page  # past the end: the last page is shown
    st.number_input(
        f"Page (of {pages}, {per_page} creators a page)", min_value=1, max_value=pages, step=1,
        key=PAGE_KEY, bind="query-params",
    )  # fmt: skip


def added_text(actor: str, at: float) -> str:
    """Who added a creator and on which day (UTC), as the roster says it."""
    day = time.strftime("%Y-%m-%d", time.gmtime(at)) if at else None
    who = f"by {actor}" if actor else ""
    return " ".join(filter(None, ["Added", who, f"on {day}" if day else ""]))


@dataclass(frozen=True)
class BulkAction:
    action: str  # "refresh", "tag" or "remove"
    tag: str = ""


def render_bulk_actions(picked: list[str]) -> BulkAction | None:
    """What to do with the creators selected on this page: compare them, refresh them, tag
    them, or remove them (after one confirmation naming how many)."""
    st.subheader("Selected", anchor=False)
    if not picked:
        st.caption("Tick creators on the roster to compare, refresh, tag or remove them.")
        return None
    st.caption(f"{len(picked)} creator{'s' if len(picked) != 1 else ''} selected.")
    if 2 <= len(picked) <= MAX_COMPARE:
        compare_link(picked, f"Compare {len(picked)} creators")
    elif len(picked) > MAX_COMPARE:
        st.caption(f"Compare takes at most {MAX_COMPARE} creators.")
    if st.button("Refresh selected", icon=":material/refresh:"):
        return BulkAction("refresh")
    tag = st.text_input("Tag to add", placeholder="q3 launch", key="bulk-tag")
    if st.button("Add tag to selected", icon=":material/sell:", disabled=not clean_tags(tag)):
        return BulkAction("tag", clean_tags(tag)[0])
    with st.popover("Remove selected"):
        st.write(f"Remove {len(picked)} creators from the roster?")
        st.caption("Their cached insights are kept; verifying them again brings them back.")
        if st.button(f"Yes, remove {len(picked)}", type="primary"):
            return BulkAction("remove")
    return None


def run_bulk_action(ws: Workspace, bulk: BulkAction, picked: list[RosterRow]) -> str:
    """Do ``bulk`` to the selected creators; the sentence saying what was done."""
    names = [row.display_name for row in picked]
    who = names[0] if len(names) == 1 else f"{len(names)} creators"
    if bulk.action == "remove":
        for row in picked:
            ws.remove_creator(row.creator.creator_id)
        return f"Removed {who} from the roster."
    if bulk.action == "tag":
        for row in picked:
            ws.set_relationship(row.creator.creator_id, tags=[*row.tags, bulk.tag])
        return f"Tagged {who} #{bulk.tag}."
    refreshed: list[str] = []
    failed: list[str] = []
    for row in [row for row in picked if row.has_insights]:
        try:
            loaded = ws.load_insights(
                row.creator.creator_id, refresh=True, subject=row.display_name
            )
        except FPAPIError:
            failed.append(row.display_name)
            continue
        (failed if loaded.stale else refreshed).append(row.display_name)
    done = f"Refreshed {len(refreshed)} creator{'s' if len(refreshed) != 1 else ''}."
    if failed:
        done += f" Could not refresh (the API failed; their copies from before are kept): {', '.join(failed)}."
    if len(refreshed) + len(failed) < len(picked):
        done += " YouTube channels have no insights in this API."
    return done


def render_what_changed(alerts: list[StoredAlert], on_roster: set[str]) -> None:
    """The home page's list of recent alerts (python -m fpapi.refresh finds them), newest
    first, each linked to the creator's insights while they are on the roster."""
    st.subheader("What changed", anchor=False)
    if not alerts:
        st.caption(  # no inline code here: faded code text measured 2.7:1 against white
            "No alerts yet. The scheduled refresh (python -m fpapi.refresh, see the README) "
            "checks every creator and lists here what changed: ER or quality down, followers "
            "up or down, an unexplained follower spike, consent about to lapse."
        )
        return
    for alert in alerts:
        text, action = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f"{md_escape(alert.text)} · _{since(alert.at)}_")
        if alert.creator_id in on_roster:
            with action:
                link("insights", "Insights", query_params={"creator": alert.creator_id})


def changes_text(row: RosterRow) -> str:
    """Followers and ER at the newest fetch, each with its change since the one before."""
    parts = [f"{label} {text}" for label, text in headline(row.previous, row.latest)]
    since_when = "since the previous fetch" if row.previous else "first fetch on record"
    return md_escape(" · ".join(parts)) + f" · _{since_when}_"


def failed_fetch_text(row: RosterRow) -> str | None:
    """The sentence for a creator whose fetch after joining failed and who has nothing else on
    record (no snapshot, no cached copy; consent standing): why, and what to do."""
    if not row.has_insights or row.latest is not None or row.fetched_at is not None:
        return None
    if row.creator.consent_withdrawn_at is not None:
        return None  # their own sentence says why nothing is fetched
    reason = fetch_failure(row.creator)
    if reason is None:
        return None
    reason = reason.strip()
    if not reason.endswith((".", "!", "?")):
        reason += "."
    return f"Insights could not be fetched: {md_escape(reason)} Open insights to try again."


def watch_first_fetches(running: set[str]) -> None:
    """While the first fetch of any of ``running`` (:func:`first_fetches`, asked before the
    roster is read and again once its rows are drawn) runs in this process, look again every
    FIRST_FETCH_POLL_S, and redraw the page once all are done, so their numbers appear
    without a click."""
    if not running:
        return

    @st.fragment(run_every=FIRST_FETCH_POLL_S)
    def look_again() -> None:
        if not any(fetching(creator_id) for creator_id in running):
            st.rerun()

    look_again()


def render_roster_row(
    row: RosterRow, *, selecting: bool, may_change: bool = True, now: float | None = None
) -> bool:
    """One creator, as page text: their name line, what the app knows about them, and their
    links; while ``selecting``, the name line is a checkbox (to compare, refresh, tag or remove
    the selected ones from the sidebar). Returns whether they are selected.

    Kept to three elements (four while selecting): a page of 50 rows is drawn by the browser
    element by element. Per-row buttons and columns doubled its time, and 50 checkboxes cost
    0.1-0.15 s of a fresh load, so they are drawn only once the analyst starts selecting."""
    now = time.time() if now is None else now
    creator = row.creator
    key = state.private_key(creator.creator_id)
    with st.container(border=True, key=f"creator-{key}"):
        handle = f" · @{md_escape(creator.username.lstrip('@'))}" if creator.username else ""
        platform = CONNECTORS.get(creator.connector, creator.connector)
        label = (
            f" · {md_escape(creator.label)}"
            if creator.label and creator.label != creator.name
            else ""
        )
        name_line = f"**{md_escape(row.display_name)}**{handle} · {platform}{label}"
        picked = selecting and st.checkbox(name_line, key=f"pick-{key}")
        facts = [f"Verified {since(creator.verified_at, now=now)}"]
        if creator.added_by or creator.added_at:
            facts.insert(0, added_text(creator.added_by, creator.added_at))
        if row.has_insights:
            facts.append(f"insights fetched {since(row.fetched_at, now=now)}")
            if row.fetched_at:
                facts.append(f"vendor data from {day_label(row.last_processed_at)}")
                if row.last_processed_at:
                    age_days = (date.fromtimestamp(now) - row.last_processed_at).days
                    facts[-1] += f" ({age_days} day{'s' if age_days != 1 else ''} old)"
        else:
            facts.append("this API has no insights for YouTube")
        lines = [] if selecting else [name_line]
        lines += [
            f":small[:gray[{md_escape(' · '.join(facts))}]]",
            f":small[{summary(row.relationship or Relationship(creator.creator_id))}]",
        ]
        if row.latest is not None:
            lines.append(f":small[{changes_text(row)}]")
        elif row.has_insights and row.fetched_at is None and fetching(creator.creator_id):
            lines.append(":small[:gray[Fetching their followers and ER…]]")
        elif (failed := failed_fetch_text(row)) is not None:
            lines.append(f":small[:orange[{failed}]]")
        if creator.consent_withdrawn_at is not None:
            lines.append(
                f":small[:red[Consent withdrawn on {day_label(date.fromtimestamp(creator.consent_withdrawn_at))}: "
                "the app no longer fetches or shows their data, and deletes it once "
                "FPAPI_REVOKED_PURGE_DAYS have passed.]]"
            )
        elif row.needs_reconnect:
            lines.append(
                f":small[:orange[Consent may have expired: verified over {RECONNECT_AFTER_DAYS} "
                "days ago, and platform consent lasts about 60 days.]]"
            )
        st.markdown("  \n".join(lines))
        if row.needs_reconnect and may_change:
            link("connect", "Prepare a fresh link", query_params={"reconnect": creator.creator_id})
        link("insights", "Open insights", query_params={"creator": creator.creator_id})
    return picked
