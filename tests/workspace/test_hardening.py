"""The outside red-team's findings, one test (or a few) each, numbered as in the report."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from fpapi.errors import LinkRequestError
from fpapi.links import state_key
from fpapi.sandbox import embedded_sandbox
from fpapi.storage.data_folder import ROSTER_DB, DataFolderStore
from fpapi.storage.records import Creator
from fpapi.workspace.connect import finish_verification
from fpapi.workspace.returns import (
    parse_pasted_return,
    platform_error_code,
    validate_redirect_url,
)
from tests.apptest import (
    CALLBACK,
    add_to_roster,
    app_store,
    by_label,
    make_link,
    new_link,
    open_callback,
    open_page,
    page_source,
    page_text,
    stored_text,
    verify,
)
from tests.helpers import write_older_store

ROOT = Path(__file__).resolve().parent.parent
PHISHING = "Call +1-555-0100 or visit instagram-verify.help within 24 hours"


# --- 1. One stray paste kills a link -------------------------------------------------------


def test_a_junk_bare_token_leaves_the_link_open(client, store):
    new = make_link(client, store)
    outcome = finish_verification(
        client, store, state=new.state, token="junk pasted by mistake", via="pasted_token"
    )
    assert outcome.status == "retry" and "still open" in outcome.message
    assert store.get_link(new.link.key).status == "pending"


def test_a_callback_before_the_creator_consented_leaves_the_link_open(clean_sandbox, client, store):
    new = make_link(client, store)
    early = finish_verification(client, store, state=new.state, token="guess", via="callback")
    assert early.status == "retry"
    assert store.get_link(new.link.key).status == "pending"
    token = clean_sandbox.approve(new.state)  # the creator consents afterwards: still works
    assert (
        finish_verification(client, store, state=new.state, token=token, via="callback").status
        == "verified"
    )


@pytest.fixture
def store(tmp_path):
    return DataFolderStore(tmp_path / "store")


# --- 2. The error= text is echoed ----------------------------------------------------------


def test_the_platform_error_text_is_never_echoed_on_the_callback(app_env):
    state = new_link(app_env)
    at = open_callback(error=PHISHING + "\u202e\u200f" + "x" * 20_000, state=state)
    shown = page_source(at)
    assert "555" not in shown and "instagram-verify" not in shown
    assert "reported an error it did not explain" in page_text(at)
    link = app_store(app_env).get_link(state_key(state))
    assert link.status == "refused" and len(link.detail) < 80
    assert "\u202e" not in link.detail and "instagram-verify.help" not in link.detail


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("access_denied", "access_denied"),
        ("a\u202eb\u200fc", "abc"),
        ("x" * 500, "x" * 40),
        ("<script>", "script"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_platform_error_codes_are_short_and_plain(raw, code):
    assert platform_error_code(raw) == code


def test_a_known_code_gets_its_fixed_sentence(app_env):
    state = new_link(app_env)
    at = open_callback(error="access_denied", state=state)
    assert "the creator chose Deny" in page_text(at)


@pytest.mark.parametrize("param", ["token", "state", "error"])
def test_a_redirect_url_already_carrying_return_params_is_refused(param):
    with pytest.raises(LinkRequestError, match=param):
        validate_redirect_url(f"{CALLBACK}?{param}=planted", allowed_origins=[CALLBACK])


def test_a_pasted_url_with_both_a_token_and_an_error_is_refused():
    paste = parse_pasted_return(f"{CALLBACK}?token=t&state=s&error=x")
    assert paste.problem and "both a token and an error" in paste.problem


def test_a_callback_with_both_a_token_and_an_error_changes_nothing(app_env):
    state = new_link(app_env)
    token = embedded_sandbox().approve(state)
    at = open_callback(token=token, state=state, error=PHISHING)
    assert "both a token and an error" in page_text(at) and "555" not in page_text(at)
    assert app_store(app_env).get_link(state_key(state)).status == "pending"
    assert app_store(app_env).creators() == []


# --- 4. It listens on every interface ------------------------------------------------------


def test_the_app_listens_on_loopback_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert "serve.py" in (ROOT / "scripts" / "run.sh").read_text()  # the header-sending entry


# --- 5. One unusual record takes every page down -------------------------------------------


def put_raw(data_dir: Path, key: str, value: dict) -> None:
    write_older_store(data_dir / "store", {key: value})


@pytest.mark.parametrize("page", ["home", "creators", "insights", "compare"])
def test_a_record_with_an_extra_field_or_a_broken_one_takes_no_page_down(app_env, page):
    account = verify(app_env, "kenji.travel0")
    put_raw(app_env, "creator|odd", {"creator_id": "odd", "connector": "instagram",
                                     "name": "Odd One", "future_field": 1})  # fmt: skip
    put_raw(app_env, "creator|broken", {"name": "no id, no connector"})
    at = open_page(page, query={"creator": account})
    assert not at.exception and not at.error, [e.value for e in at.error]
    creators = {c.creator_id: c for c in app_store(app_env).creators()}
    assert set(creators) == {account, "odd"}  # the broken row is skipped, not fatal
    assert creators["odd"].extra == {"future_field": 1}


def test_a_store_damaged_while_the_app_runs_is_moved_aside_and_said_so(app_env):
    verify(app_env, "kenji.travel0")
    at = open_page("creators")
    assert "Kenji" in page_text(at)
    for file in (app_env / "store").glob(f"{ROSTER_DB}*"):  # the file and its journal
        file.write_bytes(b"not a database " * 500)
    at.run()
    text = page_text(at)
    assert not at.exception
    assert "could not be read, so it was moved aside" in text
    assert "cannot be written" not in text  # the cause is named rightly
    assert list(app_env.glob("store.corrupt-*"))


def test_a_creator_on_the_callback_never_sees_a_folder_path(app_env, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FPAPI_DATA_DIR", str(blocker))
    at = open_callback(token="t", state="s")
    assert str(tmp_path) not in page_source(at)
    assert "cannot finish verifications right now" in page_text(at)


# --- 6. Links are never pruned -------------------------------------------------------------


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


# --- 7. E-mail in exports, states and e-mails in the store ---------------------------------


def test_the_store_keeps_no_state_and_no_creator_email(app_env):
    state = new_link(app_env)
    account = next(a for a in embedded_sandbox().accounts() if a.username == "kenji.travel0")
    open_callback(token=embedded_sandbox().approve(state, username=account.username), state=state)
    stored = stored_text(app_env)
    assert account.email and account.email not in stored
    assert state not in stored and state_key(state) in stored


def test_an_older_store_with_states_and_emails_is_rewritten_on_open(app_env):
    put_raw(app_env, "link|raw-state-value", {"state": "raw-state-value", "connector": "instagram",
                                              "redirect_url": CALLBACK, "created_at": 1.0})  # fmt: skip
    put_raw(app_env, "creator|c1", {"creator_id": "c1", "connector": "instagram",
                                    "email": "private@example.com"})  # fmt: skip
    store = app_store(app_env)
    assert store.get_link(state_key("raw-state-value")).connector == "instagram"
    assert store.get_creator("c1") == Creator("c1", "instagram")
    store.close()
    stored = stored_text(app_env)
    assert "raw-state-value" not in stored and "private@example.com" not in stored


# --- 8. No bounds --------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [1e308, 0.0, -5.0, 1_000_000_001.0])
def test_an_out_of_range_fee_is_refused_with_a_sentence(app_env, amount):
    from fpapi.sandbox import instagram_pool

    accounts = instagram_pool()[:2]
    add_to_roster(app_env, *accounts)
    at = open_page("compare", query={"creators": ",".join(a.creator_id for a in accounts)})
    at.number_input[0].set_value(amount).run()
    assert not at.exception
    assert "A fee must be" in " ".join(e.value for e in at.error)
    assert "Fee" not in set(at.table[0].value.index)  # no pricing row from that fee


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://evil.example\\@127.0.0.1:8501/callback", "backslash"),
        ("http://user:pass@localhost:8501/callback", "user name or password"),
        ("http://attacker@localhost:8501/callback", "user name or password"),
        ("https://evil.example/callback", "only send creators back to this app"),
        ("http://localhost:9999/callback", "only send creators back to this app"),
    ],
)
def test_redirect_targets_are_this_app_unless_listed(url, says):
    with pytest.raises(LinkRequestError, match=says):
        validate_redirect_url(url, allowed_origins=[CALLBACK])


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


# --- The mutation run's gaps ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "listed"),
    [
        ("https://brand.example.evil.com/thanks", "https://brand.example"),
        ("https://brand.example.evil.com", "https://brand.example"),
        ("https://brand.examplex/thanks", "https://brand.example"),
        ("https://brand.example:8443/thanks", "https://brand.example"),
        ("http://localhost:8501evil/callback", "http://localhost:8501"),
        ("http://localhost:85011/callback", "http://localhost:8501"),
    ],
)
def test_a_look_alike_that_starts_with_an_allowed_origin_is_refused(url, listed):
    assert url.startswith(listed)  # what a comparison by prefix would let through
    with pytest.raises(LinkRequestError):
        validate_redirect_url(url, allowed_origins=[listed])
    assert validate_redirect_url(f"{listed}/thanks", allowed_origins=[listed])


def test_the_callback_scrubs_the_token_without_a_browser(app_env, monkeypatch):
    """The browser half (history.replaceState) is the browser test's; this is the page's half:
    it asks for the scrub on every callback with parameters, then clears the query string."""
    from types import SimpleNamespace

    from components import url_scrub

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
