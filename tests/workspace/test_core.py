"""The workspace core: each change goes through it with the person acting, and its one writer
puts that change in the activity list; storage alone records nothing."""

from __future__ import annotations

import pytest

from fpapi.storage.cache import InsightCache
from fpapi.storage.records import Creator
from fpapi.workspace.core import Actor, Workspace
from fpapi.workspace.settings import Settings


@pytest.fixture
def ws(backend, clean_sandbox, tmp_path, clock):
    """A workspace for Ana on each storage backend, calling the sandbox."""
    settings = Settings(base_url=clean_sandbox.base_url, token=clean_sandbox.token)
    cache = InsightCache(backend.shelf(), api_base_url=clean_sandbox.base_url)

    clock.step = 1  # each entry a second after the one before: their order is known
    return Workspace(settings, backend.store(), cache, Actor("ana@agency.test"), clock=clock)


def entries(ws: Workspace) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.subject) for e in ws.activity()][::-1]


def test_each_change_is_recorded_once_with_who_made_it(ws, clean_sandbox):
    new = ws.create_link(connector="instagram", redirect_url=ws.settings.callback_url, label="Ana")
    token = clean_sandbox.approve(new.state)
    outcome = ws.finish_verification(state=new.state, token=token, via="pasted_url")
    assert outcome.status == "verified"
    creator = outcome.creator
    other = ws.create_link(connector="instagram", redirect_url=ws.settings.callback_url, label="Bo")
    assert ws.cancel_link(other.link.key) and not ws.cancel_link(other.link.key)
    ws.load_insights(creator.creator_id, refresh=True, subject="Ana")
    assert ws.remove_creator(creator.creator_id) and not ws.remove_creator(creator.creator_id)
    name = creator.name or creator.username
    assert entries(ws) == [
        ("ana@agency.test", "link_created", "Ana (Instagram)"),
        ("ana@agency.test", "creator_verified", name),
        ("ana@agency.test", "link_created", "Bo (Instagram)"),
        ("ana@agency.test", "link_cancelled", "Bo"),
        ("ana@agency.test", "insights_refreshed", "Ana"),
        ("ana@agency.test", "creator_removed", name),
    ]


def test_a_callback_credits_the_verification_to_the_analyst_who_made_the_link(ws, clean_sandbox):
    new = ws.create_link(connector="instagram", redirect_url=ws.settings.callback_url)
    creator_browser = ws.acting_as("local")  # a creator's browser, signed out
    outcome = creator_browser.finish_verification(
        state=new.state,
        token=clean_sandbox.approve(new.state),
        via="callback",
        credit_link_creator=True,
    )
    assert outcome.status == "verified"
    assert entries(ws)[-1][:2] == ("ana@agency.test", "creator_verified")


def test_a_load_keeps_a_snapshot_and_a_plain_load_records_nothing(ws, clean_sandbox):
    creator_id = clean_sandbox.accounts("instagram")[0].creator_id
    ws.store.add_creator(Creator(creator_id, "instagram", name="Ana"))
    loaded = ws.load_insights(creator_id)
    assert loaded.source == "api"
    assert [s.fetched_at for s in ws.snapshots(creator_id)] == [loaded.fetched_at]
    assert ws.activity() == []  # opening a creator is not a change


def test_a_notes_author_is_the_actor(ws):
    ws.store.add_creator(Creator("c1", "instagram", name="Ana"))
    kept = ws.add_note("c1", "Met at the fair")
    assert [n["author"] for n in kept.notes] == ["ana@agency.test"]
