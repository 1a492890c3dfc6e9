"""The insight cache: raw JSON responses on disk with a TTL, and stale copies when the API fails.

Keyed by API base URL, connector and creator id, so two configured APIs never mix their data.
What is stored is the vendor's raw JSON and the time it was fetched, nothing pickled.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import diskcache

from fpapi.api.models import Insights
from fpapi.errors import FPAPIError
from fpapi.storage.jsondisk import open_json_cache

__all__ = ["DEFAULT_TTL_S", "CacheSummary", "CachedInsights", "InsightCache"]

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 24 * 60 * 60


@dataclass(frozen=True)
class CacheSummary:
    """What the roster shows about a creator's cached insights."""

    fetched_at: float
    last_processed_at: date | None


@dataclass(frozen=True)
class CachedInsights:
    """Insights with where they came from: ``source`` is "api", "cache" or "stale"."""

    insights: Insights
    fetched_at: float
    source: str
    error: FPAPIError | None = None
    now: float = 0.0

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

    def peek(self, creator_id: str, *, connector: str = "instagram") -> CachedInsights | None:
        """The cached entry however old it is, as "cache" if fresh and "stale" if expired."""
        entry = self._read(self._key(connector, creator_id))
        if entry is None:
            return None
        now = self._clock()
        fresh = now - entry["fetched_at"] < self.ttl_s
        return CachedInsights(
            insights=Insights.from_raw(entry["raw"]),
            fetched_at=entry["fetched_at"],
            source="cache" if fresh else "stale",
            now=now,
        )

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

    def get_or_fetch(
        self,
        creator_id: str,
        fetch: Callable[[str], Insights],
        *,
        connector: str = "instagram",
        refresh: bool = False,
    ) -> CachedInsights:
        """Fresh cache if any (unless ``refresh``), else the API; stale cache if the API fails.

        Raises the API's error only when there is nothing cached at all.
        """
        cached = self.peek(creator_id, connector=connector)
        if cached is not None and not cached.stale and not refresh:
            return cached
        try:
            insights = fetch(creator_id)
        except FPAPIError as err:
            if cached is None:
                raise
            return CachedInsights(
                insights=cached.insights,
                fetched_at=cached.fetched_at,
                source="stale",
                error=err,
                now=self._clock(),
            )
        fetched_at = self.put(creator_id, insights, connector=connector)
        return CachedInsights(
            insights=insights, fetched_at=fetched_at, source="api", now=fetched_at
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
            with contextlib.suppress(OSError):
                self._cache.delete(key)
            return None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("raw"), dict)
            or not isinstance(entry.get("fetched_at"), int | float)
        ):
            return None
        return entry
