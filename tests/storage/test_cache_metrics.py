"""The insight cache counts each creator asked of its fetch policy once, by how the lookup
ended (fpapi.metrics.CacheResult), read back through prometheus_client's text parser."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fpapi import FPAPIError, Insights, ServerError
from fpapi.storage.cache import InsightCache
from tests.metrics_scrape import Scrape, grew, scrape

LOOKUPS = "studio_cache_lookups_total"
RESULTS = ("hit", "miss", "refresh", "stale", "error")


def counted(before: Scrape) -> dict[str, float]:
    """The lookups counted since ``before``, by result (only those that grew)."""
    after = scrape()
    grown = {result: grew(before, after, LOOKUPS, result=result) for result in RESULTS}
    return {result: count for result, count in grown.items() if count}


@pytest.fixture
def cache(tmp_path, clock):
    made = InsightCache(tmp_path / "cache", api_base_url="https://api.example/v1", clock=clock)
    yield made
    made.close()


def answers(raw: dict, failing: frozenset[str] = frozenset()) -> Callable[[str], Insights]:
    def fetch(creator_id: str) -> Insights:
        if creator_id in failing:
            raise ServerError("down", status_code=503)
        return Insights.from_raw(raw)

    return fetch


def test_every_series_is_there_from_the_start():
    samples = scrape()["studio_cache_lookups"].samples
    assert {s.labels["result"] for s in samples if s.name == LOOKUPS} == set(RESULTS)


def test_load_counts_a_miss_a_hit_an_expired_copy_and_a_refresh(cache, clock, vendor_insights):
    fetch = answers(vendor_insights)
    before = scrape()
    cache.load("a", fetch)  # nothing kept
    cache.load("a", fetch)  # fresh
    assert counted(before) == {"miss": 1, "hit": 1}
    before = scrape()
    clock.now += cache.ttl_s + 1
    assert cache.load("a", fetch).source == "api"  # expired: fetched again
    cache.load("a", fetch, refresh=True)
    assert counted(before) == {"miss": 1, "refresh": 1}


def test_load_counts_a_failed_fetch_as_stale_or_error(cache, clock, vendor_insights):
    cache.load("kept", answers(vendor_insights))
    clock.now += cache.ttl_s + 1
    down = answers(vendor_insights, failing=frozenset({"kept", "never"}))
    before = scrape()
    assert cache.load("kept", down).stale
    with pytest.raises(ServerError):
        cache.load("never", down)
    assert counted(before) == {"stale": 1, "error": 1}


def test_load_many_counts_each_creator_once(cache, clock, vendor_insights):
    cache.put("fresh", Insights.from_raw(vendor_insights))
    cache.put("expired", Insights.from_raw(vendor_insights))
    clock.now += cache.ttl_s + 1
    cache.put("fresh", Insights.from_raw(vendor_insights))
    fetch = answers(vendor_insights, failing=frozenset({"expired", "never"}))

    def fetch_many(ids: list[str], on_result: Callable[[str, Insights | FPAPIError], None]):
        for creator_id in ids:
            if creator_id == "dropped":
                continue  # a fetcher that forgot one
            try:
                on_result(creator_id, fetch(creator_id))
            except FPAPIError as err:
                on_result(creator_id, err)

    before = scrape()
    cache.load_many(["fresh", "expired", "never", "new", "dropped"], fetch_many)
    assert counted(before) == {"hit": 1, "stale": 1, "error": 2, "miss": 1}
