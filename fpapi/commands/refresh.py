"""Scheduled refresh: ``python -m fpapi.refresh`` fetches every Instagram creator on the roster,
keeps a snapshot of each, evaluates the alert rules and posts new alerts to the webhook. First,
it keeps the privacy rules: creators whose consent was withdrawn are forgotten once
FPAPI_REVOKED_PURGE_DAYS have passed, and what is older than FPAPI_RETENTION_DAYS is deleted.

``--workspace NAME`` refreshes that client workspace's roster and prints only its creators;
without it, every workspace is refreshed in turn (under a heading each when there are several), and a creator on several
rosters is fetched once (the vendor's numbers are shared; alerts are each workspace's own).

On the team database (PostgreSQL), it puts one job per creator in the refresh queue instead,
at most one waiting per creator, prints how many and returns: ``python -m fpapi.worker`` runs
them, on as many hosts as wanted. ``--wait`` then shows the queue's progress until it is empty.

Configured like the app: the environment, then the ``[fpapi]`` table of
``.streamlit/secrets.toml`` (in this folder, then in the home folder). One line per creator:
the handle, followers and ER, and what changed (or the error). Exit status: 0 when every
creator was refreshed (with ``--wait``: every job of this refresh), 1 when any failed, 2 on a
configuration error. Safe while the app runs
and, on the team database, from two hosts at once: an alert is stored once, by key, and only
the process that stored it posts it.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Mapping, Sequence

from fpapi.commands import CONFIG_ERROR, add_concurrency, command_workspace
from fpapi.errors import FPAPIError, StudioError
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Creator, Snapshot
from fpapi.workspace.alerts import handle_of
from fpapi.workspace.core import Workspace
from fpapi.workspace.jobs import enqueue_refresh, queue_app
from fpapi.workspace.members import no_such_workspace, workspace_name
from fpapi.workspace.progress import bar, progress_line
from fpapi.workspace.watch import fetch_line, watch_fetch

__all__ = ["main"]

log = logging.getLogger("fpapi.refresh")

DEFAULT_CONCURRENCY = 4
WAIT_POLL_S = 1.0  # how often --wait looks at the queue
FAILED, OK = 1, 0


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fpapi.refresh", description=__doc__)
    add_concurrency(parser, DEFAULT_CONCURRENCY, "creators fetched")
    parser.add_argument(
        "--workspace", metavar="NAME", help="refresh this client workspace only (default: all)"
    )
    parser.add_argument(
        "--wait", action="store_true",
        help="on the team database: show the queue's progress until every job has run",
    )  # fmt: skip
    args = parser.parse_args(argv)
    ws = command_workspace(environ, "refresh")
    if ws is None:
        return CONFIG_ERROR
    try:
        names = [workspace_name(args.workspace)] if args.workspace else list(ws.open_to)
        if names[0] not in ws.open_to:
            print(f"Configuration error: {no_such_workspace(names[0])}", file=sys.stderr)
            return CONFIG_ERROR
        _keep_the_privacy_rules(ws)
        if ws.settings.on_queue:
            return _enqueue(ws, names, wait=args.wait)
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
    failed = 0
    done = 0

    def report(
        creator: Creator, outcome: LoadedInsights | FPAPIError, kept: Snapshot | None
    ) -> None:
        nonlocal failed, done
        done += 1
        if isinstance(outcome, FPAPIError):
            failed += 1
            print(f"{handle_of(creator)}  error: {outcome}")
        else:
            print(fetch_line(creator, watch_fetch(ws, creator, outcome, kept)))
        if sys.stderr.isatty():  # a bar for a person watching; none in cron's mail
            print(f"\r{bar(done, len(creators))} {failed} failed", end="", file=sys.stderr)

    before = [cid for cid in creators if cid in fetched]
    new = [cid for cid in creators if cid not in fetched]
    for creator_id, outcome, kept in ws.refresh(new, concurrency=concurrency):
        fetched[creator_id] = (outcome, kept)
        report(creators[creator_id], outcome, kept)
    for creator_id in before:
        report(creators[creator_id], *fetched[creator_id])
    if sys.stderr.isatty() and creators:
        print(file=sys.stderr)
    return FAILED if failed else OK


def _enqueue(ws: Workspace, names: list[str], *, wait: bool) -> int:
    """Queue the refresh of ``names``' rosters; with ``wait``, follow it to the end."""
    url = ws.settings.database_url or ""
    enqueued = enqueue_refresh(ws, queue_app(url), names)
    print(
        f"Queued {enqueued.added:,} creators for refresh"
        + (
            f" ({enqueued.waiting_already:,} more wait from an earlier one)"
            if enqueued.waiting_already
            else ""
        )
        + ": python -m fpapi.worker fetches them."
    )
    if not wait:
        return OK
    shown = ""
    while True:
        progress = ws.refresh_progress()
        if progress is None:
            return OK
        line = progress_line(progress)
        if line != shown:
            print(line, file=sys.stderr, flush=True)
            shown = line
        if not progress.queued and not progress.running:
            return FAILED if progress.failed else OK
        time.sleep(WAIT_POLL_S)


if __name__ == "__main__":
    sys.exit(main())
