"""Time parsing plus frames against plain ``json.loads`` of the same bytes, per creator shape.

Shapes: the largest the sandbox seeds (1,000 posts, two years of daily trends), a creator with
many posts and a short trend (1,000 posts, 60 days), one with few posts and a long trend (40
posts, 730 days), sparse trends and trends that stopped long ago (the sandbox's trend shapes);
then every creator of the sandbox's own pool as it seeds them (30 to 400 posts, 6 to 24 months,
and the vendor's odd shapes): how many hold the goal, and each one that does not. For each,
every frame is built twice: as a page builds them (through the report, posts once, with the
paid vs organic summary the insights page shows) and by calling each public frame function on
its own, as any other caller might. Prints the median of several runs and the ratios,
measured in this one run.
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

SHAPES = {  # name: build_insights' keywords
    "largest (1,000 posts, 730 days)": {"posts": 1000, "days": 730},
    "many posts, short trend (1,000 posts, 60 days)": {"posts": 1000, "days": 60},
    "few posts, long trend (40 posts, 730 days)": {"posts": 40, "days": 730},
    "sparse trends (1,000 posts, every ~9 days)": {"posts": 1000, "days": 730, "trend_every": 9},
    "trends stopped 800 days ago (300 posts)": {
        "posts": 300,
        "days": 365,
        "trends_end_days_ago": 800,
    },
}
REPORT_VIEWS = ("posts", "follower_trend", "engagement_trend", "quality", "engagement_split",
                "look_alikes", "mentions", "hashtags", "sponsored")  # fmt: skip
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
    print(
        f"{'shape':48} {'KiB':>6} {'json ms':>8} {'page ms':>8} {'models':>7} {'page':>6} {'each':>6}"
    )
    worst = 0.0

    def line(name: str, body: bytes, timings: tuple[float, float, float, float]) -> None:
        json_s, model_s, page_s, each_s = timings
        print(f"{name:48} {len(body) / 1024:6.0f} {json_s * 1000:8.2f} {page_s * 1000:8.2f} "
              f"{model_s / json_s:6.1f}x {page_s / json_s:5.1f}x {each_s / json_s:5.1f}x")  # fmt: skip

    account = instagram_pool()[0]
    for name, shape in SHAPES.items():
        body = json.dumps(build_insights(account, **shape)).encode()
        timings = measure(body)
        worst = max(worst, timings[2] / timings[0], timings[3] / timings[0])
        line(name, body, timings)
    pool = {a.username: json.dumps(build_insights(a)).encode() for a in instagram_pool()}
    measured = {name: measure(body) for name, body in pool.items()}
    held = [name for name, t in measured.items() if max(t[2], t[3]) / t[0] <= GOAL]
    missed = sorted(set(measured) - set(held), key=lambda name: len(pool[name]))
    print(
        f"The sandbox's own pool: {len(held)} of {len(pool)} creators within {GOAL:.1f}x "
        "json.loads, every one of them through the report and each function alone."
    )
    for name in missed:
        line(f"  @{name}"[:48], pool[name], measured[name])
    print(
        "models: parse only; page: parse + every frame through the report; each: parse + every "
        f"public frame function called on its own. Worst of the named shapes {worst:.1f}x "
        f"json.loads (goal <= {GOAL:.1f}x): {'holds' if worst <= GOAL else 'MISSED'}."
    )


if __name__ == "__main__":
    main()
