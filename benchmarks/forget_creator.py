"""How long forgetting one creator takes, on each backend: the data folder, an SQLite team
database and PostgreSQL (started here on loopback, as the tests do).

Each backend gets the same roster: ``--others`` creators with a year of weekly fetches each,
and the creator to forget with two years of daily fetches (730), notes, a shortlist, a campaign,
alerts, activity entries and a cached insights body. The script times ``Workspace.forget_creator``
(the store's one transaction, the cache's deletion, the write-ahead log truncated) and, for
scale, one ordinary roster page read on the same store, and prints both with their ratio.

    .venv/bin/python benchmarks/forget_creator.py [--others 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fpapi import Insights  # noqa: E402
from fpapi.sandbox import build_insights  # noqa: E402
from fpapi.sandbox.accounts import SandboxAccount, generated_account  # noqa: E402
from fpapi.storage.cache import DiskShelf, InsightCache  # noqa: E402
from fpapi.storage.data_folder import DataFolderStore  # noqa: E402
from fpapi.storage.records import (  # noqa: E402
    Activity,
    Campaign,
    Creator,
    RosterQuery,
    Snapshot,
    StoredAlert,
)
from fpapi.storage.sql_cache import SqlShelf  # noqa: E402
from fpapi.storage.sql_store import SqlStore  # noqa: E402
from fpapi.storage.store import Store  # noqa: E402
from fpapi.workspace.core import Workspace  # noqa: E402
from fpapi.workspace.members import Actor  # noqa: E402
from fpapi.workspace.settings import load_settings  # noqa: E402
from tests.postgres import Postgres  # noqa: E402

DAY = 86_400.0


def account_of(creator_id: str) -> SandboxAccount:
    return generated_account(int(creator_id.rsplit("-", 1)[1], 16))


def fill(store: Store, others: int, now: float) -> list[str]:
    """The roster; the ids to forget, one per run."""
    accounts = [generated_account(n) for n in range(others)]
    found = [
        (
            Creator(
                a.creator_id, "instagram", name=a.name, username=a.username,
                platform_user_id=a.platform_user_id, verified_at=now - 400 * DAY,
                added_at=now - 400 * DAY,
            ),
            None,
        )
        for a in accounts
    ]  # fmt: skip
    store.add_new_creators(found)
    snapshots = [
        Snapshot(a.creator_id, now - week * 7 * DAY, followers=1000.0 + week)
        for a in accounts
        for week in range(52)
    ]
    store.add_snapshots(snapshots)
    return [a.creator_id for a in accounts]


def decorate(store: Store, cache: InsightCache, creator_id: str, now: float) -> None:
    """Two years of daily fetches and everything else that names the creator."""
    store.add_snapshots(
        [Snapshot(creator_id, now - d * DAY, followers=5000.0 + d) for d in range(730)]
    )
    store.add_note(creator_id, f"Note about {creator_id}", author="bench")
    store.save_shortlist(f"List {creator_id}", [creator_id], fees={creator_id: {"post": 100}})
    store.save_campaign(
        Campaign(f"c-{creator_id}", "Bench", creator_ids=[creator_id], hashtags=["x"])
    )
    store.add_alert(
        StoredAlert(f"a-{creator_id}", creator_id, "er_drop", f"{creator_id}: ER down", now)
    )
    for n in range(20):
        store.add_activity(Activity(now - n, "bench", "note_added", creator_id))
    cache.put(creator_id, Insights.from_raw(build_insights(account_of(creator_id))))


def measure(name: str, store: Store, cache: InsightCache, others: int, runs: int) -> None:
    now = time.time()
    ids = fill(store, others, now)
    settings = load_settings({"FPAPI_DATA_DIR": tempfile.mkdtemp()}, {})
    ws = Workspace(settings, store, cache, Actor("bench"))
    forget_s, page_s = [], []
    for creator_id in ids[:runs]:
        decorate(store, cache, creator_id, now)
        started = time.perf_counter()
        ws.roster_page(RosterQuery(sort="followers"))
        page_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        ws.forget_creator(creator_id)
        forget_s.append(time.perf_counter() - started)
    forget, page = statistics.median(forget_s), statistics.median(page_s)
    print(
        f"{name:<22} forget {forget * 1000:8.1f} ms   roster page {page * 1000:7.1f} ms   "
        f"ratio {forget / page:6.1f}x   ({others:,} other creators, {runs} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--others", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        store = DataFolderStore(base / "local" / "store")
        measure(
            "data folder",
            store,
            InsightCache(DiskShelf(base / "local" / "insights"), api_base_url="bench"),
            args.others,
            args.runs,
        )
        url = f"sqlite:///{base / 'team.db'}"
        measure(
            "SQLite team database",
            SqlStore(url),
            InsightCache(SqlShelf(url), api_base_url="bench"),
            args.others,
            args.runs,
        )
    postgres = Postgres().start()
    try:
        url = postgres.fresh_database()
        measure(
            "PostgreSQL",
            SqlStore(url),
            InsightCache(SqlShelf(url), api_base_url="bench"),
            args.others,
            args.runs,
        )
    finally:
        postgres.stop()
        postgres.remove()


if __name__ == "__main__":
    main()
