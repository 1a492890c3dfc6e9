"""Time to charts in headless Chromium, each as a ratio to a fresh load of the home page, for
three creator shapes, through both entry points and with sign-in on.

The app runs against the sandbox in its own process with a vendor latency of 300 ms per call.
Creator shapes (the sandbox's ``build_insights`` keywords, set for uncached creators through its
``shapes`` knob):

- largest: 1,000 posts and two years of daily trends (the most the sandbox seeds);
- sparse trends: 1,000 posts, two years of trends with a reading every ~9 days at uneven gaps;
- trends apart: 300 posts, a year of trends that stopped 800 days ago, so that they overlap
  none of the three others it is compared with.

For each shape the roster holds one creator cached, three more (normal, cached) to compare it
with, and two never fetched for each run. A chart counts as drawn when its picture shows: the
server's (``components.figures.preview``) or plotly's; the line below each figure says when
every chart had become interactive (drawn by plotly.js). Every figure is the median of several runs measured
in this one run, and every ratio divides by the fresh home load measured alongside, through the
same entry point:

- fresh home load (the reference): ``/`` in a brand-new browser context, nothing cached, until
  the script is done and the page is drawn (signed in: the context holds the sign-in cookie);
- in-app click: on ``/creators``, a click on "Open insights" two seconds after the roster is
  drawn (as an analyst finds the creator), until every chart of the first view is drawn;
- new tab: the creator's insights page in a new tab of a browser that has the app open;
- compare 4: the creator and the three others on the compare page, in a new tab;
- first open, not cached: the insights of a creator never fetched (another one each time),
  against one vendor fetch of that shape (made with the app's client, parsed) plus a fresh home
  load; by a click on the roster, and in a new tab;
- share page: the largest creator's compare of 4 shared with a client, opened by a browser that
  never signed in (a brand-new context), until its charts are drawn.

Entry points, runs interleaved, each app on its own data folder seeded alike: ``streamlit run
app.py`` (as Streamlit hosts start it), ``streamlit run serve.py`` (self-hosted), and each with
sign-in on against a real OpenID Connect provider on loopback (``oidc-provider-mock``).
New tabs share the browser's HTTP cache, as a returning analyst's would; the last lines say how
often a new tab downloaded plotly.js again, and how each server lets a browser keep it.
Run: ``.venv/bin/python benchmarks/time_to_charts.py [--entry app.py] [--entry serve.py]
[--entry "app.py, sign-in"] [--entry "serve.py, sign-in"] [--runs N]``.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
from browser_harness import (
    CHROMIUM_FLAGS,
    DRAWN,
    chromium_path,
    fresh_load,
    new_tab,
    new_tab_timed,
    start_sandbox,
    until_drawn,
)
from browser_harness import seed as seed_roster
from playwright.sync_api import sync_playwright

from components.frame.plotly_view import PLOTLY_JS, PLOTLY_JS_ROUTE
from fpapi import FirstPartyClient
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import DataFolderStore
from fpapi.workspace.core import open_workspace
from fpapi.workspace.members import Actor
from fpapi.workspace.settings import load_settings
from tests.browser.conftest import RunningApp, sign_in, start_app
from tests.browser.servers import free_port, start_oidc_provider, stop, write_auth_home

LATENCY_MS = 300
RUNS = 5
READING_S = 2.0  # how long an analyst looks at the roster before clicking a creator
SHAPES = {  # name: build_insights' keywords
    "largest": {"posts": 1000, "days": 730},
    "sparse trends": {"posts": 1000, "days": 730, "trend_every": 9},
    "trends apart": {"posts": 300, "days": 365, "trends_end_days_ago": 800},
}
ENTRY_POINTS = {  # name: (script, sign-in on)
    "app.py": ("app.py", False),
    "serve.py": ("serve.py", False),
    "app.py, sign-in": ("app.py", True),
    "serve.py, sign-in": ("serve.py", True),
}
ANALYST = "analyst@agency.test"
FIGURES = (  # key, label, goal (a ratio to the fresh home load; "fetch +" where one is added)
    ("nav", f"in-app click ({READING_S:.0f} s on roster)", 0.8),
    ("tab", "insights in a new tab", 1.6),
    ("comp", "compare 4 in a new tab", 2.0),
    ("first_in_app", f"first open, click ({READING_S:.0f} s)", 1.0),
    ("first_tab", "first open, new tab", 1.0),
)
FIRST_OPENS = ("first_in_app", "first_tab")
SHARE_GOAL = 1.6


@dataclass
class Creators:
    """One shape's creators on the roster: the cached one, the three it is compared with, and
    two never fetched for each run."""

    shaped: str
    others: list[str]
    uncached: list[str]

    @property
    def four(self) -> list[str]:
        return [self.shaped, *self.others]


def seed(data_dir: Path, base_url: str, runs: int) -> dict[str, Creators]:
    """Every shape's creators, numbered alike in every entry's data folder."""
    cache = InsightCache(data_dir / "insights", api_base_url=base_url)
    store = DataFolderStore(data_dir / "store")
    seeded, first = {}, 0
    for name, shape in SHAPES.items():
        shaped = seed_roster(store, cache, 1, first=first, **shape)
        others = seed_roster(store, cache, 3, first=first + 1)
        uncached = seed_roster(store, cache, 2 * runs, first=first + 4, cached=False)
        seeded[name] = Creators(shaped[0], others, uncached)
        first += 4 + 2 * runs
    cache.close()
    store.close()
    return seeded


def in_app(context, app_url: str, creator_id: str, charts: int) -> tuple[float, float]:
    """From the roster, a click on a creator's "Open insights", ``READING_S`` after the roster
    is drawn (the analyst finds the creator first): until drawn, and until interactive."""
    page = context.new_page()
    try:
        page.goto(f"{app_url}/creators")
        page.wait_for_function(DRAWN, arg=0, timeout=120_000)
        time.sleep(READING_S)
        link = page.locator(f"a[href*='insights?creator={creator_id}']").first
        start = time.perf_counter()
        link.click()
        return until_drawn(page, charts, start)
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


def new_tab_and_bundle(context, url: str, charts: int) -> tuple[tuple[float, float], bool]:
    """``url`` in a new tab until drawn and interactive (as ``new_tab_timed``), and whether
    plotly.js came over the network (a transfer size above 0) rather than from the cache."""
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url)
        elapsed = until_drawn(page, charts, start)
        sizes = page.evaluate(BUNDLE_TRANSFERS, PLOTLY_JS.name)
        return elapsed, any(size > 0 for size in sizes)
    finally:
        page.close()


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


@dataclass
class Entry:
    """One entry point's app, the creators it shows, and what was measured through it."""

    name: str
    app: RunningApp
    creators: dict[str, Creators]
    share_url: str
    stop_also: list = field(default_factory=list)  # the sign-in provider's process
    context: object = None  # the browser context its new tabs open in
    signed_in: dict | None = None  # that context's storage state, when sign-in is on
    charts: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    bundle_fetched: list[bool] = field(default_factory=list)
    bundle_caching: str = ""

    def insights(self, creator_id: str) -> str:
        return f"{self.app.url}/insights?creator={creator_id}"

    def compare(self, shape: str) -> str:
        return f"{self.app.url}/compare?creators={','.join(self.creators[shape].four)}"

    def caching(self) -> str:
        """How the server lets a browser keep plotly.js: its Cache-Control, or the heuristic a
        browser applies without one (a tenth of the time since Last-Modified)."""
        headers = httpx.get(f"{self.app.url}{PLOTLY_JS_ROUTE}", timeout=10).headers
        if "cache-control" in headers:
            return f"Cache-Control: {headers['cache-control']}"
        age_s = time.time() - parsedate_to_datetime(headers["last-modified"]).timestamp()
        return f"no Cache-Control; Last-Modified {age_s / 60:.0f} min ago, so fresh for ~{age_s / 600:.0f} min"


def start_entry(name: str, base: Path, base_url: str, token: str, runs: int) -> Entry:
    """The entry point on its own data folder, seeded alike, with a share of the largest
    creator's compare of 4 made through the workspace core."""
    script, signing_in = ENTRY_POINTS[name]
    folder = base / name.replace(".py", "").replace(", ", "-")
    creators = seed(folder / "data", base_url, runs)
    env = {"FPAPI_BASE_URL": base_url, "FPAPI_TOKEN": token}
    ws = open_workspace(load_settings({**env, "FPAPI_DATA_DIR": str(folder / "data")}, []), Actor("bench"))  # fmt: skip
    made = ws.create_share("compare", "For the client", creators["largest"].four, {"fees": {}}, days=7)  # fmt: skip
    ws.close()
    stop_also = []
    port = None
    if signing_in:
        users = [{"sub": ANALYST, "email": ANALYST, "email_verified": True}]
        provider = start_oidc_provider(users, folder / "oidc.log")
        stop_also.append(provider.process)
        port = free_port()
        auth = write_auth_home(folder / "home", app_port=port, provider=provider)
        env |= {"HOME": str(auth.home), "FPAPI_ALLOWED_EMAILS": ANALYST}
    app = start_app(folder / "data", folder / "streamlit.log", env, entry=script, port=port)
    return Entry(name, app, creators, f"{app.url}/share?t={made.token}", stop_also)


def open_context(browser, entry: Entry) -> None:
    """The browser context the entry's new tabs open in: signed in when sign-in is on."""
    entry.context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if entry.stop_also:  # sign-in is on
        page = entry.context.new_page()
        sign_in(page, entry.app.url, ANALYST)
        page.close()
        entry.signed_in = entry.context.storage_state()


def measure(browser, entry: Entry, run: int) -> None:
    """One run of every figure through one entry point."""
    context, url, times = entry.context, entry.app.url, entry.times
    times["home"].append(fresh_load(browser, url, signed_in=entry.signed_in))
    for shape, creators in entry.creators.items():
        on_insights, on_compare = (
            entry.charts[f"{shape} insights"],
            entry.charts[f"{shape} compare"],
        )
        opened, in_tab = creators.uncached[2 * run], creators.uncached[2 * run + 1]
        elapsed, fetched = new_tab_and_bundle(context, entry.insights(creators.shaped), on_insights)
        entry.bundle_fetched.append(fetched)
        for key, (shown, interactive) in {
            "nav": in_app(context, url, creators.shaped, on_insights),
            "tab": elapsed,
            "comp": new_tab_timed(context, entry.compare(shape), on_compare),
            "first_in_app": in_app(context, url, opened, on_insights),
            "first_tab": new_tab_timed(context, entry.insights(in_tab), on_insights),
        }.items():
            times[shape, key].append(shown)
            times[shape, key, "interactive"].append(interactive)
    times["share"].append(fresh_load(browser, entry.share_url, entry.charts["share"]))


def report(entries: list[Entry], fetch_ms: dict[str, float], runs: int) -> None:
    width = 22
    print(f"headless Chromium; vendor latency {LATENCY_MS} ms; median of {runs}, entry points "
          "taking turns; ratios to the fresh home load through the same entry point")  # fmt: skip
    print(" " * 40 + "".join(f"{e.name:{width}s}" for e in entries) + "goal")
    homes = {e.name: median_ms(e.times["home"]) for e in entries}
    missed = []

    def row(label: str, cells: list[str], goal: str = "") -> None:
        print(f"  {label + ':':38s}" + "".join(f"{cell:{width}s}" for cell in cells) + goal)

    row("fresh home load (the reference)", [f"{homes[e.name]:.0f} ms" for e in entries])
    for shape in SHAPES:
        print(f"  {shape} ({', '.join(f'{k} {v}' for k, v in SHAPES[shape].items())}); "
              f"one fetch {fetch_ms[shape]:.0f} ms")  # fmt: skip
        row("  charts on the first view", [
            f"insights {e.charts[f'{shape} insights']}, compare {e.charts[f'{shape} compare']}"
            for e in entries
        ])  # fmt: skip
        for key, label, goal in FIGURES:
            fetch = fetch_ms[shape] if key in FIRST_OPENS else 0.0
            cells, later = [], []
            for e in entries:
                ms = median_ms(e.times[shape, key])
                ratio = (ms - fetch) / homes[e.name]
                cells.append(f"{ms:.0f} ms " + (f"f+{ratio:.2f}x" if fetch else f"{ratio:.2f}x"))
                if ratio > goal:
                    missed.append(f"{e.name} {shape} {label}")
                ms = median_ms(e.times[shape, key, "interactive"])
                ratio = (ms - fetch) / homes[e.name]
                later.append(f"{ms:.0f} ms " + (f"f+{ratio:.2f}x" if fetch else f"{ratio:.2f}x"))
            row("  " + label, cells, ("fetch + " if fetch else "") + f"<= {goal}x")
            row("    every chart interactive", later)
    cells = []
    for e in entries:
        ratio = median_ms(e.times["share"]) / homes[e.name]
        cells.append(f"{median_ms(e.times['share']):.0f} ms {ratio:.2f}x")
        if ratio > SHARE_GOAL:
            missed.append(f"{e.name} share page")
    row(f"share page, no account ({entries[0].charts['share']} charts)", cells, f"<= {SHARE_GOAL}x")
    row("plotly.js fetched in new tabs", [
        f"{sum(e.bundle_fetched)} of {len(e.bundle_fetched)}" for e in entries
    ])  # fmt: skip
    for entry in entries:
        print(f"  plotly.js through {entry.name}: {entry.bundle_caching}")
    print("Every goal holds." if not missed else "MISSED: " + "; ".join(missed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entry", choices=ENTRY_POINTS, action="append",
                        help="an entry point to measure (default: all four)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs (default {RUNS})")
    args = parser.parse_args()
    names, runs = args.entry or list(ENTRY_POINTS), args.runs
    token = secrets.token_urlsafe(24)
    sandbox, base_url = start_sandbox(token, latency_ms=LATENCY_MS)
    base = Path(tempfile.mkdtemp(prefix="cis-bench-"))
    entries: list[Entry] = []
    try:
        for name in names:
            entries.append(start_entry(name, base, base_url, token, runs))
        fetch_ms = vendor_fetches(base_url, token, entries[0].creators)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            for entry in entries:
                open_context(browser, entry)
                entry.charts["share"] = charts_on(browser.new_context(), entry.share_url)
                for shape, creators in entry.creators.items():
                    entry.charts[f"{shape} insights"] = charts_on(
                        entry.context, entry.insights(creators.shaped)
                    )
                    entry.charts[f"{shape} compare"] = charts_on(entry.context, entry.compare(shape))  # fmt: skip
                for url in (entry.app.url, entry.insights(entry.creators["largest"].shaped)):
                    new_tab(entry.context, url, 0)  # the HTTP cache and the server warm up
            for run in range(runs):  # interleaved: each ratio's parts share the machine's mood
                for entry in entries if run % 2 else entries[::-1]:  # none always first
                    measure(browser, entry, run)
            browser.close()
        for entry in entries:
            entry.bundle_caching = entry.caching()
    finally:
        for entry in entries:
            stop(entry.app.process)
            for process in entry.stop_also:
                stop(process)
        sandbox.terminate()
    report(entries, fetch_ms, runs)


def vendor_fetches(base_url: str, token: str, creators: dict[str, Creators]) -> dict[str, float]:
    """Shape the sandbox's bodies of the uncached creators, and time one fetch of each shape
    (median, made with the app's client and parsed) once the sandbox has built them."""
    shapes = {c: SHAPES[name] for name, group in creators.items() for c in group.uncached}
    httpx.post(f"{base_url.removesuffix('/api/v1')}/_sandbox/knobs", json={"shapes": shapes},
               headers={"Authorization": f"Bearer {token}"}, timeout=10).raise_for_status()  # fmt: skip
    fetch_ms = {}
    with FirstPartyClient(base_url, token) as client:
        for name, group in creators.items():
            for creator_id in group.uncached:  # the sandbox builds each body once, ahead of time
                client.get_instagram_insights(creator_id)
            times = []
            for creator_id in group.uncached:
                start = time.perf_counter()
                client.get_instagram_insights(creator_id)
                times.append(time.perf_counter() - start)
            fetch_ms[name] = median_ms(times)
    return fetch_ms


if __name__ == "__main__":
    main()
