"""Watching creators in a real browser: the roster's changes since the previous fetch, and the
home page's "What changed", as page text with working links."""

from __future__ import annotations

import time

import pytest

from fpapi.sandbox import instagram_pool
from fpapi.storage.records import Snapshot, StoredAlert
from tests.browser.conftest import screenshot, wait_for_app
from tests.helpers import add_to_roster, app_store

pytestmark = pytest.mark.browser

WATCHED = instagram_pool()[21]  # no other browser test fetches them


def test_the_roster_and_home_say_what_changed(app, page):
    add_to_roster(app.data_dir, WATCHED)
    store = app_store(app.data_dir)
    now = time.time()
    store.add_snapshot(
        Snapshot(WATCHED.creator_id, now - 86_400, followers=40_000, engagement_rate=3.2)
    )
    store.add_snapshot(
        Snapshot(WATCHED.creator_id, now - 60, followers=43_000, engagement_rate=2.2)
    )
    store.add_alert(StoredAlert(
        f"{WATCHED.creator_id}|er_drop|1", WATCHED.creator_id, "er_drop",
        f"@{WATCHED.username}: engagement rate 3.20% → 2.20% (-1.00 points)", at=now - 30,
    ))  # fmt: skip
    store.close()

    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(f"{app.url}/creators")
    wait_for_app(page)
    card = page.locator("[data-testid='stMain']").get_by_text(WATCHED.name).first
    assert card.is_visible()
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "Followers 43.0K, +3,000 (+7.50%) · Engagement rate 2.20%, -1.00 points" in text
    assert "since the previous fetch" in text
    screenshot(page, "roster-changes")

    page.goto(app.url)
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    assert "What changed" in main.inner_text()
    assert f"@{WATCHED.username}: engagement rate 3.20% → 2.20% (-1.00 points)" in main.inner_text()
    screenshot(page, "home-what-changed")
    main.get_by_role("link", name="Insights").first.click()
    page.wait_for_url(f"**/insights?creator={WATCHED.creator_id}*")  # the click may wait on
    wait_for_app(page, timeout_ms=60_000)  # plotly.js, loading while the home page is idle
    assert WATCHED.name in page.locator("[data-testid='stMain']").inner_text()
