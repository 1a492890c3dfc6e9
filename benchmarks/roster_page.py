"""The roster at agency scale, as ratios measured in one run (issue 16's goals).

Rosters seeded as ``python -m fpapi.sandbox.seed`` seeds them (varied labels, tags, statuses):

- a fresh load of ``/creators`` (new browser context, until drawn) with 1,000 and with 10,000
  creators, against a fresh load of the home page of the same app;
- a search keystroke (a handle typed, then Enter) until its one result is drawn, against the
  same;
- the store's calls behind the roster at 1,000 and 10,000 creators, in milliseconds: a page
  (the first, and the 100th of 10,000), a search, a tag and status filter, the counts, and a
  picker's search; on the data folder (SQLite) and, where PostgreSQL is installed, the team
  database.

Run: ``.venv/bin/python benchmarks/roster_page.py``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from browser_harness import CHROMIUM_FLAGS, DRAWN, chromium_path, fresh_load
from playwright.sync_api import sync_playwright

from fpapi.commands.seed import seeded_creators
from fpapi.sandbox.accounts import generated_account
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import RosterQuery
from fpapi.storage.sql_store import SqlStore
from fpapi.storage.store import Store
from tests.browser.conftest import start_app
from tests.postgres import Postgres

RUNS = 5
SIZES = (1_000, 10_000)


def seed(store: Store, count: int) -> Store:
    store.add_new_creators(seeded_creators(count, now=time.time()))
    return store


def store_ms(store: Store, count: int) -> dict[str, float]:
    calls: dict[str, Callable[[], object]] = {
        "first page": lambda: store.roster_page(RosterQuery()),
        "last page": lambda: store.roster_page(RosterQuery(page=count // 50, sort="name")),
        "search": lambda: store.roster_page(RosterQuery(text="lucia")),
        "tag+status": lambda: store.roster_page(RosterQuery(tags=("gifting",), status="new")),
        "counts": store.roster_counts,
        "picker": lambda: store.find_creators("ana"),
    }
    timings = {}
    for name, call in calls.items():
        call()
        samples = []
        for _ in range(RUNS * 4):
            start = time.perf_counter()
            call()
            samples.append(time.perf_counter() - start)
        timings[name] = statistics.median(samples) * 1000
    return timings


def keystroke(browser, url: str, handle: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(DRAWN, arg=0, timeout=120_000)
        box = page.get_by_label("Search by name, handle, label or tag")
        box.fill(handle)
        start = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(
            "() => document.querySelector(\"[data-testid='stMain']\").innerText"
            ".includes('Showing 1 of 1 matching creators')",
            timeout=60_000,
        )
        return time.perf_counter() - start
    finally:
        context.close()


def postgres_store(count: int) -> tuple[SqlStore | None, Postgres | None]:
    """A team database with ``count`` seeded creators, or none where PostgreSQL is missing."""
    try:
        postgres = Postgres().start()
    except RuntimeError as err:
        print(f"(no PostgreSQL figures: {str(err).splitlines()[0]})")
        return None, None
    store = SqlStore(postgres.create_database("roster"))
    seed(store, count)
    return store, postgres


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="cis-roster-"))
    timings = {}
    for count in SIZES:
        store = seed(DataFolderStore(base / f"data-{count}" / "store"), count)
        timings[("data folder", count)] = store_ms(store, count)
        store.close()
    for count in SIZES:
        team, postgres = postgres_store(count)
        if team is not None and postgres is not None:
            timings[("PostgreSQL", count)] = store_ms(team, count)
            postgres.remove()
    handle = generated_account(42).username
    browser_ms: dict[int, tuple[float, float, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for count in SIZES:
            app = start_app(base / f"data-{count}", base / f"streamlit-{count}.log")
            try:
                fresh_load(browser, app.url)  # the server warms up
                fresh_load(browser, f"{app.url}/creators")
                home, roster, search = [], [], []
                for _ in range(RUNS):  # interleaved: each ratio's parts share the machine's mood
                    home.append(fresh_load(browser, app.url))
                    roster.append(fresh_load(browser, f"{app.url}/creators"))
                    search.append(keystroke(browser, f"{app.url}/creators", handle))
            finally:
                app.process.terminate()
            browser_ms[count] = tuple(statistics.median(x) * 1000 for x in (home, roster, search))
        browser.close()

    print(f"headless Chromium; rosters seeded as fpapi.sandbox.seed does; median of {RUNS}")
    for count, (home_ms, roster_ms, search_ms) in browser_ms.items():
        print(f"  {count:>6,} creators: fresh home load {home_ms:5.0f} ms (the reference)")
        print(f"      fresh /creators:        {roster_ms:6.0f} ms   {roster_ms / home_ms:4.2f}x home"
              "   (goal <= 1.5x)")  # fmt: skip
        print(f"      search keystroke:       {search_ms:6.0f} ms   {search_ms / home_ms:4.2f}x home"
              "   (goal <= 0.5x)")  # fmt: skip
    print("  store calls, median ms (goal < 20 ms each at 10,000):")
    for (where, count), found in timings.items():
        shown = "  ".join(f"{name} {ms:.1f}" for name, ms in found.items())
        print(f"    {where:11s} {count:>6,}: {shown}")


if __name__ == "__main__":
    main()
