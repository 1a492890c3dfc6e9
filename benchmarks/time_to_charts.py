"""Time to charts in headless Chromium, each as a ratio to a fresh load of the home page.

The app runs against the sandbox in its own process with a vendor latency of 300 ms per call;
the roster holds the large creator (900 posts, two years of daily trends), three more for the
compare page (cached), and one never fetched. Every figure is the median of several runs
measured in this one run, and every ratio divides by the home page measured alongside:

- fresh home load (the reference): ``/`` in a brand-new browser context, nothing cached, until
  the script is done and the page is drawn (the same page in a new tab of a warm browser is
  printed too);
- in-app: on ``/creators``, a click on "Open insights" until every chart of the first view
  is drawn (the browser keeps its JavaScript); once two seconds after the roster is drawn, as
  an analyst finds the creator, and once at the very moment it is drawn;
- new tab: the same insights page opened in a new tab;
- compare 4: the compare page for four creators in a new tab;
- first open, not cached: the insights of a creator never fetched (another one each time),
  against one vendor fetch (made with the app's client, parsed) plus a fresh home load; as an
  analyst opens a creator just verified, by a click on the roster (two seconds after it is
  drawn), and in a new tab.

New tabs share the browser's HTTP cache, as a returning analyst's would; the last lines say
how often a new tab downloaded plotly.js again, and how each server lets a browser keep it.

Every figure is measured through both entry points in the same run, runs interleaved, each
app on its own data folder seeded alike: ``streamlit run app.py`` (as Streamlit hosts start
it) and ``streamlit run serve.py`` (self-hosted); each ratio divides by the fresh home load
through the same entry point.
Run: ``.venv/bin/python benchmarks/time_to_charts.py [--entry app.py] [--entry serve.py]``.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx
from browser_harness import CHROMIUM_FLAGS, DRAWN, chromium_path, fresh_load, new_tab, start_sandbox
from browser_harness import seed as seed_roster
from playwright.sync_api import sync_playwright

from components.frame.plotly_view import PLOTLY_JS, PLOTLY_JS_ROUTE
from fpapi import FirstPartyClient
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import DataFolderStore
from tests.browser.conftest import RunningApp, start_app
from tests.browser.servers import stop

LATENCY_MS = 300
RUNS = 7
READING_S = 2.0  # how long an analyst looks at the roster before clicking a creator
POSTS, DAYS = 900, 730
# As Streamlit hosts start the app, and as the README's self-hosting starts it.
ENTRY_POINTS = ("app.py", "serve.py")


def seed(data_dir, base_url: str) -> tuple[str, list[str], list[str]]:
    """The large creator, three more cached for the compare page, and two never fetched for
    each run (one opened from the roster, one in a new tab)."""
    cache = InsightCache(data_dir / "insights", api_base_url=base_url)
    store = DataFolderStore(data_dir / "store")
    big = seed_roster(store, cache, 1, posts=POSTS, days=DAYS)
    others = seed_roster(store, cache, 3, first=1)
    uncached = seed_roster(store, cache, 2 * RUNS, first=4, cached=False)
    cache.close()
    store.close()
    return big[0], big + others, uncached


def in_app(context, app_url: str, creator_id: str, charts: int, *, reading_s: float) -> float:
    """From the roster, a click on a creator's "Open insights", ``reading_s`` after the roster
    is drawn (the analyst finds the creator first)."""
    page = context.new_page()
    try:
        page.goto(f"{app_url}/creators")
        page.wait_for_function(DRAWN, arg=0, timeout=120_000)
        time.sleep(reading_s)
        link = page.locator(f"a[href*='insights?creator={creator_id}']").first
        start = time.perf_counter()
        link.click()
        page.wait_for_function(DRAWN, arg=charts, timeout=120_000, polling="raf")
        return time.perf_counter() - start
    finally:
        page.close()


def charts_on(context, url: str) -> int:
    page = context.new_page()
    try:
        page.goto(url)
        page.wait_for_function(DRAWN, arg=1, timeout=120_000)
        time.sleep(1)
        return page.locator("[data-testid='cisPlotlyChart']").count()
    finally:
        page.close()


BUNDLE_TRANSFERS = """name => performance.getEntriesByType('resource')
  .filter(entry => entry.name.includes(name)).map(entry => entry.transferSize)"""


def new_tab_and_bundle(context, url: str, charts: int) -> tuple[float, bool]:
    """``url`` in a new tab until drawn (as ``new_tab``), and whether plotly.js came over the
    network (a transfer size above 0) rather than from the browser's cache."""
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(DRAWN, arg=charts, timeout=120_000, polling="raf")
        elapsed = time.perf_counter() - start
        sizes = page.evaluate(BUNDLE_TRANSFERS, PLOTLY_JS.name)
        return elapsed, any(size > 0 for size in sizes)
    finally:
        page.close()


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


@dataclass
class Entry:
    """One entry point's app, the creators it shows, and what was measured through it."""

    script: str
    app: RunningApp
    big: str
    four: list[str]
    uncached: list[str]
    charts: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    bundle_fetched: list[bool] = field(default_factory=list)
    bundle_caching: str = ""

    @property
    def insights(self) -> str:
        return f"{self.app.url}/insights?creator={self.big}"

    @property
    def compare(self) -> str:
        return f"{self.app.url}/compare?creators={','.join(self.four)}"

    def caching(self) -> str:
        """How the server lets a browser keep plotly.js: its Cache-Control, or the heuristic a
        browser applies without one (a tenth of the time since Last-Modified)."""
        headers = httpx.get(f"{self.app.url}{PLOTLY_JS_ROUTE}", timeout=10).headers
        if "cache-control" in headers:
            return f"Cache-Control: {headers['cache-control']}"
        age_s = time.time() - parsedate_to_datetime(headers["last-modified"]).timestamp()
        return f"no Cache-Control; Last-Modified {age_s / 60:.0f} min ago, so fresh for ~{age_s / 600:.0f} min"


def start_entry(script: str, base, base_url: str, token: str) -> Entry:
    """``streamlit run <script>`` on its own data folder, seeded alike."""
    folder = base / script.removesuffix(".py")
    big, four, uncached = seed(folder / "data", base_url)
    app = start_app(folder / "data", folder / "streamlit.log",
                    {"FPAPI_BASE_URL": base_url, "FPAPI_TOKEN": token}, entry=script)  # fmt: skip
    return Entry(script, app, big, four, uncached)


def measure(browser, context, entry: Entry, run: int) -> None:
    """One run of every figure through one entry point."""
    times, url = entry.times, entry.app.url
    times["home"].append(fresh_load(browser, url))
    times["warm_home"].append(new_tab(context, url, 0))
    on_insights = entry.charts["insights"]
    times["nav"].append(in_app(context, url, entry.big, on_insights, reading_s=READING_S))
    times["at_once"].append(in_app(context, url, entry.big, on_insights, reading_s=0))
    elapsed, fetched = new_tab_and_bundle(context, entry.insights, on_insights)
    times["tab"].append(elapsed)
    entry.bundle_fetched.append(fetched)
    times["comp"].append(new_tab(context, entry.compare, entry.charts["compare"]))
    times["first_in_app"].append(
        in_app(context, url, entry.uncached[2 * run], on_insights, reading_s=READING_S)
    )
    times["first_tab"].append(
        new_tab(context, f"{url}/insights?creator={entry.uncached[2 * run + 1]}", on_insights)
    )


def report(entries: list[Entry], fetch_ms: float) -> None:
    width = 24
    print(f"headless Chromium, {POSTS}-post creator with {DAYS} days of trends; "
          f"vendor latency {LATENCY_MS} ms; median of {RUNS}, entry points taking turns")  # fmt: skip
    print(f"  one vendor fetch (client, parsed): {fetch_ms:.0f} ms")
    print(" " * 39 + "".join(f"{'streamlit run ' + e.script:{width}s}" for e in entries) + "goal")
    homes = {e.script: median_ms(e.times["home"]) for e in entries}

    def row(label: str, cells: list[str], goal: str = "") -> None:
        print(f"  {label + ':':37s}" + "".join(f"{cell:{width}s}" for cell in cells) + goal)

    row("charts on the first view", [
        f"insights {e.charts['insights']}, compare {e.charts['compare']}" for e in entries
    ])  # fmt: skip
    row("fresh home load (the reference)", [f"{homes[e.script]:.0f} ms" for e in entries])
    row("home in a new tab (cache warm)", [
        f"{median_ms(e.times['warm_home']):.0f} ms" for e in entries
    ])  # fmt: skip
    for key, label, goal in (
        ("nav", f"in-app click ({READING_S:.0f} s on roster)", "<= 0.8x"),
        ("at_once", "in-app click at once", "<= 0.8x"),
        ("tab", "insights in a new tab", "<= 1.6x"),
        ("comp", "compare 4 in a new tab", "<= 2.0x"),
    ):
        row(label, [
            f"{median_ms(e.times[key]):.0f} ms {median_ms(e.times[key]) / homes[e.script]:.2f}x"
            for e in entries
        ], goal)  # fmt: skip
    for key, label, goal in (
        ("first_in_app", f"first open, click ({READING_S:.0f} s on roster)", "fetch + <= 1.0x"),
        ("first_tab", "first open, new tab", "fetch + <= 1.0x"),
    ):
        row(label, [
            f"fetch + {(median_ms(e.times[key]) - fetch_ms) / homes[e.script]:.2f}x" for e in entries
        ], goal)  # fmt: skip
    row("plotly.js fetched in new tabs", [
        f"{sum(e.bundle_fetched)} of {len(e.bundle_fetched)}" for e in entries
    ])  # fmt: skip
    for entry in entries:
        print(f"  plotly.js through {entry.script}: {entry.bundle_caching}")


def main() -> None:
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entry", choices=ENTRY_POINTS, action="append",
                        help="an entry point to measure (default: both)")  # fmt: skip
    scripts = parser.parse_args().entry or list(ENTRY_POINTS)
    token = secrets.token_urlsafe(24)
    sandbox, base_url = start_sandbox(token, latency_ms=LATENCY_MS)
    base = Path(tempfile.mkdtemp(prefix="cis-bench-"))
    entries: list[Entry] = []
    try:
        for script in scripts:
            entries.append(start_entry(script, base, base_url, token))
        with FirstPartyClient(base_url, token) as client:
            uncached = entries[0].uncached  # the same ids in every entry's own data folder
            for creator_id in uncached:  # the sandbox builds each body once, ahead of time
                client.get_instagram_insights(creator_id)
            fetch = []
            for creator_id in uncached:
                start = time.perf_counter()
                client.get_instagram_insights(creator_id)
                fetch.append(time.perf_counter() - start)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            for entry in entries:
                entry.charts = {
                    "insights": charts_on(context, entry.insights),
                    "compare": charts_on(context, entry.compare),
                }
                for url in (entry.app.url, entry.insights, entry.compare):
                    new_tab(context, url, 0)  # the HTTP cache and the server warm up
            for run in range(RUNS):  # interleaved: each ratio's parts share the machine's mood
                for entry in entries if run % 2 else entries[::-1]:  # neither always first
                    measure(browser, context, entry, run)
            browser.close()
        for entry in entries:
            entry.bundle_caching = entry.caching()
    finally:
        for entry in entries:
            stop(entry.app.process)
        sandbox.terminate()
    report(entries, median_ms(fetch))


if __name__ == "__main__":
    main()
