"""The running app (serve.py) serves ``/metrics`` in Prometheus's text format to a scraper on
loopback, with what its sessions counted and nothing secret; behind the deployment's nginx,
the public address answers 404. Plain HTTP, no browser: marked with the browser tests because
it starts the app."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from fpapi.api.client import DEFAULT_MAX_RETRIES
from fpapi.sandbox import Sandbox, instagram_pool
from tests.browser.conftest import main_text, put_on_roster, running_app, wait_for_app
from tests.browser.servers import free_port, start_nginx, stop_all
from tests.browser.streamlit_client import visit
from tests.metrics_scrape import parse, sample

pytestmark = pytest.mark.browser

ACCOUNT = instagram_pool()[3]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The app on a sandbox of its own (so its token is known), one creator on its roster,
    and nginx in front of it (the app as both replicas)."""
    base = tmp_path_factory.mktemp("metrics")
    sandbox = Sandbox().start()
    put_on_roster(base / "data", [ACCOUNT])
    env = {"FPAPI_BASE_URL": sandbox.base_url, "FPAPI_TOKEN": sandbox.token}
    nginx = None
    try:
        with running_app(base / "data", base / "streamlit.log", env) as app:
            replica = f"127.0.0.1:{urlsplit(app.url).port}"
            port = free_port()
            nginx = start_nginx(base / "nginx", port=port, replicas=[replica, replica])
            yield app, sandbox, f"http://127.0.0.1:{port}"
    finally:
        stop_all(nginx)
        sandbox.stop()


def test_the_app_serves_its_metrics_to_a_scraper_on_loopback(deployed):
    app, sandbox, _ = deployed
    run = visit((app.url, "insights", f"creator={ACCOUNT.creator_id}"))[0]
    assert not run.exception and ACCOUNT.name in run.text
    answer = httpx.get(f"{app.url.replace('localhost', '127.0.0.1')}/metrics", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["x-frame-options"] == "DENY"  # serve.py's headers, like every route
    families = parse(answer.text)
    assert sample(families, "studio_vendor_calls_total", endpoint="insights", status="200") >= 1
    assert sample(families, "studio_vendor_call_seconds_count", endpoint="insights") >= 1
    assert sample(families, "studio_cache_lookups_total", result="miss") >= 1
    for secret in (sandbox.token, ACCOUNT.creator_id, ACCOUNT.username, sandbox.base_url):
        assert secret not in answer.text
    assert "Bearer" not in answer.text and "FPAPI_" not in answer.text


def test_the_public_address_does_not_serve_them(deployed):
    app, _, public = deployed
    for path in ("/metrics", "/metrics/", "//metrics", "/%6detrics"):
        answer = httpx.get(f"{public}{path}", timeout=30)
        assert "studio_vendor_calls" not in answer.text, path
    assert httpx.get(f"{public}/metrics", timeout=30).status_code == 404
    # A proxy without nginx's rule still gets nothing: a request it passed on is refused.
    passed_on = httpx.get(
        f"{app.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=30
    )
    assert passed_on.status_code == 404 and "studio_" not in passed_on.text


def test_streamlit_run_app_py_serves_them_on_fpapi_metrics_port(tmp_path):
    """A Streamlit host starts ``app.py``, which can add no route: the port serves them."""
    sandbox = Sandbox().start()
    port = free_port()
    env = {
        "FPAPI_BASE_URL": sandbox.base_url,
        "FPAPI_TOKEN": sandbox.token,
        "FPAPI_METRICS_PORT": str(port),
    }
    try:
        with running_app(tmp_path / "data", tmp_path / "streamlit.log", env, entry="app.py") as app:
            assert not visit((app.url, "home", ""))[0].exception  # the first run starts it
            answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
            assert answer.status_code == 200
            families = parse(answer.text)
            assert "studio_vendor_call_seconds" in families
            assert sandbox.token not in answer.text
            routed = httpx.get(f"{app.url.replace('localhost', '127.0.0.1')}/metrics", timeout=30)
            assert "studio_vendor_calls" not in routed.text  # no route under app.py
    finally:
        sandbox.stop()


def test_a_new_tab_on_a_failing_vendor_asks_it_once_for_the_head_start_and_the_page(deployed, page):
    """Through serve.py a new tab's request starts the creator's load before the page's code
    runs, and the page then loads too: with the vendor failing, the two share one failed
    load (its retries included), and the page says the insights could not be loaded."""
    app, sandbox, _ = deployed
    failing = instagram_pool()[4]
    put_on_roster(app.data_dir, [failing])

    def failed_calls() -> float:
        scraped = httpx.get(f"{app.url.replace('localhost', '127.0.0.1')}/metrics", timeout=30)
        families = parse(scraped.text)
        return sample(families, "studio_vendor_calls_total", endpoint="insights", status="503")

    before = failed_calls()
    sandbox.knobs.failure_rate = 1.0
    try:
        page.goto(f"{app.url}/insights?creator={failing.creator_id}")
        wait_for_app(page, timeout_ms=60_000)
        assert f"Insights for {failing.name} could not be loaded" in main_text(page)
    finally:
        sandbox.knobs.failure_rate = 0.0
    assert failed_calls() - before == DEFAULT_MAX_RETRIES + 1  # one load's attempts, not two
