"""The studio's Prometheus metrics (fpapi.metrics): the client's calls to the sandbox counted
by endpoint and status, their latency, the gauges read at scrape time, and the exposition.
Each scrape is read by prometheus_client's own text parser; counters are compared before and
after, since every test of this process counts into the same registry."""

from __future__ import annotations

import logging

import httpx
import pytest

from fpapi import FirstPartyClient, RateLimited, ServerError, TransportError, metrics
from fpapi.sandbox import instagram_pool
from tests.helpers import free_port
from tests.metrics_scrape import grew, parse, sample, scrape

ACCOUNT = instagram_pool()[2]
CALLS = "studio_vendor_calls_total"
CALL_COUNT = "studio_vendor_call_seconds_count"
CALL_SUM = "studio_vendor_call_seconds_sum"
CALL_BUCKET = "studio_vendor_call_seconds_bucket"


@pytest.fixture
def readers():
    """Gauges watched in a test are unwatched after it."""
    yield metrics.watch
    for name in metrics.WATCHED:
        metrics.unwatch(name)


def scraped_around_a_fetch(client):
    """The metrics before and after one insights fetch."""
    before = scrape()
    client.get_instagram_insights(ACCOUNT.creator_id)
    return before, scrape()


def test_each_of_the_three_calls_is_counted_by_endpoint_and_status(clean_sandbox, client):
    before = scrape()
    client.create_verification_url(
        connector="instagram", redirect_url="http://localhost:8501/callback", state="m-1"
    )
    token = clean_sandbox.approve("m-1", username=ACCOUNT.username)
    client.verify_creator(state="m-1", token=token)
    client.get_instagram_insights(ACCOUNT.creator_id)
    after = scrape()
    for endpoint in metrics.ENDPOINTS:
        assert grew(before, after, CALLS, endpoint=endpoint, status="200") == 1, endpoint
        assert grew(before, after, CALL_COUNT, endpoint=endpoint) == 1, endpoint
        assert grew(before, after, CALL_SUM, endpoint=endpoint) > 0, endpoint
    # Labels name the endpoint and the status, never a creator, a token or an address.
    labels = {value for s in after["studio_vendor_calls"].samples for value in s.labels.values()}
    assert {s.labels["endpoint"] for s in after["studio_vendor_calls"].samples} <= set(
        metrics.ENDPOINTS
    )
    body = metrics.render()[0].decode()
    for secret in (ACCOUNT.creator_id, ACCOUNT.username, token, clean_sandbox.token):
        assert secret not in body and secret not in labels
    assert clean_sandbox.base_url not in body


def test_retries_count_as_calls_each_with_its_own_status(clean_sandbox, client):
    clean_sandbox.knobs.burst_429 = 2
    before, after = scraped_around_a_fetch(client)
    assert grew(before, after, CALLS, endpoint="insights", status="429") == 2
    assert grew(before, after, CALLS, endpoint="insights", status="200") == 1
    assert grew(before, after, CALL_COUNT, endpoint="insights") == 3

    clean_sandbox.knobs.burst_429 = 5
    with pytest.raises(RateLimited):
        client.get_instagram_insights(ACCOUNT.creator_id)
    assert grew(after, scrape(), CALLS, endpoint="insights", status="429") == 3


def test_an_error_status_is_counted_as_that_status(clean_sandbox, client):
    clean_sandbox.knobs.failure_rate = 1.0
    before = scrape()
    with pytest.raises(ServerError):
        client.get_instagram_insights(ACCOUNT.creator_id)
    with pytest.raises(ServerError):  # a POST is not retried on 503: one call
        client.create_verification_url(
            connector="instagram", redirect_url="http://localhost:8501/callback", state="m-2"
        )
    after = scrape()
    assert grew(before, after, CALLS, endpoint="insights", status="503") == 3
    assert grew(before, after, CALLS, endpoint="create_link", status="503") == 1


def test_a_call_that_got_no_answer_is_counted_as_error():
    nobody = f"http://127.0.0.1:{free_port()}/api/v1"
    before = scrape()
    with (
        FirstPartyClient(nobody, "a-token-nobody-takes", sleep=lambda _: None) as api,
        pytest.raises(TransportError),
    ):
        api.get_instagram_insights(ACCOUNT.creator_id)
    after = scrape()
    assert grew(before, after, CALLS, endpoint="insights", status="error") == 3
    assert grew(before, after, CALL_COUNT, endpoint="insights") == 3


def test_the_latency_histogram_puts_a_slow_call_in_its_bucket(clean_sandbox, client):
    clean_sandbox.knobs.latency_s = 0.3
    before, after = scraped_around_a_fetch(client)
    assert grew(before, after, CALL_BUCKET, endpoint="insights", le="0.25") == 0
    assert grew(before, after, CALL_BUCKET, endpoint="insights", le="+Inf") == 1
    assert grew(before, after, CALL_SUM, endpoint="insights") >= 0.3
    buckets = [
        float(s.labels["le"])
        for s in after["studio_vendor_call_seconds"].samples
        if s.name == CALL_BUCKET and s.labels["endpoint"] == "insights"
    ]
    assert buckets[0] == 0.05 and 30.0 in buckets and buckets[-1] == float("inf")


def test_a_watched_gauge_is_read_afresh_at_each_scrape(readers):
    jobs = {"todo": 12.0, "doing": 2.0, "failed": 0.0}
    readers("studio_queue_jobs", lambda: jobs)
    readers("studio_queue_oldest_job_age_seconds", lambda: 42.5)
    readers("studio_data_age_seconds", lambda: {"0.95": 3600.0, "1": 86_400.0})
    first = scrape()
    assert sample(first, "studio_queue_jobs", status="todo") == 12
    assert sample(first, "studio_queue_jobs", status="doing") == 2
    assert sample(first, "studio_queue_oldest_job_age_seconds") == 42.5
    assert sample(first, "studio_data_age_seconds", quantile="0.95") == 3600
    assert sample(first, "studio_data_age_seconds", quantile="1") == 86_400
    assert first["studio_queue_jobs"].type == "gauge"
    jobs["todo"] = 3.0
    assert sample(scrape(), "studio_queue_jobs", status="todo") == 3


def test_a_gauge_nobody_watches_is_left_out(readers):
    readers("studio_queue_oldest_job_age_seconds", lambda: None)  # nothing to report
    families = scrape()
    assert "studio_queue_jobs" not in families
    assert families["studio_queue_oldest_job_age_seconds"].samples == []
    metrics.unwatch("studio_queue_oldest_job_age_seconds")
    assert "studio_queue_oldest_job_age_seconds" not in scrape()


def test_a_reader_that_fails_leaves_its_gauge_out_never_the_scrape(readers, caplog):
    """Logged once, by gauge and exception type only (its message may hold a password);
    counted each time; the gauge is back as soon as the reader works again."""
    broken = {"now": True}

    def queue_depth() -> dict[str, float]:
        if broken["now"]:
            raise RuntimeError("could not connect to postgresql://studio:hunter2@db/studio")
        return {"todo": 1.0}

    readers("studio_queue_jobs", queue_depth)
    readers("studio_queue_oldest_job_age_seconds", lambda: {"oops": 1.0})  # wrong shape
    readers("studio_data_age_seconds", lambda: {"1": 60.0})
    errors = "studio_metrics_reader_errors_total"
    before = scrape()
    with caplog.at_level(logging.INFO, logger="fpapi.metrics"):
        scrapes = [scrape(), scrape()]
        for families in scrapes:
            assert "studio_queue_jobs" not in families
            assert "studio_queue_oldest_job_age_seconds" not in families
            assert sample(families, "studio_data_age_seconds", quantile="1") == 60
            assert "studio_vendor_calls" in families
        assert grew(before, scrapes[-1], errors, gauge="studio_queue_jobs") == 2
        assert grew(before, scrapes[-1], errors, gauge="studio_queue_oldest_job_age_seconds") == 2
        warnings = [
            r.getMessage()
            for r in caplog.records
            if r.name == "fpapi.metrics" and r.levelno == logging.WARNING
        ]
        assert len(warnings) == 2  # once per failing gauge, not once per scrape
        assert any("studio_queue_jobs" in w and "RuntimeError" in w for w in warnings)
        assert "hunter2" not in caplog.text and "postgresql://" not in caplog.text
        broken["now"] = False
        assert sample(scrape(), "studio_queue_jobs", status="todo") == 1
        assert "studio_queue_jobs gauge can be read again" in caplog.text


def test_watch_refuses_a_gauge_it_does_not_know(readers):
    with pytest.raises(KeyError, match="studio_queue_jobs"):
        readers("studio_creators_total", lambda: 1.0)


def test_render_gives_the_text_format_and_serve_serves_it_on_loopback(readers):
    readers("studio_queue_oldest_job_age_seconds", lambda: 7.0)
    body, content_type = metrics.render()
    assert content_type.startswith("text/plain") and "charset=utf-8" in content_type
    assert "process_resident_memory_bytes" in parse(body.decode())  # the process's own too
    port = free_port()
    server, thread = metrics.serve(port)
    try:
        assert server.server_address[0] == "127.0.0.1"
        answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        families = parse(answer.text)
        assert sample(families, "studio_queue_oldest_job_age_seconds") == 7
        assert "studio_cache_lookups" in families
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
