"""The compare page in a real browser: charts drawn, the CSV downloads."""

from __future__ import annotations

import csv
import io

import pytest

from components.ui.compare import CHART_SECTIONS, OVERLAP
from fpapi.sandbox import instagram_pool
from tests.browser.conftest import plotly_summaries, screenshot, wait_for_app
from tests.helpers import add_to_roster

pytestmark = pytest.mark.browser

ACCOUNTS = list(instagram_pool()[5:8])


def test_compare_three_creators_and_download_the_csv(app, page):
    add_to_roster(app.data_dir, *ACCOUNTS)
    page.set_viewport_size({"width": 1400, "height": 5200})
    page.goto(f"{app.url}/compare?creators={','.join(a.creator_id for a in ACCOUNTS)}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=30_000
    )
    table = page.locator("[data-testid='stTable']")
    text = table.inner_text()  # real text, as a screen reader or the browser's search finds it
    assert all(a.name in text for a in ACCOUNTS) and "Engagement rate" in text
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    (growth,) = plotly_summaries(page)
    assert "indexed to 100" in growth["title"] and growth["points"] > 0
    screenshot(page, "compare-three")
    titles = [growth["title"]]
    for section in [*CHART_SECTIONS[1:], OVERLAP]:
        page.get_by_role("tab", name=section, exact=True).click()
        page.wait_for_url(f"**chart={section.replace(' ', '+')}**")
        wait_for_app(page, timeout_ms=60_000)
        if section == OVERLAP:
            page.get_by_text("Shared hashtags").wait_for()
            # The last tab's chart goes once its stale element is dropped (a moment later
            # under load); a chart that stays fails here.
            page.wait_for_function(
                "() => !document.querySelector(\"[data-testid='cisPlotlyChart']\")",
                timeout=10_000,
            )
            assert page.locator("[data-testid='cisPlotlyChart']").count() == 0
        else:
            page.wait_for_function(
                "shown => { const t = [...document.querySelectorAll("
                "\"[data-testid='cisPlotlyChart'] .gtitle\")].map(e => e.textContent);"
                " return t.length === 1 && !shown.includes(t[0]); }",
                arg=titles,
                timeout=30_000,
            )
            (chart,) = plotly_summaries(page)
            assert chart["points"] > 0 and chart["title"] not in titles, (section, chart)
            titles.append(chart["title"])
        screenshot(page, f"compare-three-{section.lower().replace(' ', '-')}")

    # Raw counts stay chosen while the analyst looks at another tab and comes back.
    growth_title = """() => [...document.querySelectorAll("[data-testid='cisPlotlyChart'] .gtitle")]
        .map(e => e.textContent).join('|')"""
    page.get_by_role("tab", name="Growth", exact=True).click()
    wait_for_app(page, timeout_ms=60_000)
    page.get_by_text("Show raw follower counts instead of growth indexed to 100").click()
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(f"() => ({growth_title})() && !({growth_title})().includes('indexed')")
    page.get_by_role("tab", name="Quality", exact=True).click()
    wait_for_app(page, timeout_ms=60_000)
    page.get_by_role("tab", name="Growth", exact=True).click()
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(f"() => ({growth_title})().startsWith('Follower')", timeout=30_000)
    assert "indexed" not in page.evaluate(growth_title)
    assert page.get_by_role("switch", name="Show raw follower counts").is_checked()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Table as CSV").click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "metric" and len(rows[0]) == 4
    assert [row[0] for row in rows[1:4]] == ["Followers", "Engagement rate", "Posts per week"]
    assert all(cell for cell in rows[1][1:])  # every creator has a follower count


def test_a_hostile_name_in_the_compare_table_is_plain_text(app, page):
    hostile = next(a for a in instagram_pool() if a.kind == "hostile")
    add_to_roster(app.data_dir, hostile, ACCOUNTS[0])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{app.url}/compare?creators={hostile.creator_id},{ACCOUNTS[0].creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    table = page.locator("[data-testid='stTable']")
    assert hostile.name in table.inner_text()  # shown as typed
    assert table.locator("script, strong, b").count() == 0 and dialogs == []
