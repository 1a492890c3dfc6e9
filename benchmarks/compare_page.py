"""Compare 12 creators: cold against a sandbox with 300 ms latency per call, then warm.

Cold should cost about one fetch, not twelve: the page fetches concurrently through
``get_many_instagram_insights``. The sandbox runs in its own process (as the vendor would:
it does not share the app's CPU), and the page runs under Streamlit's AppTest.
Run: ``.venv/bin/python benchmarks/compare_page.py``.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from browser_harness import start_sandbox  # noqa: E402  (benchmarks/ is the script's folder)
from streamlit.testing.v1 import AppTest  # noqa: E402

from components.frame.pages import PAGES  # noqa: E402
from fpapi import FirstPartyClient  # noqa: E402
from fpapi.sandbox import instagram_pool  # noqa: E402
from fpapi.storage.data_folder import DataFolderStore  # noqa: E402
from fpapi.storage.records import Creator  # noqa: E402

LATENCY_S = 0.3
CREATORS = 12
RUNS = 3


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def run_compare(ids: list[str]) -> float:
    """The compare page's own run, from the app's home page (not timed) as an analyst arrives."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["creators"] = ",".join(ids)
    at.run()
    start = time.perf_counter()
    at.switch_page(PAGES["compare"].path).run()
    spent = time.perf_counter() - start
    assert not at.exception and len(at.table[0].value.columns) == len(ids), at.exception
    return spent


def fresh_data_dir(accounts) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cis-bench-"))
    os.environ["FPAPI_DATA_DIR"] = str(data_dir)
    store = DataFolderStore(data_dir / "store")
    for a in accounts:
        store.add_creator(Creator(creator_id=a.creator_id, connector="instagram", name=a.name,
                                  username=a.username, verified_at=time.time()))  # fmt: skip
    store.close()


def main() -> None:
    accounts = list(instagram_pool()[:CREATORS])
    ids = [a.creator_id for a in accounts]
    token = secrets.token_urlsafe(24)
    sandbox, base_url = start_sandbox(token, latency_ms=LATENCY_S * 1000)
    os.environ["FPAPI_BASE_URL"], os.environ["FPAPI_TOKEN"] = base_url, token
    try:
        with FirstPartyClient(base_url, token) as client:
            client.get_many_instagram_insights(ids)  # the sandbox builds each body once
            one = statistics.median(
                timed(lambda: client.get_instagram_insights(ids[0])) for _ in range(RUNS)
            )
            many = statistics.median(
                timed(lambda: client.get_many_instagram_insights(ids, max_concurrency=CREATORS))
                for _ in range(RUNS)
            )
        fresh_data_dir(accounts)
        run_compare(ids)  # imports and first-run costs, not measured
        cold, warm = [], []
        for _ in range(RUNS):
            fresh_data_dir(accounts)
            cold.append(run_compare(ids))
            warm.append(run_compare(ids))
    finally:
        sandbox.terminate()
    print(
        f"compare {CREATORS} creators, sandbox latency {LATENCY_S * 1000:.0f} ms per call (median of {RUNS})"
    )
    print(
        f"one fetch + parse:      {one * 1000:6.0f} ms  (twelve in a row: about {CREATORS * one * 1000:.0f} ms)"
    )
    print(
        f"twelve concurrently:    {many * 1000:6.0f} ms  {many / one:4.2f}x one fetch (goal <= 1.3x)"
    )
    cold_s = statistics.median(cold)
    print(
        f"page, cold cache:       {cold_s * 1000:6.0f} ms  {cold_s / one:4.2f}x one fetch (goal <= 2x; "
        "fetch, cache, frames, first chart, table)"
    )
    print(f"page, warm cache:       {statistics.median(warm) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
