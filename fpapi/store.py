"""The roster of verified creators and the verification links still waiting for a creator.

Both persist on disk (diskcache over SQLite, JSON values) and are shared by every session and
process of the app. Each link moves through one life: pending -> verified | refused | failed |
expired | cancelled. :meth:`Store.pop_pending` claims a pending link inside one SQLite
transaction, so a replayed or concurrent callback claims it exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import diskcache

from fpapi.jsondisk import open_json_cache

__all__ = [
    "DEFAULT_PENDING_TTL_S",
    "Creator",
    "LinkAlreadyUsed",
    "LinkExpired",
    "LinkProblem",
    "PendingLink",
    "Store",
    "UnknownLink",
]

DEFAULT_PENDING_TTL_S = 60 * 60
PENDING_PREFIX = "link|"
CREATOR_PREFIX = "creator|"


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


class LinkProblem(Exception):
    """A callback's ``state`` cannot be claimed; ``str()`` is the sentence to show."""

    def __init__(self, message: str, link: PendingLink | None = None) -> None:
        super().__init__(message)
        self.link = link


class UnknownLink(LinkProblem):
    """No link with this state was ever created here."""


class LinkExpired(LinkProblem):
    """The link was created too long ago."""


class LinkAlreadyUsed(LinkProblem):
    """The link was already claimed, verified, refused or cancelled."""


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
        self._db: diskcache.Cache = open_json_cache(self.directory)

    def close(self) -> None:
        self._db.close()

    # --- verification links --------------------------------------------------------------

    def add_pending(
        self,
        *,
        state: str,
        connector: str,
        redirect_url: str,
        label: str = "",
        url: str = "",
    ) -> PendingLink:
        link = PendingLink(
            state=state,
            connector=connector,
            redirect_url=redirect_url,
            created_at=self._clock(),
            label=label,
            url=url,
        )
        if not self._db.add(PENDING_PREFIX + state, asdict(link)):
            raise ValueError("A link with this state already exists; generate a new state.")
        return link

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
        found = []
        for key in list(self._db.iterkeys()):
            if isinstance(key, str) and key.startswith(PENDING_PREFIX):
                link = self.get_link(key.removeprefix(PENDING_PREFIX))
                if link is not None:
                    found.append(self._with_expiry(link, now))
        return sorted(found, key=lambda link: link.created_at, reverse=True)

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

    def cancel_link(self, state: str) -> bool:
        """Cancel a pending link; returns False if it was no longer pending."""
        with self._db.transact():
            link = self.get_link(state)
            if link is None or self._with_expiry(link, self._clock()).status != "pending":
                return False
            self._put_link(replace(link, status="cancelled", status_at=self._clock()))
            return True

    def _put_link(self, link: PendingLink) -> None:
        self._db.set(PENDING_PREFIX + link.state, asdict(link))

    def _with_expiry(self, link: PendingLink, now: float) -> PendingLink:
        if link.status == "pending" and now >= link.expires_at(self.pending_ttl_s):
            return replace(link, status="expired", status_at=link.expires_at(self.pending_ttl_s))
        return link

    # --- roster --------------------------------------------------------------------------

    def add_creator(self, creator: Creator) -> Creator:
        """Add or refresh a creator; a re-verified creator keeps one row."""
        self._db.set(CREATOR_PREFIX + creator.creator_id, asdict(creator))
        return creator

    def get_creator(self, creator_id: str) -> Creator | None:
        data = self._db.get(CREATOR_PREFIX + creator_id)
        return Creator(**data) if isinstance(data, dict) else None

    def creators(self) -> list[Creator]:
        """The roster, most recently verified first."""
        found = []
        for key in list(self._db.iterkeys()):
            if isinstance(key, str) and key.startswith(CREATOR_PREFIX):
                creator = self.get_creator(key.removeprefix(CREATOR_PREFIX))
                if creator is not None:
                    found.append(creator)
        return sorted(found, key=lambda c: c.verified_at, reverse=True)

    def remove_creator(self, creator_id: str) -> bool:
        return bool(self._db.delete(CREATOR_PREFIX + creator_id))


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
