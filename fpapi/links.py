"""A verification link's life cycle, in one place: its statuses and the moves between them, the
record the store keeps, and the sentences an analyst or a creator reads about it.

::

    PENDING ──claim──> CLAIMED ──> VERIFIED | REFUSED | FAILED
       │                  └──(a stray token: the link stays usable)──> PENDING
       ├──(past its time to live)──> EXPIRED
       └──(the analyst)──> CANCELLED

The store writes and reads these values; the workspace core decides the moves
(:mod:`fpapi.workspace.connect`); pages show :attr:`LinkStatus.label`. A link that cannot be
claimed is a :class:`LinkProblem` whose ``str()`` is the sentence for the creator's browser.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from enum import StrEnum

from fpapi.errors import StudioError

__all__ = [
    "DEFAULT_LINK_KEEP_S",
    "DEFAULT_PENDING_TTL_S",
    "LinkAlreadyUsed",
    "LinkExpired",
    "LinkProblem",
    "LinkStatus",
    "PendingLink",
    "UnknownLink",
    "claim_refusal",
    "state_key",
]

DEFAULT_PENDING_TTL_S = 60 * 60
DEFAULT_LINK_KEEP_S = 30 * 86_400  # finished and expired links are pruned after this


class LinkStatus(StrEnum):
    """Where a link stands; the value is what the store keeps."""

    PENDING = "pending"
    CLAIMED = "claimed"
    VERIFIED = "verified"
    REFUSED = "refused"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """What the connect page calls it."""
        return _LABELS[self]

    @property
    def finished(self) -> bool:
        """Nothing more can happen to the link: it only waits to be pruned."""
        return not TRANSITIONS[self]

    def may_become(self, status: LinkStatus) -> bool:
        return status in TRANSITIONS[self]


# status -> the statuses it may move to; a finished link moves nowhere.
TRANSITIONS: dict[LinkStatus, frozenset[LinkStatus]] = {
    LinkStatus.PENDING: frozenset(
        {LinkStatus.CLAIMED, LinkStatus.EXPIRED, LinkStatus.CANCELLED, LinkStatus.FAILED}
    ),
    LinkStatus.CLAIMED: frozenset(
        {LinkStatus.VERIFIED, LinkStatus.REFUSED, LinkStatus.FAILED, LinkStatus.PENDING}
    ),
    LinkStatus.VERIFIED: frozenset(),
    LinkStatus.REFUSED: frozenset(),
    LinkStatus.FAILED: frozenset(),
    LinkStatus.EXPIRED: frozenset(),
    LinkStatus.CANCELLED: frozenset(),
}
FINISHED_STATUSES = frozenset(status for status in LinkStatus if status.finished)
OPEN_STATUSES = frozenset(LinkStatus) - FINISHED_STATUSES

_LABELS = {
    LinkStatus.PENDING: "Waiting for the creator",
    LinkStatus.CLAIMED: "Being verified",
    LinkStatus.VERIFIED: "Verified",
    LinkStatus.REFUSED: "Declined by the creator",
    LinkStatus.FAILED: "Failed",
    LinkStatus.EXPIRED: "Expired",
    LinkStatus.CANCELLED: "Cancelled",
}


def state_key(state: str) -> str:
    """How a link's state is stored and looked up: its SHA-256, so the store never holds a
    state a callback could be forged from."""
    return hashlib.sha256(state.encode()).hexdigest()


@dataclass(frozen=True)
class PendingLink:
    """A verification link the app created, found by ``key`` (:func:`state_key` of its state)."""

    key: str
    connector: str
    redirect_url: str
    created_at: float
    label: str = ""
    url: str = ""  # where the creator must go (the vendor's answer)
    status: LinkStatus = LinkStatus.PENDING
    status_at: float | None = None
    detail: str = ""  # the vendor's reason, for refused or failed links
    creator_id: str | None = None
    created_by: str = ""  # the analyst's address, or "local" without sign-in
    workspace: str = "default"  # the client workspace it was made in: its creator joins that

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", LinkStatus(self.status))  # as read from the store

    def expires_at(self, ttl_s: float) -> float:
        return self.created_at + ttl_s

    def as_of(self, now: float, ttl_s: float) -> PendingLink:
        """This link with its expiry applied: a pending link past ``ttl_s`` is expired."""
        if self.status == LinkStatus.PENDING and now >= self.expires_at(ttl_s):
            return replace(self, status=LinkStatus.EXPIRED, status_at=self.expires_at(ttl_s))
        return self


class LinkProblem(StudioError):
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


def claim_refusal(link: PendingLink | None) -> LinkProblem:
    """Why a link found unclaimable cannot be claimed, as the sentence a creator sees."""
    if link is None:
        return UnknownLink(
            "This verification link is not one this app created, or it was deleted. "
            "Ask the analyst for a new link."
        )
    if link.status == LinkStatus.EXPIRED:
        return LinkExpired(
            "This verification link has expired. Ask the analyst for a new link.", link
        )
    return LinkAlreadyUsed(_USED_SENTENCES.get(link.status, _NO_LONGER_USABLE), link)


_NO_LONGER_USABLE = "This verification link can no longer be used. Ask for a new one."
_USED_SENTENCES = {
    LinkStatus.CLAIMED: "This verification link is being used right now. Wait a moment and "
    "reload; if nothing changes, ask the analyst for a new link.",
    LinkStatus.VERIFIED: "This verification link was already used: the creator is verified. "
    "Nothing more to do.",
    LinkStatus.REFUSED: "The creator declined this verification link. Ask the analyst for a "
    "new link if that was a mistake.",
    LinkStatus.FAILED: "Verification with this link failed. Ask the analyst for a new link.",
    LinkStatus.CANCELLED: "The analyst cancelled this verification link. Ask them for a new one.",
}
