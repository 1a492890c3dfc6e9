"""The insight cache: raw JSON responses on disk with a TTL, and stale copies when the API fails.

Keyed by API base URL, connector and creator id, so two configured APIs never mix their data.
What is stored is the vendor's raw JSON and the time it was fetched, nothing pickled. Each
creator asked of the fetch policy (``load``, ``load_many``) is counted once in
``studio_cache_lookups_total`` by how it ended (``fpapi.metrics.CacheResult``).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import diskcache

from fpapi.api.models import Insights
from fpapi.errors import FPAPIError, InvalidResponse
from fpapi.metrics import count_cache_lookup
from fpapi.storage.jsondisk import checkpoint, open_json_cache, remove_kept_copies

__all__ = [
    "DEFAULT_TTL_S",
    "FAILURE_KEPT_S",
    "PROCESS_LOCKS",
    "CacheKey",
    "CacheSummary",
    "DiskShelf",
    "InsightCache",
    "LoadedInsights",
    "Shelf",
]

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 24 * 60 * 60
E = TypeVar("E", bound=BaseException)
# How long a failed fetch of a creator is every load's answer in this process, rather than
# the vendor being asked again (InsightCache.load): a head start and its page, or tabs opened
# together, ask once; an analyst's Refresh asks again (sharing only a failure that ended while
# it waited for the creator's lock).
FAILURE_KEPT_S = 5.0


@dataclass(frozen=True)
class CacheSummary:
    """What the roster shows about a creator's cached insights."""

    fetched_at: float
    last_processed_at: date | None

    @classmethod
    def of(cls, fetched_at: float, processed: object) -> CacheSummary:
        """From the stored values: the processing date as ISO text, or anything else for none."""
        return cls(
            fetched_at, date.fromisoformat(processed) if isinstance(processed, str) else None
        )


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


CacheKey = tuple[str, str, str]  # (API base URL, connector, creator id)


class Shelf(Protocol):
    """Where the insight cache keeps responses: the data folder (:class:`DiskShelf`) or the
    team database (:class:`fpapi.storage.sql_cache.SqlShelf`). The fetch policy is
    :class:`InsightCache`'s, the same over either."""

    recovered_from: Path | None

    def read(self, key: CacheKey) -> dict[str, Any] | None:
        """``{"fetched_at": ..., "raw": ...}``, or None if absent or unreadable."""

    def summary(self, key: CacheKey) -> CacheSummary | None:
        """When it was fetched and the vendor's processing date, without the body."""

    def write(
        self, key: CacheKey, fetched_at: float, raw: dict[str, Any], processed: str | None
    ) -> None:
        """Keep a response; a failure to write is logged, never raised (the page still shows it)."""

    def forget(self, creator_id: str) -> None:
        """Delete every response kept for ``creator_id`` (any API, any platform), leaving
        nothing of it readable in any file."""

    def exclusive(self, keys: list[CacheKey]) -> AbstractContextManager[None]:
        """Hold these keys against every other loader of them (sessions, and on the team
        database, other replicas), so a creator missing from the cache is fetched once."""

    def close(self) -> None: ...


class KeyedLocks:
    """One lock per key, in this process; several keys are taken in one order (no deadlock)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: weakref.WeakValueDictionary[CacheKey, threading.Lock] = (
            weakref.WeakValueDictionary()
        )

    @contextlib.contextmanager
    def hold(self, keys: list[CacheKey]) -> Iterator[None]:
        with self._guard:
            held = [self._locks.setdefault(key, threading.Lock()) for key in sorted(set(keys))]
        with contextlib.ExitStack() as stack:
            for lock in held:
                stack.enter_context(lock)
            yield


# Every shelf of this process queues on these, whatever folder or database it is on: two
# sessions, or two shelves on one folder, never fetch one creator twice at once.
PROCESS_LOCKS = KeyedLocks()


class DiskShelf:
    """Responses in a JSON-only diskcache under the data folder (one app process)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._cache, self.recovered_from = open_json_cache(self.directory)

    def close(self) -> None:
        self._cache.close()

    @staticmethod
    def _key(key: CacheKey) -> str:
        return "insights|" + "|".join(key)

    def exclusive(self, keys: list[CacheKey]) -> AbstractContextManager[None]:
        return PROCESS_LOCKS.hold(keys)

    def write(
        self, key: CacheKey, fetched_at: float, raw: dict[str, Any], processed: str | None
    ) -> None:
        disk_key = self._key(key)
        summary = {"fetched_at": fetched_at, "last_processed_at": processed}
        try:
            with self._cache.transact():
                self._cache.set(disk_key, {"fetched_at": fetched_at, "raw": raw})
                self._cache.set("summary|" + disk_key, summary)
        except (OSError, sqlite3.Error, diskcache.Timeout) as err:  # full, read-only: still shown
            log.warning("Could not write the insight cache in %s: %s", self.directory, err)

    def forget(self, creator_id: str) -> None:
        suffix = f"|{creator_id}"
        for disk_key in list(self._cache.iterkeys()):
            if isinstance(disk_key, str) and disk_key.endswith(suffix):
                self._cache.delete(disk_key)  # a large body's file goes with it
        checkpoint(self.directory)
        remove_kept_copies(self.directory)

    def summary(self, key: CacheKey) -> CacheSummary | None:
        try:
            data = self._cache.get("summary|" + self._key(key))
        except (ValueError, OSError, zlib.error, sqlite3.Error):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("fetched_at"), int | float):
            return None
        return CacheSummary.of(data["fetched_at"], data.get("last_processed_at"))

    def stored_keys(self) -> list[CacheKey]:
        """Every response kept here (for moving a team into the database)."""
        found = []
        for disk_key in self._cache.iterkeys():
            if isinstance(disk_key, str) and disk_key.startswith("insights|"):
                parts = disk_key.removeprefix("insights|").rsplit("|", 2)
                if len(parts) == 3:
                    found.append((parts[0], parts[1], parts[2]))
        return found

    def read(self, key: CacheKey) -> dict[str, Any] | None:
        disk_key = self._key(key)
        try:
            entry = self._cache.get(disk_key)
        except (ValueError, OSError, zlib.error, sqlite3.Error) as err:  # damaged: drop, refetch
            log.warning("Dropping an unreadable cache entry in %s: %s", self.directory, err)
            with contextlib.suppress(OSError, sqlite3.Error):
                self._cache.delete(disk_key)
                self._cache.delete("summary|" + disk_key)  # so that load() fetches it again
            return None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("raw"), dict)
            or not isinstance(entry.get("fetched_at"), int | float)
        ):
            return None
        return entry


def _unraised(err: E) -> E:
    """A copy of ``err`` as never raised: its class, message and attributes, without the
    traceback (and the frames it holds) or the exceptions chained to it."""
    copy = type(err).__new__(type(err), *err.args)
    copy.__dict__.update(err.__dict__)
    return copy


class InsightCache:
    """Raw insight responses, each with the time it was fetched, on a :class:`Shelf`."""

    def __init__(
        self,
        shelf: Shelf | Path,
        *,
        api_base_url: str,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.shelf: Shelf = DiskShelf(shelf) if isinstance(shelf, Path) else shelf
        self.api_base_url = api_base_url.rstrip("/")
        self.ttl_s = ttl_s
        self._clock = clock
        # The last failed fetch of each creator, in this process: (when it failed, its error).
        self._failed: dict[CacheKey, tuple[float, FPAPIError]] = {}

    @property
    def recovered_from(self) -> Path | None:
        return self.shelf.recovered_from

    def close(self) -> None:
        self.shelf.close()

    def _key(self, connector: str, creator_id: str) -> CacheKey:
        return (self.api_base_url, connector, creator_id)

    def forget(self, creator_id: str) -> None:
        """Delete every response kept for ``creator_id``: a forgotten creator's vendor data
        (and the vendor's last error about them)."""
        self.shelf.forget(creator_id)
        for key in [key for key in list(self._failed) if key[2] == creator_id]:
            self._failed.pop(key, None)

    def body(self, creator_id: str, *, connector: str = "instagram") -> tuple[float, dict] | None:
        """When the kept response was fetched, and the vendor's JSON as received (for a
        share, which shows it as it stood); None when nothing is kept."""
        entry = self.shelf.read(self._key(connector, creator_id))
        return None if entry is None else (entry["fetched_at"], entry["raw"])

    def peek(self, creator_id: str, *, connector: str = "instagram") -> LoadedInsights | None:
        """The cached copy however old it is, as "cache" if fresh and "stale" if expired."""
        entry = self.shelf.read(self._key(connector, creator_id))
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
        entry = self.shelf.read(self._key(connector, creator_id))
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
        processed = insights.last_processed_at
        self.shelf.write(
            self._key(connector, creator_id),
            fetched_at,
            insights.raw,
            processed.isoformat() if processed else None,
        )
        return fetched_at

    def summary(self, creator_id: str, *, connector: str = "instagram") -> CacheSummary | None:
        """When the creator's insights were fetched and the vendor's processing date, cheaply
        (without reading the whole response)."""
        return self.shelf.summary(self._key(connector, creator_id))

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

        A failure is the answer of every load of that creator in this process for
        ``FAILURE_KEPT_S`` after it (a refresh shares only one that ended while it waited):
        a page request's head start and the page's own load, or a dozen tabs opened at once,
        ask a failing vendor once, not once each.

        Raises the API's error only when nothing is cached at all.
        """
        if not refresh and (cached := self._fresh(creator_id, connector, fetch)) is not None:
            count_cache_lookup("hit")
            return cached
        key = self._key(connector, creator_id)
        asked_at = self._clock()
        shared_since = asked_at if refresh else asked_at - FAILURE_KEPT_S
        # One loader at a time per creator (across replicas on the team database): whoever
        # waited finds the response the first one fetched, and the vendor is called once.
        with self.shelf.exclusive([key]):
            if not refresh and (cached := self._fresh(creator_id, connector, fetch)) is not None:
                count_cache_lookup("hit")
                return cached
            failed = self._failed.get(key)
            if failed is not None and shared_since <= failed[0] <= self._clock():
                return self._fallback(creator_id, _unraised(failed[1]), connector=connector)
            try:
                insights = fetch(creator_id)
            except FPAPIError as err:
                self._remember_failure(key, err)
                return self._fallback(creator_id, err, connector=connector)
            self._failed.pop(key, None)
            count_cache_lookup("refresh" if refresh else "miss")
            return self._store_fetched(creator_id, insights, connector=connector)

    def _remember_failure(self, key: CacheKey, err: FPAPIError) -> None:
        """Keep ``err`` as the creator's last failure (a copy that holds none of the frames it
        was raised through: those hold sessions and the API client), and let go of the ones
        past sharing (or from a clock since set back)."""
        now = self._clock()
        for old in [
            k for k, (at, _) in list(self._failed.items()) if not 0 <= now - at <= FAILURE_KEPT_S
        ]:
            self._failed.pop(old, None)
        self._failed[key] = (now, _unraised(err))

    def _fresh(self, creator_id: str, connector: str, refetch: FetchOne) -> LoadedInsights | None:
        """The cached copy if it is still fresh."""
        summary = self.summary(creator_id, connector=connector)
        if summary is None:
            return None
        cached = self._loaded(creator_id, summary.fetched_at, connector=connector, refetch=refetch)
        return None if cached.stale else cached

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

        def fetch_one(creator_id: str) -> Insights:
            got: dict[str, Insights | FPAPIError] = {}
            fetch_many([creator_id], got.__setitem__)
            outcome = got.get(creator_id, FPAPIError("The fetch did not finish."))
            if isinstance(outcome, FPAPIError):
                raise outcome
            return outcome

        def take_fresh(wanted: list[str]) -> list[str]:
            """Settle those with a fresh copy; the rest, still to fetch."""
            missing = []
            for creator_id in wanted:
                cached = self._fresh(creator_id, "instagram", fetch_one)
                if cached is None:
                    missing.append(creator_id)
                    continue
                results[creator_id] = cached
                count_cache_lookup("hit")
                if on_result:
                    on_result(creator_id)
            return missing

        to_fetch = take_fresh(list(dict.fromkeys(creator_ids)))

        def settle(creator_id: str, outcome: Insights | FPAPIError) -> None:
            if isinstance(outcome, Insights):
                results[creator_id] = self._store_fetched(creator_id, outcome)
                count_cache_lookup("miss")
            else:
                try:
                    results[creator_id] = self._fallback(creator_id, outcome)
                except FPAPIError as err:
                    results[creator_id] = err
            if on_result:
                on_result(creator_id)

        if to_fetch:
            with self.shelf.exclusive([self._key("instagram", cid) for cid in to_fetch]):
                fetched = take_fresh(to_fetch)  # another loader may have fetched them meanwhile
                if fetched:
                    fetch_many(fetched, settle)
        for creator_id in to_fetch:  # a fetcher that dropped one must not drop it silently
            if creator_id not in results:
                results[creator_id] = FPAPIError("The fetch did not finish.")
                count_cache_lookup("error")
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
            count_cache_lookup("error")
            raise error
        count_cache_lookup("stale")
        return LoadedInsights(
            creator_id,
            cached.fetched_at,
            "stale",
            self._clock(),
            error=error,
            read=lambda: cached.insights,
        )
