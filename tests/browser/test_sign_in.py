"""Sign-in with a real OpenID Connect provider on loopback, in a real browser.

The provider is ``oidc-provider-mock`` with predefined users (one button each on its
authorisation page); the app reads ``[auth]`` from ``~/.streamlit/secrets.toml`` in a HOME
made for the test, exactly as a deployment would.
"""

from __future__ import annotations

import math
import time

import httpx
import pytest

from components.frame.pages import PAGES
from fpapi.sandbox import instagram_pool
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import Creator
from fpapi.workspace.settings import SANDBOX_CACHE_LABEL
from tests.browser.conftest import (
    consent,
    create_link,
    main_text,
    put_on_roster,
    running_app,
    screenshot,
    sign_in,
    sign_out,
    wait_for_app,
)
from tests.browser.servers import free_port, start_oidc_provider, stop, write_auth_home

pytestmark = pytest.mark.browser

ANALYST = "ana@agency.test"
OUTSIDER = "eve@elsewhere.test"
UNVERIFIED = "mallory@agency.test"
UNVOUCHED = "nina@agency.test"  # the provider sends no email_verified at all
LONG_S = "ana@agency.te\u017ft"  # casefolds to ana@agency.test
LIGATURE = "mallory@sta\ufb00.test"  # NFKC makes it mallory@staff.test
TWO_ATS = "eve@evil.test@agency.test"  # its last "@" is followed by a listed domain
USERS = [
    {"sub": ANALYST, "email": ANALYST, "email_verified": True, "name": "Ana"},
    {"sub": OUTSIDER, "email": OUTSIDER, "email_verified": True},
    {"sub": UNVERIFIED, "email": UNVERIFIED, "email_verified": False},
    {"sub": UNVOUCHED, "email": UNVOUCHED},
    *({"sub": who, "email": who, "email_verified": True} for who in (LONG_S, LIGATURE, TWO_ATS)),
    {"sub": "vic@brand.test", "email": "vic@brand.test", "email_verified": True},
]
VIEWER = "vic@brand.test"
HIDDEN_CREATOR = "Zoë Hiddenname"
ANALYST_PATHS = [spec.url_path or "" for spec in PAGES.values() if not spec.public]


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """The app with sign-in configured for @agency.test, one creator already on its roster."""
    base = tmp_path_factory.mktemp("team")
    provider = start_oidc_provider(USERS, base / "oidc.log")
    port = free_port()
    auth = write_auth_home(base / "home", app_port=port, provider=provider)
    DataFolderStore(base / "data" / "store").add_creator(
        Creator("hidden-1", "instagram", name=HIDDEN_CREATOR, username="zoe.hidden")
    )
    try:
        with running_app(
            base / "data",
            base / "streamlit.log",
            {
                "HOME": str(auth.home),
                "FPAPI_ALLOWED_EMAILS": "@agency.test, @staff.test",
                "FPAPI_VIEWER_EMAILS": "@brand.test",
            },
            port=port,
        ) as app:
            yield app, auth
    finally:
        stop(provider.process)


def assert_nothing_of_the_workspace(page, app_url: str, buttons: list[str]) -> None:
    """No menu or sidebar, no link into the app, only the expected buttons, no creator."""
    assert page.locator("[data-testid='stSidebar']").count() == 0
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    public = tuple(f"{app_url}/{spec.url_path}" for spec in PAGES.values() if spec.public)
    inside = [h for h in hrefs if h.startswith(app_url) and "#" not in h]
    assert [h for h in inside if not h.startswith(public)] == [], inside  # /deletion is open
    shown = page.locator("[data-testid='stMain'] button").all_inner_texts()
    assert [b.strip() for b in shown] == buttons
    text = main_text(page)
    for word in (HIDDEN_CREATOR, "zoe.hidden", "roster", "Sandbox"):
        assert word not in text


@pytest.mark.parametrize("path", ANALYST_PATHS)
def test_a_signed_out_visitor_sees_the_name_and_sign_in_only(team, page, path):
    app, _ = team
    page.goto(f"{app.url}/{path}?creator=hidden-1&creators=hidden-1,x")
    wait_for_app(page)
    assert "Creator Insights Studio" in page.locator("h1").first.inner_text()
    assert_nothing_of_the_workspace(page, app.url, ["Sign in"])
    screenshot(page, f"signed-out-{path or 'home'}")


def test_an_analyst_signs_in_connects_a_creator_and_signs_out(team, browser, page):
    app, auth = team
    sign_in(page, app.url, ANALYST)
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert f"Signed in as {ANALYST}" in sidebar and "Sign out" in sidebar
    assert "Connect a creator" in sidebar and "Activity" in sidebar
    assert "Creators on the roster" in main_text(page)
    screenshot(page, "signed-in-home")

    # The analyst creates a link...
    consent_url = create_link(page, app.url, label="Priya for the launch")

    # ...and the creator consents in a browser that never signed in.
    creator_context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        creator = creator_context.new_page()
        consent(creator, consent_url, account="priya.play7", app_url=app.url)
        assert_nothing_of_the_workspace(creator, app.url, [])
        assert "Instagram account is connected" in main_text(creator)
        screenshot(creator, "callback-for-a-signed-out-creator")
        # The creator cannot walk from there into the workspace either.
        creator.goto(f"{app.url}/creators")
        wait_for_app(creator)
        assert_nothing_of_the_workspace(creator, app.url, ["Sign in"])
    finally:
        creator_context.close()

    # The roster says who added the creator; the activity list says who did what.
    page.goto(f"{app.url}/creators")
    wait_for_app(page)
    page.get_by_text("@priya.play7").wait_for()
    assert f"Added by {ANALYST} on {time.strftime('%Y-%m-%d', time.gmtime())}" in main_text(page)
    screenshot(page, "signed-in-creators", height=1400)
    page.goto(f"{app.url}/activity")
    wait_for_app(page)
    activity = main_text(page)
    assert "created a verification link for Priya for the launch (Instagram)" in activity
    assert ANALYST in activity
    screenshot(page, "signed-in-activity")

    # Signing out leaves the workspace.
    sign_out(
        page,
        app.url,
        page.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out"),
    )
    assert_nothing_of_the_workspace(page, app.url, ["Sign in"])
    page.goto(f"{app.url}/creators")
    wait_for_app(page)
    assert_nothing_of_the_workspace(page, app.url, ["Sign in"])

    # XSRF protection stayed on with sign-in (Streamlit sets its token cookie only then).
    cookies = {c["name"] for c in page.context.cookies()}
    assert "_streamlit_xsrf" in cookies, cookies

    # No OIDC secret ever reached the log (at DEBUG) or a page.
    for secret in (auth.client_secret, auth.cookie_secret):
        assert secret not in app.log()
        assert secret not in page.content()


@pytest.mark.parametrize(
    ("who", "says"),
    [
        (OUTSIDER, "is not allowed"),
        (UNVERIFIED, "not verified"),
        (UNVOUCHED, "not verified"),
        (LONG_S, "is not allowed"),
        (LIGATURE, "is not allowed"),
        (TWO_ATS, "is not allowed"),
    ],
    ids=["outsider", "unverified", "no-email-verified", "long-s", "ff-ligature", "two-ats"],
)
def test_a_signed_in_visitor_who_is_not_allowed_sees_only_their_address(
    team, page, request, who, says
):
    app, _ = team
    sign_in(page, app.url, who)
    text = main_text(page)
    assert f"You are signed in as {who}" in text and says in text
    assert_nothing_of_the_workspace(page, app.url, ["Sign out"])
    screenshot(page, f"not-allowed-{request.node.callspec.id}")
    sign_out(page, app.url, page.get_by_role("button", name="Sign out"))
    assert_nothing_of_the_workspace(page, app.url, ["Sign in"])


def test_a_public_address_without_sign_in_refuses_but_the_callback_works(tmp_path, page):
    with running_app(
        tmp_path / "data",
        tmp_path / "streamlit.log",
        {"FPAPI_PUBLIC_URL": "https://insights.agency.test"},
    ) as app:
        page.goto(f"{app.url}/creators")
        wait_for_app(page)
        assert "sign-in must be configured" in main_text(page)
        assert_nothing_of_the_workspace(page, app.url, [])
        screenshot(page, "public-without-sign-in")
        page.goto(f"{app.url}/callback?state=unknown&token=t")
        wait_for_app(page)
        assert "not one this app created" in main_text(page)
        assert page.locator("[data-testid='stSidebar']").count() == 0


def test_a_malformed_secrets_file_keeps_everyone_out_without_echoing_it(tmp_path, page):
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text('[auth]\nclient_secret = "s3cr3t-value\n')
    with running_app(tmp_path / "data", tmp_path / "streamlit.log", {"HOME": str(home)}) as app:
        page.goto(f"{app.url}/creators")
        wait_for_app(page)
        text = main_text(page)
        assert "could not be read" in text and "Nobody can be let in" in text
        assert "s3cr3t-value" not in page.content() and "s3cr3t-value" not in app.log()
        assert_nothing_of_the_workspace(page, app.url, [])
        screenshot(page, "malformed-secrets")


def test_cookies_saved_before_sign_out_open_nothing_and_server_routes_need_them(
    team, browser, page
):
    """Cookies saved before Sign out do not open the workspace in a fresh browser; the
    downloads (/media/) and Streamlit's metrics answer 404 to a request without a valid
    sign-in cookie, and the metrics answer a signed-in analyst."""
    app, _ = team
    anonymous = page.context.request
    assert anonymous.get(f"{app.url}/_stcore/metrics").status == 404
    assert anonymous.get(f"{app.url}/media/0123456789abcdef.html").status == 404

    sign_in(page, app.url, ANALYST)
    saved = page.context.cookies()
    assert page.context.request.get(f"{app.url}/_stcore/metrics").status == 200
    sign_out(
        page,
        app.url,
        page.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out"),
    )
    signed_out = time.time()

    replay = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        replay.add_cookies(saved)
        again = replay.new_page()
        again.goto(f"{app.url}/creators")
        wait_for_app(again)
        assert "You signed out. Sign in again to go on." in main_text(again)
        assert_nothing_of_the_workspace(again, app.url, ["Sign in"])
        screenshot(again, "cookies-replayed-after-sign-out")
        assert replay.request.get(f"{app.url}/_stcore/metrics").status == 404
    finally:
        replay.close()
    # A new sign-in is a new token: the workspace opens. ID tokens give their time in whole
    # seconds, so one issued in the second of the sign-out is refused with the saved cookies
    # (a quick sign-in and out left them working): sign in again from the next second on.
    time.sleep(max(0.0, math.floor(signed_out) + 1 - time.time()))
    sign_in(page, app.url, ANALYST)
    assert "Creators on the roster" in main_text(page)


def test_a_viewer_reads_the_roster_and_links_but_is_offered_no_change(team, page):
    app, _ = team
    sign_in(page, app.url, VIEWER)
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert f"Signed in as {VIEWER} · viewer" in sidebar
    page.goto(f"{app.url}/creators")
    wait_for_app(page)
    assert HIDDEN_CREATOR in main_text(page)  # reads the roster
    assert page.get_by_text("Select creators").count() == 0
    screenshot(page, "viewer-creators")
    page.goto(f"{app.url}/connect")
    wait_for_app(page)
    assert "You are a viewer" in main_text(page)
    assert page.get_by_role("button", name="Create verification link").count() == 0
    screenshot(page, "viewer-connect")
    page.goto(f"{app.url}/insights?creator=hidden-1")
    wait_for_app(page)
    assert page.get_by_role("button", name="Refresh").count() == 0
    sign_out(
        page,
        app.url,
        page.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out"),
    )


def test_an_insights_address_starts_loading_its_creator_only_for_whom_the_page_lets_in(team, page):
    """serve.py starts loading the creator an /insights address names when the page itself is
    requested, before any of its code runs, for whoever the request's sign-in cookie names:
    nothing for a request without one, nor for a creator not on the roster."""
    app, _ = team
    anonymous, ahead, elsewhere = instagram_pool()[10:13]  # none the other tests verify
    put_on_roster(app.data_dir, [anonymous, ahead])
    cache = InsightCache(app.data_dir / "insights", api_base_url=SANDBOX_CACHE_LABEL)
    try:
        assert httpx.get(f"{app.url}/insights?creator={anonymous.creator_id}").status_code == 200
        sign_in(page, app.url, ANALYST)
        for creator in (elsewhere, ahead):
            asked = page.context.request.get(f"{app.url}/insights?creator={creator.creator_id}")
            assert asked.status == 200  # the page's HTML only: no script has run for it
        deadline = time.monotonic() + 30
        while cache.summary(ahead.creator_id) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cache.summary(ahead.creator_id) is not None
        assert cache.summary(anonymous.creator_id) is None
        assert cache.summary(elsewhere.creator_id) is None
    finally:
        cache.close()
