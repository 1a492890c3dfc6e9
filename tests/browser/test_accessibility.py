"""axe-core (through axe-playwright-python) on every page a person can reach, signed in through
the real OpenID Connect provider: each analyst page and each of its tabs, the sign-in page,
/callback, a client's share page and /deletion. Serious and critical violations of the WCAG
2.2 A/AA rules fail the suite, so a new one cannot land."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from components.ui.compare import CHART_SECTIONS, OVERLAP
from components.ui.insights_sections import SECTIONS
from fpapi.sandbox import instagram_pool
from tests.browser.conftest import sign_in, signed_in_app, wait_for_app

pytestmark = pytest.mark.browser

ANALYST = "ana@agency.test"
THREE = instagram_pool()[:3]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("accessibility")
    with signed_in_app(base, [ANALYST], {"FPAPI_ALLOWED_EMAILS": ANALYST}, THREE) as running:
        yield running


# Every chart on the page drawn by plotly.js, which runs after the script's own run and names
# the drawing once done: each component the page shows (the sidebar's only loads plotly.js)
# holds a drawing with its role and name, not just a placeholder its code has yet to fill.
CHARTS_DRAWN = """() => [...document.querySelectorAll("[data-testid='stMain'] .stBidiComponent")]
    .every(chart => chart.querySelector("svg.main-svg[role='img'][aria-label]"))"""


def violations(page) -> list[str]:
    """The serious and critical violations on the page as drawn, one line each."""
    page.wait_for_function(CHARTS_DRAWN, polling="raf")
    found = Axe().run(page, options=OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {v['help']}"
        for v in found
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def open_and_check(page, url: str) -> list[str]:
    page.goto(url)
    wait_for_app(page)
    return violations(page)


PANEL_DRAWN = """id => [...document.querySelectorAll(`[role='tabpanel'][aria-labelledby='${id}']`)]
    .some(panel => panel.querySelector("[data-testid='stElementContainer']"))"""


def open_tab_and_check(page, label: str) -> list[str]:
    """Click a tab, and scan once its own panel is drawn: a lazy tab's panel starts empty, and
    the page still says "not running" until the server starts the run the click asked for."""
    tab = page.get_by_role("tab", name=label, exact=True)
    tab.click()
    page.wait_for_function(PANEL_DRAWN, arg=tab.get_attribute("id"))
    wait_for_app(page)
    return violations(page)


def test_no_serious_or_critical_violation_on_any_page_or_tab(app, page, browser):
    found: dict[str, list[str]] = {}
    visitor = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        gate = visitor.new_page()
        found["sign-in"] = open_and_check(gate, app.url)
        found["callback"] = open_and_check(gate, f"{app.url}/callback")
        found["deletion"] = open_and_check(gate, f"{app.url}/deletion?code=abcdefghjk")
        found["share (refused)"] = open_and_check(gate, f"{app.url}/share?t=nothing")
    finally:
        visitor.close()

    sign_in(page, app.url, ANALYST)
    first = THREE[0].creator_id
    ids = ",".join(account.creator_id for account in THREE)
    for path in ("", "connect", "creators", "campaigns", "activity", "shares", "admin"):
        found[path or "home"] = open_and_check(page, f"{app.url}/{path}")
    # Each section and chart tab as an analyst reaches it: the page opened once, then a click
    # on each tab (a full load per tab would only compile the same scripts again).
    page.goto(f"{app.url}/insights?creator={first}")
    wait_for_app(page)
    page.locator(".js-plotly-plot").nth(2).wait_for()  # the trend and the first section's
    images = page.locator("svg[role='img']").evaluate_all(
        "svgs => svgs.map(svg => svg.getAttribute('aria-label'))"
    )
    assert len(images) == page.locator(".js-plotly-plot").count()  # each chart one image
    assert len(set(images)) == len(images) and all("latest" in i or "highest" in i for i in images)
    for section in SECTIONS:
        found[f"insights: {section}"] = open_tab_and_check(page, section)
    page.goto(f"{app.url}/compare?creators={ids}")
    wait_for_app(page)
    for tab in (*CHART_SECTIONS, OVERLAP):
        found[f"compare: {tab}"] = open_tab_and_check(page, tab)

    page.goto(f"{app.url}/compare?creators={ids}")  # a share, as its client opens it
    wait_for_app(page)
    page.get_by_role("button", name="Share with a client").click()
    page.get_by_role("button", name="Create share link").click()
    page.locator("[data-testid='stCode']").wait_for()
    link = page.locator("[data-testid='stCode'] code").inner_text().strip()
    client = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        shared = client.new_page()
        shared.goto(link)
        wait_for_app(shared)
        shared.locator(".js-plotly-plot").first.wait_for()
        found["share"] = violations(shared)
    finally:
        client.close()

    assert len(found) == 4 + 7 + len(SECTIONS) + len(CHART_SECTIONS) + 1 + 1
    assert {name: lines for name, lines in found.items() if lines} == {}
