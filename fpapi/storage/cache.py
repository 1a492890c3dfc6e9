"""The insight cache: raw JSON responses on disk with a TTL, and stale copies when the API fails.

Keyed by API base URL, connector and creator id, so two configured APIs never mix their data.
What is stored is the vendor's raw JSON and the time it was fetched, nothing pickled.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import diskcache

from fpapi.api.models import Insights
from fpapi.errors import FPAPIError, InvalidResponse
from fpapi.storage.jsondisk import open_json_cache

__all__ = ["DEFAULT_TTL_S", "CacheSummary", "InsightCache", "LoadedInsights"]

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 24 * 60 * 60


@dataclass(frozen=True)
class CacheSummary:
    """What the roster shows about a creator's cached insights."""

    fetched_at: float
    last_processed_at: date | None


Source = Literal["api", "cache", "stale"]
FetchOne = Callable[[str], Insights]
# fetch_many(creator_ids, on_result) -> {creator_id: Insights or the API's error}
FetchMany = Callable[[list[str], Callable[[str, "Insights | FPAPIError"], None]], object]


@dataclass(frozen=True, eq=False)
class LoadedInsights:
    """One creator's insights and where they came from: ``source`` is "api" (just fetched),
    "cache" (fresh) or "stale" (expired, kept because the API failed: ``error`` says how).

    ``insights`` is parsed on first use: a page whose report is already built from this
    response (same creator, same ``fetched_at``) never reads the body again.
    """

    creator_id: str
    fetched_at: float
    source: Source
    now: float
    read: Callable[[], Insights] = field(repr=False)
    error: FPAPIError | None = None

    @functools.cached_property
    def insights(self) -> Insights:
        return self.read()

    @property
    def age_s(self) -> float:
        return max(0.0, self.now - self.fetched_at)

    @property
    def stale(self) -> bool:
        return self.source == "stale"


class InsightCache:
    """Raw insight responses on disk, each with the time it was fetched."""

    def __init__(
        self,
        directory: Path,
        *,
        api_base_url: str,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = Path(directory)
        self.api_base_url = api_base_url.rstrip("/")
        self.ttl_s = ttl_s
        self._clock = clock
        self._cache, self.recovered_from = open_json_cache(self.directory)

    def close(self) -> None:
        self._cache.close()

    def _key(self, connector: str, creator_id: str) -> str:
        return f"insights|{self.api_base_url}|{connector}|{creator_id}"

    def peek(self, creator_id: str, *, connector: str = "instagram") -> LoadedInsights | None:
        """The cached copy however old it is, as "cache" if fresh and "stale" if expired."""
        entry = self._read(self._key(connector, creator_id))
        if entry is None:
            return None
        return self._loaded(creator_id, entry["fetched_at"], Insights.from_raw(entry["raw"]))

    def _loaded(
        self,
        creator_id: str,
        fetched_at: float,
        insights: Insights | None = None,
        *,
        connector: str = "instagram",
        refetch: FetchOne | None = None,
    ) -> LoadedInsights:
        now = self._clock()
        source: Source = "cache" if now - fetched_at < self.ttl_s else "stale"
        if insights is not None:
            parsed = insights
            return LoadedInsights(creator_id, fetched_at, source, now, read=lambda: parsed)
        return LoadedInsights(
            creator_id,
            fetched_at,
            source,
            now,
            read=lambda: self._read_insights(creator_id, connector, refetch),
        )

    def _read_insights(self, creator_id: str, connector: str, refetch: FetchOne | None) -> Insights:
        """The body behind a summary; a body found damaged on disk is fetched again."""
        entry = self._read(self._key(connector, creator_id))
        if entry is not None:
            return Insights.from_raw(entry["raw"])
        if refetch is None:
            raise InvalidResponse(
                "The saved copy of these insights could not be read. Refresh to fetch them again."
            )
        insights = refetch(creator_id)
        self.put(creator_id, insights, connector=connector)
        return insights

    def put(self, creator_id: str, insights: Insights, *, connector: str = "instagram") -> float:
        """Store the raw response behind ``insights``; returns the time recorded as fetched."""
        fetched_at = self._clock()
        key = self._key(connector, creator_id)
        raw = insights.raw
        processed = insights.last_processed_at
        summary = {
            "fetched_at": fetched_at,
            "last_processed_at": processed.isoformat() if processed else None,
        }
        try:
            with self._cache.transact():
                self._cache.set(key, {"fetched_at": fetched_at, "raw": raw})
                self._cache.set("summary|" + key, summary)
        except (OSError, sqlite3.Error, diskcache.Timeout) as err:  # full, read-only: still shown
            log.warning("Could not write the insight cache in %s: %s", self.directory, err)
        return fetched_at

    def summary(self, creator_id: str, *, connector: str = "instagram") -> CacheSummary | None:
        """When the creator's insights were fetched and the vendor's processing date, cheaply
        (without reading the whole response)."""
        try:
            data = self._cache.get("summary|" + self._key(connector, creator_id))
        except (ValueError, OSError, zlib.error, sqlite3.Error):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("fetched_at"), int | float):
            return None
        processed = data.get("last_processed_at")
        return CacheSummary(
            fetched_at=data["fetched_at"],
            last_processed_at=date.fromisoformat(processed) if isinstance(processed, str) else None,
        )

    def load(
        self,
        creator_id: str,
        fetch: FetchOne,
        *,
        connector: str = "instagram",
        refresh: bool = False,
    ) -> LoadedInsights:
        """The fetch policy, in one place: a fresh copy if there is one (unless ``refresh``),
        else the API; the stale copy, carrying the API's error, if the API fails.

        Raises the API's error only when nothing is cached at all.
        """
        summary = self.summary(creator_id, connector=connector)
        if summary is not None and not refresh:
            cached = self._loaded(
                creator_id, summary.fetched_at, connector=connector, refetch=fetch
            )
            if not cached.stale:
                return cached
        try:
            insights = fetch(creator_id)
        except FPAPIError as err:
            return self._fallback(creator_id, err, connector=connector)
        return self._store_fetched(creator_id, insights, connector=connector)

    def load_many(
        self,
        creator_ids: list[str],
        fetch_many: FetchMany,
        *,
        on_result: Callable[[str], None] | None = None,
    ) -> dict[str, LoadedInsights | FPAPIError]:
        """``load`` for several creators: fresh copies first, the rest in one ``fetch_many``
        call (concurrent in the client). A failed fetch falls back to its stale copy, else
        its error is returned in its place. ``on_result(creator_id)`` is called as each is
        settled, cache hits first."""
        results: dict[str, LoadedInsights | FPAPIError] = {}
        to_fetch = []

        def fetch_one(creator_id: str) -> Insights:
            got: dict[str, Insights | FPAPIError] = {}
            fetch_many([creator_id], got.__setitem__)
            outcome = got.get(creator_id, FPAPIError("The fetch did not finish."))
            if isinstance(outcome, FPAPIError):
                raise outcome
            return outcome

        for creator_id in dict.fromkeys(creator_ids):
            summary = self.summary(creator_id)
            cached = (
                self._loaded(creator_id, summary.fetched_at, refetch=fetch_one) if summary else None
            )
            if cached is not None and not cached.stale:
                results[creator_id] = cached
                if on_result:
                    on_result(creator_id)
            else:
                to_fetch.append(creator_id)

        def settle(creator_id: str, outcome: Insights | FPAPIError) -> None:
            if isinstance(outcome, Insights):
                results[creator_id] = self._store_fetched(creator_id, outcome)
            else:
                try:
                    results[creator_id] = self._fallback(creator_id, outcome)
                except FPAPIError as err:
                    results[creator_id] = err
            if on_result:
                on_result(creator_id)

        if to_fetch:
            fetch_many(to_fetch, settle)
        for creator_id in to_fetch:  # a fetcher that dropped one must not drop it silently
            results.setdefault(creator_id, FPAPIError("The fetch did not finish."))
        return {creator_id: results[creator_id] for creator_id in dict.fromkeys(creator_ids)}

    def _store_fetched(
        self, creator_id: str, insights: Insights, *, connector: str = "instagram"
    ) -> LoadedInsights:
        fetched_at = self.put(creator_id, insights, connector=connector)
        return LoadedInsights(creator_id, fetched_at, "api", fetched_at, read=lambda: insights)

    def _fallback(
        self, creator_id: str, error: FPAPIError, *, connector: str = "instagram"
    ) -> LoadedInsights:
        """The stale copy with the API's error, or the error itself when nothing is cached."""
        cached = self.peek(creator_id, connector=connector)
        if cached is None:
            raise error
        return LoadedInsights(
            creator_id,
            cached.fetched_at,
            "stale",
            self._clock(),
            error=error,
            read=lambda: cached.insights,
        )

    def _read(self, key: str) -> dict[str, Any] | None:
        try:
            entry = self._cache.get(key)
        except (
            ValueError,
            OSError,
            zlib.error,
            sqlite3.Error,
        ) as err:  # a damaged value: drop it, refetch
            log.warning("Dropping an unreadable cache entry in %s: %s", self.directory, err)
            with contextlib.suppress(OSError, sqlite3.Error):
                self._cache.delete(key)
                self._cache.delete("summary|" + key)  # so that load() fetches it again
            return None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("raw"), dict)
            or not isinstance(entry.get("fetched_at"), int | float)
        ):
            return None
        return entry
