"""Analysts at once, as Streamlit websocket clients: each opens insights and compare pages
(24 creators, every one cached) back to back for a while. Reports page views, the time from
request to every chart sent (p50, p95), errors, tracebacks, and whether the roster lost anything.

Two set-ups, measured in one run so that the ratio is fair on a noisy machine:
- ``--local`` (default 10 analysts): one app process on its data folder, as the Quickstart runs.
- ``--team`` (default 20 analysts): a real PostgreSQL, then one replica alone, then two
  replicas behind nginx (the deployment's own template); prints the ratio of page views.

Websocket clients rather than browsers: on this 2-core machine Chromium renderers starve the app
of CPU and measure the renderers instead (see insights_in_browser.py for one browser session).
Run: ``.venv/bin/python benchmarks/load_analysts.py --team`` (or ``--local``).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from browser_harness import (
    CHARTS_ON_COMPARE,
    CHARTS_ON_INSIGHTS,
    peak_rss_mib,
    percentile,
    seed,
    seeded_app,
)

from components.frame.loaders import SANDBOX_CACHE_LABEL
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.database import new_engine
from fpapi.storage.sql_cache import SqlShelf
from fpapi.storage.sql_store import SqlStore
from tests.browser.conftest import RunningApp, start_app
from tests.browser.servers import free_port, start_nginx, stop, stop_all
from tests.browser.streamlit_client import open_page
from tests.postgres import Postgres

CREATORS = 24


@dataclass
class Load:
    seconds: float
    views: dict[str, list[float]] = field(default_factory=lambda: {"insights": [], "compare": []})
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.views.values())

    def report(self, title: str) -> None:
        print(
            f"{title}: {self.total} page views in {self.seconds:.0f} s ({self.total / self.seconds:.2f}/s)"
        )
        for kind, values in self.views.items():
            if values:
                print(f"  {kind:9} {len(values):5} views   request to charts sent: p50 {percentile(values, 0.5) * 1000:6.0f} ms"
                      f"   p95 {percentile(values, 0.95) * 1000:6.0f} ms")  # fmt: skip
        print(f"  errors: {len(self.errors)}")
        for error in self.errors[:5]:
            print("   ", error)


async def analyst(base_url: str, ids: list[str], deadline: float, seed_: int, load: Load) -> None:
    rng = random.Random(seed_)
    while time.monotonic() < deadline:
        if rng.random() < 0.6:
            kind, query, expected = "insights", f"creator={rng.choice(ids)}", CHARTS_ON_INSIGHTS
        else:
            picked = rng.sample(ids, k=rng.randint(2, 12))
            kind, query, expected = "compare", "creators=" + ",".join(picked), CHARTS_ON_COMPARE
        start = time.monotonic()
        try:
            run = await open_page(base_url, kind, query)
        except Exception as err:
            load.errors.append(f"{kind}: {type(err).__name__}: {str(err)[:120]}")
            continue
        if run.exception or run.charts < expected:
            load.errors.append(f"{kind}: {run.charts} of {expected} charts"
                               f"{', an error element' if run.exception else ''}")  # fmt: skip
        load.views[kind].append(time.monotonic() - start)


async def drive(base_url: str, ids: list[str], analysts: int, seconds: float) -> Load:
    await open_page(base_url, "insights", f"creator={ids[0]}")  # first-run imports
    load = Load(seconds)
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(analyst(base_url, ids, deadline, n, load) for n in range(analysts)))
    return load


def local(analysts: int, seconds: float) -> None:
    app, ids = seeded_app(CREATORS)
    before = {c.creator_id for c in DataFolderStore(app.data_dir / "store").creators()}
    try:
        load = asyncio.run(drive(app.url, ids, analysts, seconds))
        peak, _ = peak_rss_mib(app.process.pid)
        tracebacks = app.log().count("Traceback")
    finally:
        stop(app.process)
    after = {c.creator_id for c in DataFolderStore(app.data_dir / "store").creators()}
    load.report(f"{analysts} analysts, one process on its data folder")
    print(f"  tracebacks in the app log: {tracebacks}   peak memory: {peak:.0f} MiB")
    print(f"  roster: {len(before)} before, {len(after)} after, lost: {len(before - after)}")


def team(analysts: int, seconds: float) -> None:
    postgres = Postgres().start()
    base = Path(tempfile.mkdtemp(prefix="cis-team-bench-"))
    replicas: list[RunningApp] = []
    nginx = None
    try:
        url = postgres.create_database("studio")
        engine = new_engine(url)
        store = SqlStore(engine)
        ids = seed(
            store, InsightCache(SqlShelf(engine), api_base_url=SANDBOX_CACHE_LABEL), CREATORS
        )
        env = {
            "FPAPI_DATABASE_URL": url,
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
        }
        replicas = [start_app(base / f"data{n}", base / f"replica{n}.log", env) for n in (1, 2)]
        one = asyncio.run(drive(replicas[0].url, ids, analysts, seconds))
        one.report(f"{analysts} analysts, one replica on PostgreSQL")
        port = free_port()
        netlocs = [urlsplit(r.url).netloc.replace("localhost", "127.0.0.1") for r in replicas]
        nginx = start_nginx(base / "nginx", port=port, replicas=netlocs)
        two = asyncio.run(drive(f"http://127.0.0.1:{port}", ids, analysts, seconds))
        two.report(f"{analysts} analysts, two replicas behind nginx on PostgreSQL")
        print(f"two replicas / one: {two.total / one.total:.2f}x the page views")
        tracebacks = sum(r.log().count("Traceback") for r in replicas)
        lost = set(ids) - {c.creator_id for c in store.creators()}
        print(
            f"tracebacks in the replicas' logs: {tracebacks}   roster: {CREATORS} seeded, lost: {len(lost)}"
        )
        engine.dispose()
    finally:
        stop_all(nginx, *(replica.process for replica in replicas))
        postgres.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--local", action="store_true", help="one process on its data folder (default)"
    )
    where.add_argument(
        "--team", action="store_true", help="PostgreSQL: one replica, then two behind nginx"
    )
    parser.add_argument("--analysts", type=int, help="default 10 local, 20 team")
    parser.add_argument("--seconds", type=float, default=120, help="per set-up")
    args = parser.parse_args()
    if args.team:
        team(args.analysts or 20, args.seconds)
    else:
        local(args.analysts or 10, args.seconds)


if __name__ == "__main__":
    main()
