"""The compare page in a real browser: charts drawn, the CSV downloads."""

from __future__ import annotations

import csv
import io

import pytest

from fpapi.sandbox import instagram_pool
from tests.apptest import add_to_roster
from tests.browser.conftest import plotly_summaries, screenshot, wait_for_app

pytestmark = pytest.mark.browser

ACCOUNTS = list(instagram_pool()[5:8])


def test_compare_three_creators_and_download_the_csv(app, page):
    add_to_roster(app.data_dir, *ACCOUNTS)
    page.set_viewport_size({"width": 1400, "height": 5200})
    page.goto(f"{app.url}/compare?creators={','.join(a.creator_id for a in ACCOUNTS)}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5", timeout=30_000
    )
    charts = plotly_summaries(page)
    assert len(charts) == 5 and all(c["points"] > 0 for c in charts), charts
    assert any("indexed to 100" in c["title"] for c in charts)
    screenshot(page, "compare-three")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Table as CSV").click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "metric" and len(rows[0]) == 4
    assert [row[0] for row in rows[1:4]] == ["Followers", "Engagement rate", "Posts per week"]
    assert all(cell for cell in rows[1][1:])  # every creator has a follower count
