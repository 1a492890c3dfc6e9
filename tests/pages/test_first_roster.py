"""The roster's first view has numbers: a creator who joins (here, the sandbox's demo creators)
has their headline numbers fetched right after, in the background, so their rows show
followers and ER and sort by them; a fetch under way, or one that failed, says so on the
creator's row."""

from __future__ import annotations

import re

import fpapi.workspace.roster
from fpapi import FirstPartyClient
from fpapi.analysis.metrics import format_count, kpis
from fpapi.sandbox import Knobs
from fpapi.storage.records import Creator
from fpapi.workspace.core import Actor, open_workspace
from fpapi.workspace.demo import DEMO_CREATORS
from fpapi.workspace.headlines import fetch_headlines, settle
from fpapi.workspace.settings import load_settings
from tests.helpers import add_to_roster, app_store
from tests.pages.apptest import open_page, page_text


def demo_accounts(sandbox):
    """The creators "Add 12 demo creators" puts on an empty roster, in its order."""
    return [a for a in sandbox.accounts("instagram") if a.kind == "normal"][:DEMO_CREATORS]


def add_demo_creators(*, settled: bool = True):
    """Click the home page's button; with ``settled``, wait for the fetches it started."""
    at = open_page("home")
    next(b for b in at.button if b.label == f"Add {DEMO_CREATORS} demo creators").click().run()
    assert not at.exception
    assert not settled or settle(timeout_s=30)
    return at


def rows(at) -> dict[str, str]:
    """Each creator's row on the roster, by handle, as a reader sees its text, in page order."""
    found = {}
    for element in at.markdown:
        text = re.sub(r"\\(.)", r"\1", element.value)
        if text.startswith("**"):
            found[text.split(" · @")[1].split(" · ")[0]] = text
    return found


def followers_from_the_api(sandbox, creator_id: str) -> float:
    with FirstPartyClient(sandbox.base_url, sandbox.token) as client:
        followers = kpis(client.get_instagram_insights(creator_id)).followers.value
    assert followers is not None
    return followers


def test_the_demo_creators_join_at_once_and_their_rows_show_followers_once_fetched(
    app_env, clean_sandbox
):
    clean_sandbox.reset_peak()
    clean_sandbox.knobs.hold_insights = True  # the fetches are asked for, and not answered yet
    home = add_demo_creators(settled=False)
    assert "Added 12 demo creators" in page_text(home)
    assert "being fetched now" in page_text(home)
    waiting = rows(open_page("creators"))
    clean_sandbox.knobs.hold_insights = False
    assert len(waiting) == DEMO_CREATORS
    for row in waiting.values():
        assert "Fetching their followers and ER…" in row and "Followers" not in row
    assert settle(timeout_s=30)
    assert clean_sandbox.peak_calls_at_once > 1  # the twelve fetches overlapped
    shown = rows(open_page("creators"))
    accounts = demo_accounts(clean_sandbox)
    assert set(shown) == {a.username for a in accounts}
    for account in accounts:
        row = shown[account.username]
        followers = format_count(followers_from_the_api(clean_sandbox, account.creator_id))
        assert f"Followers {followers}" in row
        assert "Engagement rate " in row and "first fetch on record" in row
        assert "Fetching" not in row and "could not be fetched" not in row


def test_fetches_that_end_just_after_the_rows_are_read_still_show_without_a_click(
    app_env, clean_sandbox, monkeypatch
):
    """The page reads its rows, the fetches end, and only then would it ask whether any is
    still running: it must have asked first, or its rows stay without numbers."""
    clean_sandbox.knobs.hold_insights = True
    add_demo_creators(settled=False)
    read_rows = fpapi.workspace.roster.roster_rows

    def read_then_fetches_end(*args, **kwargs):
        shown = read_rows(*args, **kwargs)
        clean_sandbox.knobs.hold_insights = False
        assert settle(timeout_s=30)
        return shown

    monkeypatch.setattr(fpapi.workspace.roster, "roster_rows", read_then_fetches_end)
    shown = rows(open_page("creators"))  # the page redraws itself once: no second open
    assert len(shown) == DEMO_CREATORS
    assert all("Followers" in row and "first fetch on record" in row for row in shown.values())


def test_sorted_by_followers_the_demo_creators_come_before_creators_never_fetched(
    app_env, clean_sandbox
):
    store = app_store(app_env)
    for i in range(3):  # added later than the demo creators, never fetched
        store.add_creator(
            Creator(f"old-{i}", "instagram", name=f"Never Fetched {i}", username=f"never.{i}")
        )
    store.close()
    add_demo_creators()
    by_followers = list(rows(open_page("creators", query={"sort": "followers"})))
    accounts = demo_accounts(clean_sandbox)
    followers = {a.username: followers_from_the_api(clean_sandbox, a.creator_id) for a in accounts}
    assert by_followers[:DEMO_CREATORS] == sorted(followers, key=followers.__getitem__)[::-1]
    assert sorted(by_followers[DEMO_CREATORS:]) == [f"never.{i}" for i in range(3)]


def test_a_demo_creator_whose_fetch_failed_says_so_on_their_row(app_env, clean_sandbox):
    clean_sandbox.knobs = Knobs(garbage="html")  # verifications work, insight calls answer HTML
    home = add_demo_creators()
    assert "Added 12 demo creators" in page_text(home)
    clean_sandbox.knobs = Knobs()
    shown = rows(open_page("creators"))
    assert len(shown) == DEMO_CREATORS
    for row in shown.values():
        assert "Insights could not be fetched: " in row and "Open insights to try again." in row
        assert "Followers" not in row


def test_a_failed_fetch_after_joining_is_named_until_a_fetch_succeeds(app_env, clean_sandbox):
    account = clean_sandbox.accounts("instagram")[0]
    add_to_roster(app_env, account)
    ws = open_workspace(load_settings({"FPAPI_DATA_DIR": str(app_env)}), Actor("local"))
    clean_sandbox.knobs = Knobs(failure_rate=1.0)  # the API answers 503 with an HTML page
    try:
        result = fetch_headlines(ws, [account.creator_id])
    finally:
        clean_sandbox.knobs = Knobs()
        ws.close()
    assert result.fetched == [] and list(result.failed) == [account.creator_id]
    row = rows(open_page("creators"))[account.username]
    assert f"Insights could not be fetched: {result.failed[account.creator_id]}" in row
    insights = open_page("insights", query={"creator": account.creator_id})  # fetched now
    assert not insights.exception
    row = rows(open_page("creators"))[account.username]
    assert "could not be fetched" not in row
    followers = format_count(followers_from_the_api(clean_sandbox, account.creator_id))
    assert f"Followers {followers}" in row


def test_a_demo_creator_whose_first_fetch_finds_consent_withdrawn_is_forgotten_and_the_rest_fetched(
    app_env, clean_sandbox
):
    withdrawn, *others = demo_accounts(clean_sandbox)
    clean_sandbox.knobs = Knobs(revoked=[withdrawn.creator_id])
    add_demo_creators(settled=False)
    # Forgetting her happens on the fetch's own thread: it must not wait for itself.
    assert settle(timeout_s=20)
    shown = rows(open_page("creators"))
    assert withdrawn.username not in shown
    assert set(shown) == {a.username for a in others}
    assert all("Followers" in row for row in shown.values())
