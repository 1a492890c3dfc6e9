"""The studio's Prometheus metrics: one registry (not prometheus_client's global one), what
the code counts into it, and the gauges it reads when scraped.

Counted as it happens:

- ``studio_vendor_calls_total{endpoint, status}``: every HTTP call to the vendor, retries
  included; ``endpoint`` is ``create_link``, ``verify`` or ``insights`` (never a creator id
  or a URL), ``status`` the HTTP status as text, or ``error`` when no answer came (could not
  connect, timed out, connection dropped).
- ``studio_vendor_call_seconds{endpoint}``: how long each of those calls took, failed ones
  included (a timeout shows in the top buckets).
- ``studio_cache_lookups_total{result}``: each creator asked of the insight cache's fetch
  policy (``InsightCache.load`` and ``load_many``), counted once by how it ended (see
  :data:`CacheResult`).

Read at each scrape from the readers registered with :func:`watch` (a gauge nobody watches is
left out):

- ``studio_queue_jobs{status}``: refresh jobs by status (``todo``, ``doing``, ``failed``);
- ``studio_queue_oldest_job_age_seconds``: how long the oldest waiting job has waited;
- ``studio_data_age_seconds{quantile}``: the age of the creators' data, ``0.95`` and ``1``
  (the oldest).

A reader that raises is left out of that scrape, never fails it: the first failure is logged
(its gauge and the exception's type, no message, which could hold an address or a password)
and each one counts in ``studio_metrics_reader_errors_total{gauge}``.

Who sees them: :func:`render` gives the text format to the app's ``/metrics`` route (added by
``serve.py``; not there under ``streamlit run app.py``), which answers a request from loopback
or from a network in ``FPAPI_METRICS_ALLOW`` (``10.0.0.0/8, 192.168.1.5``), never one a
proxy passed on, and 404 to anyone else (``components.frame.routes.may_scrape``).
:func:`serve` starts prometheus_client's own server for a worker's ``--metrics-port``, on
loopback unless given another address. Neither is for the public address: nginx answers 404
for ``/metrics``, and Prometheus scrapes each replica and worker directly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from threading import Thread
from typing import Final, Literal, get_args
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = [
    "CACHE_RESULTS",
    "ENDPOINTS",
    "REGISTRY",
    "WATCHED",
    "CacheResult",
    "Endpoint",
    "GaugeName",
    "Reading",
    "count_cache_lookup",
    "observe_vendor_call",
    "render",
    "serve",
    "unwatch",
    "watch",
]

log = logging.getLogger(__name__)

Endpoint = Literal["create_link", "verify", "insights"]
ENDPOINTS: Final[tuple[Endpoint, ...]] = get_args(Endpoint)

CacheResult = Literal["hit", "miss", "refresh", "stale", "error"]
"""How one creator's cache lookup ended: ``hit``, a fresh copy served without calling the
vendor; ``miss``, nothing fresh kept (none, or expired), the vendor called and answered;
``refresh``, the caller skipped the cache, the vendor called and answered; ``stale``, the
vendor failed and the kept copy was served with its error; ``error``, the vendor failed and
nothing was kept, so the caller got the error. The hit ratio of analysts' page loads is
``hit / (hit + miss + stale + error)``; a refresh that fails counts as ``stale`` or ``error``."""
CACHE_RESULTS: Final[tuple[CacheResult, ...]] = get_args(CacheResult)

# From a cached sandbox answer (50 ms) to the client's read timeout (30 s).
VENDOR_CALL_BUCKETS_S: Final = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0)
TRANSPORT_FAILED: Final = "error"  # the status label of a call that got no answer

REGISTRY: Final = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # memory, CPU, open files: process_*

_VENDOR_CALLS = Counter(
    "studio_vendor_calls",
    "HTTP calls to the vendor's API, retries included, by endpoint and status "
    '(the HTTP status, or "error" when no answer came).',
    ["endpoint", "status"],
    registry=REGISTRY,
)
_VENDOR_CALL_SECONDS = Histogram(
    "studio_vendor_call_seconds",
    "How long each call to the vendor's API took, failed calls included.",
    ["endpoint"],
    buckets=VENDOR_CALL_BUCKETS_S,
    registry=REGISTRY,
)
_CACHE_LOOKUPS = Counter(
    "studio_cache_lookups",
    "Creators asked of the insight cache, by how each lookup ended: hit (fresh copy), miss "
    "(fetched), refresh (cache skipped on request, fetched), stale (vendor failed, kept copy "
    "served), error (vendor failed, nothing kept).",
    ["result"],
    registry=REGISTRY,
)
_READER_ERRORS = Counter(
    "studio_metrics_reader_errors",
    "Scrapes in which a gauge's reader failed, leaving the gauge out.",
    ["gauge"],
    registry=REGISTRY,
)

for _endpoint in ENDPOINTS:  # every series exists from the start, at zero
    _VENDOR_CALL_SECONDS.labels(_endpoint)
for _result in CACHE_RESULTS:
    _CACHE_LOOKUPS.labels(_result)


def observe_vendor_call(endpoint: Endpoint, status: int | None, seconds: float) -> None:
    """One HTTP call to the vendor: its HTTP status (None when no answer came) and duration."""
    label = TRANSPORT_FAILED if status is None else str(status)
    _VENDOR_CALLS.labels(endpoint, label).inc()
    _VENDOR_CALL_SECONDS.labels(endpoint).observe(max(0.0, seconds))


def count_cache_lookup(result: CacheResult) -> None:
    """One creator's cache lookup, by how it ended (:data:`CacheResult`)."""
    _CACHE_LOOKUPS.labels(result).inc()


# --- gauges read at scrape time ---------------------------------------------------------

GaugeName = Literal[
    "studio_queue_jobs", "studio_queue_oldest_job_age_seconds", "studio_data_age_seconds"
]
Reading = float | Mapping[str, float] | None
"""What a reader returns: a number for a gauge without a label; for a labelled one, a number
per label value (``{"todo": 12, "doing": 2, "failed": 0}``, ``{"0.95": 3600, "1": 86400}``);
None when there is nothing to report (the gauge is then shown without samples)."""


@dataclass(frozen=True)
class Watched:
    """A gauge whose value a registered reader gives at scrape time."""

    help: str
    label: str | None = None  # the gauge's one label, if it has one


WATCHED: Final[Mapping[GaugeName, Watched]] = {
    "studio_queue_jobs": Watched(
        "Refresh jobs in the queue, by status: todo, doing, failed.", "status"
    ),
    "studio_queue_oldest_job_age_seconds": Watched(
        "How long the oldest refresh job still to do has waited, in seconds."
    ),
    "studio_data_age_seconds": Watched(
        "Age of the creators' insight data, in seconds: the 95th percentile (quantile 0.95) "
        "and the oldest (quantile 1).",
        "quantile",
    ),
}


class _WatchedGauges(Collector):
    """The gauges of :data:`WATCHED`, each from its reader, read afresh at every scrape."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readers: dict[GaugeName, Callable[[], Reading]] = {}
        self._failing: set[GaugeName] = set()

    def watch(self, name: GaugeName, read: Callable[[], Reading]) -> None:
        if name not in WATCHED:
            raise KeyError(f"No watched gauge is called {name!r}; they are: {', '.join(WATCHED)}.")
        with self._lock:
            self._readers[name] = read
            self._failing.discard(name)

    def unwatch(self, name: GaugeName) -> None:
        with self._lock:
            self._readers.pop(name, None)
            self._failing.discard(name)

    def describe(self) -> Iterator[GaugeMetricFamily]:
        for name, gauge in WATCHED.items():
            yield _family(name, gauge)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self._lock:
            readers = list(self._readers.items())
        for name, read in readers:
            try:
                family = _family(name, WATCHED[name], read())
            except Exception as err:  # a scrape never fails for one reader
                self._failed(name, err)
                continue
            self._read(name)
            yield family

    def _failed(self, name: GaugeName, err: Exception) -> None:
        _READER_ERRORS.labels(name).inc()
        with self._lock:
            first = name not in self._failing
            self._failing.add(name)
        if first:  # the type only: a message may carry a database address or a password
            log.warning(
                "Could not read the %s gauge (%s): it is left out of scrapes until its reader "
                "works again; studio_metrics_reader_errors_total counts the failures.",
                name, type(err).__name__,
            )  # fmt: skip

    def _read(self, name: GaugeName) -> None:
        with self._lock:
            recovered = name in self._failing
            self._failing.discard(name)
        if recovered:
            log.info("The %s gauge can be read again.", name)


def _family(name: str, gauge: Watched, reading: Reading = None) -> GaugeMetricFamily:
    """A reading as a gauge family; TypeError or ValueError if it is not of the gauge's shape."""
    family = GaugeMetricFamily(name, gauge.help, labels=[gauge.label] if gauge.label else None)
    if reading is None:
        return family
    if gauge.label is None:
        if isinstance(reading, Mapping):
            raise TypeError(f"{name} has no label: its reader must give one number")
        family.add_metric([], float(reading))
        return family
    if not isinstance(reading, Mapping):
        raise TypeError(f"{name} is labelled by {gauge.label}: its reader must give a mapping")
    for value_of_label, value in reading.items():
        family.add_metric([str(value_of_label)], float(value))
    return family


_WATCHED_GAUGES = _WatchedGauges()
REGISTRY.register(_WATCHED_GAUGES)


def watch(name: GaugeName, read: Callable[[], Reading]) -> None:
    """Show gauge ``name`` (one of :data:`WATCHED`) at every scrape, as ``read()`` gives it,
    called on the scraping thread: keep it quick. A later call replaces the reader."""
    _WATCHED_GAUGES.watch(name, read)


def unwatch(name: GaugeName) -> None:
    """Stop showing gauge ``name`` (nothing happens if nobody watched it)."""
    _WATCHED_GAUGES.unwatch(name)


# --- exposition -------------------------------------------------------------------------


def render() -> tuple[bytes, str]:
    """Every metric of the studio in Prometheus's text format: the body and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def serve(port: int, host: str = "127.0.0.1") -> tuple[WSGIServer, Thread]:
    """Serve :func:`render`'s metrics at ``http://host:port/`` from a daemon thread (a
    worker's ``--metrics-port``). Loopback by default: pass the host's private address for a
    Prometheus on another machine. Returns the server (``shutdown()`` stops it) and its thread."""
    return start_http_server(port, addr=host, registry=REGISTRY)
