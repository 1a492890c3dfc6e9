"""Refresh workers: ``python -m fpapi.worker [--concurrency N] [--metrics-port P]``.

Runs the refresh queue's jobs (``python -m fpapi.refresh`` puts them there) until stopped with
SIGINT or SIGTERM, ``--concurrency`` at once; start it on as many hosts as wanted, each
drawing on the same queue and, with ``FPAPI_VENDOR_RPS``, the same vendor budget. A worker
killed outright loses nothing: after ``--lease-s`` without its heartbeat, the others run its
jobs again. ``--metrics-port`` serves Prometheus metrics at ``http://127.0.0.1:P/metrics``.
Needs the team database on PostgreSQL (``FPAPI_DATABASE_URL``): on a data folder, refresh
runs in the ``refresh`` command itself. Exit status 2 on a configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence

from fpapi import metrics
from fpapi.commands import CONFIG_ERROR, add_concurrency, command_workspace
from fpapi.errors import StudioError
from fpapi.workspace.gauges import watch_gauges
from fpapi.workspace.jobs import DEFAULT_LEASE_S, run_worker

__all__ = ["DEFAULT_CONCURRENCY", "NEEDS_POSTGRES", "main"]

DEFAULT_CONCURRENCY = 16  # calls in flight per worker: at 0.3 s a call, about 50 a second
NEEDS_POSTGRES = (
    "The refresh queue lives in the team database: set FPAPI_DATABASE_URL to a PostgreSQL "
    "database (postgresql://...). On a data folder, python -m fpapi.refresh refreshes by itself."
)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fpapi.worker", description=__doc__)
    add_concurrency(parser, DEFAULT_CONCURRENCY, "jobs run")
    parser.add_argument(
        "--metrics-port", type=int, metavar="P", help="serve Prometheus metrics on this port"
    )
    parser.add_argument(
        "--lease-s", type=float, default=DEFAULT_LEASE_S,
        help=f"a worker silent this long is taken for dead (default {DEFAULT_LEASE_S:g})",
    )  # fmt: skip
    args = parser.parse_args(argv)
    ws = command_workspace(environ, "worker")
    if ws is None:
        return CONFIG_ERROR
    try:
        url = ws.settings.database_url
        if not url or not ws.settings.on_queue:
            print(f"Configuration error: {NEEDS_POSTGRES}", file=sys.stderr)
            return CONFIG_ERROR
        if args.metrics_port:
            metrics.serve(args.metrics_port)
            watch_gauges(ws.store, queue=True)
        run_worker(ws, url, concurrency=max(1, args.concurrency), lease_s=args.lease_s)
        return 0
    except StudioError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return CONFIG_ERROR
    except KeyboardInterrupt:
        return 0
    finally:
        ws.close()


if __name__ == "__main__":
    sys.exit(main())
