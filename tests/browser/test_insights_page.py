"""The insights page in a real browser: charts drawn and non-empty, vendor markup inert."""

from __future__ import annotations

import pytest

from fpapi.sandbox import instagram_pool
from tests.apptest import add_to_roster
from tests.browser.conftest import plotly_summaries, screenshot, wait_for_app
from tests.helpers import KPI_LABELS

pytestmark = pytest.mark.browser

NORMAL = instagram_pool()[0]
HOSTILE = next(a for a in instagram_pool() if a.kind == "hostile")
TALL_VIEWPORT = 7000


def open_insights(page, app, account) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 1400, "height": TALL_VIEWPORT})
    page.goto(f"{app.url}/insights?creator={account.creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 9", timeout=30_000
    )
    return dialogs


def test_insights_for_a_normal_creator_draws_every_chart(app, page):
    add_to_roster(app.data_dir, NORMAL)
    open_insights(page, app, NORMAL)
    charts = plotly_summaries(page)
    titles = {c["title"] for c in charts}
    assert {"Followers over time", "Engagement rate over time", "Engagement by format", "Quality sub-scores",
            "Posts per week", "When the creator posts", "Most used hashtags"} <= titles  # fmt: skip
    assert all(c["points"] > 0 for c in charts), charts
    main = page.locator("[data-testid='stMain']").inner_text()
    for label in KPI_LABELS:
        assert label in main
    assert "HypeAuditor" in main  # the benchmark names its source
    assert (
        page.locator("[data-testid='stMain'] a[href^='mailto:']").count() == 0
    )  # bio e-mail: text
    screenshot(page, "insights-normal")


def test_insights_for_a_hostile_creator_renders_markup_as_text(app, page):
    add_to_roster(app.data_dir, HOSTILE)
    dialogs = open_insights(page, app, HOSTILE)
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    assert "<script>alert('bio')</script>" in text  # shown, not run
    assert "<b>Not bold</b>" in text
    assert ":red[alarm]" in text and "$\\frac{a}{b}$" in text
    assert dialogs == []
    assert main.locator("img[src='x']").count() == 0
    assert main.locator("a[href^='javascript:']").count() == 0
    assert main.locator("b", has_text="Not bold").count() == 0
    assert main.locator(".katex").count() == 0  # no LaTeX rendered
    assert page.locator("style", has_text="display:none").count() == 0
    assert all(c["points"] > 0 for c in plotly_summaries(page))
    # 100 KB captions stay inside the layout: nothing wider than the window.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "insights-hostile")
