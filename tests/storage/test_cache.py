from __future__ import annotations

import gc
import os
import random
import stat
import threading
import time
import weakref
from pathlib import Path

import pytest
from hypothesis import given

from fpapi import Insights, InvalidResponse, ServerError
from fpapi.analysis.metrics import kpis
from fpapi.storage.cache import FAILURE_KEPT_S, InsightCache
from tests.vendor_shapes import NAN_TOKEN, broken_bodies, fetch

CREATOR = "creator-1"


# Random hex does not compress, so the entry is large enough to be stored as a file.
INCOMPRESSIBLE = random.Random(1).randbytes(300_000).hex()


class Fetcher:
    def __init__(self, raw):
        self.raw = raw
        self.calls = 0
        self.error: Exception | None = None

    def __call__(self, creator_id: str) -> Insights:
        self.calls += 1
        if self.error:
            raise self.error
        return Insights.from_raw(self.raw)


def make_cache(where, clock, **kwargs) -> InsightCache:
    """A cache on ``where``: a folder (the local shelf) or a backend (each call opens its
    storage anew, as a restarted app or another replica would)."""
    shelf = where if isinstance(where, Path) else where.shelf()
    return InsightCache(shelf, api_base_url="https://api.example/v1", clock=clock, **kwargs)


def second_while_first_fetches(load, caches: list[InsightCache], started: threading.Event) -> None:
    """``load(cache)`` on two threads: the second starts once the first's fetch is under way."""
    first = threading.Thread(target=load, args=(caches[0],))
    first.start()
    started.wait(5)
    second = threading.Thread(target=load, args=(caches[1],))
    second.start()
    first.join()
    second.join()


def test_fresh_entry_is_served_from_cache_until_the_ttl(backend, clock, vendor_insights):
    cache = make_cache(backend, clock, ttl_s=3600)
    fetch = Fetcher(vendor_insights)
    first = cache.load(CREATOR, fetch)
    assert first.source == "api" and fetch.calls == 1
    clock.now += 3599
    second = cache.load(CREATOR, fetch)
    assert second.source == "cache" and fetch.calls == 1 and second.age_s == 3599
    assert second.insights.profile_overview.followers_count == 1257
    clock.now += 2
    third = cache.load(CREATOR, fetch)
    assert third.source == "api" and fetch.calls == 2


def test_refresh_bypasses_a_fresh_entry(backend, clock, vendor_insights):
    cache = make_cache(backend, clock)
    fetch = Fetcher(vendor_insights)
    cache.load(CREATOR, fetch)
    assert cache.load(CREATOR, fetch, refresh=True).source == "api"
    assert fetch.calls == 2


def test_api_failure_returns_the_stale_entry_with_its_age(backend, clock, vendor_insights):
    cache = make_cache(backend, clock, ttl_s=60)
    fetch = Fetcher(vendor_insights)
    cache.load(CREATOR, fetch)
    clock.now += 7200
    fetch.error = ServerError("down", status_code=503)
    result = cache.load(CREATOR, fetch)
    assert result.stale and result.age_s == 7200 and result.error is fetch.error
    assert result.insights.profile_overview.handle == "a_poetic_storyteller"


def test_api_failure_with_nothing_cached_raises(backend, clock, vendor_insights):
    cache = make_cache(backend, clock)
    fetch = Fetcher(vendor_insights)
    fetch.error = ServerError("down", status_code=503)
    with pytest.raises(ServerError):
        cache.load(CREATOR, fetch)


def test_a_failing_vendor_is_asked_once_by_the_loads_that_follow_within_seconds(
    backend, clock, vendor_insights
):
    """A page request's head start and the page's own load half a second later, or tabs
    opened together: one call to a vendor that fails, the same error for each; a Refresh, or
    a load after FAILURE_KEPT_S, asks again, and a success is served as usual after it."""
    cache = make_cache(backend, clock)
    fetch = Fetcher(vendor_insights)
    fetch.error = ServerError("down", status_code=503)
    for _ in range(3):
        with pytest.raises(ServerError, match="down"):
            cache.load(CREATOR, fetch)
        clock.now += 1
    assert fetch.calls == 1
    with pytest.raises(ServerError):
        cache.load(CREATOR, fetch, refresh=True)
    assert fetch.calls == 2
    cache.forget(CREATOR)  # nothing of a forgotten creator is kept, their last error neither
    fetch.error = None
    assert cache.load(CREATOR, fetch).source == "api" and fetch.calls == 3
    cache.forget(CREATOR)
    fetch.error = ServerError("down", status_code=503)
    with pytest.raises(ServerError):
        cache.load(CREATOR, fetch)
    assert fetch.calls == 4
    clock.now += FAILURE_KEPT_S + 1
    fetch.error = None
    assert cache.load(CREATOR, fetch).source == "api" and fetch.calls == 5
    assert cache.load(CREATOR, fetch).source == "cache" and fetch.calls == 5


def test_a_failure_keeps_the_stale_copy_for_the_loads_that_share_it(
    backend, clock, vendor_insights
):
    cache = make_cache(backend, clock, ttl_s=60)
    fetch = Fetcher(vendor_insights)
    cache.load(CREATOR, fetch)
    clock.now += 7200
    fetch.error = ServerError("down", status_code=503)
    first, second = cache.load(CREATOR, fetch), cache.load(CREATOR, fetch)
    assert fetch.calls == 2  # the first load, then one failed call for both
    assert first.stale and second.stale and first.error is fetch.error
    assert type(second.error) is ServerError and str(second.error) == "down"
    assert second.error.status_code == 503


def test_a_remembered_failure_keeps_nothing_of_the_load_that_met_it(backend, clock):
    """The failure kept for the loads that follow holds none of the frames it was raised
    through: a page run's session, workspace and API client are let go."""
    cache = make_cache(backend, clock)
    calls: list[str] = []

    def failing(creator_id: str) -> Insights:
        calls.append(creator_id)
        raise ServerError("down", status_code=503)

    class Session:
        pass

    def page_run() -> weakref.ref:
        session = Session()  # what a page run holds while it loads
        with pytest.raises(ServerError):
            cache.load(CREATOR, failing)
        return weakref.ref(session)

    held = page_run()
    gc.collect()
    assert held() is None
    with pytest.raises(ServerError, match="down") as shared:
        cache.load(CREATOR, failing)
    assert calls == [CREATOR] and shared.value.status_code == 503


def test_a_clock_set_back_after_a_failure_does_not_keep_the_vendor_from_being_asked(
    backend, clock, vendor_insights
):
    cache = make_cache(backend, clock)
    fetch = Fetcher(vendor_insights)
    fetch.error = ServerError("down", status_code=503)
    with pytest.raises(ServerError):
        cache.load(CREATOR, fetch)
    clock.now -= 3600  # the machine's clock corrected
    fetch.error = None
    assert cache.load(CREATOR, fetch, refresh=True).source == "api"
    assert fetch.calls == 2


def test_two_tabs_opened_at_once_on_a_failing_vendor_ask_it_once(backend, clock, vendor_insights):
    caches = [make_cache(backend, clock)] * 2  # one app process: its one cache
    calls: list[str] = []
    started = threading.Event()

    def slow_failure(creator_id: str) -> Insights:
        calls.append(creator_id)
        started.set()
        time.sleep(0.3)  # the other tab's load arrives while this one is under way
        raise ServerError("down", status_code=503)

    errors: list[str] = []

    def load(cache: InsightCache) -> None:
        try:
            cache.load(CREATOR, slow_failure)
        except ServerError as err:
            errors.append(str(err))

    second_while_first_fetches(load, caches, started)
    assert calls == [CREATOR] and errors == ["down", "down"]


def test_entries_are_keyed_by_api_connector_and_creator(backend, clock, vendor_insights):
    shelf = backend.shelf()
    one = InsightCache(shelf, api_base_url="https://api.example/v1", clock=clock)
    one.put(CREATOR, Insights.from_raw(vendor_insights))
    other_api = InsightCache(shelf, api_base_url="https://other.example/v1", clock=clock)
    assert other_api.peek(CREATOR) is None
    assert one.peek(CREATOR, connector="youtube") is None
    assert one.peek("creator-2") is None
    assert one.peek(CREATOR) is not None


def test_entries_survive_a_restart(backend, clock, vendor_insights):
    make_cache(backend, clock).put(CREATOR, Insights.from_raw(vendor_insights))
    reopened = make_cache(backend, clock)
    assert reopened.peek(CREATOR).insights.raw == vendor_insights


def test_nothing_on_disk_is_a_pickle_and_the_directory_is_private(tmp_path, clock, vendor_insights):
    directory = tmp_path / "c"
    cache = make_cache(directory, clock)
    cache.put(CREATOR, Insights.from_raw(vendor_insights))
    big = dict(vendor_insights, padding=INCOMPRESSIBLE)  # large enough to go to a file
    cache.put("creator-big", Insights.from_raw(big))
    cache.close()
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert any(p.suffix == ".val" for p in files)
    for path in files:
        data = path.read_bytes()
        assert b"\x80\x04\x95" not in data and b"\x80\x05\x95" not in data, path


def test_a_corrupt_database_is_moved_aside_and_rebuilt(tmp_path, clock, vendor_insights):
    directory = tmp_path / "c"
    make_cache(directory, clock).put(CREATOR, Insights.from_raw(vendor_insights))
    (directory / "cache.db").write_bytes(b"this is not a database" * 100)
    cache = make_cache(directory, clock)
    assert cache.peek(CREATOR) is None
    fetch = Fetcher(vendor_insights)
    assert cache.load(CREATOR, fetch).source == "api"
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("c.corrupt-")]
    assert len(aside) == 1 and (aside[0] / "cache.db").exists()


def test_a_corrupt_value_file_is_dropped_and_refetched(tmp_path, clock, vendor_insights):
    directory = tmp_path / "c"
    cache = make_cache(directory, clock)
    cache.put(CREATOR, Insights.from_raw(dict(vendor_insights, padding=INCOMPRESSIBLE)))
    for path in directory.rglob("*.val"):
        path.write_bytes(b"garbage")
    fetch = Fetcher(vendor_insights)
    assert cache.load(CREATOR, fetch).insights.raw == vendor_insights and fetch.calls == 1
    assert cache.peek(CREATOR).insights.raw == vendor_insights  # stored again, readable


def test_summary_gives_fetch_time_and_vendor_date_without_the_body(backend, clock, vendor_insights):
    cache = make_cache(backend, clock)
    assert cache.summary(CREATOR) is None
    cache.put(CREATOR, Insights.from_raw(vendor_insights))
    summary = cache.summary(CREATOR)
    assert summary.fetched_at == clock.now
    assert summary.last_processed_at.isoformat() == "2024-01-26"


class ManyFetcher:
    """A fetch_many that answers each id with insights or an error, recording what it was asked."""

    def __init__(
        self, raw, failing: frozenset[str] = frozenset(), dropped: frozenset[str] = frozenset()
    ):
        self.raw, self.failing, self.dropped = raw, failing, dropped
        self.asked: list[list[str]] = []

    def __call__(self, ids, on_result):
        self.asked.append(list(ids))
        for creator_id in ids:
            if creator_id in self.dropped:
                continue
            if creator_id in self.failing:
                on_result(creator_id, ServerError("down", status_code=503))
            else:
                on_result(creator_id, Insights.from_raw(self.raw))


def test_load_many_serves_fresh_copies_and_fetches_the_rest_in_one_call(
    backend, clock, vendor_insights
):
    cache = make_cache(backend, clock, ttl_s=3600)
    cache.put("fresh", Insights.from_raw(vendor_insights))
    cache.put("expired", Insights.from_raw(vendor_insights))
    clock.now += 7200
    cache.put("fresh", Insights.from_raw(vendor_insights))
    fetch_many = ManyFetcher(vendor_insights, failing=frozenset({"expired", "never"}))
    settled: list[str] = []
    results = cache.load_many(
        ["fresh", "expired", "never", "new"], fetch_many, on_result=settled.append
    )
    assert fetch_many.asked == [["expired", "never", "new"]]
    assert settled[0] == "fresh" and sorted(settled) == ["expired", "fresh", "never", "new"]
    assert list(results) == ["fresh", "expired", "never", "new"]
    assert results["fresh"].source == "cache"
    assert results["expired"].source == "stale" and isinstance(
        results["expired"].error, ServerError
    )
    assert results["expired"].insights.raw == vendor_insights
    assert isinstance(results["never"], ServerError)
    assert results["new"].source == "api" and cache.summary("new") is not None


def test_load_many_never_drops_a_creator_the_fetcher_forgot(backend, clock, vendor_insights):
    cache = make_cache(backend, clock)
    results = cache.load_many(["a", "b"], ManyFetcher(vendor_insights, dropped=frozenset({"b"})))
    assert results["a"].source == "api"
    assert "did not finish" in str(results["b"])


def test_a_fresh_hit_does_not_read_the_body_until_it_is_needed(backend, clock, vendor_insights):
    cache = make_cache(backend, clock)
    cache.put(CREATOR, Insights.from_raw(vendor_insights))
    fetch = Fetcher(vendor_insights)
    loaded = cache.load(CREATOR, fetch)
    cache.put(CREATOR, Insights.from_raw(dict(vendor_insights, marker="newer body")))
    assert loaded.source == "cache" and fetch.calls == 0
    assert loaded.insights.raw["marker"] == "newer body"  # read on first use, not before


def test_two_loaders_of_one_uncached_creator_call_the_vendor_once(backend, clock, vendor_insights):
    """Two replicas (each its own engine on the team database) or two sessions (the local
    folder) asked for the same creator at the same moment."""
    caches = [make_cache(backend, clock) for _ in range(2)]
    calls: list[str] = []
    started = threading.Event()

    def slow_fetch(creator_id: str) -> Insights:
        calls.append(creator_id)
        started.set()
        time.sleep(0.3)  # the other loader arrives while this fetch is under way
        return Insights.from_raw(vendor_insights)

    results: list[str] = []

    def load(cache: InsightCache) -> None:
        results.append(cache.load(CREATOR, slow_fetch).source)

    second_while_first_fetches(load, caches, started)
    assert calls == [CREATOR]
    assert sorted(results) == ["api", "cache"]


def test_load_many_on_two_replicas_at_once_fetches_each_creator_once(
    backend, clock, vendor_insights
):
    caches = [make_cache(backend, clock) for _ in range(2)]
    asked: list[str] = []
    lock = threading.Lock()

    def fetch_many(ids, on_result):
        with lock:
            asked.extend(ids)
        time.sleep(0.2)
        for creator_id in ids:
            on_result(creator_id, Insights.from_raw(vendor_insights))

    barrier = threading.Barrier(2)

    def load(cache):
        barrier.wait()
        cache.load_many(["a", "b", "c"], fetch_many)

    threads = [threading.Thread(target=load, args=(cache,)) for cache in caches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(asked) == ["a", "b", "c"]


def test_the_insights_page_reads_back_any_body_the_client_took_as_it_came(tmp_path, clock):
    """The insights page draws the copy it reads back from the cache. For any body the
    client takes, that copy is the body's insights unchanged (so what
    test_a_broken_vendor_body_renders_or_is_refused_by_name proves of the body holds for the
    page), and its KPIs, the page's metrics, show no NaN. One cache for every body."""
    cache = make_cache(tmp_path / "insights", clock)

    @given(broken_bodies())
    def read_back(case):
        name, body, done = case
        try:
            insights = fetch(body)
        except InvalidResponse:
            return  # never cached: the page shows the refusal sentence (tests/pages)
        cache.put("broken-1", insights)
        loaded = cache.load("broken-1", Fetcher({}))  # fresh: the vendor is not called
        assert loaded.source == "cache", (name, done)
        assert repr(loaded.insights.model_dump()) == repr(insights.model_dump()), (name, done)
        for kpi in kpis(loaded.insights):
            assert not NAN_TOKEN.search(f"{kpi.label} {kpi.display}"), (kpi, name, done)

    read_back()
