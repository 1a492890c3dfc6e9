"""The connect flow's logic against the sandbox over loopback: links, claims, outcomes."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings

from fpapi.errors import LinkRequestError
from fpapi.links import state_key
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import Creator
from fpapi.workspace.connect import finish_verification, needs_reconnect
from fpapi.workspace.returns import (
    parse_pasted_return,
    platform_error_code,
    validate_redirect_url,
)
from tests.analyst_input import ANY_TEXT
from tests.helpers import CALLBACK, make_link


@pytest.fixture
def store(tmp_path):
    return DataFolderStore(tmp_path / "store")


def test_create_link_generates_an_unguessable_state_and_records_it(client, store):
    first = make_link(client, store, label="Ana")
    second = make_link(client, store, label="Ana")
    assert first.state != second.state and len(first.state) >= 43
    assert first.link.url.startswith("http://127.0.0.1:") and "/consent/" in first.link.url
    assert store.get_link(state_key(first.state)).url == first.link.url
    assert store.get_link(state_key(first.state)).label == "Ana"


@pytest.mark.parametrize(
    "url",
    [
        "localhost:8501/callback",
        "javascript:alert(1)",
        "ftp://x.example/cb",
        "",
        "http://",
        "http://[::1/callback",
        "http://localhost:99999/callback",
        "http://localhost:port/callback",
    ],
)
def test_redirect_url_must_be_absolute_http(url):
    with pytest.raises(LinkRequestError, match="http:// or https://"):
        validate_redirect_url(url, allowed_origins=[CALLBACK])


def test_a_failing_vendor_leaves_no_usable_link(clean_sandbox, client, store):
    clean_sandbox.knobs.failure_rate = 1.0
    with pytest.raises(Exception, match="HTTP 503"):
        make_link(client, store)
    assert [link.status for link in store.links()] == ["failed"]


def test_verification_adds_the_creator_once(clean_sandbox, client, store):
    link = make_link(client, store, label="Spring")
    token = clean_sandbox.approve(link.state, username=clean_sandbox.accounts()[2].username)
    outcome = finish_verification(client, store, via="callback", state=link.state, token=token)
    assert outcome.status == "verified"
    assert outcome.creator.username == clean_sandbox.accounts()[2].username
    assert outcome.creator.label == "Spring"
    assert [c.creator_id for c in store.creators()] == [clean_sandbox.accounts()[2].creator_id]
    replay = finish_verification(client, store, via="callback", state=link.state, token=token)
    assert replay.status == "rejected" and "already used" in replay.message
    assert len(store.creators()) == 1


def test_concurrent_callbacks_verify_once(clean_sandbox, client, store, monkeypatch):
    link = make_link(client, store)
    token = clean_sandbox.approve(link.state)
    calls = []
    real_verify = client.verify_creator
    monkeypatch.setattr(client, "verify_creator", lambda **kw: calls.append(1) or real_verify(**kw))
    barrier = threading.Barrier(4)
    outcomes = []

    def callback():
        barrier.wait()
        outcomes.append(
            finish_verification(client, store, via="callback", state=link.state, token=token).status
        )

    threads = [threading.Thread(target=callback) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["rejected", "rejected", "rejected", "verified"]
    assert len(calls) == 1 and len(store.creators()) == 1


def test_deny_is_recorded_as_refused_and_the_vendor_is_not_called(client, store, monkeypatch):
    link = make_link(client, store)
    monkeypatch.setattr(client, "verify_creator", lambda **kw: pytest.fail("vendor called"))
    outcome = finish_verification(
        client, store, via="callback", state=link.state, error="access_denied"
    )
    assert outcome.status == "refused" and "Deny" in outcome.message
    assert store.get_link(state_key(link.state)).status == "refused"


def test_a_forged_state_never_reaches_the_vendor(client, store, monkeypatch):
    monkeypatch.setattr(client, "verify_creator", lambda **kw: pytest.fail("vendor called"))
    outcome = finish_verification(
        client, store, via="callback", state="forged-state", token="anything"
    )
    assert outcome.status == "rejected" and "not one this app created" in outcome.message
    assert (
        finish_verification(client, store, via="callback", state=None, token="t").status
        == "rejected"
    )
    assert store.creators() == []


def test_a_mistyped_token_keeps_the_link_open_when_the_vendor_says_so(clean_sandbox, client, store):
    link = make_link(client, store)
    token = clean_sandbox.approve(link.state)
    wrong = finish_verification(
        client, store, via="callback", state=link.state, token="not-the-token"
    )
    assert wrong.status == "retry" and "does not match" in wrong.message
    assert store.get_link(state_key(link.state)).status == "pending"
    assert (
        finish_verification(client, store, via="callback", state=link.state, token=token).status
        == "verified"
    )


def test_a_vendor_refusal_that_is_final_closes_the_link(clean_sandbox, client, store):
    link = make_link(client, store)
    token = clean_sandbox.approve(link.state)
    client.verify_creator(state=link.state, token=token)  # someone used the token already
    outcome = finish_verification(client, store, via="callback", state=link.state, token=token)
    assert outcome.status == "failed" and "already exchanged" in outcome.message
    assert store.get_link(state_key(link.state)).status == "failed"


def test_a_vendor_outage_keeps_the_link_open(clean_sandbox, client, store):
    link = make_link(client, store)
    token = clean_sandbox.approve(link.state)
    clean_sandbox.knobs.failure_rate = 1.0
    outcome = finish_verification(client, store, via="callback", state=link.state, token=token)
    assert outcome.status == "retry" and "HTTP 503" in outcome.message
    clean_sandbox.knobs.failure_rate = 0.0
    assert (
        finish_verification(client, store, via="callback", state=link.state, token=token).status
        == "verified"
    )


@pytest.mark.parametrize(
    ("text", "token", "state", "error"),
    [
        ("  tok_123-abc  ", "tok_123-abc", None, None),
        ("http://localhost:8501/callback?token=T1&state=S1", "T1", "S1", None),
        ("https://example.com/landing?ref=x&token=T2&state=S2#top", "T2", "S2", None),
        ("?error=access_denied&state=S3", None, "S3", "access_denied"),
        ("token=T4&state=S4", "T4", "S4", None),
    ],
)
def test_pasted_token_or_address_is_read(text, token, state, error):
    paste = parse_pasted_return(text)
    assert (paste.token, paste.state, paste.error, paste.problem) == (token, state, error, None)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Paste the token"),
        ("two words", "no spaces"),
        ("http://localhost:8501/callback?state=S1", "no token"),
        ("http://x/cb?token=a&state=S1&state=S2", "two different values"),
        ("x" * 5000, "far too long"),
    ],
)
def test_unusable_pastes_say_why(text, words):
    assert words in parse_pasted_return(text).problem


def test_creators_verified_long_ago_need_reconnecting():
    creator = Creator(creator_id="c", connector="instagram", verified_at=0)
    assert needs_reconnect(creator, now=61 * 86_400)
    assert not needs_reconnect(creator, now=59 * 86_400)


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


@pytest.mark.parametrize("param", ["token", "state", "error"])
def test_a_redirect_url_already_carrying_return_params_is_refused(param):
    with pytest.raises(LinkRequestError, match=param):
        validate_redirect_url(f"{CALLBACK}?{param}=planted", allowed_origins=[CALLBACK])


def test_a_pasted_url_with_both_a_token_and_an_error_is_refused():
    paste = parse_pasted_return(f"{CALLBACK}?token=t&state=s&error=x")
    assert paste.problem and "both a token and an error" in paste.problem


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


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_any_paste_back_text_gets_a_sentence_and_verifies_no_one(client, store, text):
    """What the connect page does with a paste: read it, saying why when it cannot be used,
    then finish the link it names. No link is waiting, so no one is verified, and each outcome
    is a sentence."""
    paste = parse_pasted_return(text)
    if paste.problem:
        assert paste.problem.strip().endswith("."), paste
        assert not (paste.token or paste.state or paste.error)
        return
    assert paste.token or paste.error, paste  # a bare token, or a whole address
    if paste.state:  # it names its link (a bare token needs one picked on the page)
        outcome = finish_verification(
            client, store, state=paste.state, token=paste.token, error=paste.error,
            via="pasted_url",
        )  # fmt: skip
        assert outcome.status != "verified" and outcome.message.strip(), outcome
    assert store.creators() == []
