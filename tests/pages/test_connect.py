"""The connect, callback, creators and insights pages under AppTest, on the embedded sandbox."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from fpapi.links import state_key
from fpapi.sandbox import Sandbox, embedded_sandbox
from tests.apptest import (
    PAGES,
    app_store,
    by_label,
    new_link,
    open_callback,
    open_page,
    page_source,
    page_text,
    verify,
)


def test_connect_page_creates_a_link_ready_to_send(app_env):
    at = open_page("connect")
    by_label(at.text_input, "Label").input("Ana <b>spring</b>")
    at.button(key="FormSubmitter:create-link-Create verification link").click().run()
    assert not at.exception
    [link] = app_store(app_env).links()
    assert link.status == "pending" and link.label == "Ana <b>spring</b>"
    assert link.redirect_url == "http://localhost:8501/callback"
    text = page_text(at)
    assert f"[Open the verification link]({link.url})" in text
    assert at.code[0].value == link.url
    assert len(at.get("image")) == 1  # the QR code
    assert "Expires in 59 min" in text or "Expires in 1 h" in text
    [state] = at.session_state["cis.link_states"].values()  # only this analyst's session has it
    assert state_key(state) == link.key
    assert state not in text and state not in str(at.get("image")[0].proto)
    assert "Ana \\<b\\>spring\\</b\\>" in page_source(at)  # shown as typed, not as markup


def test_connect_page_refuses_a_bad_redirect_url(app_env):
    at = open_page("connect")
    by_label(at.text_input, "Send the creator back to").input("example.com/callback")
    at.button(key="FormSubmitter:create-link-Create verification link").click().run()
    assert "http:// or https://" in " ".join(e.value for e in at.error)
    assert app_store(app_env).links() == []


def make_link_on_the_page(at, label: str) -> str:
    """Create a link through the connect page's form; its key (this session holds its state)."""
    by_label(at.text_input, "Label").input(label)
    at.button(key="FormSubmitter:create-link-Create verification link").click().run()
    return at.session_state["cis.last_link_key"]


def paste(at, text: str) -> None:
    by_label(at.text_input, "Paste the").input(text)
    at.button(key="FormSubmitter:paste-token-Verify creator").click().run()


def test_paste_back_of_the_whole_address_verifies_the_creator(app_env):
    state = new_link(app_env)  # made in another session: the address names its link
    landing = embedded_sandbox().redirect_for(state, username="lea.glow23")
    token = parse_qs(urlsplit(landing).query)["token"][0]
    at = open_page("connect")
    paste(at, landing)
    assert not at.exception
    assert "is verified and on the roster" in " ".join(s.value for s in at.success)
    assert [c.username for c in app_store(app_env).creators()] == ["lea.glow23"]
    assert token not in page_text(at)


def test_paste_back_of_a_bare_token_verifies_a_link_made_in_this_session(app_env):
    at = open_page("connect")
    key = make_link_on_the_page(at, "Lea")
    picker = by_label(at.selectbox, "For which link?")
    assert picker.value.key == key  # the only link waiting: shown picked
    state = at.session_state["cis.link_states"][key]
    paste(at, embedded_sandbox().approve(state, username="lea.glow23"))
    assert "is verified" in " ".join(s.value for s in at.success)
    assert app_store(app_env).get_link(key).status == "verified"


def test_a_bare_token_with_two_links_waiting_asks_which(app_env):
    at = open_page("connect")
    older = make_link_on_the_page(at, "Older")
    make_link_on_the_page(at, "Newer")
    token = embedded_sandbox().approve(at.session_state["cis.link_states"][older])
    assert by_label(at.selectbox, "For which link?").value is None  # never picked silently
    paste(at, token)
    assert "Choose which link this token is for" in " ".join(e.value for e in at.error)
    assert app_store(app_env).creators() == []
    picker = by_label(at.selectbox, "For which link?")
    picker.select(next(o for o in picker.options if o.startswith("Older")))
    paste(at, token)
    assert "is verified" in " ".join(s.value for s in at.success)
    assert app_store(app_env).get_link(older).status == "verified"


def test_callback_success_adds_the_creator_and_thanks_them(app_env):
    state = new_link(app_env)
    token = embedded_sandbox().approve(state, username="kenji.travel0")
    at = open_callback(token=token, state=state)
    assert not at.exception
    thanks = " ".join(s.value for s in at.success)
    assert "Thank you" in thanks and "Instagram account is connected" in thanks
    assert [c.username for c in app_store(app_env).creators()] == ["kenji.travel0"]
    assert token not in page_text(at)


def test_callback_replay_is_refused_and_adds_nobody(app_env):
    state = new_link(app_env)
    token = embedded_sandbox().approve(state)
    open_callback(token=token, state=state)
    replay = open_callback(token=token, state=state)  # a new session, the same URL
    assert "already used" in " ".join(w.value for w in replay.warning)
    assert len(app_store(app_env).creators()) == 1


def test_callback_with_an_unknown_state(app_env):
    at = open_callback(token="tok-from-nowhere", state="forged")
    assert "not one this app created" in " ".join(w.value for w in at.warning)
    assert app_store(app_env).creators() == []


def test_callback_with_duplicated_state_values(app_env):
    state = new_link(app_env)
    at = open_page("callback")
    at.query_params["state"] = [state, "other"]
    at.query_params["token"] = "t"
    at.switch_page(PAGES["callback"]).run()
    assert "two different values" in page_text(at)
    assert app_store(app_env).get_link(state_key(state)).status == "pending"


def test_callback_with_an_expired_state(app_env, monkeypatch):
    monkeypatch.setenv("FPAPI_LINK_TTL_S", "0.5")
    state = new_link(app_env)
    token = embedded_sandbox().approve(state)
    time.sleep(0.6)
    at = open_callback(token=token, state=state)
    assert "expired" in " ".join(w.value for w in at.warning)
    assert app_store(app_env).creators() == []


def test_callback_after_the_creator_pressed_deny(app_env):
    state = new_link(app_env)
    at = open_callback(error="access_denied", state=state)
    assert "chose Deny" in " ".join(i.value for i in at.info)
    assert app_store(app_env).get_link(state_key(state)).status == "refused"


def test_callback_when_the_vendor_refuses_the_token(app_env):
    state = new_link(app_env)
    embedded_sandbox().approve(state)
    at = open_callback(token="wrong-token-value", state=state)
    assert "does not match" in page_text(at)
    assert app_store(app_env).creators() == []


@pytest.fixture
def own_sandbox(app_env, monkeypatch):
    """A separate sandbox the app is configured against, so tests can break it."""
    with Sandbox() as sandbox:
        monkeypatch.setenv("FPAPI_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("FPAPI_TOKEN", sandbox.token)
        yield sandbox


def test_callback_when_the_vendor_rejects_the_api_token(app_env, own_sandbox, monkeypatch):
    state = new_link(app_env, sandbox=own_sandbox)
    token = own_sandbox.approve(state)
    monkeypatch.setenv("FPAPI_TOKEN", "a-revoked-api-token")
    at = open_callback(token=token, state=state)
    text = page_text(at)
    assert "refused the API token (HTTP 401)" in text and "still open" in text
    assert "a-revoked-api-token" not in text
    assert app_store(app_env).get_link(state_key(state)).status == "pending"


def test_callback_when_the_vendor_fails(app_env, own_sandbox):
    state = new_link(app_env, sandbox=own_sandbox)
    token = own_sandbox.approve(state)
    own_sandbox.knobs.failure_rate = 1.0
    own_sandbox.knobs.failure_status = 500
    at = open_callback(token=token, state=state)
    assert "problem on its side (HTTP 500)" in page_text(at) and not at.exception
    assert "still open" in page_text(at)
    own_sandbox.knobs.failure_rate = 0.0
    at = open_callback(token=token, state=state)  # the creator reloads: it works now
    assert "Thank you" in " ".join(s.value for s in at.success)


def test_callback_opened_by_hand_explains_itself(app_env):
    at = open_page("callback")
    assert "nothing to do here by hand" in page_text(at)


def test_creators_page_lists_each_creator_as_text_with_links(app_env):
    first = verify(app_env, "kenji.travel0")
    second = verify(app_env, "camila.food1")
    at = open_page("creators")
    text = page_text(at)
    assert "Kenji" in text and "@kenji.travel0" in text and "Camila" in text
    assert "insights fetched never" in text
    links = [
        (link.proto.label, link.proto.page, link.proto.query_string) for link in at.get("page_link")
    ]
    assert ("Open insights", "insights", f"creator={first}") in links
    assert ("Open insights", "insights", f"creator={second}") in links


def test_creators_page_refresh_and_compare_link(app_env):
    first = verify(app_env, "kenji.travel0")
    second = verify(app_env, "camila.food1")
    at = open_page("creators")
    at.toggle[0].set_value(True).run()
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Refresh selected").click().run()
    assert not at.exception
    assert "Refreshed 1 creator." in [t.value for t in at.toast]
    assert "vendor data from 20 Nov 2026 (" in page_text(at)
    for box in at.checkbox:
        box.check()
    at.run()
    compare = [
        link.proto for link in at.get("page_link") if link.proto.label == "Compare 2 creators"
    ]
    assert compare and compare[0].query_string in (
        f"creators={first}%2C{second}",
        f"creators={second}%2C{first}",
    )


def test_removing_a_creator_asks_first(app_env):
    verify(app_env, "kenji.travel0")
    at = open_page("creators")
    at.toggle[0].set_value(True).run()
    at.checkbox[0].check().run()
    remove = next(b for b in at.button if b.label == "Yes, remove 1")
    assert remove.proto.type == "primary"  # inside the "Remove selected" popover: a second step
    remove.click().run()
    assert app_store(app_env).creators() == []
    assert "Removed Kenji Iyer from the roster." in [t.value for t in at.toast]
    assert "No creators yet" in page_text(at)


def test_youtube_creators_sit_on_the_roster_and_have_no_insights(app_env):
    creator_id = verify(app_env, "@omartravel100", connector="youtube")
    roster = open_page("creators")
    assert "YouTube" in page_text(roster) and "no insights for YouTube" in page_text(roster)
    at = open_page("insights", query={"creator": creator_id})
    assert "Instagram insights only" in " ".join(i.value for i in at.info)
