"""The data folder's store as versions before ``roster.db`` kept it: a JSON-only diskcache.

Only read now, once, when :class:`fpapi.storage.store.Store` finds such a folder and copies it
into ``roster.db`` (:func:`table_rows`). What it did: records as JSON under key prefixes, a
link kept under a hash of its ``state`` (:func:`state_key`), never the state itself, and no
creator's e-mail address; records read tolerantly (unknown keys go to ``extra`` or are
dropped, a row that cannot be read is skipped and logged); records an older version kept
with a raw state or an e-mail are rewritten without them when the store opens.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any, TypeVar

import diskcache
import sqlalchemy as sa

from fpapi.errors import LinkRequestError, ShortlistError, StoreError
from fpapi.storage.database import (
    activity,
    alerts,
    campaigns,
    creators,
    links,
    relationships,
    shortlists,
    snapshots,
)
from fpapi.storage.jsondisk import move_aside, open_json_cache
from fpapi.storage.records import (
    ACTIVITY_PRUNE_EVERY,
    DEFAULT_LINK_KEEP_S,
    DEFAULT_PENDING_TTL_S,
    FINISHED_STATUSES,
    LINK_PRUNE_EVERY_S,
    MAX_ACTIVITY_ENTRIES,
    Activity,
    Campaign,
    Creator,
    PendingLink,
    Relationship,
    Shortlist,
    Snapshot,
    StoredAlert,
    claim_refusal,
    clean_tags,
    new_note,
    pipeline_status,
    shortlist_name,
    state_key,
)

__all__ = ["DiskStore", "table_rows"]

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

DROPPED_KEYS = frozenset({"email", "state"})  # never kept, even from an older record
SECRETS_FORGOTTEN_KEY = "meta|secrets-forgotten"
PENDING_PREFIX = "link|"
CREATOR_PREFIX = "creator|"
SHORTLIST_PREFIX = "shortlist|"
ACTIVITY_PREFIX = "activity|"
RELATIONSHIP_PREFIX = "relationship|"  # + creator_id
CAMPAIGN_PREFIX = "campaign|"  # + campaign_id
ALERT_PREFIX = "alert|"  # + the alert's key
MAX_ALERTS = 2_000  # the oldest go first past this
SNAPSHOT_PREFIX = "snapshot|"  # + creator_id + "|" + fetched_at (zero-padded: sorts by time)


def _snapshot_key(creator_id: str, fetched_at: float) -> str:
    return f"{SNAPSHOT_PREFIX}{creator_id}|{fetched_at:020.6f}"


def _reads(method: Callable[..., T]) -> Callable[..., T]:
    """Recover from a database damaged while the app runs: move it aside, start a fresh one
    (``recovered_from`` says where the old one went), and do the work again on it."""

    @functools.wraps(method)
    def wrapper(self: DiskStore, *args: Any, **kwargs: Any) -> T:
        db = self._db
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as err:
            with self._recovery:  # wait for a recovery another session may be making
                recovered_meanwhile = self._db is not db
            if not recovered_meanwhile:
                if isinstance(err, sqlite3.OperationalError):
                    raise  # locked, read-only or full: the file is fine, so never move it
                self._recover(err, failed=db)  # "file is not a database", "malformed"
            return method(self, *args, **kwargs)

    return wrapper


def _writes(method: Callable[..., T]) -> Callable[..., T]:
    """Recover as ``_reads`` does, and turn the storage layer's other failures into one
    StoreError an analyst can act on."""
    recovering = _reads(method)

    @functools.wraps(method)
    def wrapper(self: DiskStore, *args: Any, **kwargs: Any) -> T:
        try:
            return recovering(self, *args, **kwargs)
        except (OSError, sqlite3.Error, diskcache.Timeout) as err:
            reason = "the disk is full" if "full" in str(err).lower() else (
                "another session held it too long" if isinstance(err, diskcache.Timeout) else
                "the folder cannot be written to"
            )  # fmt: skip
            raise StoreError(
                f"The app could not save to its data folder {self.directory.parent} ({reason}). "
                "Nothing was changed. Free some space or fix the folder's permissions, then try again."
            ) from err

    return wrapper


class DiskStore:
    """The older data folder's store; see the module."""

    def __init__(
        self,
        directory: Path,
        *,
        pending_ttl_s: float = DEFAULT_PENDING_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = Path(directory)
        self.pending_ttl_s = pending_ttl_s
        self._clock = clock
        self._db, self.recovered_from = open_json_cache(self.directory)
        self._activity_writes = 0
        self._last_prune = -math.inf
        self._recovery = threading.Lock()
        try:
            self._forget_secrets()
        except StoreError as err:  # a full disk, say: the store still reads; retried next open
            log.warning("Could not rewrite older records without secrets yet: %s", err)

    def close(self) -> None:
        self._db.close()

    @_reads
    def check(self) -> None:
        """Read the database once, so that damage done while the app runs is found (and
        recovered from) before a page draws, not halfway through it."""
        self._db.get("__probe__")

    def _recover(self, err: Exception, *, failed: diskcache.Cache) -> None:
        """Move the damaged database aside and open a fresh one, once: sessions share this
        store, and one that failed on the old database must not move the new one aside."""
        with self._recovery:
            if self._db is not failed:
                return  # another session recovered already
            with contextlib.suppress(OSError, sqlite3.Error):
                self._db.close()
            self.recovered_from = move_aside(self.directory, err)
            self._db, _ = open_json_cache(self.directory)

    def _load(self, cls: type[R], data: Any, what: str) -> R | None:
        """A record from its stored dict, tolerantly: unknown keys go to ``extra`` when the
        record has one (else they are dropped), and a row that still cannot be read is
        skipped and logged, never fatal."""
        if not isinstance(data, dict):
            return None
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        known = {k: v for k, v in data.items() if k in names and k not in DROPPED_KEYS}
        unknown = {k: v for k, v in data.items() if k not in names and k not in DROPPED_KEYS}
        if unknown and "extra" in names:
            known["extra"] = {**(known.get("extra") or {}), **unknown}
        elif unknown:
            log.info("Ignoring unknown fields %s of a stored %s", sorted(unknown), what)
        try:
            return cls(**known)
        except TypeError as err:
            log.warning("Skipping a stored %s that cannot be read: %s", what, err)
            return None

    @_writes
    def _forget_secrets(self) -> None:
        """Rewrite records an older version kept with a link's raw state or a creator's e-mail,
        once per store (a marker records that it was done)."""
        if self._db.get(SECRETS_FORGOTTEN_KEY):
            return
        for key in list(self._db.iterkeys()):
            data = self._db.get(key) if isinstance(key, str) else None
            if not isinstance(data, dict) or not DROPPED_KEYS & data.keys():
                continue
            if key.startswith(PENDING_PREFIX) and isinstance(data.get("state"), str):
                link_key = state_key(data["state"])
                kept = {k: v for k, v in data.items() if k not in DROPPED_KEYS}
                with self._db.transact():
                    self._db.set(PENDING_PREFIX + link_key, {**kept, "key": link_key})
                    self._db.delete(key)
            else:
                self._db.set(key, {k: v for k, v in data.items() if k not in DROPPED_KEYS})
        self._db.set(SECRETS_FORGOTTEN_KEY, True)

    # --- verification links --------------------------------------------------------------
    # Every method takes the link's key (``state_key(state)``): the raw state never gets here.

    @_writes
    def add_pending(
        self,
        *,
        key: str,
        connector: str,
        redirect_url: str,
        label: str = "",
        url: str = "",
        created_by: str = "",
    ) -> PendingLink:
        link = PendingLink(
            key=key,
            connector=connector,
            redirect_url=redirect_url,
            created_at=self._clock(),
            label=label,
            url=url,
            created_by=created_by,
        )
        if not self._db.add(PENDING_PREFIX + key, asdict(link)):
            raise LinkRequestError("A link with this state already exists; generate a new state.")
        return link

    @_writes
    def set_link_url(self, key: str, url: str) -> None:
        """Record the vendor's verification URL once the vendor has answered."""
        with self._db.transact():
            link = self.get_link(key)
            if link is not None:
                self._put_link(replace(link, url=url))

    @_reads
    def get_link(self, key: str) -> PendingLink | None:
        return self._load(PendingLink, self._db.get(PENDING_PREFIX + key), "link")

    @_reads
    def links(self, *, include_finished: bool = True) -> list[PendingLink]:
        """Every link, newest first, with expiry applied to those still pending; only the
        pending and claimed ones without ``include_finished``."""
        now = self._clock()
        found = [self._with_expiry(link, now) for link in self._scan(PENDING_PREFIX, self.get_link)]
        if not include_finished:
            found = [link for link in found if link.status not in FINISHED_STATUSES]
        return sorted(found, key=lambda link: link.created_at, reverse=True)

    @_writes
    def prune_links(
        self, *, keep_s: float = DEFAULT_LINK_KEEP_S, every_s: float = LINK_PRUNE_EVERY_S
    ) -> int:
        """Delete finished and expired links older than ``keep_s``; how many went. Pages may
        call this on every run: it does the work at most once per ``every_s``."""
        now = self._clock()
        if now - self._last_prune < every_s:
            return 0
        self._last_prune = now
        cutoff = now - keep_s
        gone = 0
        for link in self.links():
            if link.status in FINISHED_STATUSES and (link.status_at or link.created_at) < cutoff:
                gone += bool(self._db.delete(PENDING_PREFIX + link.key))
        return gone

    def _scan(self, prefix: str, get: Callable[[str], R | None]) -> list[R]:
        """Every record stored under ``prefix``, read through ``get`` (by the key's rest)."""
        found = []
        for key in list(self._db.iterkeys()):
            if isinstance(key, str) and key.startswith(prefix):
                record = get(key.removeprefix(prefix))
                if record is not None:
                    found.append(record)
        return found

    @_writes
    def pop_pending(self, key: str) -> PendingLink:
        """Claim a pending link exactly once; raise a LinkProblem saying why it cannot be."""
        # Decide inside one transaction, raise after it: raising inside would roll back the
        # write that records an expiry.
        with self._db.transact():
            link = self.get_link(key)
            if link is not None:
                now = self._clock()
                link = self._with_expiry(link, now)
                if link.status == "pending":
                    link = replace(link, status="claimed", status_at=now)
                    self._put_link(link)
                    return link
                if link.status == "expired":
                    self._put_link(link)
        raise claim_refusal(link)

    @_writes
    def finish_link(
        self,
        key: str,
        status: str,
        *,
        detail: str = "",
        creator_id: str | None = None,
    ) -> None:
        """Record how a claimed link ended: verified, refused, failed, or pending again."""
        with self._db.transact():
            link = self.get_link(key)
            if link is not None:
                self._put_link(
                    replace(
                        link,
                        status=status,
                        status_at=self._clock(),
                        detail=detail,
                        creator_id=creator_id,
                    )
                )

    @_writes
    def cancel_link(self, key: str, *, actor: str) -> bool:
        """Cancel a pending link; returns False if it was no longer pending."""
        with self._db.transact():
            link = self.get_link(key)
            if link is None or self._with_expiry(link, self._clock()).status != "pending":
                return False
            self._put_link(replace(link, status="cancelled", status_at=self._clock()))
        self.record(actor, "link_cancelled", link.label or link.connector)
        return True

    def _put_link(self, link: PendingLink) -> None:
        self._db.set(PENDING_PREFIX + link.key, asdict(link))

    def _with_expiry(self, link: PendingLink, now: float) -> PendingLink:
        return link.as_of(now, self.pending_ttl_s)

    # --- roster --------------------------------------------------------------------------

    @_writes
    def add_creator(self, creator: Creator) -> Creator:
        """Add or refresh a creator; a re-verified creator keeps one row, and who first added
        them and when."""
        with self._db.transact():
            existing = self.get_creator(creator.creator_id)
            if existing is not None and existing.added_at:
                creator = replace(creator, added_by=existing.added_by, added_at=existing.added_at)
            elif not creator.added_at:
                creator = replace(creator, added_at=creator.verified_at or self._clock())
            self._db.set(CREATOR_PREFIX + creator.creator_id, asdict(creator))
        return creator

    @_reads
    def get_creator(self, creator_id: str) -> Creator | None:
        return self._load(Creator, self._db.get(CREATOR_PREFIX + creator_id), "creator")

    @_reads
    def creators(self) -> list[Creator]:
        """The roster, most recently verified first."""
        found = self._scan(CREATOR_PREFIX, self.get_creator)
        return sorted(found, key=lambda c: c.verified_at, reverse=True)

    @_writes
    def remove_creator(self, creator_id: str, *, actor: str) -> bool:
        """Take a creator off the roster, recorded in the activity list as done by ``actor``."""
        creator = self.get_creator(creator_id)
        if creator is None or not self._db.delete(CREATOR_PREFIX + creator_id):
            return False
        self.record(actor, "creator_removed", creator.name or creator.username or creator_id)
        return True

    # --- activity ------------------------------------------------------------------------

    @_writes
    def record(self, actor: str, action: str, subject: str, *, detail: str = "") -> Activity:
        """Add one entry to the activity list; the oldest go once it is over its bound."""
        entry = Activity(
            at=self._clock(), actor=actor, action=action, subject=subject, detail=detail
        )
        key = f"{ACTIVITY_PREFIX}{entry.at:017.6f}|{secrets.token_hex(4)}"
        self._db.set(key, asdict(entry))
        self._activity_writes += 1
        if self._activity_writes % ACTIVITY_PRUNE_EVERY == 0:
            keys = sorted(self._activity_keys())
            for old in keys[: max(0, len(keys) - MAX_ACTIVITY_ENTRIES)]:
                self._db.delete(old)
        return entry

    @_reads
    def activity(self, *, limit: int = 200) -> list[Activity]:
        """The newest ``limit`` entries, newest first."""
        found = []
        for key in sorted(self._activity_keys(), reverse=True)[:limit]:
            entry = self._load(Activity, self._db.get(key), "activity entry")
            if entry is not None:
                found.append(entry)
        return found

    def _activity_keys(self) -> list[str]:
        return [
            key
            for key in self._db.iterkeys()
            if isinstance(key, str) and key.startswith(ACTIVITY_PREFIX)
        ]

    # --- fetch history -------------------------------------------------------------------

    @_writes
    def add_snapshot(self, snapshot: Snapshot) -> None:
        """Keep one fetch's numbers; the same fetch stored twice is one snapshot."""
        self._db.set(_snapshot_key(snapshot.creator_id, snapshot.fetched_at), asdict(snapshot))

    @_reads
    def snapshots(self, creator_id: str, *, limit: int | None = None) -> list[Snapshot]:
        """One creator's snapshots, oldest first (the newest ``limit`` of them)."""
        prefix = f"{SNAPSHOT_PREFIX}{creator_id}|"
        keys = sorted(k for k in self._db.iterkeys() if isinstance(k, str) and k.startswith(prefix))
        found = [
            self._load(Snapshot, self._db.get(key), "snapshot") for key in keys[-(limit or 0) :]
        ]
        return [s for s in found if s is not None]

    @_reads
    def latest_snapshots(self, *, per_creator: int = 2) -> dict[str, list[Snapshot]]:
        """For every creator with a history, their newest ``per_creator`` snapshots, oldest
        first: what the roster needs to show each creator's change since the last fetch."""
        by_creator: dict[str, list[str]] = {}
        for key in self._db.iterkeys():
            if isinstance(key, str) and key.startswith(SNAPSHOT_PREFIX):
                creator_id = key[len(SNAPSHOT_PREFIX) :].rsplit("|", 1)[0]
                by_creator.setdefault(creator_id, []).append(key)
        latest = {}
        for creator_id, keys in by_creator.items():
            found = [
                self._load(Snapshot, self._db.get(key), "snapshot")
                for key in sorted(keys)[-per_creator:]
            ]
            latest[creator_id] = [s for s in found if s is not None]
        return latest

    # --- tags, pipeline status and notes ---------------------------------------------------

    @_reads
    def relationship(self, creator_id: str) -> Relationship:
        """A creator's tags, status and notes (a new one: no tags, status "new", no notes)."""
        found = self._load(
            Relationship, self._db.get(RELATIONSHIP_PREFIX + creator_id), "relationship"
        )
        return found or Relationship(creator_id)

    @_reads
    def relationships(self) -> dict[str, Relationship]:
        found = self._scan(RELATIONSHIP_PREFIX, self.relationship)
        return {r.creator_id: r for r in found}

    @_writes
    def set_relationship(
        self, creator_id: str, *, tags: list[str] | None = None, status: str | None = None
    ) -> Relationship:
        """Change a creator's tags or status (their notes stay)."""
        with self._db.transact():
            current = self.relationship(creator_id)
            changed = replace(
                current,
                tags=current.tags if tags is None else clean_tags(tags),
                status=current.status if status is None else pipeline_status(status),
                updated_at=self._clock(),
            )
            self._db.set(RELATIONSHIP_PREFIX + creator_id, asdict(changed))
        return changed

    @_writes
    def add_note(self, creator_id: str, text: str, *, author: str) -> Relationship:
        """Add a dated note by ``author`` (the analyst, or "local")."""
        note = new_note(text, author, self._clock())
        with self._db.transact():
            current = self.relationship(creator_id)
            changed = replace(current, notes=[*current.notes, note], updated_at=note["at"])
            self._db.set(RELATIONSHIP_PREFIX + creator_id, asdict(changed))
        return changed

    # --- campaigns ---------------------------------------------------------------------------

    @_writes
    def save_campaign(self, campaign: Campaign) -> Campaign:
        """Save a new campaign or update one by id (keeping who made it and when)."""
        with self._db.transact():
            old = self.get_campaign(campaign.campaign_id)
            now = self._clock()
            campaign = replace(
                campaign,
                created_by=old.created_by if old else campaign.created_by,
                created_at=old.created_at if old else now,
                updated_at=now,
            )
            self._db.set(CAMPAIGN_PREFIX + campaign.campaign_id, asdict(campaign))
        return campaign

    @_reads
    def get_campaign(self, campaign_id: str) -> Campaign | None:
        return self._load(Campaign, self._db.get(CAMPAIGN_PREFIX + campaign_id), "campaign")

    @_reads
    def campaigns(self) -> list[Campaign]:
        """Every campaign, the most recently saved first."""
        found = self._scan(CAMPAIGN_PREFIX, self.get_campaign)
        return sorted(found, key=lambda c: c.updated_at, reverse=True)

    @_writes
    def delete_campaign(self, campaign_id: str) -> bool:
        return bool(self._db.delete(CAMPAIGN_PREFIX + campaign_id))

    # --- alerts ------------------------------------------------------------------------------

    @_writes
    def add_alert(self, alert: StoredAlert) -> bool:
        """Keep an alert; False when one with its key exists (the change was already found)."""
        return bool(self._db.add(ALERT_PREFIX + alert.key, asdict(alert)))

    @_reads
    def alerts(self, *, limit: int = 50) -> list[StoredAlert]:
        """The newest ``limit`` alerts, newest first."""
        found = self._scan(ALERT_PREFIX, lambda key: self._load(
            StoredAlert, self._db.get(ALERT_PREFIX + key), "alert"
        ))  # fmt: skip
        return sorted(found, key=lambda a: a.at, reverse=True)[:limit]

    @_writes
    def claim_alert(self, key: str, at: float) -> bool:
        """Mark an alert as delivered; False when it was already."""
        with self._db.transact():
            alert = self._load(StoredAlert, self._db.get(ALERT_PREFIX + key), "alert")
            if alert is None or alert.delivered_at is not None:
                return False
            self._db.set(ALERT_PREFIX + key, asdict(replace(alert, delivered_at=at)))
        return True

    # --- shortlists ----------------------------------------------------------------------

    @_writes
    def save_shortlist(
        self,
        name: str,
        creator_ids: list[str],
        *,
        fees: dict[str, dict[str, Any]] | None = None,
        notes: dict[str, str] | None = None,
    ) -> Shortlist:
        """Save under ``name``; saving again under an existing name updates that shortlist."""
        name = shortlist_name(name)
        now = self._clock()
        with self._db.transact():
            existing = self._shortlist_named(name)
            shortlist = Shortlist(
                shortlist_id=existing.shortlist_id if existing else secrets.token_hex(8),
                name=name,
                creator_ids=list(dict.fromkeys(creator_ids)),
                fees=dict(fees or {}),
                notes={k: v for k, v in (notes or {}).items() if v},
                created_at=existing.created_at if existing else now,
                updated_at=now,
            )
            self._db.set(SHORTLIST_PREFIX + shortlist.shortlist_id, asdict(shortlist))
        return shortlist

    @_reads
    def shortlists(self) -> list[Shortlist]:
        """Every saved shortlist, most recently changed first."""
        found = self._scan(SHORTLIST_PREFIX, self.get_shortlist)
        return sorted(found, key=lambda s: s.updated_at, reverse=True)

    @_reads
    def get_shortlist(self, shortlist_id: str) -> Shortlist | None:
        return self._load(Shortlist, self._db.get(SHORTLIST_PREFIX + shortlist_id), "shortlist")

    @_writes
    def rename_shortlist(self, shortlist_id: str, new_name: str) -> Shortlist:
        new_name = shortlist_name(new_name)
        with self._db.transact():
            shortlist = self.get_shortlist(shortlist_id)
            if shortlist is None:
                raise ShortlistError("That shortlist no longer exists.")
            clash = self._shortlist_named(new_name)
            if clash is not None and clash.shortlist_id != shortlist_id:
                raise ShortlistError(
                    f"A shortlist named “{new_name}” already exists: choose another name."
                )
            renamed = replace(shortlist, name=new_name, updated_at=self._clock())
            self._db.set(SHORTLIST_PREFIX + shortlist_id, asdict(renamed))
        return renamed

    @_writes
    def delete_shortlist(self, shortlist_id: str) -> bool:
        return bool(self._db.delete(SHORTLIST_PREFIX + shortlist_id))

    def _shortlist_named(self, name: str) -> Shortlist | None:
        wanted = name.casefold()
        return next((s for s in self.shortlists() if s.name.casefold() == wanted), None)


def table_rows(store: DiskStore) -> list[tuple[sa.Table, list[dict[str, Any]]]]:
    """Everything ``store`` holds, as rows of the database's tables (parents first)."""
    every = 1 << 62
    history = store.latest_snapshots(per_creator=every)
    return [
        (creators, [asdict(c) for c in store.creators()]),
        (links, [asdict(link) for link in store.links()]),
        (
            activity,
            [{"entry_id": activity_id(e), **asdict(e)} for e in store.activity(limit=every)],
        ),
        (snapshots, [asdict(s) for fetches in history.values() for s in fetches]),
        (alerts, [asdict(a) for a in store.alerts(limit=every)]),
        (relationships, [asdict(r) for r in store.relationships().values()]),
        (campaigns, [asdict(c) for c in store.campaigns()]),
        (shortlists, [{**asdict(s), "name_key": s.name.casefold()} for s in store.shortlists()]),
    ]


def activity_id(entry: Activity) -> str:
    """The same id for the same entry on every copy, so copying twice adds nothing."""
    digest = hashlib.sha256(json.dumps(asdict(entry), sort_keys=True).encode()).hexdigest()
    return f"{entry.at:017.6f}|{digest[:8]}"
