"""Sharing with clients: the workspace core's use cases for share links (a part of
:class:`fpapi.workspace.core.Workspace`), and the token they carry.

A share holds a comparison or a campaign report as it stood when shared: the vendor's bodies
of its creators then, their labels, and the report's settings. Its link carries a token, 144
random bits and their HMAC-SHA256 under the server secret (:func:`share_secret`); the store
keeps only the SHA-256 of the random part. Whatever is wrong with a token (tampered, unknown,
expired, revoked), the answer is the same sentence. Each view is counted in one statement (so
a revocation holds on every replica at the next page load) and recorded in the activity list
of the share's workspace, without anything about the viewer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Container
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from fpapi.errors import NotInWorkspace, StudioError
from fpapi.storage.records import Creator, Share

if TYPE_CHECKING:
    from fpapi.storage.cache import InsightCache
    from fpapi.storage.store import Store
    from fpapi.workspace.core import Workspace
    from fpapi.workspace.members import Actor
    from fpapi.workspace.settings import Settings

__all__ = [
    "EXPIRY_DAYS",
    "SHARE_REFUSED",
    "NewShare",
    "ShareRefused",
    "Sharing",
    "new_token",
    "verified_key",
]

EXPIRY_DAYS = (1, 7, 30)  # what an analyst picks from, up to FPAPI_SHARE_MAX_DAYS
SHARE_KINDS = ("compare", "campaign")
SHARE_REFUSED = "This link is no longer valid; ask the agency for a new one."
CLIENT = "a client with a share link"  # who a view is credited to: nothing about them is kept
RANDOM_BYTES = 18  # 144 bits
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}")


class ShareRefused(StudioError):
    """A share token that opens nothing: always :data:`SHARE_REFUSED`, whatever the reason."""

    def __init__(self) -> None:
        super().__init__(SHARE_REFUSED)


@dataclass(frozen=True)
class NewShare:
    """A share just made, and its token: shown once, to the analyst who made it."""

    share: Share
    token: str


def _signature(secret: bytes, random_part: str) -> str:
    digest = hmac.new(secret, random_part.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _key(random_part: str) -> str:
    return hashlib.sha256(random_part.encode()).hexdigest()


def new_token(secret: bytes) -> tuple[str, str]:
    """A fresh token and the key the store keeps it under (a hash: never the token)."""
    random_part = secrets.token_urlsafe(RANDOM_BYTES)
    return f"{random_part}.{_signature(secret, random_part)}", _key(random_part)


def verified_key(token: str | None, secret: bytes) -> str | None:
    """The store key of a token signed with ``secret``; None for anything else."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    random_part, signature = token.split(".")
    if not hmac.compare_digest(signature, _signature(secret, random_part)):
        return None
    return _key(random_part)


def _only(spec: dict[str, Any], creator_ids: list[str]) -> dict[str, Any]:
    """The report's settings with the fees of creators not in the share left out."""
    fees = spec.get("fees")
    if isinstance(fees, dict):
        return {**spec, "fees": {k: v for k, v in fees.items() if k in creator_ids}}
    if isinstance(fees, str):  # a campaign's "id:amount,id:amount"
        kept = [part for part in fees.split(",") if part.split(":", 1)[0] in creator_ids]
        return {**spec, "fees": ",".join(kept)}
    return spec


class Sharing:
    """Share links, for the workspace core."""

    if TYPE_CHECKING:  # what the core it is part of provides
        store: Store
        cache: InsightCache
        settings: Settings
        actor: Actor
        name: str
        _clock: Callable[[], float]

        def _require_change(self, what: str) -> None: ...
        def _roster_creators(self, creator_ids: list[str]) -> list[Creator]: ...
        def _record(self, action: str, subject: str, detail: str = "") -> None: ...
        def _recording_as(self, name: str, workspace: str) -> Workspace: ...
        def _share_secret(self) -> bytes: ...

    def expiry_choices(self) -> list[int]:
        """The expiries an analyst may pick, in days."""
        return [days for days in EXPIRY_DAYS if days <= self.settings.share_max_days] or [
            int(self.settings.share_max_days)  # at least 1 (the settings say so)
        ]

    def create_share(
        self, kind: str, title: str, creator_ids: list[str], spec: dict[str, Any], *, days: int
    ) -> NewShare:
        """Share a comparison or a campaign report of creators on this roster, as they stand
        now, for ``days``; its token, for the link."""
        self._require_change("share with clients")
        if kind not in SHARE_KINDS:
            raise StudioError("Only a comparison or a campaign report can be shared.")
        if days not in self.expiry_choices():
            raise StudioError(
                f"A share lasts {', '.join(map(str, self.expiry_choices()))} days, at most "
                f"{self.settings.share_max_days:g} (FPAPI_SHARE_MAX_DAYS)."
            )
        ids, content = self._content(creator_ids, spec)
        token, key = new_token(self._share_secret())
        now = self._clock()
        share = self.store.add_share(
            Share(
                key=key, workspace=self.name, kind=kind, title=title[:120] or "Shared report",
                creator_ids=ids, content=content, as_of=now, created_by=self.actor.name,
                created_at=now, expires_at=now + days * 86_400,
            )
        )  # fmt: skip
        self._record("share_created", share.title, f"{len(ids)} creators, {days} days")
        return NewShare(share, token)

    def _content(self, creator_ids: list[str], spec: dict[str, Any]) -> tuple[list[str], dict]:
        """What a share shows, as it stands now: each creator's labels and the vendor's body
        the app holds (creators not on this roster, or with nothing cached, are left out)."""
        creators: dict[str, Any] = {}
        for creator in self._roster_creators(creator_ids):
            kept = self.cache.body(creator.creator_id)
            if kept is None or creator.consent_withdrawn_at is not None:
                continue
            creators[creator.creator_id] = {
                "name": creator.name,
                "username": creator.username,
                "fetched_at": kept[0],
                "raw": kept[1],
            }
        if not creators:
            raise StudioError(
                "None of these creators has insights loaded yet, so there is nothing to share: "
                "open the comparison or report first."
            )
        return list(creators), {"spec": _only(spec, list(creators)), "creators": creators}

    def shares(self) -> list[Share]:
        return self.store.shares()

    def revoke_share(self, key: str) -> bool:
        self._require_change("revoke shares")
        revoked = self.store.revoke_share(key, self._clock())
        if revoked is not None:
            self._record("share_revoked", revoked.title)
        return revoked is not None

    def update_share(self, key: str) -> Share:
        """Show the share's creators as they stand now (those still on this roster)."""
        self._require_change("update shares")
        share = next((s for s in self.store.shares() if s.key == key), None)
        if share is None or share.revoked_at is not None or share.expires_at <= self._clock():
            raise NotInWorkspace("That share is not one of this workspace's open shares.")
        ids, content = self._content(share.creator_ids, share.content.get("spec") or {})
        updated = self.store.update_share(
            key, creator_ids=ids, content=content, as_of=self._clock()
        )
        if updated is None:
            raise NotInWorkspace("That share is not one of this workspace's open shares.")
        self._record("share_updated", updated.title)
        return updated

    def open_share(self, token: str | None, *, seen: Container[str] = ()) -> Share:
        """What a client's link shows, counted as a view unless its key is in ``seen`` (the
        shares this visit already opened: its page drawn again, a chart tab opened); checked
        every time alike, and ShareRefused (one sentence) for any token that opens nothing.
        Needs no role: the token is the client's authority."""
        key = verified_key(token, self._share_secret())
        again = key in seen
        if not key:
            share = None
        elif again:
            share = self.store.valid_share(key, self._clock())
        else:
            share = self.store.count_share_view(key, self._clock())
        if share is None:
            raise ShareRefused()
        if not again:
            self._recording_as(CLIENT, share.workspace)._record("share_viewed", share.title)
        withdrawn = set(self.store.withdrawn_before(self._clock()))  # never shown again
        if withdrawn & set(share.creator_ids):
            kept = [cid for cid in share.creator_ids if cid not in withdrawn]
            creators = share.content.get("creators") or {}
            content = {**share.content, "creators": {c: creators[c] for c in kept if c in creators}}
            share = replace(share, creator_ids=kept, content=content)
        return share
