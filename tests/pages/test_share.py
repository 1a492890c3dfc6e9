"""The client's share page (/share?t=...) and the Shares page under AppTest, with sign-in
configured: a client who never signed in sees the one share and nothing else of the
workspace; every link that opens nothing gets the same one sentence.

Six creators are on the roster, each with insights in the cache; shares are made of the first
three through the core, as the compare page and the campaign report make them.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from components.text import md_escape
from fpapi import Insights
from fpapi.analysis.report import build_report
from fpapi.sandbox import build_insights, instagram_pool
from fpapi.storage.records import Share
from fpapi.workspace.core import Actor, Workspace
from fpapi.workspace.opening import cache_label, open_cache, open_store, share_secret
from fpapi.workspace.settings import load_settings
from fpapi.workspace.sharing import SHARE_REFUSED, NewShare, new_token
from tests.helpers import add_to_roster, app_store, charts_of
from tests.pages.apptest import AUTH, SIGNED_OUT, TOKEN_TIMES, by_label, open_page, page_text

ANALYST = {
    "is_logged_in": True,
    "email": "ana@agency.test",
    "email_verified": True,
    "sub": "ana-1",
    **TOKEN_TIMES,
}
VIEWER = {**ANALYST, "email": "vic@brand.test", "sub": "vic-1"}

POOL = instagram_pool()
SHARED, OTHERS = POOL[:3], POOL[3:6]
IDS = [account.creator_id for account in SHARED]
TITLE = "Spring shortlist"


@pytest.fixture
def six(app_env, clean_sandbox, monkeypatch):
    """Sign-in for agency.test (analysts) and brand.test (viewers); six creators on the
    roster, each with insights in the app's cache."""
    monkeypatch.setenv("FPAPI_ALLOWED_EMAILS", "@agency.test")
    monkeypatch.setenv("FPAPI_VIEWER_EMAILS", "@brand.test")
    add_to_roster(app_env, *SHARED, *OTHERS)
    ws = core()
    for account in (*SHARED, *OTHERS):
        ws.cache.put(account.creator_id, Insights.from_raw(build_insights(account)))
    ws.close()
    return app_env


def core(clock: Callable[[], float] = time.time) -> Workspace:
    """The app's core, as the app opens it from these settings, for an analyst."""
    settings = load_settings(os.environ, {})
    store, cache = open_store(settings), open_cache(settings, cache_label(settings))
    return Workspace(settings, store, cache, Actor("ana@agency.test"), clock=clock)


def share(
    kind: str = "compare", *, days: int = 7, clock: Callable[[], float] = time.time
) -> NewShare:
    """A share of the three, made as the compare page (or the campaign report) makes one."""
    ws = core(clock)
    try:
        if kind == "campaign":
            return ws.create_share("campaign", "Spring launch", IDS, campaign_spec(), days=days)
        fees = {IDS[0]: {"amount": 500.0, "currency": "USD"}}
        return ws.create_share("compare", TITLE, IDS, {"fees": fees}, days=days)
    finally:
        ws.close()


def campaign_spec() -> dict[str, str]:
    """A campaign's settings as the campaigns page shares them: a hashtag Kenji used."""
    tag = build_report(Insights.from_raw(build_insights(SHARED[0]))).hashtags["hashtag"].iloc[0]
    return {
        "name": "Spring launch",
        "hashtags": f"#{tag}",
        "from": "2020-01-01",
        "to": "2030-12-31",
    }


def visit(page: str, user: dict, **query: str):
    return open_page(page, query=query or None, user=user, secrets={"auth": AUTH})


def client_opens(token: str | None):
    """The share page in a browser that never signed in."""
    return visit("share", SIGNED_OUT, **({"t": token} if token is not None else {}))


def shown(at) -> str:
    """Everything a visitor can read: text, buttons, links, tables, main area and sidebar."""
    parts = [page_text(at)]
    parts += [str(b.label) for b in at.button]
    parts += [str(b.proto.label) for b in at.get("download_button")]
    parts += [str(link.proto.label) for link in at.get("page_link")]
    parts += [t.value.to_string() for t in at.table]
    return "\n".join(parts)


def stored_shares() -> list[Share]:
    """The default workspace's shares, as the app's data folder holds them."""
    store = app_store(Path(os.environ["FPAPI_DATA_DIR"]))
    try:
        return store.shares()
    finally:
        store.close()


def views(key: str) -> int:
    [found] = [s for s in stored_shares() if s.key == key]
    return found.views


def day(at: float) -> str:
    when = datetime.fromtimestamp(at, UTC)
    return f"{when.day} {when:%B %Y}"


def names_of(accounts) -> list[str]:
    return [text for account in accounts for text in (account.name, account.username)]


# --- every refusal: one sentence, nothing else --------------------------------------------------


def tampered(token: str) -> str:
    flipped = "B" if token[-5] != "B" else "C"
    return token[:-5] + flipped + token[-4:]


def expired_token() -> str:
    two_days_ago = time.time() - 2 * 86_400
    return share(clock=lambda: two_days_ago, days=1).token


def revoked_token() -> str:
    new = share()
    ws = core()
    assert ws.revoke_share(new.share.key)
    ws.close()
    return new.token


REFUSALS: dict[str, Callable[[], str | None]] = {
    "no t": lambda: None,
    "garbage": lambda: "not-a-token",
    "tampered": lambda: tampered(share().token),
    "unknown": lambda: new_token(share_secret(load_settings(os.environ, {})))[0],
    "expired": expired_token,
    "revoked": revoked_token,
}


@pytest.mark.parametrize("reason", REFUSALS)
def test_a_link_that_opens_nothing_shows_the_one_sentence_and_nothing_else(six, reason):
    token = REFUSALS[reason]()
    at = client_opens(token)
    assert not at.exception
    assert [str(m.value) for m in at.markdown] == [SHARE_REFUSED]
    assert page_text(at).strip() == SHARE_REFUSED
    assert shown(at).strip() == SHARE_REFUSED
    assert not at.title and not at.table and not at.dataframe and not at.metric
    assert not charts_of(at) and not at.get("plotly_chart")
    assert not at.get("download_button") and not at.button
    assert not at.get("page_link") and not at.sidebar.children
    assert all(s.views == 0 for s in stored_shares())  # nothing was opened


# --- a valid link -------------------------------------------------------------------------------


def test_a_client_sees_the_three_shared_creators_as_of_the_day_shared_and_nothing_else(six):
    new = share()
    at = client_opens(new.token)
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == [TITLE]
    assert f"as of {day(new.share.as_of)}" in page_text(at)
    assert list(at.table[0].value.columns) == [account.name for account in SHARED]
    text = shown(at)
    for other in names_of(OTHERS):
        assert other not in text, other
    charts = charts_of(at)  # the first chart tab's only: the others are built when opened
    assert len(charts) == 1 and "Follower growth" in charts[0]["layout"]["title"]["text"]
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Table as CSV", "Report as HTML"]
    assert not at.get("page_link") and not at.sidebar.children and not at.button
    for secret in (AUTH["client_secret"], AUTH["cookie_secret"], "Sign in", "Creators on the"):
        assert secret not in text
    assert views(new.share.key) == 1
    client_opens(new.token)
    assert views(new.share.key) == 2


def test_a_campaign_share_shows_the_report_and_its_downloads(six):
    new = share("campaign")
    at = client_opens(new.token)
    assert not at.exception and not at.error
    text = page_text(at)
    assert [t.value for t in at.title] == ["Spring launch"]
    assert "Results" in text and re.search(r"Matched posts \(\d+\)", text)
    for account in SHARED:
        assert account.name in text
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Posts as CSV", "Report as HTML"]
    assert not at.get("page_link") and not at.sidebar.children


# --- making a share, and the Shares page --------------------------------------------------------


def test_an_analyst_shares_three_of_six_creators_from_the_compare_page(six):
    at = visit("compare", ANALYST, creators=",".join(IDS))
    assert not at.exception
    by_label(at.button, "Create share link").click().run()
    [address] = [str(code.value) for code in at.code if "/share?t=" in str(code.value)]
    token = address.split("t=", 1)[1]
    assert re.fullmatch(r"[\w-]{24}\.[\w-]{22}", token), address
    client = client_opens(token)
    assert list(client.table[0].value.columns) == [account.name for account in SHARED]
    viewer = visit("compare", VIEWER, creators=",".join(IDS))
    assert not viewer.exception
    assert "Create share link" not in [str(b.label) for b in viewer.button]


def test_the_shares_page_lists_a_share_with_its_views_and_offers_revoke_and_update(six):
    new = share()
    client_opens(new.token)
    at = visit("shares", ANALYST)
    assert not at.exception and not at.error
    text = page_text(at)
    assert TITLE in text and "Views: **1**" in text
    assert "Shared by ana@agency.test" in text
    for account in SHARED:
        assert account.name in text
    labels = [str(b.label) for b in at.button]
    assert "Revoke" in labels and "Update" in labels


def test_a_viewer_reads_the_shares_page_without_revoke_or_update(six):
    new = share()
    client_opens(new.token)
    at = visit("shares", VIEWER)
    assert not at.exception and not at.error
    assert TITLE in page_text(at) and "Views: **1**" in page_text(at)
    labels = [str(b.label) for b in at.button]
    assert "Revoke" not in labels and "Update" not in labels


@pytest.fixture
def shared(six) -> Iterator[NewShare]:
    yield share()


def test_pressing_revoke_refuses_the_link_from_then_on(shared):
    assert client_opens(shared.token).table  # it worked before
    at = visit("shares", ANALYST)
    by_label(at.button, "Revoke").click().run()
    assert not at.exception
    assert "revoked" in page_text(at)
    assert "Revoke" not in [str(b.label) for b in at.button]
    refused = client_opens(shared.token)
    assert page_text(refused).strip() == SHARE_REFUSED and not refused.table


def test_pressing_update_shows_the_client_the_current_data(shared):
    ws = core()
    ws.cache.put(IDS[0], Insights.from_raw(build_insights(SHARED[0])))
    assert ws.remove_creator(IDS[2])
    ws.close()
    before = client_opens(shared.token)
    assert len(before.table[0].value.columns) == 3  # as it stood when shared
    at = visit("shares", ANALYST)
    by_label(at.button, "Update").click().run()
    assert not at.exception and not at.error
    after = client_opens(shared.token)
    assert list(after.table[0].value.columns) == [account.name for account in SHARED[:2]]
    [kept] = stored_shares()
    assert kept.as_of > shared.share.as_of


def test_a_title_a_creator_named_is_shown_to_the_client_as_text(six):
    """The compare page's title holds creators' display names, which creators choose."""
    ws = core()
    try:
        hostile = "[Claim your fee](https://evil.test/phish) ![](https://evil.test/px.png)"
        new = ws.create_share("compare", f"Comparison of {hostile}", IDS, {}, days=7)
    finally:
        ws.close()
    at = client_opens(new.token)
    assert at.title[0].value == md_escape(f"Comparison of {hostile}")  # text, never a link
