"""How quick the insights page is for a large creator (1,000 posts, two years of daily trends).

Prints the median of several runs for: building the report (frames and numbers), building
every chart, the whole page run under Streamlit's AppTest with a warm cache, and the HTML
export. Run: ``.venv/bin/python benchmarks/insights_page.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FPAPI_DATA_DIR"] = tempfile.mkdtemp(prefix="cis-bench-")
for name in ("FPAPI_BASE_URL", "FPAPI_TOKEN"):
    os.environ.pop(name, None)

from streamlit.testing.v1 import AppTest  # noqa: E402

from components.exports.report_html import render_report_html  # noqa: E402
from components.figures.report_figures import report_figures  # noqa: E402
from components.frame.loaders import SANDBOX_CACHE_LABEL  # noqa: E402
from components.frame.pages import PAGES  # noqa: E402
from fpapi import Insights  # noqa: E402
from fpapi.analysis.report import build_report  # noqa: E402
from fpapi.sandbox import build_insights, instagram_pool  # noqa: E402
from fpapi.storage.cache import InsightCache  # noqa: E402
from fpapi.storage.data_folder import DataFolderStore  # noqa: E402
from fpapi.storage.records import Creator  # noqa: E402
from tests.helpers import charts_of  # noqa: E402

POSTS, DAYS, RUNS = 1000, 730, 5


def every_view(report) -> None:
    """Compute every view a report offers (they are computed on first use)."""
    for name in ("posts", "follower_trend", "engagement_trend", "quality", "engagement_split", "look_alikes",
                 "mentions", "hashtags", "posts_per_week", "posting_heatmap", "kpis", "growth", "tier",
                 "benchmark", "sponsored"):  # fmt: skip
        getattr(report, name)


def median_ms(work, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    account = instagram_pool()[0]
    raw = json.loads(json.dumps(build_insights(account, posts=POSTS, days=DAYS)))
    insights = Insights.from_raw(raw)
    data_dir = Path(os.environ["FPAPI_DATA_DIR"])
    InsightCache(data_dir / "insights", api_base_url=SANDBOX_CACHE_LABEL).put(
        account.creator_id, insights
    )
    DataFolderStore(data_dir / "store").add_creator(
        Creator(creator_id=account.creator_id, connector="instagram", name=account.name,
                username=account.username, verified_at=time.time())
    )  # fmt: skip
    report = build_report(insights)

    def page_run() -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["creator"] = account.creator_id
        at.run()
        at.switch_page(PAGES["insights"].path).run()
        assert not at.exception and len(charts_of(at)) == 3  # the first view
        return at

    first = median_ms(page_run, runs=1)  # builds and caches the report
    print(f"creator: {POSTS} posts, {DAYS} days of trends")
    print(f"parse response into models:   {median_ms(lambda: Insights.from_raw(raw)):8.1f} ms")
    print(
        f"report (frames and numbers):  {median_ms(lambda: every_view(build_report(insights))):8.1f} ms"
    )
    print(f"every chart:                  {median_ms(lambda: report_figures(report)):8.1f} ms")
    print(f"insights page, first run:     {first:8.1f} ms  (AppTest: app.py, then the page)")
    print(f"insights page, warm:          {median_ms(page_run):8.1f} ms")
    size = len(render_report_html(report, title=account.name, fetched_at=time.time()))
    html_ms = median_ms(
        lambda: render_report_html(report, title=account.name, fetched_at=time.time()), runs=3
    )
    print(
        f"HTML report export:           {html_ms:8.1f} ms  ({size / 2**20:.1f} MiB, built only on download)"
    )


if __name__ == "__main__":
    main()
