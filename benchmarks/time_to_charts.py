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

New tabs share the browser's HTTP cache, as a returning analyst's would.
Run: ``.venv/bin/python benchmarks/time_to_charts.py``.
"""

from __future__ import annotations

import secrets
import statistics
import time

from browser_harness import CHROMIUM_FLAGS, DRAWN, chromium_path, fresh_load, new_tab, start_sandbox
from browser_harness import seed as seed_roster
from playwright.sync_api import sync_playwright

from fpapi import FirstPartyClient
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import DataFolderStore
from tests.browser.conftest import start_app

LATENCY_MS = 300
RUNS = 7
READING_S = 2.0  # how long an analyst looks at the roster before clicking a creator
POSTS, DAYS = 900, 730


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


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    import tempfile
    from pathlib import Path

    token = secrets.token_urlsafe(24)
    sandbox, base_url = start_sandbox(token, latency_ms=LATENCY_MS)
    base = Path(tempfile.mkdtemp(prefix="cis-bench-"))
    big, four, uncached = seed(base / "data", base_url)
    app = start_app(base / "data", base / "streamlit.log",
                    {"FPAPI_BASE_URL": base_url, "FPAPI_TOKEN": token})  # fmt: skip
    try:
        with FirstPartyClient(base_url, token) as client:
            for creator_id in uncached:  # the sandbox builds each body once, ahead of time
                client.get_instagram_insights(creator_id)
            fetch = []
            for creator_id in uncached:
                start = time.perf_counter()
                client.get_instagram_insights(creator_id)
                fetch.append(time.perf_counter() - start)
        insights = f"{app.url}/insights?creator={big}"
        compare = f"{app.url}/compare?creators={','.join(four)}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            on_insights, on_compare = charts_on(context, insights), charts_on(context, compare)
            for url in (app.url, insights, compare):  # the HTTP cache and the server warm up
                new_tab(context, url, 0)
            home, warm_home, nav, at_once, tab, comp = [], [], [], [], [], []
            first_in_app, first_tab = [], []
            for run in range(RUNS):  # interleaved: each ratio's parts share the machine's mood
                home.append(fresh_load(browser, app.url))
                warm_home.append(new_tab(context, app.url, 0))
                nav.append(in_app(context, app.url, big, on_insights, reading_s=READING_S))
                at_once.append(in_app(context, app.url, big, on_insights, reading_s=0))
                tab.append(new_tab(context, insights, on_insights))
                comp.append(new_tab(context, compare, on_compare))
                first_in_app.append(
                    in_app(context, app.url, uncached[2 * run], on_insights, reading_s=READING_S)
                )
                first_tab.append(
                    new_tab(context, f"{app.url}/insights?creator={uncached[2 * run + 1]}",
                            on_insights)
                )  # fmt: skip
            browser.close()
    finally:
        app.process.terminate()
        sandbox.terminate()

    home_ms, fetch_ms = median_ms(home), median_ms(fetch)
    print(f"headless Chromium, {POSTS}-post creator with {DAYS} days of trends; "
          f"vendor latency {LATENCY_MS} ms; median of {RUNS}")  # fmt: skip
    print(f"  charts on the first view: insights {on_insights}, compare {on_compare}")
    print(f"  fresh home load (new browser):    {home_ms:6.0f} ms   (the reference)")
    print(f"  home in a new tab (cache warm):   {median_ms(warm_home):6.0f} ms")
    rows = [
        (f"in-app click ({READING_S:.0f} s on roster)", median_ms(nav), home_ms, "0.8"),
        ("in-app click at once", median_ms(at_once), home_ms, "0.8"),
        ("insights in a new tab", median_ms(tab), home_ms, "1.6"),
        ("compare 4 in a new tab", median_ms(comp), home_ms, "2.0"),
    ]
    for label, value, against, goal in rows:
        print(
            f"  {label + ':':33s} {value:6.0f} ms  {value / against:4.2f}x home   (goal <= {goal}x)"
        )
    print(f"  one vendor fetch (client, parsed): {fetch_ms:5.0f} ms")
    for label, values, goal in (
        (f"first open, click ({READING_S:.0f} s on roster)", first_in_app, "<= 1.0x"),
        ("first open, new tab", first_tab, f"cached in a new tab: {median_ms(tab) / home_ms:.2f}x"),
    ):
        value = median_ms(values)
        print(
            f"  {label + ':':33s} {value:6.0f} ms  = one fetch + "
            f"{(value - fetch_ms) / home_ms:4.2f}x home   ({goal})"
        )


if __name__ == "__main__":
    main()
