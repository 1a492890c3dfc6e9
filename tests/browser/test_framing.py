"""No other site can frame the app (clickjacking), checked in a real browser."""

from __future__ import annotations

import httpx
import pytest

from components.frame.plotly_view import PLOTLY_JS, PLOTLY_JS_ROUTE

pytestmark = pytest.mark.browser


def test_every_response_forbids_framing_and_referrers(app):
    for path in ("/", "/creators", "/_stcore/health", PLOTLY_JS_ROUTE):
        headers = httpx.get(f"{app.url}{path}", timeout=10).headers
        assert headers["x-frame-options"] == "DENY", path
        assert headers["content-security-policy"] == "frame-ancestors 'none'", path
        assert headers["referrer-policy"] == "no-referrer", path


def test_the_chart_code_is_served_as_a_script_a_browser_keeps(app):
    """Streamlit's static file serving sends plotly.js as a script (with ``nosniff``, any other
    type would keep the browser from running it); serve.py adds a year's cache lifetime."""
    response = httpx.get(f"{app.url}{PLOTLY_JS_ROUTE}", timeout=10)
    assert response.status_code == 200 and response.content == PLOTLY_JS.read_bytes()
    kind = response.headers["content-type"].split(";")[0]
    assert kind in ("text/javascript", "application/javascript"), kind
    assert "immutable" in response.headers["cache-control"]


def test_no_page_loads_plotly_from_its_html(app):
    """No page's HTML starts loading plotly.js: evaluating it held back the page's own first
    drawing, and the charts show the server's pictures until it is in (it loads once the page
    is drawn). Each page's HTML still says where the app's root is."""
    for path in ("/insights", "/compare", "/", "/creators", "/campaigns"):
        html = httpx.get(f"{app.url}{path}", timeout=10).text
        assert PLOTLY_JS.name not in html, path
        assert "</html>" in html.lower(), path  # the page itself intact
        assert ("BACKEND_BASE_URL" in html) is (path != "/"), path


def test_a_page_on_another_origin_cannot_frame_the_roster(app, page):
    page.set_content(f"<h1>Elsewhere</h1><iframe id='f' src='{app.url}/creators'></iframe>")
    # set_content waits for the page's load, which waits for its frame: refused, the frame
    # shows Chromium's error page in place of the app (which loads in a tab of its own below).
    assert [f.url for f in page.frames[1:]] == ["chrome-error://chromewebdata/"]
    frame = page.frame_locator("#f")
    assert frame.locator("[data-testid='stApp']").count() == 0
    assert frame.get_by_role("heading", name="Creators").count() == 0
