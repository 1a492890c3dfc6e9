"""Scheduled refresh: ``python -m fpapi.refresh`` fetches every Instagram creator on the roster,
keeps a snapshot of each, evaluates the alert rules and posts new alerts to the webhook.

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
import os
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from fpapi.analysis.report import build_report
from fpapi.api.client import FirstPartyClient
from fpapi.errors import FPAPIError, SettingsError, StoreError
from fpapi.sandbox import Sandbox
from fpapi.storage.cache import InsightCache, LoadedInsights
from fpapi.storage.records import Creator, Snapshot, StoredAlert
from fpapi.storage.sql_cache import SqlShelf
from fpapi.storage.sql_store import SqlStore
from fpapi.storage.store import Store
from fpapi.workspace.alerts import AlertRules, deliver, evaluate, handle_of
from fpapi.workspace.history import headline, previous_snapshot, record_fetch, snapshot_of
from fpapi.workspace.settings import (
    SANDBOX_CACHE_LABEL,
    Settings,
    load_settings,
    open_store,
    secrets_files,
)

__all__ = ["main"]

log = logging.getLogger("fpapi.refresh")

DEFAULT_CONCURRENCY = 4
CONFIG_ERROR, FAILED, OK = 2, 1, 0


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fpapi.refresh", description=__doc__)
    parser.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY,
        help=f"creators fetched at once (default {DEFAULT_CONCURRENCY})",
    )  # fmt: skip
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(os.environ if environ is None else environ, secrets_files())
        settings, store, cache, sandbox = _open(settings)
    except (SettingsError, StoreError, OSError) as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return CONFIG_ERROR
    try:
        return _refresh(settings, store, cache, max(1, args.concurrency))
    finally:
        if sandbox is not None:
            sandbox.stop()


def _open(
    settings: Settings,
) -> tuple[Settings, Store | SqlStore, InsightCache, Sandbox | None]:
    """The app's store and insight cache; on the sandbox (no API configured), one of its own,
    whose creators are the same as the app's embedded one (and share its cache label)."""
    sandbox = None
    label = settings.base_url or SANDBOX_CACHE_LABEL
    if settings.uses_sandbox:
        sandbox = Sandbox().start()
        settings = replace(settings, base_url=sandbox.base_url, token=sandbox.token)
    store = open_store(settings)
    shelf: Any = (
        SqlShelf(settings.database_url) if settings.database_url else settings.data_dir / "insights"
    )
    cache = InsightCache(shelf, api_base_url=label, ttl_s=settings.cache_ttl_s)
    return settings, store, cache, sandbox


def _refresh(
    settings: Settings, store: Store | SqlStore, cache: InsightCache, concurrency: int
) -> int:
    creators = [c for c in store.creators() if c.connector == "instagram"]
    rules = AlertRules.of(settings)
    failed = 0
    with (
        FirstPartyClient(settings.base_url or "", settings.token, paths=settings.paths) as client,
        ThreadPoolExecutor(max_workers=concurrency) as pool,
    ):
        outcomes = pool.map(lambda creator: _fetch(cache, client, creator.creator_id), creators)
        for creator, outcome in zip(creators, outcomes, strict=True):
            if isinstance(outcome, FPAPIError):
                failed += 1
                print(f"{handle_of(creator)}  error: {outcome}")
                continue
            watched = _watch(store, rules, creator, outcome)
            print(_line(creator, watched))
            for alert in watched.alerts:
                if settings.alert_webhook_url and deliver(settings.alert_webhook_url, alert):
                    store.claim_alert(alert.key, time.time())
    return FAILED if failed else OK


def _fetch(
    cache: InsightCache, client: FirstPartyClient, creator_id: str
) -> LoadedInsights | FPAPIError:
    try:
        loaded = cache.load(creator_id, client.get_instagram_insights, refresh=True)
    except FPAPIError as err:
        return err
    return loaded.error if loaded.error is not None else loaded  # stale: the fetch failed


@dataclass(frozen=True)
class Watched:
    current: Snapshot  # this fetch's numbers
    previous: Snapshot | None  # the fetch before it, if any
    alerts: list[StoredAlert]  # the alerts this process stored (and so posts)


def _watch(
    store: Store | SqlStore, rules: AlertRules, creator: Creator, loaded: LoadedInsights
) -> Watched:
    """Keep the snapshot, evaluate the rules, store the alerts."""
    current = record_fetch(store, loaded) or snapshot_of(
        loaded.creator_id, loaded.fetched_at, loaded.insights
    )  # not kept (the store failed, logged): still reported
    previous = previous_snapshot(store.snapshots(creator.creator_id, limit=5), current.fetched_at)
    spikes = build_report(loaded.insights).spikes
    found = evaluate(rules, creator, previous, current, spikes)
    return Watched(current, previous, [a for a in found if store.add_alert(a)])


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
