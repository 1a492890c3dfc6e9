"""Scheduled refresh: ``python -m fpapi.refresh`` fetches every Instagram creator on the roster,
keeps a snapshot of each, evaluates the alert rules and posts new alerts to the webhook. First,
it keeps the privacy rules: creators whose consent was withdrawn are forgotten once
FPAPI_REVOKED_PURGE_DAYS have passed, and what is older than FPAPI_RETENTION_DAYS is deleted.

``--workspace NAME`` refreshes that client workspace's roster and prints only its creators;
without it, every workspace is refreshed in turn (under a heading each when there are several), and a creator on several
rosters is fetched once (the vendor's numbers are shared; alerts are each workspace's own).

Configured like the app: the environment, then the ``[fpapi]`` table of
``.streamlit/secrets.toml`` (in this folder, then in the home folder). One line per creator:
the handle, followers and ER, and what changed (or the error). Exit status: 0 when every
creator was refreshed, 1 when any failed, 2 on a configuration error. Safe while the app runs
and, on the team database, from two hosts at once: an alert is stored once, by key, and only
the process that stored it posts it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fpapi.analysis.report import build_report
from fpapi.commands import CONFIG_ERROR, command_workspace
from fpapi.errors import FPAPIError, StudioError
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Creator, Snapshot, StoredAlert
from fpapi.workspace.alerts import AlertRules, deliver, evaluate, handle_of
from fpapi.workspace.core import Workspace
from fpapi.workspace.history import headline, previous_snapshot, snapshot_of
from fpapi.workspace.members import no_such_workspace, workspace_name

__all__ = ["main"]

log = logging.getLogger("fpapi.refresh")

DEFAULT_CONCURRENCY = 4
FAILED, OK = 1, 0


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fpapi.refresh", description=__doc__)
    parser.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY,
        help=f"creators fetched at once (default {DEFAULT_CONCURRENCY})",
    )  # fmt: skip
    parser.add_argument(
        "--workspace", metavar="NAME", help="refresh this client workspace only (default: all)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ws = command_workspace(environ, "refresh")
    if ws is None:
        return CONFIG_ERROR
    try:
        names = [workspace_name(args.workspace)] if args.workspace else list(ws.open_to)
        if names[0] not in ws.open_to:
            print(f"Configuration error: {no_such_workspace(names[0])}", file=sys.stderr)
            return CONFIG_ERROR
        _keep_the_privacy_rules(ws)
        fetched: dict[str, Fetched] = {}  # this run's fetches, by creator: one per creator
        outcomes = []
        for name in names:
            if len(names) > 1:
                print(f"# workspace {name}")
            each = ws.switch_to(name)
            outcomes.append(_refresh(each, max(1, args.concurrency), fetched))
        return FAILED if FAILED in outcomes else OK
    except StudioError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return CONFIG_ERROR
    finally:
        ws.close()


Fetched = tuple[LoadedInsights | FPAPIError, Snapshot | None]


def _keep_the_privacy_rules(ws: Workspace) -> None:
    """Before fetching: forget creators whose consent was withdrawn FPAPI_REVOKED_PURGE_DAYS
    ago, and delete what is older than FPAPI_RETENTION_DAYS (in every workspace)."""
    for deletion in ws.purge_withdrawn():
        print(f"Forgot a creator whose consent was withdrawn (deletion code {deletion.code}).")
    deleted = ws.apply_retention()
    if any(deleted.values()):
        days = ws.settings.retention_s / 86_400
        counts = ", ".join(f"{count} {kind}" for kind, count in deleted.items() if count)
        print(f"Deleted what is older than {days:g} days (FPAPI_RETENTION_DAYS): {counts}.")


def _refresh(ws: Workspace, concurrency: int, fetched: dict[str, Fetched]) -> int:
    """Refresh ``ws``'s roster, printing a line per creator as it comes; creators this run
    fetched for another workspace already are not fetched again."""
    creators = {c.creator_id: c for c in ws.creators() if c.connector == "instagram"}
    rules = AlertRules.of(ws.settings)
    webhook = ws.settings.alert_webhook_url
    failed = 0

    def report(
        creator: Creator, outcome: LoadedInsights | FPAPIError, kept: Snapshot | None
    ) -> None:
        nonlocal failed
        if isinstance(outcome, FPAPIError):
            failed += 1
            print(f"{handle_of(creator)}  error: {outcome}")
            return
        watched = _watch(ws, rules, creator, outcome, kept)
        print(_line(creator, watched))
        for alert in watched.alerts:
            if webhook and deliver(webhook, alert):
                ws.alert_delivered(alert.key)

    before = [cid for cid in creators if cid in fetched]
    new = [cid for cid in creators if cid not in fetched]
    for creator_id, outcome, kept in ws.refresh(new, concurrency=concurrency):
        fetched[creator_id] = (outcome, kept)
        report(creators[creator_id], outcome, kept)
    for creator_id in before:
        report(creators[creator_id], *fetched[creator_id])
    return FAILED if failed else OK


@dataclass(frozen=True)
class Watched:
    current: Snapshot  # this fetch's numbers
    previous: Snapshot | None  # the fetch before it, if any
    alerts: list[StoredAlert]  # the alerts this process stored (and so posts)


def _watch(
    ws: Workspace,
    rules: AlertRules,
    creator: Creator,
    loaded: LoadedInsights,
    kept: Snapshot | None,
) -> Watched:
    """Evaluate the rules on this fetch's snapshot, store the alerts."""
    current = kept or snapshot_of(
        loaded.creator_id, loaded.fetched_at, loaded.insights
    )  # not kept (the store failed, logged): still reported
    previous = previous_snapshot(ws.snapshots(creator.creator_id, limit=5), current.fetched_at)
    spikes = build_report(loaded.insights).spikes
    found = evaluate(rules, creator, previous, current, spikes)
    return Watched(current, previous, [a for a in found if ws.keep_alert(a)])


def _line(creator: Creator, watched: Watched) -> str:
    parts = [handle_of(creator)]
    parts += [
        f"{label.lower()} {text}" for label, text in headline(watched.previous, watched.current)
    ]
    if watched.alerts:
        parts.append("changed: " + "; ".join(a.text.split(": ", 1)[-1] for a in watched.alerts))
    else:
        parts.append("no change worth an alert" if watched.previous else "first fetch on record")
    return "  ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
