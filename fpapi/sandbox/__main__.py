"""Run the sandbox alone: ``python -m fpapi.sandbox --port 8765``."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time

from fpapi.sandbox.server import Knobs, Sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Emulate the First Party API on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every API call")
    parser.add_argument(
        "--failure-rate", type=float, default=0.0, help="share of API calls answering 503"
    )
    parser.add_argument("--burst-429", type=int, default=0, help="the first N API calls answer 429")
    args = parser.parse_args(argv)

    token = os.environ.get("FPAPI_TOKEN")
    generated = not token
    knobs = Knobs(
        latency_s=args.latency_ms / 1000, failure_rate=args.failure_rate, burst_429=args.burst_429
    )
    with Sandbox(
        token=token or secrets.token_urlsafe(24), host=args.host, port=args.port, knobs=knobs
    ) as sandbox:
        print(f"Sandbox API at {sandbox.base_url}", flush=True)
        if generated:
            # The sandbox's own throwaway token, so that the app can be pointed at it.
            print(f"Its API token (set FPAPI_TOKEN to choose one): {sandbox.token}", flush=True)
        else:
            print("Its API token is the FPAPI_TOKEN from the environment.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
