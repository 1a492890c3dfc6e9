"""The connect page under AppTest: creating links, pasting a creator's return back, the list
of links."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from fpapi import FirstPartyClient
from fpapi.links import state_key
from fpapi.sandbox import embedded_sandbox
from fpapi.storage.data_folder import DataFolderStore
from tests.helpers import CALLBACK, app_store, make_link
from tests.pages.apptest import by_label, new_link, open_page, page_source, page_text


def test_connect_page_creates_a_link_ready_to_send(app_env):
    at = open_page("connect")
    by_label(at.text_input, "Label").input("Ana <b>spring</b>")
    at.button(key="FormSubmitter:create-link-Create verification link").click().run()
    assert not at.exception
    [link] = app_store(app_env).links()
    assert link.status == "pending" and link.label == "Ana <b>spring</b>"
    assert link.redirect_url == "http://localhost:8501/callback"
    text = page_text(at)
    [button] = at.get("link_button")
    assert (button.proto.label, button.proto.url) == ("Open the verification link", link.url)
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


def test_finished_links_are_hidden_paged_and_pruned(app_env):
    store = app_store(app_env)
    for index in range(45):
        store.add_pending(key=f"k{index:02d}", connector="instagram", redirect_url=CALLBACK,
                          label=f"Link {index:02d}")  # fmt: skip
    for index in range(40):
        store.cancel_link(f"k{index:02d}")
    at = open_page("connect")
    text = page_text(at)
    assert "Link 44" in text and "Link 00" not in text  # finished ones hidden by default
    by_label(at.toggle, "Show finished").set_value(True).run()
    assert "Page (of 3)" in [n.label for n in at.number_input]
    assert "Links 1 to 20 of 45" in page_text(at)
    # Forty days on, the five open links still open (a long link TTL): only the 40 go.
    later = DataFolderStore(
        app_env / "store", clock=lambda: time.time() + 40 * 86_400, pending_ttl_s=1e9
    )
    assert later.prune_links(keep_s=30 * 86_400) == 40
    assert len(later.links()) == 5
    assert app_store(app_env).prune_links(keep_s=30 * 86_400) == 0  # not yet, today
    later.cancel_link("k44")  # now one more could go...
    assert later.prune_links(keep_s=0) == 0  # ...but pruning runs at most once an hour
    assert later.prune_links(keep_s=0, every_s=0) == 1


def test_another_origin_is_allowed_once_listed(app_env, monkeypatch):
    monkeypatch.setenv("FPAPI_ALLOWED_REDIRECT_ORIGINS", "https://brand.example")
    at = open_page("connect")
    by_label(at.text_input, "Send the creator back to").input("https://brand.example/thanks")
    at.button(key="FormSubmitter:create-link-Create verification link").click().run()
    assert not at.error
    assert app_store(app_env).links()[0].redirect_url == "https://brand.example/thanks"


def test_a_public_url_on_another_port_than_the_app_is_warned_about(app_env, monkeypatch):
    monkeypatch.setenv("FPAPI_PUBLIC_URL", "http://localhost:9999")
    at = open_page("connect")
    assert "runs on port 8501, but FPAPI_PUBLIC_URL" in " ".join(w.value for w in at.warning)


def test_a_link_made_through_the_api_is_never_shown_with_its_state(app_env):
    sandbox = embedded_sandbox()
    with FirstPartyClient(sandbox.base_url, sandbox.token) as client:
        link = make_link(client, DataFolderStore(app_env / "store"), label="Ana")
    at = open_page("connect")
    assert link.state not in page_source(at) and "Ana" in page_text(at)
