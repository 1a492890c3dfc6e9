"""What a refresh does with one creator's fresh fetch in one workspace: the alert rules
evaluated against the fetch before it, new alerts stored once (by key) and posted to the webhook
by the process that stored them. The refresh command (in-process) and the queue's jobs both
use it, so a rule and its delivery are written once."""

from __future__ import annotations

from dataclasses import dataclass

from fpapi.analysis.report import build_report
from fpapi.analysis.spikes import SpikeReport
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Creator, Snapshot, StoredAlert
from fpapi.workspace.alerts import AlertRules, deliver, evaluate, handle_of
from fpapi.workspace.core import Workspace
from fpapi.workspace.history import headline, previous_snapshot, snapshot_of

__all__ = ["Watched", "fetch_line", "watch_fetch"]

NO_SPIKES = SpikeReport(spikes=(), year_growth=None, unexplained_in_year=0.0)


@dataclass(frozen=True)
class Watched:
    current: Snapshot  # this fetch's numbers
    previous: Snapshot | None  # the fetch before it, if any
    alerts: list[StoredAlert]  # the alerts this process stored (and so posted)


def watch_fetch(
    ws: Workspace, creator: Creator, loaded: LoadedInsights, kept: Snapshot | None
) -> Watched:
    """Evaluate ``ws``'s rules on this fetch's snapshot, store the new alerts and post each
    to the webhook (if one is set) once stored."""
    current = kept or snapshot_of(
        loaded.creator_id, loaded.fetched_at, loaded.insights
    )  # not kept (the store failed, logged): still reported
    previous = previous_snapshot(ws.snapshots(creator.creator_id, limit=5), current.fetched_at)
    if previous is None:  # a first fetch raises no alert: nothing to compare with
        return Watched(current, None, [])
    # Spikes (the dear part: a robust z-score over the whole follower trend) can be new only on
    # days the vendor processed since the previous fetch.
    new_data = (current.processed_on or "") > (previous.processed_on or "")
    spikes = build_report(loaded.insights).spikes if new_data else NO_SPIKES
    found = evaluate(AlertRules.of(ws.settings), creator, previous, current, spikes)
    stored = [alert for alert in found if ws.keep_alert(alert)]
    webhook = ws.settings.alert_webhook_url
    for alert in stored:
        if webhook and deliver(webhook, alert):
            ws.alert_delivered(alert.key)
    return Watched(current, previous, stored)


def fetch_line(creator: Creator, watched: Watched) -> str:
    """The refresh command's line for one creator: handle, headline numbers, what changed."""
    parts = [handle_of(creator)]
    parts += [
        f"{label.lower()} {text}" for label, text in headline(watched.previous, watched.current)
    ]
    if watched.alerts:
        parts.append("changed: " + "; ".join(a.text.split(": ", 1)[-1] for a in watched.alerts))
    else:
        parts.append("no change worth an alert" if watched.previous else "first fetch on record")
    return "  ".join(parts)
