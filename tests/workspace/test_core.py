"""The workspace core: each change goes through it with the person acting, and its one writer
puts that change in the activity list; storage alone records nothing."""

from __future__ import annotations

import pytest

from fpapi.errors import NoInsightsCall, NotPermitted
from fpapi.storage.cache import InsightCache
from fpapi.storage.records import Campaign, Creator
from fpapi.workspace.access import Role
from fpapi.workspace.core import Actor, Workspace
from fpapi.workspace.headlines import settle
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


def test_a_youtube_channel_has_no_insights_call_and_the_vendor_is_not_asked(ws, clean_sandbox):
    channel = clean_sandbox.accounts("youtube")[0]
    ws.store.add_creator(Creator(channel.creator_id, "youtube", name=channel.name))
    clean_sandbox.reset_counts()
    with pytest.raises(NoInsightsCall, match="Instagram insights only"):
        ws.load_insights(channel.creator_id)
    assert not clean_sandbox.calls and ws.snapshots(channel.creator_id) == []


def test_a_notes_author_is_the_actor(ws):
    ws.store.add_creator(Creator("c1", "instagram", name="Ana"))
    kept = ws.add_note("c1", "Met at the fair")
    assert [n["author"] for n in kept.notes] == ["ana@agency.test"]


def test_tags_status_notes_shortlists_and_campaigns_are_recorded(ws):
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
        ws.record_export("Ana", "ana.csv")  # the clock ticks a second each time
    ws.record_export("Ana", "ana.xlsx")  # another file: its own entry
    [xlsx, csv] = ws.activity()
    assert (csv.detail, csv.count, xlsx.detail, xlsx.count) == ("ana.csv", 3, "ana.xlsx", 1)
    ws.acting_as("bo@agency.test").record_export("Ana", "ana.csv")  # another person
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
        ws.record_export("Bo", f"sheet {number}.csv")
    assert any(e.action == "creator_removed" for e in ws.activity(limit=1_000))
    clock.now += 31 * 86_400  # a month later, the old entries go as new ones come
    for number in range(100):
        ws.record_export("Bo", f"later {number}.csv")
    assert all(e.subject == "Bo" and e.detail.startswith("later") for e in ws.activity(limit=1_000))


# Every change a viewer may not make, called on the core directly: (what, how).
CHANGES = {
    "create a link": lambda ws: ws.create_link(
        connector="instagram", redirect_url=ws.settings.callback_url
    ),
    "cancel a link": lambda ws: ws.cancel_link("k" * 64),
    "verify by paste": lambda ws: ws.finish_verification(state="s", token="t", via="pasted_url"),
    "refresh": lambda ws: ws.load_insights("c1", refresh=True),
    "refresh all": lambda ws: list(ws.refresh(["c1"], concurrency=1)),
    "remove": lambda ws: ws.remove_creator("c1"),
    "tag": lambda ws: ws.set_relationship("c1", tags=["x"]),
    "set a status": lambda ws: ws.set_relationship("c1", status="contacted"),
    "note": lambda ws: ws.add_note("c1", "hello"),
    "save a shortlist": lambda ws: ws.save_shortlist("S", ["c1"]),
    "rename a shortlist": lambda ws: ws.rename_shortlist("s1", "T"),
    "delete a shortlist": lambda ws: ws.delete_shortlist("s1"),
    "save a campaign": lambda ws: ws.save_campaign(Campaign("camp-1", "C", ["c1"])),
    "delete a campaign": lambda ws: ws.delete_campaign("camp-1"),
    "add demo creators": lambda ws: ws.add_demo_creators(None, ["ana"]),
    "seed": lambda ws: ws.add_new_creators([(Creator("c9", "instagram"), None)]),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_viewer_is_refused_every_change_in_the_core_and_nothing_changes(ws, role, change):
    ws.store.add_creator(Creator("c1", "instagram", name="Ana"))
    as_role = Workspace(ws.settings, ws.store, ws.cache, Actor("vi@agency.test", role))
    before = (ws.creators(), ws.relationship("c1"), ws.shortlists(), ws.campaigns(), ws.activity())
    if role is Role.VIEWER:
        with pytest.raises(NotPermitted, match="Viewers can read every page"):
            CHANGES[change](as_role)
        assert (
            ws.creators(),
            ws.relationship("c1"),
            ws.shortlists(),
            ws.campaigns(),
            ws.activity(),
        ) == before
    else:
        try:
            CHANGES[change](as_role)
        except NotPermitted:  # pragma: no cover - the failure this test is for
            pytest.fail(f"an {role} was refused: {change}")
        except Exception:
            pass


def test_a_viewer_reads_every_use_case_and_a_creator_finishes_their_callback(ws, clean_sandbox):
    analyst_link = ws.create_link(connector="instagram", redirect_url=ws.settings.callback_url)
    viewer = Workspace(ws.settings, ws.store, ws.cache, Actor("vi@agency.test", Role.VIEWER))
    outcome = viewer.finish_verification(  # a creator's browser on /callback acts as a viewer
        state=analyst_link.state, token=clean_sandbox.approve(analyst_link.state), via="callback"
    )
    assert outcome.status == "verified"
    creator_id = outcome.creator.creator_id
    # joining fetched their numbers (in the background); reading more is not a change
    assert settle(timeout_s=30, creator_ids=[creator_id])
    assert viewer.load_insights(creator_id, refresh=False).source == "cache"
    assert [c.creator_id for c in viewer.creators()] == [creator_id]
    assert viewer.links() and viewer.activity() and viewer.snapshots(creator_id)
    viewer.record_export("Ana", "ana.csv")  # a viewer's download is recorded
    assert ws.activity()[0].actor == "vi@agency.test"


def test_an_address_with_a_nul_character_names_nothing_on_every_backend(ws):
    """PostgreSQL's text holds no NUL: ``?shortlist=%00`` or ``?creator=a%00`` must be "not
    found", not a database error."""
    from fpapi.storage.records import RosterQuery

    ws.store.add_creator(Creator("c1", "instagram", name="Ana"))
    assert ws.shortlist("s\x00") is None and ws.campaign("\x00") is None
    assert ws.creator("c1\x00") is None and ws.link("\x00") is None
    assert [c.creator_id for c in ws.creators(["c1", "c\x001"])] == ["c1"]
    assert [c.creator_id for c in ws.find_creators("An\x00a")] == ["c1"]
    assert ws.roster_page(RosterQuery(text="a\x00na", tags=("x\x00",))).matched == 0
