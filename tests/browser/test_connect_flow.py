"""The whole connect flow as an analyst and a creator live it, in a real browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_create_link_consent_callback_and_roster(app, page):
    seen_urls: list[str] = []
    page.on("request", lambda request: seen_urls.append(request.url))

    # The analyst creates a link.
    page.goto(f"{app.url}/connect")
    wait_for_app(page)
    page.get_by_label("Label (optional)").fill("Priya for the spring launch")
    page.get_by_role("button", name="Create verification link").click()
    link = page.get_by_role("link", name="Open the verification link")
    link.wait_for()
    wait_for_app(page)
    screenshot(page, "connect-link-created", height=1800)
    consent_url = link.get_attribute("href")
    assert consent_url.startswith("http://127.0.0.1:") and "/consent/" in consent_url

    # The creator opens it, picks their account and presses Allow.
    page.goto(consent_url)
    page.select_option("#account", "priya.play7")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{app.url}/callback**")
    wait_for_app(page)
    page.get_by_text("Thank you").wait_for()
    page.wait_for_function("() => !window.location.search.includes('token=')")
    screenshot(page, "callback-verified")
    assert "Instagram account is connected" in page.inner_text("[data-testid='stMain']")
    assert "token=" not in page.url and "state=" not in page.url

    # The token is gone from history too: Back and Forward never show it.
    page.go_back()
    assert "token=" not in page.url
    page.go_forward()
    wait_for_app(page)
    assert "token=" not in page.url

    # The analyst finds the creator on the roster.
    page.goto(f"{app.url}/creators")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("@priya.play7").wait_for()
    assert "Priya for the spring launch" in main.inner_text()
    insights_link = main.get_by_role("link", name="Open insights").first
    assert insights_link.evaluate("a => a.href").startswith(f"{app.url}/insights?creator=")
    screenshot(page, "creators-roster", height=1400)

    # The verification token reached the browser once, and never the server's log.
    token = next(parse_qs(urlsplit(url).query)["token"][0] for url in seen_urls if "token=" in url)
    assert token not in app.log()
