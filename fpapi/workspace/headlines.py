"""The first fetch of a creator who just joined the roster: their headline numbers (followers,
ER) fetched right after a verification, the sandbox's demo creators or ``seed --fetch``, so the
roster's first view shows them and sorts them by them.

A verification and the demo creators hand their fetch to :func:`fetch_in_background`: one
background thread per process takes the fetches in turn, each at most MAX_CONCURRENT_FETCHES
calls at once, so joining answers at once and a burst of joins cannot flood the vendor. While a
creator's fetch waits or runs, :func:`fetching` says so (the roster row says "fetching", and the
page looks again until it is done). ``seed --fetch``, a command, fetches in its own thread and
waits, printing its progress.

:func:`fetch_headlines` loads them through :meth:`Workspace.load_many
<fpapi.workspace.core.Workspace.load_many>` (at most MAX_CONCURRENT_FETCHES at once, the
responses cached and their snapshots kept: the roster reads those). It never raises for a
failed fetch: joining the roster has happened, and the numbers can be fetched later from the
creator's insights.

A failed fetch is remembered here, in this process, by creator and verification (the store
keeps snapshots of successful fetches only), with the API's sentence: the roster row of a
creator with no snapshot and no cached copy says why (:func:`fetch_failure`). A restart, or
another replica, does not know it: there the row says only that nothing was fetched yet, which
is still true. A successful fetch (here, or from the insights page) makes the row show the
numbers; the sentence is then never shown.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fpapi.errors import FPAPIError, StoreError
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Creator

if TYPE_CHECKING:
    from fpapi.workspace.core import Workspace

__all__ = [
    "FETCH_BATCH",
    "FETCH_SETTLE_S",
    "HeadlineFetch",
    "fetch_failure",
    "fetch_headlines",
    "fetch_in_background",
    "fetching",
    "settle",
]

log = logging.getLogger(__name__)

FETCH_BATCH = 240  # creators per load_many call: seed --fetch of 10,000 holds 240 responses at once
REMEMBERED_FAILURES = 10_000  # the oldest are forgotten past this many
FETCH_SETTLE_S = 60  # how long forgetting a creator waits for their fetch under way

_lock = threading.Lock()
_failures: OrderedDict[tuple[str, float], str] = OrderedDict()  # (creator, verified_at) -> why
_waiting: Counter[str] = Counter()  # creator id -> background fetches not done yet
_settled = threading.Condition(_lock)
# One thread: fetches queue behind each other, each bounded by load_many's concurrency.
_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="headlines")
_on_background = threading.local()  # .yes while this thread runs a background fetch


@dataclass(frozen=True)
class HeadlineFetch:
    """What the fetch after joining did: the creators whose numbers are on record now (by
    id), and those whose fetch failed, each with the sentence saying why."""

    fetched: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def _key(creator: Creator) -> tuple[str, float]:
    return (creator.creator_id, creator.verified_at)


def fetch_failure(creator: Creator) -> str | None:
    """Why the fetch after this creator's latest verification failed, if this process tried
    and it did."""
    with _lock:
        return _failures.get(_key(creator))


def _remember(creator: Creator, reason: str | None) -> None:
    with _lock:
        if reason is None:
            _failures.pop(_key(creator), None)
            return
        _failures[_key(creator)] = reason
        _failures.move_to_end(_key(creator))
        while len(_failures) > REMEMBERED_FAILURES:
            _failures.popitem(last=False)


def _reason(outcome: LoadedInsights | FPAPIError) -> str | None:
    """The sentence for a failed fetch, None for one that brought numbers (a stale copy kept
    because the API failed is numbers too: the roster shows them with their age)."""
    if isinstance(outcome, FPAPIError):
        return str(outcome) or "the API did not answer."
    return None


def fetch_headlines(
    ws: Workspace,
    creator_ids: Iterable[str],
    *,
    on_batch: Callable[[HeadlineFetch], None] | None = None,
) -> HeadlineFetch:
    """Fetch the insights of creators who just joined ``ws``'s roster, concurrently, and keep
    their snapshots. Only Instagram creators on the roster whose consent stands are asked
    about (YouTube has no insights call); one whose fetch after this verification already
    failed in this process is not asked again (its sentence is returned), and one with a
    fresh cached copy costs no call. ``on_batch`` is told after each FETCH_BATCH creators.
    Never raises for the API or the store: what failed is in the result, and logged."""
    wanted = list(dict.fromkeys(creator_ids))
    result = HeadlineFetch()
    try:
        creators = [
            c
            for c in ws.creators(wanted)
            if c.connector == "instagram" and c.consent_withdrawn_at is None
        ]
    except StoreError as err:
        log.warning("Could not read %d new creators to fetch their insights: %s", len(wanted), err)
        return result
    to_fetch: list[Creator] = []
    for creator in creators:
        known = fetch_failure(creator)
        if known is None:
            to_fetch.append(creator)
        else:
            result.failed[creator.creator_id] = known
    for start in range(0, len(to_fetch), FETCH_BATCH):
        batch = {c.creator_id: c for c in to_fetch[start : start + FETCH_BATCH]}
        done = HeadlineFetch()
        try:
            outcomes = ws.load_many(list(batch))
        except (FPAPIError, StoreError) as err:  # the whole call failed: each says so
            outcomes = {cid: FPAPIError(str(err)) for cid in batch}
        for creator_id, creator in batch.items():
            outcome = outcomes.get(creator_id)
            if outcome is None:  # left out: removed from the roster meanwhile
                continue
            reason = _reason(outcome)
            _remember(creator, reason)
            if reason is None:
                done.fetched.append(creator_id)
            else:
                done.failed[creator_id] = reason
        if done.failed:
            log.warning("The insights of %d new creators could not be fetched", len(done.failed))
        result.fetched.extend(done.fetched)
        result.failed.update(done.failed)
        if on_batch is not None:
            on_batch(done)
    return result


def fetch_in_background(ws: Workspace, creator_ids: Iterable[str]) -> Future[HeadlineFetch]:
    """:func:`fetch_headlines` on this process's background thread, after the fetches queued
    before it; returns at once. ``ws`` is the workspace (and actor) the creators joined."""
    wanted = list(dict.fromkeys(creator_ids))
    with _lock:
        _waiting.update(wanted)

    def run() -> HeadlineFetch:
        _on_background.yes = True
        try:
            return fetch_headlines(ws, wanted)
        except Exception:  # fetch_headlines never raises for the API or the store; a bug might
            log.exception("The background fetch of %d new creators failed", len(wanted))
            raise
        finally:
            _on_background.yes = False
            _done_with(wanted)

    try:
        return _background.submit(run)
    except RuntimeError:  # the interpreter is shutting down: nothing will run it
        _done_with(wanted)
        raise


def _done_with(creator_ids: list[str]) -> None:
    with _settled:
        for creator_id in creator_ids:
            _waiting[creator_id] -= 1
            if _waiting[creator_id] <= 0:
                del _waiting[creator_id]
        _settled.notify_all()


def first_fetches() -> set[str]:
    """The creators whose fetch after joining is waiting or running in this process now. A page
    asks before it reads the roster, and again once its rows are drawn: a fetch that ends after
    the first question changed what it read (numbers, order), and one queued after the read is
    shown as under way; the page redraws itself once both have ended."""
    with _lock:
        return {creator_id for creator_id, count in _waiting.items() if count > 0}


def fetching(creator_id: str) -> bool:
    """Whether this creator's fetch after joining is still waiting or running in this
    process (another replica's is not known here)."""
    with _lock:
        return _waiting[creator_id] > 0


def settle(timeout_s: float | None = None, *, creator_ids: Iterable[str] | None = None) -> bool:
    """Wait until the background fetches queued so far in this process (of ``creator_ids``
    only, if given) are done; False if ``timeout_s`` passed first. On the background thread
    itself (a fetch that finds consent withdrawn forgets the creator) there is nothing to wait
    for: the fetches queued behind it cannot run before it ends."""
    if getattr(_on_background, "yes", False):
        return True
    wanted = None if creator_ids is None else list(creator_ids)

    def done() -> bool:
        return not _waiting if wanted is None else not any(_waiting[c] for c in wanted)

    with _settled:
        return _settled.wait_for(done, timeout=timeout_s)
