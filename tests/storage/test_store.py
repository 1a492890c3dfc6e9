"""The store on each backend (the data folder, SQLite, PostgreSQL): links claimed once, the
roster, shortlists, snapshots, alerts, campaigns, notes; older folders and damaged ones."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import asdict, replace

import diskcache
import pytest
from hypothesis import given

from fpapi import FirstPartyClient
from fpapi.errors import LinkRequestError, ShortlistError
from fpapi.links import (
    LinkAlreadyUsed,
    LinkExpired,
    LinkStatus,
    PendingLink,
    UnknownLink,
    state_key,
)
from fpapi.sandbox import instagram_pool
from fpapi.storage import records
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import ROSTER_DB, DataFolderStore
from fpapi.workspace.connect import finish_verification
from tests.analyst_input import ANY_TEXT
from tests.helpers import CALLBACK, app_store, make_link, stored_text, write_older_store

# Every test taking ``store`` or ``backend`` runs on the local folder, SQLite and PostgreSQL.


@pytest.fixture
def store(backend, clock):
    return backend.store(clock=clock, pending_ttl_s=3600)


def add(store, state: str = "state-1", label: str = "Ana") -> None:
    store.add_pending(
        key=state,
        connector="instagram",
        redirect_url="http://localhost:8501/callback",
        label=label,
    )


def test_a_pending_link_is_claimed_exactly_once(store):
    add(store)
    claimed = store.pop_pending("state-1")
    assert (claimed.connector, claimed.label, claimed.status) == ("instagram", "Ana", "claimed")
    with pytest.raises(LinkAlreadyUsed):
        store.pop_pending("state-1")


def test_an_unknown_state_is_refused(store):
    with pytest.raises(UnknownLink, match="not one this app created"):
        store.pop_pending("forged")


def test_a_pending_link_expires(store, clock):
    add(store)
    clock.now += 3600
    with pytest.raises(LinkExpired, match="expired"):
        store.pop_pending("state-1")
    assert store.get_link("state-1").status == "expired"
    assert [link.status for link in store.links()] == ["expired"]


def test_link_outcomes_are_recorded_and_explained(store):
    add(store)
    store.pop_pending("state-1")
    store.finish_link("state-1", "refused", detail="access_denied")
    with pytest.raises(LinkAlreadyUsed, match="declined"):
        store.pop_pending("state-1")
    add(store, "state-2")
    assert store.cancel_link("state-2") and not store.cancel_link("state-2")
    with pytest.raises(LinkAlreadyUsed, match="cancelled"):
        store.pop_pending("state-2")


def test_a_state_cannot_be_registered_twice(store):
    add(store)
    with pytest.raises(LinkRequestError):
        add(store)


def test_single_use_holds_under_two_threads(backend, clock):
    stores = [backend.store(clock=clock) for _ in range(2)]  # two replicas on the team database
    for round_ in range(20):
        state = f"race-{round_}"
        add(stores[0], state)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def claim(s, barrier=barrier, state=state, outcomes=outcomes) -> None:
            barrier.wait()
            try:
                s.pop_pending(state)
                outcomes.append("won")
            except LinkAlreadyUsed:
                outcomes.append("lost")

        threads = [threading.Thread(target=claim, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["lost", "won"]


def test_roster_and_links_persist_across_restarts(backend, clock):
    first = backend.store(clock=clock)
    add(first)
    first.add_creator(
        records.Creator(creator_id="c1", connector="instagram", name="Ana", verified_at=clock.now)
    )
    first.close()
    second = backend.store(clock=clock)
    assert [c.name for c in second.creators()] == ["Ana"]
    assert [link.key for link in second.links()] == ["state-1"]


def test_re_verifying_a_creator_keeps_one_row(store, clock):
    store.add_creator(
        records.Creator(creator_id="c1", connector="instagram", name="Old", verified_at=1)
    )
    store.add_creator(
        records.Creator(creator_id="c1", connector="instagram", name="New", verified_at=2)
    )
    assert [c.name for c in store.creators()] == ["New"]
    assert store.remove_creator("c1") and store.creators() == []


def test_a_re_verified_creator_keeps_who_first_added_them(store, clock):
    store.add_creator(
        records.Creator("c1", "instagram", name="Ana", verified_at=10, added_by="a@x.io")
    )
    again = store.add_creator(
        records.Creator("c1", "instagram", name="Ana B", verified_at=20, added_by="b@x.io")
    )
    assert (again.name, again.added_by, again.added_at) == ("Ana B", "a@x.io", 10)
    assert store.get_creator("c1") == again


def test_roster_is_newest_first_and_a_removal_says_who_went(store, clock):
    store.add_creator(records.Creator("old", "instagram", name="Old", verified_at=1))
    store.add_creator(records.Creator("new", "instagram", name="New", verified_at=2))
    assert [c.creator_id for c in store.creators()] == ["new", "old"]
    assert store.remove_creator("old").name == "Old"
    assert store.remove_creator("old") is None
    assert store.activity() == []  # what is recorded is the workspace core's to say


def test_activity_is_newest_first_and_limited(store, clock):
    for number in range(5):
        clock.now += 1
        store.add_activity(records.Activity(clock.now, "ana", "exported", f"sheet {number}"))
    assert [e.subject for e in store.activity(limit=3)] == ["sheet 4", "sheet 3", "sheet 2"]


def test_cancelling_a_link_happens_only_once(store):
    add(store, label="Ana")
    assert store.cancel_link("state-1").label == "Ana"
    assert store.cancel_link("state-1") is None
    assert store.get_link("state-1").status == "cancelled"


def test_a_link_records_its_url_and_how_it_ended(store, clock):
    add(store)
    store.set_link_url("state-1", "https://vendor.example/consent/1")
    store.pop_pending("state-1")
    store.finish_link("state-1", "verified", creator_id="c1")
    link = store.get_link("state-1")
    assert (link.url, link.status, link.creator_id, link.status_at) == (
        "https://vendor.example/consent/1", "verified", "c1", clock.now,
    )  # fmt: skip
    assert store.links(include_finished=False) == []


def test_old_finished_and_expired_links_are_pruned(store, clock):
    add(store, "done")
    store.pop_pending("done")
    store.finish_link("done", "verified", creator_id="c1")
    add(store, "lapsed")
    clock.now += 10 * 86_400
    add(store, "waiting")
    assert store.prune_links(keep_s=86_400) == 2
    assert [link.key for link in store.links()] == ["waiting"]
    assert store.prune_links(keep_s=0) == 0  # at most once an hour


def test_shortlists_save_update_rename_and_delete(store, clock):
    first = store.save_shortlist(
        "  Summer   launch ", ["c1", "c2", "c1"], notes={"c1": "yes", "c2": ""}
    )
    assert (first.name, first.creator_ids, first.notes) == (
        "Summer launch",
        ["c1", "c2"],
        {"c1": "yes"},
    )
    clock.now += 5
    again = store.save_shortlist(
        "summer LAUNCH", ["c3"], fees={"c3": {"amount": 900, "currency": "EUR"}}
    )
    assert again.shortlist_id == first.shortlist_id and again.created_at == first.created_at
    assert (again.creator_ids, again.fees, again.updated_at) == (
        ["c3"], {"c3": {"amount": 900, "currency": "EUR"}}, clock.now,
    )  # fmt: skip
    clock.now += 1
    other = store.save_shortlist("Autumn", ["c1"])
    assert [s.name for s in store.shortlists()] == ["Autumn", "summer LAUNCH"]
    with pytest.raises(ShortlistError, match="already exists"):
        store.rename_shortlist(other.shortlist_id, "SUMMER launch")
    assert store.rename_shortlist(other.shortlist_id, "Winter").name == "Winter"
    with pytest.raises(ShortlistError, match="no longer exists"):
        store.rename_shortlist("gone", "Spring")
    with pytest.raises(ShortlistError, match="name"):
        store.save_shortlist("   ", ["c1"])
    assert store.delete_shortlist(other.shortlist_id) and not store.delete_shortlist(
        other.shortlist_id
    )
    assert [s.name for s in store.shortlists()] == ["summer LAUNCH"]


def test_sessions_that_find_the_store_damaged_at_once_move_it_aside_once(tmp_path):
    store = DataFolderStore(tmp_path / "store")
    store.add_creator(records.Creator("c1", "instagram", name="Ana"))
    for file in (tmp_path / "store").glob(f"{ROSTER_DB}*"):  # the file and its journal
        file.write_bytes(b"not a database " * 500)
    barrier = threading.Barrier(6)
    results: list[object] = []

    def session() -> None:
        barrier.wait()
        results.append(store.creators())

    threads = [threading.Thread(target=session) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [[]] * 6
    assert len(list(tmp_path.glob("store.corrupt-*"))) == 1  # the fresh one was never moved
    store.add_creator(records.Creator("c2", "instagram"))
    assert [c.creator_id for c in DataFolderStore(tmp_path / "store").creators()] == ["c2"]


def test_an_older_versions_folder_opens_even_when_its_one_time_rewrite_cannot_write(
    tmp_path, monkeypatch
):
    write_older_store(
        tmp_path / "store", {"creator|c1": asdict(records.Creator("c1", "instagram", name="Ana"))}
    )

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(diskcache.Cache, "set", full)
    assert [c.name for c in DataFolderStore(tmp_path / "store").creators()] == ["Ana"]


def test_a_folder_an_older_version_wrote_is_copied_in_once_and_kept(tmp_path, clock):
    link = PendingLink("k" * 64, "instagram", "http://x/cb", created_at=clock.now, label="Bo")
    alert = records.StoredAlert("c1|followers_up|10.0", "c1", "followers_up", "up", at=20.0)
    note = records.new_note("Met at the fair", "a@x.io", clock.now)
    write_older_store(tmp_path / "store", {
        f"link|{link.key}": asdict(link),
        "creator|c1": asdict(records.Creator("c1", "instagram", name="Ana", verified_at=5,
                                             added_by="a@x.io", added_at=5)),
        f"activity|{clock.now:017.6f}|0a1b2c3d": asdict(
            records.Activity(clock.now, "a@x.io", "creator_verified", "Ana")
        ),
        "shortlist|s1": asdict(
            records.Shortlist("s1", "Summer", ["c1"], notes={"c1": "first pick"})
        ),
        f"snapshot|c1|{10.0:020.6f}": asdict(
            records.Snapshot("c1", 10.0, followers=1_000.0, engagement_rate=2.5)
        ),
        f"alert|{alert.key}": asdict(alert),
        "relationship|c1": asdict(records.Relationship("c1", ["travel"], "shortlisted", [note])),
        "campaign|camp-1": asdict(
            records.Campaign("camp-1", "Summer drop", ["c1"], ["summerdrop"])
        ),
    })  # fmt: skip

    store = DataFolderStore(tmp_path / "store")
    assert [(c.name, c.added_by) for c in store.creators()] == [("Ana", "a@x.io")]
    assert store.get_link("k" * 64).label == "Bo"
    assert [a.action for a in store.activity()] == ["creator_verified"]
    assert store.shortlists()[0].notes == {"c1": "first pick"}
    assert [s.followers for s in store.snapshots("c1")] == [1_000.0]
    assert [a.text for a in store.alerts()] == ["up"]
    kept = store.relationship("c1")
    assert (kept.tags, kept.status, [n["text"] for n in kept.notes]) == (
        ["travel"], "shortlisted", ["Met at the fair"],
    )  # fmt: skip
    assert store.get_campaign("camp-1").hashtags == ["summerdrop"]
    store.remove_creator("c1")
    store.close()
    assert (tmp_path / "store" / "before-roster-db" / "cache.db").exists()  # kept, not deleted
    assert DataFolderStore(tmp_path / "store").creators() == []  # copied once: the removal holds


def test_an_unreadable_folder_from_an_older_version_is_kept_and_the_store_opens(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "cache.db").write_bytes(b"not a database " * 500)
    store = DataFolderStore(tmp_path / "store")
    store.add_creator(records.Creator("c1", "instagram", name="Ana"))
    assert [c.name for c in DataFolderStore(tmp_path / "store").creators()] == ["Ana"]
    kept = tmp_path / "store" / "before-roster-db" / "cache.db"
    assert kept.read_bytes().startswith(b"not a database")  # kept as it was, never deleted


def snap(
    creator_id: str, fetched_at: float, followers: float, er: float | None = 2.0
) -> records.Snapshot:
    return records.Snapshot(creator_id, fetched_at, processed_on="2026-11-20", followers=followers,
                            engagement_rate=er, quality_score=61.0, quality_consistency=3.0)  # fmt: skip


def test_snapshots_keep_every_fetch_in_order_and_a_fetch_once(store):
    for at, followers in ((300.0, 1_300), (100.0, 1_000), (200.0, 1_200), (200.0, 1_200)):
        store.add_snapshot(snap("c-1", at, followers))
    store.add_snapshot(snap("c-2", 150.0, 9_000, er=None))
    history = store.snapshots("c-1")
    assert [(s.fetched_at, s.followers) for s in history] == [
        (100.0, 1_000), (200.0, 1_200), (300.0, 1_300),
    ]  # fmt: skip
    assert history[-1] == snap("c-1", 300.0, 1_300)  # every number comes back as stored
    assert [s.fetched_at for s in store.snapshots("c-1", limit=2)] == [200.0, 300.0]
    assert store.snapshots("nobody") == []
    latest = store.latest_snapshots()
    assert [s.followers for s in latest["c-1"]] == [1_200, 1_300]
    assert latest["c-2"] == [snap("c-2", 150.0, 9_000, er=None)]


def test_an_alert_is_kept_once_by_key_and_delivered_once(store):
    alert = records.StoredAlert(
        "c-1|er_drop|100.000000", "c-1", "er_drop", "@ana: ER 3% → 2%", at=200.0
    )
    assert store.add_alert(alert) is True
    assert store.add_alert(replace(alert, text="found again by another host")) is False
    store.add_alert(replace(alert, key="c-2|consent|1", creator_id="c-2", rule="consent", at=300.0))
    assert [a.key for a in store.alerts()] == ["c-2|consent|1", alert.key]  # newest first
    assert store.alerts()[1] == alert
    assert store.claim_alert(alert.key, 250.0) is True
    assert store.claim_alert(alert.key, 260.0) is False
    assert store.alerts()[1].delivered_at == 250.0


def test_campaigns_are_saved_listed_updated_and_deleted(store, clock):
    summer = records.Campaign("camp-1", "Summer drop", ["c1", "c2"], ["summerdrop"], ["brand.co"],
                              "2026-05-10", "2026-05-16",
                              {"c1": {"amount": 300.0, "currency": "EUR"}}, sponsored_only=True,
                              notes="Two posts each", created_by="ana@agency.com")  # fmt: skip
    saved = store.save_campaign(summer)
    assert saved.created_by == "ana@agency.com" and saved.created_at == saved.updated_at > 0
    clock.now += 60
    store.save_campaign(records.Campaign("camp-2", "Autumn", ["c3"], ["fall"]))
    assert [c.name for c in store.campaigns()] == ["Autumn", "Summer drop"]
    clock.now += 60
    edited = store.save_campaign(replace(summer, name="Summer drop v2", created_by="bo@agency.com"))
    assert edited.created_by == "ana@agency.com" and edited.created_at == saved.created_at
    got = store.get_campaign("camp-1")
    assert got == edited and got.fees == {"c1": {"amount": 300.0, "currency": "EUR"}}
    assert got.sponsored_only is True and got.start == "2026-05-10"
    assert [c.name for c in store.campaigns()] == ["Summer drop v2", "Autumn"]
    assert store.delete_campaign("camp-2") is True and store.delete_campaign("camp-2") is False
    assert [c.campaign_id for c in store.campaigns()] == ["camp-1"]


def test_tags_status_and_notes_are_kept_per_creator(store, clock):
    assert store.relationship("c1") == records.Relationship("c1")  # nothing yet: new, no tags
    store.set_relationship("c1", tags=["Travel", " #Q3 launch ", "travel", ""])
    clock.now += 10
    store.set_relationship("c1", status="shortlisted")
    store.add_note("c1", "  Rate card asked for.  ", author="ana@agency.com")
    clock.now += 10
    store.add_note("c1", "Replied: 500 EUR a reel", author="local")
    got = store.relationship("c1")
    assert got.tags == ["travel", "q3 launch"] and got.status == "shortlisted"
    assert [(n["author"], n["text"]) for n in got.notes] == [
        ("ana@agency.com", "Rate card asked for."), ("local", "Replied: 500 EUR a reel"),
    ]  # fmt: skip
    assert got.notes[1]["at"] > got.notes[0]["at"]
    store.set_relationship("c1", tags=[])
    assert store.relationship("c1").notes == got.notes  # tags changed, notes kept
    assert store.relationship("c2") == records.Relationship("c2")  # another creator's: untouched
    with pytest.raises(ValueError, match="contracted"):
        store.set_relationship("c1", status="hired")
    with pytest.raises(ValueError, match="needs some text"):
        store.add_note("c1", "   ", author="local")


def test_two_analysts_adding_notes_at_once_keep_both(store):
    def add(author: str) -> None:
        for i in range(5):
            store.add_note("c1", f"note {i} by {author}", author=author)

    threads = [threading.Thread(target=add, args=(who,)) for who in ("ana", "bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.relationship("c1").notes) == 10


def test_a_finished_link_stays_as_it_ended(store):
    """The life cycle's moves hold in the store: a verified link never becomes pending or
    failed again, whatever a later call asks."""
    add(store)
    store.pop_pending("state-1")
    store.finish_link("state-1", LinkStatus.VERIFIED, creator_id="c1")
    store.finish_link("state-1", LinkStatus.PENDING)
    store.finish_link("state-1", LinkStatus.FAILED, detail="late")
    assert store.get_link("state-1").status == LinkStatus.VERIFIED


def test_shortlists_save_rename_delete_and_persist(tmp_path):
    store = DataFolderStore(tmp_path / "s")
    saved = store.save_shortlist(
        "Spring launch",
        ["a", "b", "a"],
        fees={"a": {"amount": 500, "currency": "EUR"}},
        notes={"b": "fast replies", "a": ""},
    )
    assert saved.creator_ids == ["a", "b"] and saved.notes == {"b": "fast replies"}
    time.sleep(0.01)
    again = store.save_shortlist("spring LAUNCH", ["c", "d"])  # same name: updates it
    assert again.shortlist_id == saved.shortlist_id and len(store.shortlists()) == 1
    other = store.save_shortlist("Autumn", ["x", "y"])
    with pytest.raises(ShortlistError, match="already exists"):
        store.rename_shortlist(other.shortlist_id, "Spring launch")
    store.rename_shortlist(other.shortlist_id, "Autumn 2027")
    store.close()
    reopened = DataFolderStore(tmp_path / "s")
    assert {s.name for s in reopened.shortlists()} == {"spring LAUNCH", "Autumn 2027"}
    assert reopened.delete_shortlist(other.shortlist_id) and len(reopened.shortlists()) == 1
    with pytest.raises(ShortlistError, match="name"):
        reopened.save_shortlist("   ", ["a"])


def test_an_older_store_with_states_and_emails_is_rewritten_on_open(app_env):
    write_older_store(app_env / "store", {
        "link|raw-state-value": {"state": "raw-state-value", "connector": "instagram",
                                 "redirect_url": CALLBACK, "created_at": 1.0},
        "creator|c1": {"creator_id": "c1", "connector": "instagram",
                       "email": "private@example.com"},
    })  # fmt: skip
    store = app_store(app_env)
    assert store.get_link(state_key("raw-state-value")).connector == "instagram"
    assert store.get_creator("c1") == records.Creator("c1", "instagram")
    store.close()
    stored = stored_text(app_env)
    assert "raw-state-value" not in stored and "private@example.com" not in stored


def test_sessions_verifying_removing_and_refreshing_at_once_keep_the_roster_consistent(
    tmp_path, clean_sandbox
):
    """Each thread is an analyst session with its own Store handle on the same folder."""
    directory = tmp_path / "store"
    with FirstPartyClient(clean_sandbox.base_url, clean_sandbox.token) as client:
        links = [make_link(client, DataFolderStore(directory)) for _ in range(8)]
        tokens = [
            clean_sandbox.approve(link.state, username=a.username)
            for link, a in zip(links, instagram_pool(), strict=False)
        ]
        keep = [a.creator_id for a in instagram_pool()[:8]]
        doomed = keep[:2]  # verified first, removed while others verify
        for link, token in zip(links[:2], tokens[:2], strict=True):
            finish_verification(
                client, DataFolderStore(directory), via="callback", state=link.state, token=token
            )
        cache = InsightCache(tmp_path / "insights", api_base_url=clean_sandbox.base_url)
        barrier = threading.Barrier(12)
        errors: list[BaseException] = []

        def session(work) -> None:
            try:
                barrier.wait()
                work()
            except BaseException as err:
                errors.append(err)

        jobs = [lambda link=link, token=token: finish_verification(client, DataFolderStore(directory), via="callback", state=link.state, token=token)
                for link, token in zip(links[2:], tokens[2:], strict=True)]  # fmt: skip
        jobs += [lambda cid=cid: DataFolderStore(directory).remove_creator(cid) for cid in doomed]
        jobs += [
            lambda cid=cid: cache.load(cid, client.get_instagram_insights, refresh=True)
            for cid in keep[2:6]
        ]
        threads = [threading.Thread(target=session, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    roster = {c.creator_id for c in DataFolderStore(directory).creators()}
    assert roster == set(keep[2:])
    assert all(
        DataFolderStore(directory).get_link(state_key(link.state)).status == "verified"
        for link in links
    )


@given(name=ANY_TEXT)
def test_any_shortlist_name_is_saved_or_refused_with_a_sentence(name):
    """The name a shortlist is saved under (the compare page's "Shortlist name"): tidied, or
    refused with a sentence saying why."""
    tidy = " ".join(name.split())
    if tidy and len(tidy) <= 80:
        assert records.shortlist_name(name) == tidy
    else:
        with pytest.raises(ShortlistError) as refused:
            records.shortlist_name(name)
        said = str(refused.value)
        assert "Give the shortlist a name" in said or "under 80" in said, said


def test_any_shortlist_id_in_an_address_is_no_shortlist_and_no_error(tmp_path):
    """``?shortlist=`` on the compare page, whatever it holds, on the data folder."""
    store = DataFolderStore(tmp_path / "store")
    store.save_shortlist("Spring", ["a", "b"])

    @given(shortlist_id=ANY_TEXT)
    def look_up(shortlist_id):
        assert store.get_shortlist(shortlist_id) is None

    look_up()
    store.close()
