from __future__ import annotations

import sqlite3
import threading

import diskcache
import pytest

from fpapi.errors import LinkAlreadyUsed, LinkExpired, LinkRequestError, UnknownLink
from fpapi.storage.store import Creator, Store


@pytest.fixture
def store(tmp_path, clock):
    return Store(tmp_path / "store", clock=clock, pending_ttl_s=3600)


def add(store: Store, state: str = "state-1", label: str = "Ana") -> None:
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
    assert store.cancel_link("state-2", actor="local") and not store.cancel_link(
        "state-2", actor="local"
    )
    with pytest.raises(LinkAlreadyUsed, match="cancelled"):
        store.pop_pending("state-2")


def test_a_state_cannot_be_registered_twice(store):
    add(store)
    with pytest.raises(LinkRequestError):
        add(store)


def test_single_use_holds_under_two_threads(tmp_path, clock):
    for round_ in range(20):
        state = f"race-{round_}"
        stores = [Store(tmp_path / "store", clock=clock) for _ in range(2)]
        add(stores[0], state)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def claim(s: Store, barrier=barrier, state=state, outcomes=outcomes) -> None:
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


def test_roster_and_links_persist_across_restarts(tmp_path, clock):
    first = Store(tmp_path / "store", clock=clock)
    add(first)
    first.add_creator(
        Creator(creator_id="c1", connector="instagram", name="Ana", verified_at=clock.now)
    )
    first.close()
    second = Store(tmp_path / "store", clock=clock)
    assert [c.name for c in second.creators()] == ["Ana"]
    assert [link.key for link in second.links()] == ["state-1"]


def test_re_verifying_a_creator_keeps_one_row(store, clock):
    store.add_creator(Creator(creator_id="c1", connector="instagram", name="Old", verified_at=1))
    store.add_creator(Creator(creator_id="c1", connector="instagram", name="New", verified_at=2))
    assert [c.name for c in store.creators()] == ["New"]
    assert store.remove_creator("c1", actor="local") and store.creators() == []


def test_sessions_that_find_the_store_damaged_at_once_move_it_aside_once(tmp_path):
    store = Store(tmp_path / "store")
    store.add_creator(Creator("c1", "instagram", name="Ana"))
    (tmp_path / "store" / "cache.db").write_bytes(b"not a database " * 500)
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
    store.add_creator(Creator("c2", "instagram"))
    assert [c.creator_id for c in Store(tmp_path / "store").creators()] == ["c2"]


def test_a_store_opens_even_when_the_one_time_rewrite_cannot_write(tmp_path, monkeypatch):
    Store(tmp_path / "store").add_creator(Creator("c1", "instagram", name="Ana"))
    with diskcache.Cache(str(tmp_path / "store"), disk=diskcache.JSONDisk) as raw:
        raw.delete("meta|secrets-forgotten")  # as a store written by an older version

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(diskcache.Cache, "set", full)
    assert [c.name for c in Store(tmp_path / "store").creators()] == ["Ana"]
