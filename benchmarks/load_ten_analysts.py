"""Ten analysts at once, as Streamlit websocket clients: each opens insights and compare pages
against the app (on the embedded sandbox) for a while. Reports the time from request to every
chart sent (p50, p95), errors, the app's peak memory, and whether the roster lost anything.

Websocket clients rather than ten browsers: on this 2-core machine ten Chromium renderers
starve the app of CPU and measure the renderers instead (see insights_in_browser.py for the
browser side of one session). Run: ``.venv/bin/python benchmarks/load_ten_analysts.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from browser_harness import (
    CHARTS_ON_COMPARE,
    CHARTS_ON_INSIGHTS,
    peak_rss_mib,
    percentile,
    seeded_app,
)

from fpapi.storage.store import Store
from tests.streamlit_client import open_page

ANALYSTS = 10
CREATORS = 24


async def analyst(
    base_url: str, ids: list[str], deadline: float, seed: int, timings: dict, errors: list
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        if rng.random() < 0.6:
            kind, query, expected = "insights", f"creator={rng.choice(ids)}", CHARTS_ON_INSIGHTS
        else:
            kind, query, expected = (
                "compare",
                "creators=" + ",".join(rng.sample(ids, k=rng.randint(2, 12))),
                CHARTS_ON_COMPARE,
            )
        start = time.monotonic()
        try:
            run = await open_page(base_url, kind, query)
            charts, failed = run.charts, run.exception
        except Exception as err:
            errors.append(f"{kind}: {type(err).__name__}: {str(err)[:120]}")
            continue
        if failed or charts < expected:
            errors.append(
                f"{kind}: {charts} of {expected} charts{', an error element' if failed else ''}"
            )
        timings[kind].append(time.monotonic() - start)


async def run(seconds: float) -> None:
    app, ids = seeded_app(CREATORS)
    roster_before = {c.creator_id for c in Store(app.data_dir / "store").creators()}
    timings: dict[str, list[float]] = {"insights": [], "compare": []}
    errors: list[str] = []
    try:
        await open_page(app.url, "insights", f"creator={ids[0]}")  # first-run imports
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(analyst(app.url, ids, deadline, seed, timings, errors) for seed in range(ANALYSTS))
        )
        peak, _ = peak_rss_mib(app.process.pid)
        log = app.log()
    finally:
        app.process.terminate()
    roster_after = {c.creator_id for c in Store(app.data_dir / "store").creators()}
    print(
        f"{ANALYSTS} analysts at once for {seconds:.0f} s over {CREATORS} creators (websocket clients)"
    )
    for kind, values in timings.items():
        if values:
            print(f"  {kind:9} {len(values):5} page views   request to charts sent: p50 {percentile(values, 0.5) * 1000:6.0f} ms"
                  f"   p95 {percentile(values, 0.95) * 1000:6.0f} ms")  # fmt: skip
    print(
        f"  errors: {len(errors)}   tracebacks in the app log: {log.count('Traceback')}   peak memory: {peak:.0f} MiB"
    )
    print(
        f"  roster: {len(roster_before)} before, {len(roster_after)} after, lost: {len(roster_before - roster_after)}"
    )
    for error in errors[:5]:
        print("   ", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    asyncio.run(run(parser.parse_args().seconds))


if __name__ == "__main__":
    main()
