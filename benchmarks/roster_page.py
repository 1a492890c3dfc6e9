"""The roster at agency scale, as ratios measured in one run (issue 16's goals).

- a fresh load of ``/creators`` with 1,000 creators (new browser context, until drawn) against
  a fresh load of the home page;
- a search keystroke (Enter in the search box) until the results are drawn, against the same;
- the store's calls behind the page (the roster, tags, the last fetches) at 1,000 and 10,000
  creators on the data folder's store, in milliseconds.

Run: ``.venv/bin/python benchmarks/roster_page.py``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from browser_harness import CHROMIUM_FLAGS, DRAWN, chromium_path
from playwright.sync_api import sync_playwright

from fpapi.storage.records import Creator
from fpapi.storage.store import Store
from tests.browser.conftest import start_app

RUNS = 5


def fill(data_dir: Path, count: int) -> Store:
    store = Store(data_dir / "store")
    now = time.time()
    for i in range(count):
        store.add_creator(Creator(f"demo-{i:05d}", "instagram", name=f"Demo Creator {i:05d}",
                                  username=f"demo.{i:05d}", verified_at=now - i * 60))  # fmt: skip
        if i % 10 == 0:
            store.set_relationship(f"demo-{i:05d}", tags=["travel"], status="shortlisted")
    return store


def store_ms(store: Store) -> dict[str, float]:
    calls = {
        "creators()": store.creators,
        "relationships()": store.relationships,
        "latest_snapshots()": store.latest_snapshots,
    }
    timings = {}
    for name, call in calls.items():
        samples = []
        for _ in range(RUNS):
            start = time.perf_counter()
            call()
            samples.append(time.perf_counter() - start)
        timings[name] = statistics.median(samples) * 1000
    return timings


def fresh(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(DRAWN, arg=0, timeout=120_000)
        return time.perf_counter() - start
    finally:
        context.close()


def keystroke(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(DRAWN, arg=0, timeout=120_000)
        box = page.get_by_label("Search by name, handle, label or tag")
        box.fill("Creator 00042")
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


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="cis-roster-"))
    store = fill(base / "data", 1_000)
    at_1k = store_ms(store)
    store.close()
    big = fill(base / "big", 10_000)
    at_10k = store_ms(big)
    big.close()
    app = start_app(base / "data", base / "streamlit.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            fresh(browser, app.url)  # the server warms up
            home, roster, search = [], [], []
            for _ in range(RUNS):
                home.append(fresh(browser, app.url))
                roster.append(fresh(browser, f"{app.url}/creators"))
                search.append(keystroke(browser, f"{app.url}/creators"))
            browser.close()
    finally:
        app.process.terminate()
    home_ms = statistics.median(home) * 1000
    roster_ms = statistics.median(roster) * 1000
    search_ms = statistics.median(search) * 1000
    print(f"headless Chromium, data-folder store; median of {RUNS}")
    print(f"  fresh home load:                 {home_ms:6.0f} ms   (the reference)")
    print(
        f"  fresh /creators, 1,000 creators: {roster_ms:6.0f} ms   {roster_ms / home_ms:4.2f}x home   (goal <= 1.5x)"
    )
    print(
        f"  search keystroke to results:     {search_ms:6.0f} ms   {search_ms / home_ms:4.2f}x home   (goal <= 0.5x)"
    )
    for count, timings in ((1_000, at_1k), (10_000, at_10k)):
        shown = "  ".join(f"{name} {ms:.1f} ms" for name, ms in timings.items())
        print(f"  store at {count:>6,} creators: {shown}   (goal < 20 ms each)")


if __name__ == "__main__":
    main()
