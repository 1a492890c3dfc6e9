"""Each page opens when its URL is typed, in a real browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, start_app, wait_for_app

pytestmark = pytest.mark.browser

PATHS = {
    "": "Creator Insights Studio",
    "connect": "Connect a creator",
    "creators": "Creators",
    "insights": "Insights",
    "compare": "Compare creators",
    "callback": "Verification",
}


@pytest.mark.parametrize("path", list(PATHS))
def test_typed_url_opens_its_page(app, page, path):
    page.goto(f"{app.url}/{path}")
    wait_for_app(page)
    assert "Page not found" not in page.content()
    heading = page.locator("h1").first
    assert PATHS[path] in heading.inner_text()
    screenshot(page, f"navigation-{path or 'home'}")


def test_sidebar_menu_hides_the_callback_page(app, page):
    page.goto(app.url)
    wait_for_app(page)
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    for title in ("Home", "Connect a creator", "Creators", "Insights", "Compare"):
        assert title in nav
    assert "Verification" not in nav
    assert "Sandbox mode" in page.locator("[data-testid='stSidebar']").inner_text()


def test_no_traceback_in_the_server_log(app, page):
    page.goto(app.url)
    wait_for_app(page)
    log = app.log()
    assert "Traceback" not in log


@pytest.mark.parametrize("path", ["callback", "connect"])
def test_a_fresh_server_opened_at_a_deep_link_runs_the_whole_app(tmp_path, page, path):
    """The first request after a restart may be a creator arriving at /callback: it must get
    the app's frame (navigation, sidebar), and so must every later session."""
    fresh = start_app(tmp_path / "data", tmp_path / "streamlit.log")
    try:
        for _ in range(2):
            page.goto(f"{fresh.url}/{path}")
            wait_for_app(page)
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            assert "Connect a creator" in nav and "Home" in nav, nav
            assert "Sandbox mode" in page.locator("[data-testid='stSidebar']").inner_text()
    finally:
        fresh.process.terminate()
        fresh.process.wait(timeout=10)
