"""Each page opens when its URL is typed, in a real browser."""

from __future__ import annotations

import pytest

from components.frame.pages import PAGES
from components.frame.plotly_view import PLOTLY_JS
from tests.browser.conftest import running_app, screenshot, wait_for_app

pytestmark = pytest.mark.browser

TYPED = ("home", "connect", "creators", "insights", "compare", "activity", "callback")
# What each page's heading says: its title (as in the menu), unless it says more.
HEADINGS = {"home": "Creator Insights Studio", "compare": "Compare creators"}


@pytest.mark.parametrize("key", TYPED)
def test_typed_url_opens_its_page(app, page, key):
    path = PAGES[key].url_path or ""
    page.goto(f"{app.url}/{path}")
    wait_for_app(page)
    assert "Page not found" not in page.content()
    heading = page.locator("h1").first
    assert HEADINGS.get(key, PAGES[key].title) in heading.inner_text()
    screenshot(page, f"navigation-{path or 'home'}")


def test_sidebar_menu_hides_the_callback_page(app, page):
    page.goto(app.url)
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    for title in ("Home", "Connect a creator", "Creators", "Insights", "Compare", "Activity"):
        assert title in sidebar
    assert "Verification" not in sidebar
    assert "Sandbox mode" in sidebar
    assert "Anyone who can reach this address" in sidebar  # open on loopback, and says so
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Creators").click()
    page.wait_for_url(f"{app.url}/creators")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Creators"


def test_no_traceback_in_the_server_log(app, page):
    page.goto(app.url)
    wait_for_app(page)
    log = app.log()
    assert "Traceback" not in log


@pytest.mark.parametrize("first", ["callback", "connect"])
def test_a_fresh_server_opened_at_a_deep_link_runs_the_whole_app(tmp_path, page, first):
    """The first request after a restart may be a creator arriving at /callback: it must run
    through app.py (the callback bare, as a creator sees it), and every later session must get
    the app's frame (menu, sidebar)."""
    with running_app(tmp_path / "data", tmp_path / "streamlit.log") as fresh:
        for path in (first, first, "connect"):
            page.goto(f"{fresh.url}/{path}")
            wait_for_app(page)
            assert "Page not found" not in page.content()
            if path == "callback":
                assert page.locator("h1").first.inner_text() == "Verification"
                assert page.locator("[data-testid='stSidebar']").count() == 0
            else:
                sidebar = page.locator("[data-testid='stSidebar']").inner_text()
                assert "Connect a creator" in sidebar and "Home" in sidebar, sidebar
                assert "Sandbox mode" in sidebar


def test_the_chart_code_loads_while_the_analyst_reads_the_roster(app, page):
    """On a page without charts, plotly.js is loaded once the page is drawn and the browser
    idle, so the next click to a creator's charts does not wait for it."""
    chunks: list[str] = []
    page.on("request", lambda request: chunks.append(request.url.rsplit("/", 1)[-1]))
    page.goto(f"{app.url}/creators")
    wait_for_app(page)
    page.wait_for_function("() => window.__cisPlotly !== undefined", timeout=15_000)
    assert page.evaluate("() => window.__cisPlotly.then(Plotly => typeof Plotly.react)") == (
        "function"
    )  # the bundle loaded, from the app's own address, without an error
    assert PLOTLY_JS.name in chunks
    assert not any(name.startswith("PlotlyChart.") for name in chunks)  # not Streamlit's too
    assert page.locator("[data-testid='cisPlotlyChart']").count() == 0  # nothing drawn for it


def test_the_callback_page_loads_no_chart_code(app, page):
    chunks: list[str] = []
    page.on("request", lambda request: chunks.append(request.url.rsplit("/", 1)[-1]))
    page.goto(f"{app.url}/callback")
    wait_for_app(page)
    page.wait_for_timeout(1500)
    assert PLOTLY_JS.name not in chunks
    assert not any(name.startswith("PlotlyChart.") for name in chunks)
