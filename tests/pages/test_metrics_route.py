"""Who may read the app's ``/metrics`` (components.frame.routes.may_scrape), and the route
answering them (``scrape``, which serve.py adds): a scraper on loopback or an allowed
network, never through a proxy. The running app and nginx: tests/browser/test_metrics_route.py."""

from __future__ import annotations

import asyncio
import logging

import pytest
from starlette.requests import Request
from starlette.responses import Response

from components.frame.routes import METRICS_ALLOW_ENV, may_scrape, scrape, scrape_networks
from tests.metrics_scrape import parse


@pytest.mark.parametrize("peer", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_loopback_may_scrape(peer):
    assert may_scrape(peer, ["host", "accept"], {})


@pytest.mark.parametrize("peer", ["10.1.2.3", "203.0.113.9", "2001:db8::1", "testclient", None])
def test_anyone_else_may_not_by_default(peer):
    assert not may_scrape(peer, [], {})


@pytest.mark.parametrize("header", ["X-Forwarded-For", "x-real-ip", "Forwarded"])
def test_a_request_a_proxy_passed_on_may_not_even_from_loopback(header):
    """nginx connects from loopback: what it passes on comes from outside."""
    assert not may_scrape("127.0.0.1", ["host", header], {})


def test_the_allowed_networks_are_added_to_loopback(caplog):
    allow = {METRICS_ALLOW_ENV: "10.0.0.0/8, 192.168.1.5 not-a-network 2001:db8::/32"}
    with caplog.at_level(logging.WARNING):
        assert may_scrape("10.1.2.3", [], allow)
        assert may_scrape("192.168.1.5", [], allow) and not may_scrape("192.168.1.6", [], allow)
        assert may_scrape("2001:db8::1", [], allow)
        assert may_scrape("127.0.0.1", [], allow)
        assert not may_scrape("203.0.113.9", [], allow)
    assert "'not-a-network' is not an address or a network" in caplog.text
    assert len(scrape_networks(allow[METRICS_ALLOW_ENV])) == 5  # loopback's two, and three


def request_metrics(peer: str | None, headers: dict[str, str] | None = None) -> Response:
    scope = {
        "type": "http", "method": "GET", "path": "/metrics", "raw_path": b"/metrics",
        "query_string": b"", "root_path": "", "scheme": "http", "http_version": "1.1",
        "server": ("127.0.0.1", 8501), "client": (peer, 50_000) if peer else None,
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }  # fmt: skip
    return asyncio.run(scrape(Request(scope)))


def test_the_route_answers_a_scraper_on_loopback_in_the_text_format(monkeypatch):
    monkeypatch.delenv(METRICS_ALLOW_ENV, raising=False)
    answer = request_metrics("127.0.0.1", {"host": "127.0.0.1:8501"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["cache-control"] == "no-store"
    families = parse(bytes(answer.body).decode())
    assert {"studio_vendor_calls", "studio_vendor_call_seconds", "studio_cache_lookups"} <= set(
        families
    )


def test_the_route_is_not_there_for_anyone_else(monkeypatch):
    monkeypatch.delenv(METRICS_ALLOW_ENV, raising=False)
    for peer, headers in (
        ("203.0.113.9", {}),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}),
        (None, {}),
    ):
        answer = request_metrics(peer, headers)
        assert answer.status_code == 404 and answer.body == b"Not Found", (peer, headers)
    monkeypatch.setenv(METRICS_ALLOW_ENV, "203.0.113.0/24")
    assert request_metrics("203.0.113.9").status_code == 200
