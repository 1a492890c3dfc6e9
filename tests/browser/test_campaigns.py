"""A campaign over two sandbox creators in a real browser: the matched posts as links, the
totals as text, and the client's HTML report downloaded."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from fpapi import Insights
from fpapi.analysis.campaigns import build_campaign_report, spec_from_params
from fpapi.analysis.report import build_report
from fpapi.sandbox import build_insights, instagram_pool
from tests.browser.conftest import screenshot, wait_for_app
from tests.helpers import add_to_roster

pytestmark = pytest.mark.browser

A, B = instagram_pool()[8], instagram_pool()[9]


def test_a_campaign_report_links_its_posts_and_downloads_as_html(app, page):
    add_to_roster(app.data_dir, A, B)
    reports = {a.creator_id: build_report(Insights.from_raw(build_insights(a))) for a in (A, B)}
    tags = [reports[a.creator_id].hashtags["hashtag"].iloc[0] for a in (A, B)]
    query = {
        "name": "Two creators", "creators": f"{A.creator_id},{B.creator_id}",
        "hashtags": " ".join(f"#{t}" for t in tags), "from": "2026-01-01", "to": "2026-11-30",
        "fees": f"{A.creator_id}:400,{B.creator_id}:600", "currency": "EUR",
    }  # fmt: skip
    spec, problems = spec_from_params(query, {A.creator_id: 1, B.creator_id: 1})
    assert problems == []
    labels = {a.creator_id: (a.name, f"@{a.username}") for a in (A, B)}
    expected = build_campaign_report(spec, reports, labels, {})
    assert all(r.totals.posts for r in expected.creators)  # both creators have matches

    page.set_viewport_size({"width": 1400, "height": 4000})
    page.goto(f"{app.url}/campaigns?{urlencode(query)}")
    wait_for_app(page, timeout_ms=60_000)
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    total = expected.totals
    assert f"Campaign. {total.posts} posts" in text
    for result in expected.creators:
        assert f"{result.totals.posts} posts" in text
    links = main.locator("a[href^='https://www.instagram.com/p/']")
    assert links.count() == total.posts
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs == set(expected.rows()["url"])
    screenshot(page, "campaign-report")

    with page.expect_download() as download:
        main.get_by_role("button", name="Report as HTML").click()
    html = download.value.path().read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Two creators" in html
    assert html.count("<a href='https://www.instagram.com/p/") == total.posts
    assert "Evidence" in html and "Consented" in html
    assert "Creator Insights Studio" not in html  # a client's report: the agency's, not ours
