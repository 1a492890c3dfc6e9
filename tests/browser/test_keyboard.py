"""Keyboard alone, as an analyst who cannot use a mouse: connect a creator, open the roster,
a creator's insights, and compare two, with Tab, typing and Enter only; where the focus is
can be seen at every step."""

from __future__ import annotations

import re

import pytest

from fpapi.sandbox import instagram_pool
from tests.browser.conftest import main_text, running_app, screenshot, wait_for_app

pytestmark = pytest.mark.browser

TWO = instagram_pool()[:2]
MAX_TABS = 120

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  const text = (el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
  const name = text.split(String.fromCharCode(10)).filter(Boolean).pop() || "";  // an icon's ligature first
  return {name, tag: el.tagName, ring};
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from fpapi.storage.data_folder import DataFolderStore
    from fpapi.storage.records import Creator

    base = tmp_path_factory.mktemp("keyboard")
    store = DataFolderStore(base / "data" / "store")
    for account in TWO:
        store.add_creator(
            Creator(account.creator_id, "instagram", name=account.name, username=account.username)
        )
    store.close()
    with running_app(base / "data", base / "streamlit.log") as running:
        yield running


def tab_to(page, name: str | re.Pattern[str]) -> dict:
    """Press Tab until the focused element's name is ``name``; that element, focus visible."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused and (
            name.search(focused["name"])
            if isinstance(name, re.Pattern)
            else focused["name"] == name
        ):
            assert focused["ring"], f"no visible focus on {focused}"
            return focused
    raise AssertionError(f"Tab never reached {name!r}")


def follow(page, name: str, url: str) -> None:
    """Tab to the link ``name``, press Enter, and wait until the page whose address matches
    the pattern ``url`` is drawn."""
    tab_to(page, name)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(url))
    wait_for_app(page)


# The first picker's chips (none while a rerun redraws it).
CHIPS = "(document.querySelector(\"[data-testid='stMultiSelect']\")?.querySelectorAll('span[title]').length ?? 0)"
CHIPS_AT_LEAST = f"n => {CHIPS} >= n"
CHIPS_EXACTLY = f"n => {CHIPS} === n"


def test_connect_roster_insights_and_compare_with_the_keyboard_alone(app, page):
    page.goto(app.url)
    wait_for_app(page)

    follow(page, "Connect a creator", r"/connect")
    tab_to(page, "Label (optional)")
    page.keyboard.type("Keyboard only")
    tab_to(page, "Create verification link")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Open the verification link").wait_for()
    wait_for_app(page)
    screenshot(page, "keyboard-connect")

    follow(page, "Creators", r"/creators")
    follow(page, "Open insights", r"/insights\?creator=")
    assert any(account.name in main_text(page) for account in TWO)

    follow(page, "Compare", r"/compare")
    picker = re.compile(r"^(Choose creators|Creators to compare)")
    picked_chips = page.locator("[data-testid='stMultiSelect']").first.locator("span[title]")
    for picked, account in enumerate(TWO, start=1):  # each pick reruns the page
        focused = page.evaluate(_FOCUSED)
        if not (focused and picker.search(focused["name"])):
            tab_to(page, picker)
        page.keyboard.type(account.name)
        page.keyboard.press("Enter")
        page.wait_for_function(CHIPS_AT_LEAST, arg=picked)
        wait_for_app(page)
    # The creators picker's chips, not the rows picker's; waited for, as the rerun the last pick
    # started may redraw the picker after the page already said it was done.
    page.wait_for_function(CHIPS_EXACTLY, arg=len(TWO))
    assert picked_chips.count() == len(TWO)
    page.locator("h3", has_text="Side by side").wait_for()
    screenshot(page, "keyboard-compare")
    text = main_text(page)
    assert all(account.name in text for account in TWO)
