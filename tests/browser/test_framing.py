"""No other site can frame the app (clickjacking), checked in a real browser."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_every_response_forbids_framing_and_referrers(app):
    for path in ("/", "/creators", "/_stcore/health"):
        headers = httpx.get(f"{app.url}{path}", timeout=10).headers
        assert headers["x-frame-options"] == "DENY", path
        assert headers["content-security-policy"] == "frame-ancestors 'none'", path
        assert headers["referrer-policy"] == "no-referrer", path


def test_a_page_on_another_origin_cannot_frame_the_roster(app, page):
    page.set_content(f"<h1>Elsewhere</h1><iframe id='f' src='{app.url}/creators'></iframe>")
    page.wait_for_timeout(3000)  # give the frame time to load, were it allowed to
    frame = page.frame_locator("#f")
    assert frame.locator("[data-testid='stApp']").count() == 0
    assert frame.get_by_role("button", name="Remove").count() == 0
