"""Insights page in headless Chromium, warm cache: time from request to every chart drawn.

Also the app's peak memory with 50 creators cached, after each of their insights pages and
a few comparisons have been opened. Run: ``.venv/bin/python benchmarks/insights_in_browser.py``.
"""

from __future__ import annotations

import statistics
import time

from browser_harness import (
    CHARTS_ON_COMPARE,
    CHARTS_ON_INSIGHTS,
    CHROMIUM_FLAGS,
    DRAWN,
    chromium_path,
    peak_rss_mib,
    percentile,
    seeded_app,
)
from playwright.sync_api import sync_playwright

RUNS = 10
MEMORY_CREATORS = 50


def time_to_charts(page, url: str, charts: int) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, arg=charts, timeout=120_000)
    return time.perf_counter() - start


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 7000})

        app, ids = seeded_app(1, posts=1000, days=730)
        try:
            url = f"{app.url}/insights?creator={ids[0]}"
            first = time_to_charts(page, url, CHARTS_ON_INSIGHTS)
            warm = [time_to_charts(page, url, CHARTS_ON_INSIGHTS) for _ in range(RUNS)]
        finally:
            app.process.terminate()
        print("insights page, 1,000-post creator with two years of daily trends, headless Chromium")
        print(f"  first open (report built):  {first * 1000:7.0f} ms")
        print(
            f"  warm, median of {RUNS}:        {statistics.median(warm) * 1000:7.0f} ms   p95 {percentile(warm, 0.95) * 1000:.0f} ms"
        )

        app, ids = seeded_app(MEMORY_CREATORS)
        try:
            baseline = peak_rss_mib(app.process.pid)
            for creator_id in ids:
                time_to_charts(page, f"{app.url}/insights?creator={creator_id}", CHARTS_ON_INSIGHTS)
            for start in range(0, MEMORY_CREATORS, 12):
                chunk = ids[start : start + 12]
                if len(chunk) >= 2:
                    time_to_charts(
                        page, f"{app.url}/compare?creators={','.join(chunk)}", CHARTS_ON_COMPARE
                    )
            peak, current = peak_rss_mib(app.process.pid)
        finally:
            app.process.terminate()
        browser.close()
    print(
        f"app memory with {MEMORY_CREATORS} creators cached (each insights page and 5 comparisons opened)"
    )
    print(f"  at start: {baseline[1]:.0f} MiB   peak: {peak:.0f} MiB   after: {current:.0f} MiB")


if __name__ == "__main__":
    main()
