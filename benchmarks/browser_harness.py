"""Shared by the browser benchmarks: a running app with N cached creators, and Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from components.frame.loaders import SANDBOX_CACHE_LABEL  # noqa: E402
from fpapi import Insights  # noqa: E402
from fpapi.sandbox import build_insights  # noqa: E402
from fpapi.sandbox.accounts import generated_account  # noqa: E402
from fpapi.storage.cache import InsightCache  # noqa: E402
from fpapi.storage.data_folder import DataFolderStore  # noqa: E402
from fpapi.storage.records import Creator  # noqa: E402
from fpapi.storage.store import Store  # noqa: E402
from tests.browser.conftest import CHROMIUM_FLAGS as BASE_FLAGS  # noqa: E402
from tests.browser.conftest import RunningApp, start_app  # noqa: E402
from tests.browser.servers import free_port  # noqa: E402

# The full chromium (an analyst's browser, not the tests' headless shell) in its headless mode.
CHROMIUM_FLAGS = ["--headless=new", *BASE_FLAGS]
CHARTS_ON_INSIGHTS = 3  # the follower trend and the first section (Engagement)
CHARTS_ON_COMPARE = 1  # the growth chart; the others are tabs of their own


def seed(store: Store, cache: InsightCache, creators: int, *, first: int = 0,
         cached: bool = True, **shape: int | None) -> list[str]:  # fmt: skip
    """Put ``creators`` of the sandbox's generated creators on the roster, numbered from
    ``first`` (the sandbox answers for each of them), their insights cached unless ``cached``
    is False, in ``shape`` (``build_insights``' keywords: posts, days, trend_every,
    trends_end_days_ago); their ids."""
    ids = []
    for number in range(first, first + creators):
        account = generated_account(number)
        if cached:
            insights = Insights.from_raw(build_insights(account, **shape))
            cache.put(account.creator_id, insights)
        store.add_creator(Creator(creator_id=account.creator_id, connector="instagram", name=account.name,
                                  username=account.username, verified_at=time.time()))  # fmt: skip
        ids.append(account.creator_id)
    return ids


def seeded_app(
    creators: int, *, posts: int | None = None, days: int | None = None
) -> tuple[RunningApp, list[str]]:
    """Start the app on a fresh data folder holding ``creators`` creators with cached insights."""
    base = Path(tempfile.mkdtemp(prefix="cis-bench-"))
    data_dir = base / "data"
    cache = InsightCache(data_dir / "insights", api_base_url=SANDBOX_CACHE_LABEL)
    store = DataFolderStore(data_dir / "store")
    ids = seed(store, cache, creators, posts=posts, days=days)
    cache.close()
    store.close()
    return start_app(data_dir, base / "streamlit.log"), ids


def start_sandbox(token: str, *, latency_ms: float) -> tuple[subprocess.Popen, str]:
    """The sandbox in its own process (as the vendor would be: it does not share the app's
    CPU), answering every call after ``latency_ms``; the process and its API root."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "fpapi.sandbox", "--port", str(port), "--latency-ms", str(latency_ms)],
        cwd=ROOT, env={**os.environ, "FPAPI_TOKEN": token}, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/")
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    return process, f"http://127.0.0.1:{port}/api/v1"


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        raise SystemExit("Debian's chromium is needed: apt-get install chromium")
    return path


def peak_rss_mib(pid: int) -> tuple[float, float]:
    """(peak, current) resident memory of a process, from /proc."""
    fields = dict(
        line.split(":", 1)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if ":" in line
    )
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# Done: the script has finished, no skeleton is left, the page's title is there, and at least
# ``n`` charts exist, every one of them showing: the server's picture of it, or plotly's
# drawing (``components.figures.preview``).
DRAWN = """n => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector("[data-testid='stSkeleton']")) return false;
  if (!document.querySelector("[data-testid='stMain'] h1")) return false;
  const charts = [...document.querySelectorAll("[data-testid='cisPlotlyChart']")];
  return charts.length >= n && charts.every(c => c.querySelector('.main-svg, .cis-preview'));
}"""
# And every chart drawn by plotly: the hover, zoom and range buttons work.
INTERACTIVE = """() => [...document.querySelectorAll("[data-testid='cisPlotlyChart']")]
  .every(c => c.querySelector('.main-svg') && !c.querySelector('.cis-preview'))"""
__all__ = ["CHROMIUM_FLAGS", "DRAWN", "INTERACTIVE", "fresh_load", "new_tab", "until_drawn"]


def until_drawn(page, charts: int, start: float) -> tuple[float, float]:
    """Seconds from ``start`` until ``page`` is drawn with ``charts`` charts showing, and
    until every one of them is interactive."""
    page.wait_for_function(DRAWN, arg=charts, timeout=120_000, polling="raf")
    shown = time.perf_counter() - start
    page.wait_for_function(INTERACTIVE, timeout=120_000, polling="raf")
    return shown, time.perf_counter() - start


def new_tab(context, url: str, charts: int) -> float:
    """``url`` in a new tab of ``context``, until drawn with ``charts`` charts showing."""
    return new_tab_timed(context, url, charts)[0]


def new_tab_timed(context, url: str, charts: int) -> tuple[float, float]:
    """``url`` in a new tab of ``context``: seconds until drawn, and until interactive."""
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url)
        return until_drawn(page, charts, start)
    finally:
        page.close()


def fresh_load(browser, url: str, charts: int = 0, *, signed_in: dict | None = None) -> float:
    """A page in a brand-new browser context (nothing cached, as on a first visit; holding
    only the sign-in cookie of ``signed_in``, a context's storage state, when given), until
    drawn with ``charts`` charts: the reference every browser benchmark divides by."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, storage_state=signed_in)
    try:
        return new_tab(context, url, charts)
    finally:
        context.close()
