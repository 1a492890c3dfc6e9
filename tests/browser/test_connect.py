"""Every page finds the server at its first try, at the root and under a proxy's prefix.

Streamlit's page asks ``<page address>/_stcore/health`` first and, when that fails, the
address one folder up after 100 ms more; serve.py tells each page where the app's root is.
"""

from __future__ import annotations

import time

import pytest

from fpapi.commands.seed import seeded_creators
from fpapi.storage.data_folder import DataFolderStore
from tests.browser.conftest import running_app, wait_for_app

pytestmark = pytest.mark.browser

DRAWN_CHARTS = """n => [...document.querySelectorAll("[data-testid='cisPlotlyChart']")]
  .filter(c => c.querySelector('.main-svg')).length >= n"""


@pytest.fixture(scope="module")
def prefixed_app(tmp_path_factory):
    """The app served under /studio, as behind a proxy, with one creator on its roster."""
    base = tmp_path_factory.mktemp("prefixed")
    store = DataFolderStore(base / "data" / "store")
    entries = seeded_creators(1, now=time.time())
    store.add_new_creators(entries)
    store.close()
    with running_app(base / "data", base / "streamlit.log", base_path="studio") as running:
        yield running, entries[0][0]


def server_questions(page) -> list[str]:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    return asked


@pytest.mark.parametrize("path", ["/", "/creators", "/insights", "/compare/", "/campaigns"])
def test_each_page_asks_for_the_server_once_at_the_root(app, page, path):
    asked = server_questions(page)
    page.goto(f"{app.url}{path}")
    wait_for_app(page)
    assert page.locator("[data-testid='stMain'] h1").count() == 1  # the page itself ran
    health = [url for url in asked if url.endswith("/_stcore/health")]
    assert health == [f"{app.url}/_stcore/health"]


def test_under_a_prefix_pages_connect_and_draw_their_charts(prefixed_app, page):
    running, creator = prefixed_app
    asked = server_questions(page)
    page.goto(f"{running.url}/insights?creator={creator.creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(DRAWN_CHARTS, arg=3, timeout=60_000)
    assert [url for url in asked if url.endswith("/_stcore/health")] == [
        f"{running.url}/_stcore/health"
    ]
    assert creator.name in page.locator("[data-testid='stMain']").inner_text()
