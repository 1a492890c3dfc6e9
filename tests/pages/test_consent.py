"""Consent health: creators whose consent may have lapsed are flagged with one click to a fresh
link, and a creator the vendor no longer serves is told plainly to reconnect."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from fpapi import FirstPartyClient
from fpapi.errors import AuthError, ConsentLapsed
from fpapi.sandbox import embedded_sandbox, instagram_pool
from tests.apptest import add_to_roster, app_store, open_page, page_text

ACCOUNT = instagram_pool()[3]


@pytest.fixture
def revoking_sandbox():
    sandbox = embedded_sandbox()
    sandbox.knobs.revoked = []
    yield sandbox
    sandbox.knobs.revoked = []


def test_a_403_naming_the_consent_is_told_apart_from_a_bad_token(revoking_sandbox):
    revoking_sandbox.knobs.revoked = [ACCOUNT.creator_id]
    with FirstPartyClient(revoking_sandbox.base_url, revoking_sandbox.token) as client:
        with pytest.raises(ConsentLapsed, match="They must reconnect"):
            client.get_instagram_insights(ACCOUNT.creator_id)
        client.get_instagram_insights(instagram_pool()[4].creator_id)  # others are served
    with (
        FirstPartyClient(revoking_sandbox.base_url, "wrong-token") as client,
        pytest.raises(AuthError) as caught,
    ):
        client.get_instagram_insights(instagram_pool()[4].creator_id)
    assert not isinstance(caught.value, ConsentLapsed)


def test_the_insights_page_says_the_creator_must_reconnect(app_env, revoking_sandbox):
    add_to_roster(app_env, ACCOUNT)
    revoking_sandbox.knobs.revoked = [ACCOUNT.creator_id]
    at = open_page("insights", query={"creator": ACCOUNT.creator_id})
    assert not at.exception
    assert "They must reconnect: send them a fresh verification link." in page_text(at)
    (fresh,) = [e for e in at.get("page_link") if "Prepare a fresh link" in str(e.proto)]
    assert f"reconnect={ACCOUNT.creator_id}" in str(fresh.proto)


def test_the_roster_flags_old_consent_and_one_click_prepares_a_labelled_link(app_env):
    add_to_roster(app_env, ACCOUNT, instagram_pool()[4])
    store = app_store(app_env)
    old = store.get_creator(ACCOUNT.creator_id)
    store.add_creator(replace(old, verified_at=time.time() - 61 * 86_400))
    roster = open_page("creators")
    text = page_text(roster)
    assert text.count("Consent may have expired") == 1 and "Verified 61 days ago" in text
    fresh = [e for e in roster.get("page_link") if "Prepare a fresh link" in str(e.proto)]
    assert len(fresh) == 1 and f"reconnect={ACCOUNT.creator_id}" in str(fresh[0].proto)

    connect = open_page("connect", query={"reconnect": ACCOUNT.creator_id})
    assert not connect.exception
    assert f"A fresh verification link for {ACCOUNT.name} is ready below" in page_text(connect)
    links = app_store(app_env).links()
    assert [link.label for link in links] == [f"{ACCOUNT.name} (reconnect)"]
    assert links[0].url.startswith(("http://", "https://"))
    assert "reconnect" not in connect.query_params  # a reload makes no second link
    connect.run()
    assert len(app_store(app_env).links()) == 1
