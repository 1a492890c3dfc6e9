"""The callback page under AppTest: where a creator lands after Allow or Deny, and every way
that address can be wrong, replayed, forged or hostile."""

from __future__ import annotations

import time

import pytest

from fpapi.links import state_key
from fpapi.sandbox import embedded_sandbox
from fpapi.storage.data_folder import DataFolderStore
from tests.helpers import app_store, stored_text
from tests.pages.apptest import PAGES, new_link, open_callback, open_page, page_source, page_text

PHISHING = "Call +1-555-0100 or visit instagram-verify.help within 24 hours"


def test_the_platform_error_text_is_never_echoed_on_the_callback(app_env):
    state = new_link(app_env)
    at = open_callback(error=PHISHING + "\u202e\u200f" + "x" * 20_000, state=state)
    shown = page_source(at)
    assert "555" not in shown and "instagram-verify" not in shown
    assert "reported an error it did not explain" in page_text(at)
    link = app_store(app_env).get_link(state_key(state))
    assert link.status == "refused" and len(link.detail) < 80
    assert "\u202e" not in link.detail and "instagram-verify.help" not in link.detail


def test_a_known_code_gets_its_fixed_sentence(app_env):
    state = new_link(app_env)
    at = open_callback(error="access_denied", state=state)
    assert "the creator chose Deny" in page_text(at)


def test_a_callback_with_both_a_token_and_an_error_changes_nothing(app_env):
    state = new_link(app_env)
    token = embedded_sandbox().approve(state)
    at = open_callback(token=token, state=state, error=PHISHING)
    assert "both a token and an error" in page_text(at) and "555" not in page_text(at)
    assert app_store(app_env).get_link(state_key(state)).status == "pending"
    assert app_store(app_env).creators() == []


def test_a_creator_on_the_callback_never_sees_a_folder_path(app_env, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FPAPI_DATA_DIR", str(blocker))
    at = open_callback(token="t", state="s")
    assert str(tmp_path) not in page_source(at)
    assert "cannot finish verifications right now" in page_text(at)


def test_the_store_keeps_no_state_and_no_creator_email(app_env):
    state = new_link(app_env)
    account = next(a for a in embedded_sandbox().accounts() if a.username == "kenji.travel0")
    open_callback(token=embedded_sandbox().approve(state, username=account.username), state=state)
    stored = stored_text(app_env / "store")  # the insight cache keeps the vendor's body as sent
    assert account.email and account.email not in stored
    assert state not in stored and state_key(state) in stored


def test_the_callback_scrubs_the_token_without_a_browser(app_env, monkeypatch):
    """The browser half (history.replaceState) is the browser test's; this is the page's half:
    it asks for the scrub on every callback with parameters, then clears the query string."""
    from types import SimpleNamespace

    from components.frame import url_scrub

    asked: list[str] = []

    def scrubbed_at_once(**kwargs):
        asked.append(kwargs["key"])
        return SimpleNamespace(scrubbed=True)

    monkeypatch.setattr(url_scrub, "_scrubber", scrubbed_at_once)
    state = new_link(app_env)
    token = embedded_sandbox().approve(state, username="kenji.travel0")
    at = open_callback(token=token, state=state)
    assert "Thank you" in page_text(at)
    assert asked and set(asked) == {"scrub-callback"}
    assert "token" not in at.query_params and "state" not in at.query_params
    assert 'replaceState(window.history.state, "", clean)' in url_scrub._JS


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"token": "some-token"}, "no state"),
        ({"state": "forged"}, "no token"),
        ({"token": "t", "state": "forged"}, "not one this app created"),
    ],
    ids=["missing-state", "missing-token", "forged-state"],
)
def test_callback_addresses_that_cannot_be_trusted(app_env, query, words):
    at = open_page("callback", query=query)
    assert not at.exception and words in page_text(at)
    assert DataFolderStore(app_env / "store").creators() == []


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


def test_callback_when_the_vendor_rejects_the_api_token(app_env, vendor, monkeypatch):
    state = new_link(app_env, sandbox=vendor)
    token = vendor.approve(state)
    monkeypatch.setenv("FPAPI_TOKEN", "a-revoked-api-token")
    at = open_callback(token=token, state=state)
    text = page_text(at)
    assert "refused the API token (HTTP 401)" in text and "still open" in text
    assert "a-revoked-api-token" not in text
    assert app_store(app_env).get_link(state_key(state)).status == "pending"


def test_callback_when_the_vendor_fails(app_env, vendor):
    state = new_link(app_env, sandbox=vendor)
    token = vendor.approve(state)
    vendor.knobs.failure_rate = 1.0
    vendor.knobs.failure_status = 500
    at = open_callback(token=token, state=state)
    assert "problem on its side (HTTP 500)" in page_text(at) and not at.exception
    assert "still open" in page_text(at)
    vendor.knobs.failure_rate = 0.0
    at = open_callback(token=token, state=state)  # the creator reloads: it works now
    assert "Thank you" in " ".join(s.value for s in at.success)


def test_callback_opened_by_hand_explains_itself(app_env):
    at = open_page("callback")
    assert "nothing to do here by hand" in page_text(at)


@pytest.mark.parametrize(
    ("contact", "says"),
    [
        ("privacy@agency.test", "write to privacy@agency.test"),
        (None, "ask the person who sent you the link"),
    ],
)
def test_the_thank_you_tells_the_creator_how_to_have_their_data_deleted(
    app_env, monkeypatch, contact, says
):
    if contact:
        monkeypatch.setenv("FPAPI_PRIVACY_CONTACT", contact)
    state = new_link(app_env)
    at = open_callback(token=embedded_sandbox().approve(state), state=state)
    thanks = page_text(at)
    assert "Thank you" in thanks and "You can have your data deleted at any time" in thanks
    assert says in thanks and "/deletion" in thanks
