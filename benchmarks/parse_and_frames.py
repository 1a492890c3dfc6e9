"""Time parsing plus frames against plain ``json.loads`` of the same bytes, per creator shape.

Shapes: the largest the sandbox seeds (1,000 posts, two years of daily trends), a creator with
many posts and a short trend (1,000 posts, 60 days), and one with few posts and a long trend
(40 posts, 730 days). For each, every frame is built twice: as a page builds them (through the
report, posts once) and by calling each public frame function on its own, as any other caller
might. Prints the median of several runs and the ratios, measured in this one run.
Run: ``.venv/bin/python benchmarks/parse_and_frames.py``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fpapi import Insights
from fpapi.analysis import frames
from fpapi.analysis.report import build_report
from fpapi.api.client import decode_json
from fpapi.sandbox import build_insights, instagram_pool

SHAPES = {  # name: (posts, days of trends)
    "largest (1,000 posts, 730 days)": (1000, 730),
    "many posts, short trend (1,000 posts, 60 days)": (1000, 60),
    "few posts, long trend (40 posts, 730 days)": (40, 730),
}
REPORT_VIEWS = ("posts", "follower_trend", "engagement_trend", "quality", "engagement_split",
                "look_alikes", "mentions", "hashtags")  # fmt: skip
FRAME_FUNCTIONS = (frames.posts, frames.follower_trend, frames.engagement_trend,
                   frames.quality_scores, frames.engagement_split, frames.look_alikes,
                   frames.mentions, frames.hashtags, frames.sponsorship)  # fmt: skip
RUNS = 7
GOAL = 3.0


def median_s(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(body: bytes) -> tuple[float, float, float, float]:
    def parse_only() -> Insights:
        return Insights.from_raw(decode_json(body))  # as the client reads a body

    def as_a_page() -> None:
        report = build_report(parse_only())
        for view in REPORT_VIEWS:
            getattr(report, view)

    def one_by_one() -> None:
        insights = parse_only()
        for function in FRAME_FUNCTIONS:
            function(insights)

    return (
        median_s(lambda: json.loads(body)),
        median_s(parse_only),
        median_s(as_a_page),
        median_s(one_by_one),
    )


def main() -> None:
    account = instagram_pool()[0]
    print(f"{'shape':48} {'KiB':>6} {'json ms':>8} {'models':>7} {'page':>6} {'each':>6}")
    worst = 0.0
    for name, (posts, days) in SHAPES.items():
        body = json.dumps(build_insights(account, posts=posts, days=days)).encode()
        json_s, model_s, page_s, each_s = measure(body)
        worst = max(worst, page_s / json_s, each_s / json_s)
        print(
            f"{name:48} {len(body) / 1024:6.0f} {json_s * 1000:8.1f} "
            f"{model_s / json_s:6.1f}x {page_s / json_s:5.1f}x {each_s / json_s:5.1f}x"
        )
    print(
        "models: parse only; page: parse + every frame through the report; each: parse + every "
        f"public frame function called on its own. Worst {worst:.1f}x json.loads "
        f"(goal <= {GOAL:.1f}x): {'holds' if worst <= GOAL else 'MISSED'}."
    )


if __name__ == "__main__":
    main()
