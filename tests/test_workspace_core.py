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

    def ticking() -> float:  # each entry a second after the one before: their order is known
        clock.now += 1
        return clock.now

    return Workspace(settings, backend.store(), cache, Actor("ana@agency.test"), clock=ticking)


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


def test_tags_status_notes_shortlists_and_campaigns_are_recorded(ws):
    from fpapi.storage.records import Campaign

    ws.store.add_creator(Creator("c1", "instagram", name="Ana"))
    ws.set_relationship("c1", tags=["travel"], status="shortlisted")
    ws.set_relationship("c1", tags=["travel"])  # no change: nothing to record
    ws.add_note("c1", "Met at the fair")
    saved = ws.save_shortlist("Summer", ["c1"])
    ws.rename_shortlist(saved.shortlist_id, "Summer picks")
    ws.delete_shortlist(saved.shortlist_id)
    ws.save_campaign(Campaign("camp-1", "Spring drop", ["c1"], ["springdrop"]))
    ws.delete_campaign("camp-1")
    assert [(action, subject) for _, action, subject in entries(ws)] == [
        ("tags_changed", "Ana"),
        ("status_changed", "Ana"),
        ("note_added", "Ana"),
        ("shortlist_saved", "Summer"),
        ("shortlist_renamed", "Summer picks"),
        ("shortlist_deleted", "Summer picks"),
        ("campaign_saved", "Spring drop"),
        ("campaign_deleted", "Spring drop"),
    ]
    status = next(e for e in ws.activity() if e.action == "status_changed")
    assert status.detail == "new → shortlisted"


def test_the_same_export_clicked_again_within_a_minute_is_one_entry_with_a_count(ws):
    for _ in range(3):
        ws.record("exported", "Ana", "ana.csv")  # the clock ticks a second each time
    ws.record("exported", "Ana", "ana.xlsx")  # another file: its own entry
    [xlsx, csv] = ws.activity()
    assert (csv.detail, csv.count, xlsx.detail, xlsx.count) == ("ana.csv", 3, "ana.xlsx", 1)
    ws.acting_as("bo@agency.test").record("exported", "Ana", "ana.csv")  # another person
    assert [e.count for e in ws.activity()] == [1, 1, 3]


def test_a_flood_of_exports_never_evicts_a_removal_only_age_does(backend, clean_sandbox, clock):
    settings = Settings(base_url=clean_sandbox.base_url, activity_keep_s=30 * 86_400)
    store = backend.store()
    cache = InsightCache(backend.shelf(), api_base_url=clean_sandbox.base_url)
    ws = Workspace(settings, store, cache, Actor("ana@agency.test"), clock=clock)
    store.add_creator(Creator("c1", "instagram", name="Ana"))
    ws.remove_creator("c1")
    for number in range(250):  # distinct files: no two are the same export
        clock.now += 120
        ws.record("exported", "Bo", f"sheet {number}.csv")
    assert any(e.action == "creator_removed" for e in ws.activity(limit=1_000))
    clock.now += 31 * 86_400  # a month later, the old entries go as new ones come
    for number in range(100):
        ws.record("exported", "Bo", f"later {number}.csv")
    assert all(e.subject == "Bo" and e.detail.startswith("later") for e in ws.activity(limit=1_000))
