"""A roster of 1,000 seeded creators in a real browser: search, page, select, compare."""

from __future__ import annotations

import time

import pytest

from fpapi.commands.seed import seeded_creators
from fpapi.sandbox.accounts import account_for, generated_account
from fpapi.storage.data_folder import DataFolderStore
from tests.browser.conftest import running_app, screenshot, wait_for_app

pytestmark = pytest.mark.browser

ROSTER = 1_000


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory):
    base = tmp_path_factory.mktemp("seeded")
    store = DataFolderStore(base / "data" / "store")
    store.add_new_creators(seeded_creators(ROSTER, now=time.time()))
    store.close()
    with running_app(base / "data", base / "streamlit.log") as running:
        yield running


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_a_thousand_creators_are_searched_paged_selected_and_compared(seeded_app, page):
    page.goto(f"{seeded_app.url}/creators")
    wait_for_app(page)
    text = main_text(page)
    assert "1,000 verified creators." in text
    assert "Showing 50 of 1,000 matching creators, page 1 of 20." in text
    assert page.get_by_role("link", name="Open insights").count() == 50  # one page of rows
    screenshot(page, "roster-1000", height=2400)

    wanted = generated_account(420)
    search = page.get_by_label("Search by name, handle, label or tag")
    search.fill(wanted.username)
    search.press("Enter")
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stMain']\").innerText"
        ".includes('Showing 1 of 1 matching creators')"
    )
    wait_for_app(page)
    assert wanted.name in main_text(page)
    assert f"q={wanted.username}" in page.url  # the search is in the address, to share
    screenshot(page, "roster-1000-search")

    search.fill("")
    search.press("Enter")
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stMain']\").innerText"
        ".includes('page 1 of 20')"
    )
    pager = page.get_by_label("Page (of 20, 50 creators a page)")
    pager.fill("3")
    pager.press("Enter")
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stMain']\").innerText"
        ".includes('page 3 of 20')"
    )
    wait_for_app(page)
    assert "page=3" in page.url
    links = page.get_by_role("link", name="Open insights").all()[:2]
    picks = [account_for(link.get_attribute("href").split("creator=")[1]).name for link in links]

    page.get_by_text("Select creators", exact=True).click()
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    for count, name in enumerate(picks, start=1):  # each row's checkbox names its creator
        page.locator("[data-testid='stMain'] [data-testid='stCheckbox']").filter(
            has_text=name
        ).first.click()
        selected = f"{count} creator{'s' if count > 1 else ''} selected."
        sidebar.get_by_text(selected).wait_for()  # the rerun the click started is drawn
    assert "2 creators selected." in sidebar.inner_text()
    screenshot(page, "roster-1000-selected")
    sidebar.get_by_role("link", name="Compare 2 creators").click()
    page.wait_for_url("**/compare?creators=*")
    wait_for_app(page)
    page.wait_for_selector("[data-testid='cisPlotlyChart'] .main-svg", timeout=30_000)
    table = page.locator("[data-testid='stTable']").first.inner_text()
    for name in picks:
        assert name in table
    screenshot(page, "roster-1000-compare", height=2400)
