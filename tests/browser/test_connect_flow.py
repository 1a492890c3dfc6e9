"""The whole connect flow as an analyst and a creator live it, in a real browser."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import consent, create_link, running_app, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_create_link_consent_callback_and_roster(app, page):
    seen_urls: list[str] = []
    page.on("request", lambda request: seen_urls.append(request.url))

    # The analyst creates a link.
    consent_url = create_link(page, app.url, label="Priya for the spring launch")
    screenshot(page, "connect-link-created", height=1800)
    assert consent_url.startswith("http://127.0.0.1:") and "/consent/" in consent_url

    # The creator opens it, picks their account and presses Allow.
    consent(page, consent_url, account="priya.play7", app_url=app.url)
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


def test_demo_creators_show_their_followers_on_the_roster_without_a_reload(tmp_path, page):
    """The demo button answers before the creators' numbers are fetched (in the background);
    the roster, opened at once, shows each row's followers as soon as they arrive."""
    with running_app(tmp_path / "data", tmp_path / "streamlit.log") as fresh:
        page.goto(fresh.url)
        wait_for_app(page)
        page.get_by_role("button", name="Add 12 demo creators").click()
        page.get_by_text("Added 12 demo creators").wait_for()
        page.locator("[data-testid='stSidebar']").get_by_role("link", name="Creators").click()
        page.wait_for_url(f"{fresh.url}/creators")
        main = page.locator("[data-testid='stMain']")
        rows = main.locator("[class*='st-key-creator-']")
        rows.nth(11).wait_for()
        # No reload and no click from here: the page looks again while fetches run.
        main.get_by_text("first fetch on record").nth(11).wait_for(timeout=30_000)
        assert rows.count() == 12
        assert main.get_by_text("Fetching their followers and ER").count() == 0
        assert main.get_by_text(re.compile(r"Followers \d")).count() == 12
        screenshot(page, "creators-demo-first-view", height=2400)
