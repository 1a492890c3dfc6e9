"""Time parsing plus frames for a large creator against plain ``json.loads`` of the same bytes.

The creator has 1,000 posts and two years of daily trends. Prints the median of several runs
and the ratio. Run: ``.venv/bin/python benchmarks/parse_and_frames.py``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fpapi import Insights
from fpapi.analysis.report import build_report
from fpapi.api.client import decode_json
from fpapi.sandbox import build_insights, instagram_pool

POSTS = 1000
DAYS = 730
RUNS = 7


def median_s(work) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    body = json.dumps(build_insights(instagram_pool()[0], posts=POSTS, days=DAYS)).encode()

    def parse_only() -> Insights:
        return Insights.from_raw(decode_json(body))  # as the client reads a body

    def parse_and_frames() -> None:
        report = build_report(parse_only())  # every frame, as a page builds them (posts once)
        for view in ("posts", "follower_trend", "engagement_trend", "quality", "engagement_split",
                     "look_alikes", "mentions", "hashtags"):  # fmt: skip
            getattr(report, view)

    json_s = median_s(lambda: json.loads(body))
    model_s = median_s(parse_only)
    full_s = median_s(parse_and_frames)
    print(f"creator: {POSTS} posts, {DAYS} days of trends, {len(body) / 1024:.0f} KiB of JSON")
    print(f"json.loads:              {json_s * 1000:8.1f} ms")
    print(
        f"json + models:           {model_s * 1000:8.1f} ms  ({model_s / json_s:.1f}x json.loads)"
    )
    print(f"json + models + frames:  {full_s * 1000:8.1f} ms  ({full_s / json_s:.1f}x json.loads)")


if __name__ == "__main__":
    main()
