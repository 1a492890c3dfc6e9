"""Forgetting a creator in a real browser: the button on their insights page, its one
confirmation, the receipt with its deletion code, and /deletion for a signed-out visitor."""

from __future__ import annotations

import re

import pytest

from fpapi.sandbox import instagram_pool
from tests.browser.conftest import main_text, screenshot, sign_in, signed_in_app, wait_for_app

pytestmark = pytest.mark.browser

ANALYST = "ana@agency.test"
FORGOTTEN, KEPT = instagram_pool()[:2]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Sign-in configured; two creators on the roster."""
    base = tmp_path_factory.mktemp("forget")
    env = {"FPAPI_ALLOWED_EMAILS": ANALYST}
    with signed_in_app(base, [ANALYST], env, (FORGOTTEN, KEPT)) as running:
        yield running


def test_an_analyst_forgets_a_creator_and_a_signed_out_visitor_checks_the_code(app, page, browser):
    sign_in(page, app.url, ANALYST)
    page.goto(f"{app.url}/insights?creator={FORGOTTEN.creator_id}")
    wait_for_app(page)
    page.get_by_role("button", name="Forget this creator").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("It cannot be undone").wait_for()
    assert FORGOTTEN.name in dialog.inner_text() and "in every workspace" in dialog.inner_text()
    screenshot(page, "forget-confirmation")

    # Cancel changes nothing; the second time, the analyst confirms.
    dialog.get_by_role("button", name="Cancel").click()
    page.get_by_role("dialog").wait_for(state="detached")
    wait_for_app(page)
    assert page.get_by_role("button", name="Forget this creator").count() == 1
    page.get_by_role("button", name="Forget this creator").click()
    page.get_by_role("dialog").get_by_role("button", name=f"Forget {FORGOTTEN.name}").click()
    page.wait_for_url(re.compile(r"/creators"))
    wait_for_app(page)
    receipt = main_text(page)
    code = re.search(r"Deletion code (\w+)", receipt)
    assert code, receipt
    assert f"Forgot {FORGOTTEN.name}" in receipt and "1 verified creator." in receipt
    assert KEPT.name in receipt and f"@{FORGOTTEN.username}" not in receipt
    screenshot(page, "forget-receipt")

    visitor = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        signed_out = visitor.new_page()
        signed_out.goto(f"{app.url}/deletion?code={code.group(1)}")
        wait_for_app(signed_out)
        text = main_text(signed_out)
        assert re.search(
            r"The data of a creator who connected on \d+ \w+ \d{4} was deleted on \d+ \w+ \d{4}\.",
            text,
        ), text
        assert FORGOTTEN.name not in text and FORGOTTEN.username not in text
        assert signed_out.locator("[data-testid='stSidebar']").count() == 0
        screenshot(signed_out, "deletion-real-code")
        signed_out.goto(f"{app.url}/deletion?code=notacode42")
        wait_for_app(signed_out)
        assert "No deletion has this code." in main_text(signed_out)
        screenshot(signed_out, "deletion-false-code")
        signed_out.goto(f"{app.url}/creators")  # the rest stays closed
        wait_for_app(signed_out)
        assert KEPT.name not in main_text(signed_out)
    finally:
        visitor.close()
