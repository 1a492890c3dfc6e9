"""Client workspaces in a real browser, signed in through a real OpenID Connect provider.

Acme has 15 creators; globex has the same 15 plus 15 more, a campaign and a note of its own.
Ana is an analyst of acme only and Vic a viewer of acme only: no allow-list names them, their
membership lets them in. The admin is listed in FPAPI_ADMIN_EMAILS and sees every workspace.
"""

from __future__ import annotations

import re

import pytest

from fpapi.sandbox.accounts import generated_account
from fpapi.storage.records import Campaign
from fpapi.workspace.core import open_workspace
from fpapi.workspace.members import Actor
from fpapi.workspace.settings import load_settings
from tests.browser.conftest import main_text, screenshot, sign_in, signed_in_app, wait_for_app
from tests.helpers import seed_acme_and_globex

pytestmark = pytest.mark.browser

ADMIN = "root@agency.test"
ACME_ANALYST = "ana@acme.test"
ACME_VIEWER = "vic@acme.test"
GLOBEX_ANALYST = "gus@globex.test"
SHARED = [generated_account(n) for n in range(15)]  # on both rosters
GLOBEX_ONLY = [generated_account(n) for n in range(15, 30)]
GLOBEX_CAMPAIGN = "Globex winter launch"
GLOBEX_NOTE = "Globex pays double for reels"


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    base = tmp_path_factory.mktemp("agency")
    data = base / "data"
    environ = {"FPAPI_DATA_DIR": str(data), "HOME": str(base)}
    seed_acme_and_globex(
        environ,
        acme_analyst=ACME_ANALYST,
        acme_viewer=ACME_VIEWER,
        globex_analyst=GLOBEX_ANALYST,
    )
    admin = open_workspace(load_settings(environ, []), Actor("setup"), workspace="globex")
    try:
        admin.save_campaign(
            Campaign(
                "globex-campaign",
                GLOBEX_CAMPAIGN,
                creator_ids=[GLOBEX_ONLY[0].creator_id, SHARED[0].creator_id],
                hashtags=["winter"],
            )
        )
        admin.add_note(SHARED[0].creator_id, GLOBEX_NOTE)
    finally:
        admin.close()

    emails = [ADMIN, ACME_ANALYST, ACME_VIEWER, GLOBEX_ANALYST]
    with signed_in_app(base, emails, {"FPAPI_ADMIN_EMAILS": ADMIN}) as app:
        yield app


def globex_leaks(text: str) -> list[str]:
    """What of globex's own a page shows: its extra creators, its campaign, its note."""
    shared_names = {a.name for a in SHARED}  # generated names repeat; handles never do
    found = [a.name for a in GLOBEX_ONLY if a.name in text and a.name not in shared_names]
    found += [a.username for a in GLOBEX_ONLY if a.username in text]
    return found + [t for t in (GLOBEX_CAMPAIGN, GLOBEX_NOTE) if t in text]


def open_path(page, url: str) -> str:
    page.goto(url)
    wait_for_app(page)
    return main_text(page)


def test_an_acme_analyst_reaches_nothing_of_globex_by_any_address(agency, page):
    app = agency
    sign_in(page, app.url, ACME_ANALYST)
    assert "ws=" not in page.url  # one workspace: no picker, no ws needed
    assert page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").count() == 0
    home = main_text(page)
    assert re.search(r"Creators on the roster\s+15\b", home), home
    screenshot(page, "workspaces-acme-analyst-home")

    roster = open_path(page, f"{app.url}/creators")
    assert SHARED[3].name in roster and globex_leaks(roster) == []
    screenshot(page, "workspaces-acme-analyst-roster", height=1600)

    other = GLOBEX_ONLY[0]
    searched = open_path(page, f"{app.url}/creators?q={other.username}")
    assert globex_leaks(searched) == []
    assert "No creator matches that search." in searched

    insights = open_path(page, f"{app.url}/insights?creator={other.creator_id}")
    assert "not on this workspace's roster" in insights and globex_leaks(insights) == []
    assert page.locator(".js-plotly-plot").count() == 0
    screenshot(page, "workspaces-acme-analyst-insights-of-globex")

    shared = open_path(page, f"{app.url}/insights?creator={SHARED[0].creator_id}")
    assert SHARED[0].name in shared and GLOBEX_NOTE not in shared  # notes are per workspace

    both = f"{SHARED[1].creator_id},{other.creator_id},{SHARED[2].creator_id}"
    compare = open_path(page, f"{app.url}/compare?creators={both}")
    assert "not on this workspace's roster" in compare and globex_leaks(compare) == []
    assert SHARED[1].name in compare

    campaign = open_path(page, f"{app.url}/campaigns?campaign=globex-campaign")
    assert globex_leaks(campaign) == []
    screenshot(page, "workspaces-acme-analyst-globex-campaign-address")

    asked = open_path(page, f"{app.url}/creators?ws=globex")
    assert "You are not a member of a workspace named “globex”" in asked
    assert globex_leaks(asked) == [] and SHARED[3].name not in asked
    screenshot(page, "workspaces-acme-analyst-asks-for-globex")

    admin_page = open_path(page, f"{app.url}/admin")
    assert "Only admins" in admin_page and "globex" not in admin_page
    assert (
        "Admin"
        not in page.locator(
            "[data-testid='stSidebarNav'], [data-testid='stSidebar'] a"
        ).all_inner_texts()
    )


def test_an_acme_viewer_reads_every_page_and_is_offered_no_change(agency, page):
    app = agency
    sign_in(page, app.url, ACME_VIEWER)
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert f"Signed in as {ACME_VIEWER} · viewer" in sidebar
    for path in ("", "creators", "connect", "campaigns", "activity", "compare"):
        text = open_path(page, f"{app.url}/{path}")
        assert globex_leaks(text) == [], path
        assert "Something went wrong" not in text, path
        screenshot(page, f"workspaces-acme-viewer-{path or 'home'}", height=1400)
    insights = open_path(page, f"{app.url}/insights?creator={SHARED[0].creator_id}")
    assert SHARED[0].name in insights
    for button in ("Refresh", "Create verification link", "Save"):
        assert page.get_by_role("button", name=button, exact=True).count() == 0, button
    open_path(page, f"{app.url}/creators")
    assert page.get_by_text("Select creators").count() == 0


def test_the_admin_sees_every_workspace_switches_and_is_logged(agency, page):
    app = agency
    sign_in(page, app.url, ADMIN)
    wait_for_app(page)
    page.wait_for_url(re.compile(r"ws=acme"))  # several workspaces: the address keeps one
    picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']")
    screenshot(page, "workspaces-admin-home")
    assert picker.count() == 1
    assert "acme" in picker.locator("input").input_value(), picker.inner_html()
    assert re.search(r"Creators on the roster\s+15\b", main_text(page))

    admin_page = open_path(page, f"{app.url}/admin?ws=acme")
    for text in ("acme", "globex", "default", ACME_ANALYST, ACME_VIEWER, GLOBEX_ANALYST):
        assert text in admin_page, text
    screenshot(page, "workspaces-admin-page", height=2000)

    # The picker switches to globex: its 30 creators, and the address says so.
    open_path(page, f"{app.url}/?ws=acme")
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").click()
    page.get_by_role("option", name=re.compile(r"^globex")).click()
    page.wait_for_url(re.compile(r"ws=globex"))
    wait_for_app(page)
    page.get_by_text(re.compile(r"^30$")).first.wait_for()
    screenshot(page, "workspaces-admin-globex-home")

    # The admin's visit is in acme's activity list, where its members read it.
    activity = open_path(page, f"{app.url}/activity?ws=acme")
    assert "opened, as an admin who is not a member, the workspace acme" in activity
    assert ADMIN in activity
