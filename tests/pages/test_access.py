"""The access gate under AppTest: what each kind of visitor sees on every page."""

from __future__ import annotations

import time

import pytest
import streamlit as st

from components.frame.pages import PAGES as PAGE_SPECS
from fpapi.storage.store import Store
from tests.helpers import app_store, charts_of
from tests.pages.apptest import AUTH, SIGNED_OUT, TOKEN_TIMES, open_page, page_text, verify

ANALYST_PAGES = [key for key, spec in PAGE_SPECS.items() if not spec.public]
ANALYST = {
    "is_logged_in": True,
    "email": "Ana@Agency.test",
    "email_verified": True,
    "sub": "ana-1",
    **TOKEN_TIMES,
}
OUTSIDER = {
    "is_logged_in": True,
    "email": "eve@elsewhere.test",
    "email_verified": True,
    **TOKEN_TIMES,
}
MATCHED = "ana@agency.test"  # ANALYST's address as it matched the allow-list


@pytest.fixture
def team(app_env, monkeypatch):
    """Sign-in configured for agency.test, and one creator on the roster to keep hidden."""
    monkeypatch.setenv("FPAPI_ALLOWED_EMAILS", "@agency.test")
    verify(app_env, "kenji.travel0")
    return app_env


def visit(page: str, user: dict, **kwargs):
    return open_page(page, user=user, secrets={"auth": AUTH}, **kwargs)


def shown(at) -> str:
    """Everything a visitor can read, buttons and links included, main area and sidebar."""
    parts = [page_text(at)]
    parts += [str(b.label) for b in at.button]
    parts += [str(link.proto.label) for link in at.get("page_link")]
    return "\n".join(parts)


def assert_nothing_of_the_workspace(at) -> None:
    text = shown(at)
    assert not at.get("page_link"), "a kept-out visitor sees links to other pages"
    assert not at.metric and not charts_of(at) and not at.sidebar.children
    for secret in ("Kenji", "kenji.travel0", "Creators on the roster", "Sandbox"):
        assert secret not in text
    for value in (AUTH["client_secret"], AUTH["cookie_secret"]):
        assert value not in text


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_a_signed_out_visitor_sees_only_the_name_and_sign_in(team, page):
    at = visit(page, SIGNED_OUT, query={"creator": "x", "creators": "a,b"})
    assert not at.exception
    assert [t.value for t in at.title] == ["Creator Insights Studio"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert_nothing_of_the_workspace(at)


@pytest.mark.parametrize("page", ["home", "creators"])
def test_a_signed_in_outsider_sees_their_address_and_sign_out(team, page):
    at = visit(page, OUTSIDER)
    assert not at.exception
    assert "eve@elsewhere.test" in page_text(at) and "not allowed" in page_text(at)
    assert [b.label for b in at.button] == ["Sign out"]
    assert_nothing_of_the_workspace(at)


@pytest.mark.parametrize("claims", [{"email_verified": False}, {}], ids=["false", "missing"])
def test_an_unverified_address_is_refused_even_on_the_allow_list(team, claims):
    user = {k: v for k, v in ANALYST.items() if k != "email_verified"}
    at = visit("home", {**user, **claims})
    assert "not verified" in page_text(at)
    assert_nothing_of_the_workspace(at)


def test_an_empty_allow_list_refuses_everyone_and_says_which_setting_to_fill(app_env):
    at = visit("home", ANALYST)
    assert "FPAPI_ALLOWED_EMAILS" in page_text(at)
    assert_nothing_of_the_workspace(at)


def test_an_incomplete_auth_section_fails_closed_naming_keys_not_values(team):
    partial = {k: v for k, v in AUTH.items() if k != "client_secret"}
    at = open_page("home", user=ANALYST, secrets={"auth": partial})
    assert "[auth] client_secret" in page_text(at)
    assert not at.button
    assert_nothing_of_the_workspace(at)


def test_an_allowed_analyst_gets_the_workspace_with_address_and_sign_out(team):
    at = visit("creators", ANALYST)
    assert not at.exception
    assert "Kenji" in page_text(at)
    sidebar = " ".join(str(c.value) for c in at.sidebar.caption).replace("\\", "")
    assert f"Signed in as **{MATCHED}**" in sidebar
    assert "Sign out" in [b.label for b in at.sidebar.button]
    menu = {link.proto.label for link in at.sidebar.get("page_link")}
    assert {"Home", "Connect a creator", "Creators", "Insights", "Compare", "Activity"} <= menu
    assert "Verification" not in menu


def test_the_callback_shows_a_signed_out_creator_only_their_outcome(team):
    at = visit("callback", SIGNED_OUT)
    assert not at.exception
    assert "nothing to do here by hand" in page_text(at)
    assert not at.get("page_link") and not at.sidebar.children and not at.button


def test_a_public_address_without_sign_in_refuses_analyst_pages(app_env, monkeypatch):
    monkeypatch.setenv("FPAPI_PUBLIC_URL", "https://insights.agency.test")
    verify(app_env, "kenji.travel0")
    at = open_page("creators")
    assert "sign-in must be configured" in page_text(at)
    assert "FPAPI_ALLOW_ANONYMOUS" in page_text(at)
    assert_nothing_of_the_workspace(at)
    callback = open_page("callback")
    assert "nothing to do here by hand" in page_text(callback)


def test_allow_anonymous_opens_a_public_address_with_a_warning(app_env, monkeypatch):
    monkeypatch.setenv("FPAPI_PUBLIC_URL", "https://insights.agency.test")
    monkeypatch.setenv("FPAPI_ALLOW_ANONYMOUS", "true")
    at = open_page("home")
    assert "Creators on the roster" in page_text(at)
    assert "Anyone who can reach this address" in " ".join(w.value for w in at.sidebar.warning)


def test_loopback_without_sign_in_stays_open_with_a_note(app_env):
    at = open_page("home")
    assert "Creators on the roster" in page_text(at)
    assert "Anyone who can reach this address" in " ".join(w.value for w in at.sidebar.warning)
    assert not [b for b in at.sidebar.button if b.label == "Sign out"]


def test_who_did_what_is_recorded_with_the_analyst_address(team):
    store: Store = app_store(team)
    creator = store.creators()[0]
    assert creator.added_by == "local"  # the link was made by a test helper without sign-in
    at = visit("creators", ANALYST)
    assert "Added by local on " in page_text(at)
    next(t for t in at.toggle if t.label == "Select creators").set_value(True).run()
    next(b for b in at.checkbox if b.key.startswith("pick-")).check().run()
    next(b for b in at.button if b.label == "Yes, remove 1").click().run()
    assert store.creators() == []
    log = visit("activity", ANALYST)
    table = log.table[0].value.map(lambda cell: cell.replace("\\", ""))  # markdown escapes
    removed = table[table["What"].str.startswith("removed from the roster")]
    assert removed["Who"].tolist() == [MATCHED]  # as matched, not as the provider spelt it
    assert "Kenji" in removed["What"].iloc[0]
    verified = table[table["What"].str.startswith("verified")]
    assert verified["Who"].tolist() == ["local"]


def test_links_and_exports_are_credited_to_the_analyst(team, monkeypatch):
    makers = {}  # what each download button builds its file with, when pressed
    draw = st.download_button

    def capture(label, *args, data=None, **kwargs):
        makers[label] = data
        return draw(label, *args, data=data, **kwargs)

    monkeypatch.setattr(st, "download_button", capture)
    at = visit("connect", ANALYST)
    at.text_input[0].input("Lena")
    next(b for b in at.button if b.label == "Create verification link").click().run()
    assert f"by {MATCHED}" in page_text(at)
    creator_id = app_store(team).creators()[0].creator_id
    insights = visit("insights", ANALYST, query={"creator": creator_id})
    assert not insights.exception
    report = next(b.label for b in insights.download_button if "full report" in b.label)
    assert app_store(team).activity()[0].action == "link_created"  # drawn is not exported
    assert makers[report]().startswith("<!doctype html>")  # the analyst presses it
    entries = app_store(team).activity()
    assert [(e.actor, e.action) for e in entries[:2]] == [
        (MATCHED, "exported"),
        (MATCHED, "link_created"),
    ]
    assert entries[0].subject.startswith("the insights report of Kenji")
    assert entries[0].detail.endswith(".html")


def test_sign_out_ends_the_session_on_every_replica(team):
    """Cookies saved before Sign out (the same ID token) no longer open the workspace: the
    sign-out is kept in the store every replica reads."""
    at = visit("creators", ANALYST)
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert app_store(team).signed_out_at("ana-1") is not None
    assert app_store(team).signed_out_at("ana-1") > time.time()  # this second's tokens too
    again = visit("creators", ANALYST)  # the same claims: a replayed cookie
    assert "You signed out. Sign in again to go on." in page_text(again)
    assert "Kenji" not in page_text(again)
    later = {**ANALYST, "iat": int(time.time()) + 1}  # a new sign-in, a new token
    assert "Kenji" in page_text(visit("creators", later))


def test_a_session_long_past_its_token_is_asked_to_sign_in_again(team):
    stale = {**ANALYST, "iat": int(time.time()) - 20 * 3_600, "exp": int(time.time()) - 13 * 3_600}
    at = visit("creators", stale)
    assert "Your sign-in has expired. Sign in again to go on." in page_text(at)
    assert "Kenji" not in page_text(at)


VIEWER = {**ANALYST, "email": "vic@brand.test", "sub": "vic-1"}


@pytest.fixture
def with_viewers(team, monkeypatch):
    monkeypatch.setenv("FPAPI_VIEWER_EMAILS", "@brand.test")
    monkeypatch.setenv("FPAPI_ADMIN_EMAILS", "boss@agency.test")
    return team


def drawn_buttons(at) -> set[str]:
    return {str(b.label) for b in at.button} | {str(t.label) for t in at.toggle}


@pytest.mark.parametrize(
    ("page", "query", "analyst_only"),
    [
        ("creators", {}, {"Select creators"}),
        ("connect", {}, {"Create verification link", "Verify creator", "Cancel"}),
        ("insights", {"creator": "FIRST"}, {"Refresh", "Save"}),
    ],
)
def test_a_viewer_reads_every_page_but_no_button_that_changes_is_drawn(
    with_viewers, page, query, analyst_only
):
    first = app_store(with_viewers).creators()[0].creator_id
    query = {k: v.replace("FIRST", first) for k, v in query.items()}
    if page == "connect":
        visit("connect", ANALYST).text_input[0].input("Lena")  # one link for the list
        at = visit("connect", ANALYST)
        next(b for b in at.button if b.label == "Create verification link").click().run()
    analyst = visit(page, ANALYST, query=query)
    viewer = visit(page, VIEWER, query=query)
    assert not viewer.exception and not viewer.error
    assert analyst_only <= drawn_buttons(analyst)
    assert not analyst_only & drawn_buttons(viewer)
    if page == "creators":
        assert "Kenji" in page_text(viewer)  # reads the roster


def test_a_viewers_forced_link_changes_nothing(with_viewers):
    store = app_store(with_viewers)
    creator = store.creators()[0]
    before = store.links()
    at = visit("connect", VIEWER, query={"reconnect": creator.creator_id})
    assert "You are a viewer" in page_text(at)
    assert store.links() == before  # no fresh link was made
    sidebar = " ".join(str(c.value) for c in at.sidebar.caption).replace("\\", "")
    assert "Signed in as **vic@brand.test** · viewer" in sidebar
