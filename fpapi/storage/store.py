"""The roster of verified creators and the verification links still waiting for a creator.

Both persist on disk (diskcache over SQLite, JSON values) and are shared by every session and
process of the app. Each link moves through one life: pending -> verified | refused | failed |
expired | cancelled. :meth:`Store.pop_pending` claims a pending link inside one SQLite
transaction, so a replayed or concurrent callback claims it exactly once.
"""

from __future__ import annotations

import functools
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import diskcache

from fpapi.errors import (
    LinkAlreadyUsed,
    LinkExpired,
    LinkRequestError,
    ShortlistError,
    StoreError,
    UnknownLink,
)
from fpapi.storage.jsondisk import open_json_cache

__all__ = [
    "ACTIVITY_ACTIONS",
    "DEFAULT_PENDING_TTL_S",
    "Activity",
    "Creator",
    "PendingLink",
    "Shortlist",
    "Store",
]

T = TypeVar("T")
R = TypeVar("R")
DEFAULT_PENDING_TTL_S = 60 * 60
PENDING_PREFIX = "link|"
CREATOR_PREFIX = "creator|"
SHORTLIST_PREFIX = "shortlist|"
ACTIVITY_PREFIX = "activity|"
MAX_SHORTLIST_NAME_CHARS = 80
MAX_ACTIVITY_ENTRIES = 5_000  # the oldest entries go first past this
ACTIVITY_PRUNE_EVERY = 100  # writes between two prunes
# action code -> what the activity list says the analyst did
ACTIVITY_ACTIONS = {
    "link_created": "created a verification link for",
    "link_cancelled": "cancelled a verification link",
    "creator_verified": "verified",
    "creator_removed": "removed from the roster",
    "insights_refreshed": "refreshed the insights of",
    "exported": "exported",
}


@dataclass(frozen=True)
class PendingLink:
    """A verification link the app created, keyed by its ``state``."""

    state: str
    connector: str
    redirect_url: str
    created_at: float
    label: str = ""
    url: str = ""  # where the creator must go (the vendor's answer)
    status: str = "pending"  # pending, claimed, verified, refused, failed, expired, cancelled
    status_at: float | None = None
    detail: str = ""  # the vendor's reason, for refused or failed links
    creator_id: str | None = None
    created_by: str = ""  # the analyst's address, or "local" without sign-in

    def expires_at(self, ttl_s: float) -> float:
        return self.created_at + ttl_s


@dataclass(frozen=True)
class Creator:
    """A creator on the roster."""

    creator_id: str
    connector: str
    name: str | None = None
    username: str | None = None
    platform_user_id: str | None = None
    email: str | None = None
    label: str = ""
    verified_at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    added_by: str = ""  # the analyst whose link brought them in
    added_at: float = 0.0  # first verification; verified_at moves on each re-verification


@dataclass(frozen=True)
class Activity:
    """One thing an analyst did to the shared workspace, for the activity list."""

    at: float
    actor: str
    action: str  # a key of ACTIVITY_ACTIONS
    subject: str  # whom or what it was done to, as the analyst knows them
    detail: str = ""

    @property
    def verb(self) -> str:
        return ACTIVITY_ACTIONS.get(self.action, self.action)


@dataclass(frozen=True)
class Shortlist:
    """A saved comparison: creators, with the quoted fee and a note for each."""

    shortlist_id: str
    name: str
    creator_ids: list[str]
    fees: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {amount, currency}
    notes: dict[str, str] = field(default_factory=dict)
    created_at: float = 0.0
    updated_at: float = 0.0


def _writes(method: Callable[..., T]) -> Callable[..., T]:
    """Turn the storage layer's failures into one StoreError an analyst can act on."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
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


class Store:
    """Roster and pending links in one JSON-only diskcache under the data directory."""

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

    def close(self) -> None:
        self._db.close()

    # --- verification links --------------------------------------------------------------

    @_writes
    def add_pending(
        self,
        *,
        state: str,
        connector: str,
        redirect_url: str,
        label: str = "",
        url: str = "",
        created_by: str = "",
    ) -> PendingLink:
        link = PendingLink(
            state=state,
            connector=connector,
            redirect_url=redirect_url,
            created_at=self._clock(),
            label=label,
            url=url,
            created_by=created_by,
        )
        if not self._db.add(PENDING_PREFIX + state, asdict(link)):
            raise LinkRequestError("A link with this state already exists; generate a new state.")
        return link

    @_writes
    def set_link_url(self, state: str, url: str) -> None:
        """Record the vendor's verification URL once the vendor has answered."""
        with self._db.transact():
            link = self.get_link(state)
            if link is not None:
                self._put_link(replace(link, url=url))

    def get_link(self, state: str) -> PendingLink | None:
        data = self._db.get(PENDING_PREFIX + state)
        return PendingLink(**data) if isinstance(data, dict) else None

    def links(self) -> list[PendingLink]:
        """Every link, newest first, with expiry applied to those still pending."""
        now = self._clock()
        found = [self._with_expiry(link, now) for link in self._scan(PENDING_PREFIX, self.get_link)]
        return sorted(found, key=lambda link: link.created_at, reverse=True)

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
    def pop_pending(self, state: str) -> PendingLink:
        """Claim a pending link exactly once; raise a LinkProblem saying why it cannot be."""
        # Decide inside one transaction, raise after it: raising inside would roll back the
        # write that records an expiry.
        with self._db.transact():
            link = self.get_link(state)
            if link is not None:
                now = self._clock()
                link = self._with_expiry(link, now)
                if link.status == "pending":
                    link = replace(link, status="claimed", status_at=now)
                    self._put_link(link)
                    return link
                if link.status == "expired":
                    self._put_link(link)
        if link is None:
            raise UnknownLink(
                "This verification link is not one this app created, or it was deleted. "
                "Ask the analyst for a new link."
            )
        if link.status == "expired":
            raise LinkExpired(
                "This verification link has expired. Ask the analyst for a new link.", link
            )
        raise LinkAlreadyUsed(_used_sentence(link), link)

    @_writes
    def finish_link(
        self,
        state: str,
        status: str,
        *,
        detail: str = "",
        creator_id: str | None = None,
    ) -> None:
        """Record how a claimed link ended: verified, refused, failed, or pending again."""
        with self._db.transact():
            link = self.get_link(state)
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
    def cancel_link(self, state: str, *, actor: str) -> bool:
        """Cancel a pending link; returns False if it was no longer pending."""
        with self._db.transact():
            link = self.get_link(state)
            if link is None or self._with_expiry(link, self._clock()).status != "pending":
                return False
            self._put_link(replace(link, status="cancelled", status_at=self._clock()))
        self.record(actor, "link_cancelled", link.label or link.connector)
        return True

    def _put_link(self, link: PendingLink) -> None:
        self._db.set(PENDING_PREFIX + link.state, asdict(link))

    def _with_expiry(self, link: PendingLink, now: float) -> PendingLink:
        if link.status == "pending" and now >= link.expires_at(self.pending_ttl_s):
            return replace(link, status="expired", status_at=link.expires_at(self.pending_ttl_s))
        return link

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

    def get_creator(self, creator_id: str) -> Creator | None:
        data = self._db.get(CREATOR_PREFIX + creator_id)
        return Creator(**data) if isinstance(data, dict) else None

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

    def activity(self, *, limit: int = 200) -> list[Activity]:
        """The newest ``limit`` entries, newest first."""
        found = []
        for key in sorted(self._activity_keys(), reverse=True)[:limit]:
            data = self._db.get(key)
            if isinstance(data, dict):
                found.append(Activity(**data))
        return found

    def _activity_keys(self) -> list[str]:
        return [
            key
            for key in self._db.iterkeys()
            if isinstance(key, str) and key.startswith(ACTIVITY_PREFIX)
        ]

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
        name = _shortlist_name(name)
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

    def shortlists(self) -> list[Shortlist]:
        """Every saved shortlist, most recently changed first."""
        found = self._scan(SHORTLIST_PREFIX, self.get_shortlist)
        return sorted(found, key=lambda s: s.updated_at, reverse=True)

    def get_shortlist(self, shortlist_id: str) -> Shortlist | None:
        data = self._db.get(SHORTLIST_PREFIX + shortlist_id)
        return Shortlist(**data) if isinstance(data, dict) else None

    @_writes
    def rename_shortlist(self, shortlist_id: str, new_name: str) -> Shortlist:
        new_name = _shortlist_name(new_name)
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


def _shortlist_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ShortlistError("Give the shortlist a name.")
    if len(cleaned) > MAX_SHORTLIST_NAME_CHARS:
        raise ShortlistError(f"Keep the name under {MAX_SHORTLIST_NAME_CHARS} characters.")
    return cleaned


def _used_sentence(link: PendingLink) -> str:
    return {
        "claimed": "This verification link is being used right now. Wait a moment and "
        "reload; if nothing changes, ask the analyst for a new link.",
        "verified": "This verification link was already used: the creator is verified. "
        "Nothing more to do.",
        "refused": "The creator declined this verification link. Ask the analyst for a "
        "new link if that was a mistake.",
        "failed": "Verification with this link failed. Ask the analyst for a new link.",
        "cancelled": "The analyst cancelled this verification link. Ask them for a new one.",
    }.get(link.status, "This verification link can no longer be used. Ask for a new one.")
