"""Sharing with a client in a real browser, signed in through the real OpenID Connect provider:
the analyst shares three of six creators; a browser that never signed in sees exactly those
three and nothing of the workspace; a tampered link shows nothing; /shares counts the view;
after Revoke the link shows nothing."""

from __future__ import annotations

import re

import pytest

from fpapi.sandbox import instagram_pool
from fpapi.workspace.sharing import SHARE_REFUSED
from tests.browser.conftest import (
    main_text,
    plotly_summaries,
    screenshot,
    sign_in,
    signed_in_app,
    wait_for_app,
)

pytestmark = pytest.mark.browser

ANALYST = "ana@agency.test"
SIX = instagram_pool()[:6]
QUALITY_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    chart => (chart.layout?.title?.text || '').startsWith('Quality sub-scores'))"""
SHARED, NOT_SHARED = SIX[:3], SIX[3:]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("sharing")
    with signed_in_app(base, [ANALYST], {"FPAPI_ALLOWED_EMAILS": ANALYST}, tuple(SIX)) as running:
        yield running


def nothing_of_the_workspace(page, app_url: str) -> None:
    assert page.locator("[data-testid='stSidebar']").count() == 0
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    assert [h for h in hrefs if h.startswith(app_url) and "#" not in h] == [], hrefs


def test_an_analyst_shares_three_of_six_creators_with_a_client(app, page, browser):
    sign_in(page, app.url, ANALYST)
    ids = ",".join(account.creator_id for account in SHARED)
    page.goto(f"{app.url}/compare?creators={ids}")
    wait_for_app(page)
    page.get_by_role("button", name="Share with a client").click()
    page.get_by_text("7 days").click()
    page.get_by_role("button", name="Create share link").click()
    page.locator("[data-testid='stCode']").wait_for()  # shown in the popover, still open
    wait_for_app(page)
    link = page.locator("[data-testid='stCode'] code").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(app.url)}/share\?t=[\w-]{{24}}\.[\w-]{{22}}", link), link
    screenshot(page, "share-created")

    client_context = browser.new_context(viewport={"width": 1400, "height": 1800})
    try:
        client = client_context.new_page()
        client.goto(link)
        wait_for_app(client)
        text = main_text(client)
        for account in SHARED:
            assert account.name in text, account.name
        for account in NOT_SHARED:
            assert account.name not in text and account.username not in text
        client.locator(".js-plotly-plot").first.wait_for()  # drawn once plotly.js is in
        assert "as of" in text
        growth = plotly_summaries(client)  # the first tab's chart only: the others on a click
        assert len(growth) == 1 and growth[0]["title"].startswith("Follower growth"), growth
        client.get_by_role("tab", name="Quality").click()
        client.wait_for_function(QUALITY_DRAWN)
        quality = plotly_summaries(client)
        assert len(quality) == 1 and quality[0]["points"] > 0, quality
        with client.expect_download() as download:  # /media/ answers a signed-out client
            client.get_by_role("button", name="Table as CSV").click()
        table = download.value.path().read_text()
        assert all(account.name in table for account in SHARED)
        assert not any(account.name in table for account in NOT_SHARED)
        nothing_of_the_workspace(client, app.url)
        screenshot(client, "share-client-view")

        tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
        client.goto(tampered)
        wait_for_app(client)
        assert main_text(client).strip() == SHARE_REFUSED
        nothing_of_the_workspace(client, app.url)
        screenshot(client, "share-tampered")

        page.goto(f"{app.url}/shares")
        wait_for_app(page)
        assert "Views: 1" in main_text(page)
        screenshot(page, "shares-page")
        page.get_by_role("button", name="Revoke").click()
        page.get_by_text(re.compile(r"revoked \d{4}-")).wait_for()
        assert page.get_by_role("button", name="Revoke").count() == 0

        client.goto(link)
        wait_for_app(client)
        assert main_text(client).strip() == SHARE_REFUSED
        for account in SHARED:
            assert account.name not in main_text(client)
    finally:
        client_context.close()
    assert link.split("t=")[1] not in app.log()
