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

import httpx
import websockets
from browser_harness import (
    CHARTS_ON_COMPARE,
    CHARTS_ON_INSIGHTS,
    peak_rss_mib,
    percentile,
    seeded_app,
)
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from fpapi.storage.store import Store

ANALYSTS = 10
CREATORS = 24


async def open_page(base_url: str, page: str, query: str) -> tuple[int, bool]:
    """One page view in a new session: (charts received, whether an error element came)."""
    xsrf = httpx.get(f"{base_url}/_stcore/health").cookies["_streamlit_xsrf"]
    uri = base_url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(
        uri,
        subprotocols=["streamlit", xsrf],
        additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}"},
        max_size=None,
    ) as ws:
        request = BackMsg()
        request.rerun_script.query_string = query
        request.rerun_script.page_name = page
        await ws.send(request.SerializeToString())
        charts, failed = 0, False
        while True:
            message = ForwardMsg()
            message.ParseFromString(await ws.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element.WhichOneof("type")
                charts += element == "plotly_chart"
                failed |= element == "exception"
            if kind == "script_finished":
                return charts, failed


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
            charts, failed = await open_page(base_url, kind, query)
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
