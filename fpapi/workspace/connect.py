"""The connect flow, without Streamlit: create a verification link, then finish it once.

A link's ``state`` is generated here (``secrets.token_urlsafe(32)``), never taken from the
analyst or derived from the creator. :func:`finish_verification` is the single path by which
a creator reaches the roster, whether the token came back through the callback page or was
pasted by hand; the store's atomic claim makes a replayed or concurrent callback verify once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from fpapi.api.client import FirstPartyClient
from fpapi.api.models import VerifiedCreator
from fpapi.errors import FPAPIError, LinkRequestError, VerificationFailed
from fpapi.links import LinkProblem, LinkStatus, PendingLink, state_key
from fpapi.storage.records import Creator
from fpapi.storage.store import Store
from fpapi.workspace.returns import (
    platform_error_code,
    platform_error_sentence,
    validate_redirect_url,
)

__all__ = [
    "CONNECTORS",
    "KEEPS_LINK_OPEN",
    "RECONNECT_AFTER_DAYS",
    "NewLink",
    "VerificationOutcome",
    "create_link",
    "finish_verification",
    "needs_reconnect",
    "new_state",
]

# connector value sent to the API -> what an analyst calls it
CONNECTORS = {"instagram": "Instagram", "youtube": "YouTube"}
STATE_BYTES = 32
# Consent tokens on these platforms last roughly 60 to 90 days; flag from the low end.
RECONNECT_AFTER_DAYS = 60
# Verify Creator failures that say the token does not belong to this link's consent (a stray,
# mistyped or early paste), not that the consent itself failed: the link stays open.
KEEPS_LINK_OPEN = frozenset({"invalid_token", "invalid_state", "token_mismatch"})


def new_state() -> str:
    """An unguessable, single-use state for one verification link."""
    return secrets.token_urlsafe(STATE_BYTES)


@dataclass(frozen=True)
class NewLink:
    """A link just created: what the store keeps, and the state only its creator holds."""

    link: PendingLink
    state: str


def create_link(
    client: FirstPartyClient,
    store: Store,
    *,
    connector: str,
    redirect_url: str,
    allowed_origins: Iterable[str],
    actor: str,
    label: str = "",
) -> NewLink:
    """Record a pending link for ``actor`` (the analyst), ask the vendor for its URL, and
    return it (with ``url`` set) with its state, which the store keeps only as a hash.

    If the vendor fails, the link is marked failed (so it never looks usable) and the API's
    error is raised.
    """
    if connector not in CONNECTORS:
        raise LinkRequestError(f"Choose one of: {', '.join(CONNECTORS.values())}.")
    redirect_url = validate_redirect_url(redirect_url, allowed_origins=allowed_origins)
    state = new_state()
    key = state_key(state)
    link = store.add_pending(
        key=key,
        connector=connector,
        redirect_url=redirect_url,
        label=label.strip(),
        created_by=actor,
    )
    try:
        answer = client.create_verification_url(
            connector=connector, redirect_url=redirect_url, state=state
        )
    except FPAPIError as err:
        store.finish_link(key, LinkStatus.FAILED, detail=str(err))
        raise
    store.set_link_url(key, answer.url or "")
    return NewLink(store.get_link(key) or link, state)


def link_subject(link: PendingLink) -> str:
    """What the activity list calls a link: its label, else its platform."""
    platform = CONNECTORS.get(link.connector, link.connector)
    return f"{link.label} ({platform})" if link.label else f"a {platform} creator"


Status = Literal["verified", "refused", "failed", "retry", "rejected"]


@dataclass(frozen=True)
class VerificationOutcome:
    """How one attempt to finish a link ended, with the sentence to show."""

    status: Status
    message: str
    creator: Creator | None = None
    link: PendingLink | None = None


Via = Literal["callback", "pasted_url", "pasted_token"]


def finish_verification(
    client: FirstPartyClient,
    store: Store,
    *,
    state: str | None,
    token: str | None = None,
    error: str | None = None,
    via: Via,
    clock: Callable[[], float] = time.time,
) -> VerificationOutcome:
    """Claim the link for ``state`` once, call Verify Creator, and add the creator to the roster.

    ``via`` says how the token arrived: in the address the platform sent the creator back to
    (``callback``, or that address ``pasted_url`` by the analyst), or as a bare token the
    analyst pasted for a link they picked (``pasted_token``). A failed verification ends the
    link only when the vendor says so for that link's own consent: never for a bare token
    (it may be a stray paste), never for a token the vendor says is not this link's.

    ``rejected``: the address or paste cannot be used, and neither the vendor nor the link was
    touched. ``refused``: the creator pressed Deny (or the platform failed). ``failed``: the
    vendor said no for this consent. ``retry``: the link stays open (the vendor could not be
    asked, or the token was not this link's).
    """
    if not state:
        return VerificationOutcome(
            "rejected",
            "This address has no state, so it cannot be matched to a verification link. "
            "Ask the analyst for a new link.",
        )
    if token and error:
        return VerificationOutcome(
            "rejected",
            "This address carries both a token and an error, so it cannot be trusted. Ask the "
            "analyst for a new link.",
        )
    if not token and not error:
        return VerificationOutcome(
            "rejected", "This address has no token. Ask the analyst for a new link."
        )
    key = state_key(state)
    try:
        link = store.pop_pending(key)
    except LinkProblem as problem:
        return VerificationOutcome("rejected", str(problem), link=problem.link)
    store = store.in_workspace(link.workspace)  # its creator joins the link's workspace

    if error:
        code = platform_error_code(error)
        store.finish_link(key, LinkStatus.REFUSED, detail=f"Platform error code: {code}.")
        return VerificationOutcome(
            "refused",
            f"The connection was not completed: {platform_error_sentence(code)}. The analyst "
            "can send a new link if that was a mistake.",
            link=link,
        )

    try:
        verified = client.verify_creator(state=state, token=token or "")
    except VerificationFailed as err:
        if _ends_link(err, via=via):
            store.finish_link(key, LinkStatus.FAILED, detail=str(err))
            return VerificationOutcome("failed", str(err), link=link)
        store.finish_link(key, LinkStatus.PENDING, detail="")
        return VerificationOutcome(
            "retry",
            f"{err} The link is still open: check the token, or wait until the creator has "
            "pressed Allow, then try again.",
            link=link,
        )
    except FPAPIError as err:
        # The vendor could not be asked or failed on its side: release the claim so the
        # same link can be finished later. A token it did consume will be refused then.
        store.finish_link(key, LinkStatus.PENDING, detail=str(err))
        return VerificationOutcome(
            "retry", f"{err} The link is still open: try again in a moment.", link=link
        )

    creator = store.add_creator(_creator_from(verified, link, clock()))
    store.finish_link(key, LinkStatus.VERIFIED, creator_id=creator.creator_id)
    return VerificationOutcome(
        "verified",
        f"{creator.name or creator.username or 'The creator'} is verified and on the roster.",
        creator=creator,
        link=link,
    )


def _ends_link(err: VerificationFailed, *, via: Via) -> bool:
    """Whether this failure is the vendor's word on the link's own consent."""
    if via == "pasted_token" or err.error_info.get("retryable") is True:
        return False
    return (err.code or "").lower() not in KEEPS_LINK_OPEN


def _creator_from(verified: VerifiedCreator, link: PendingLink, now: float) -> Creator:
    return Creator(
        creator_id=str(verified.creator_id),
        connector=(verified.connector or link.connector).lower(),
        name=verified.name,
        username=verified.username,
        platform_user_id=verified.platform_user_id,
        label=link.label,
        verified_at=now,
        added_by=link.created_by,
    )


def needs_reconnect(creator: Creator, now: float) -> bool:
    """True when the creator's consent is old enough that it may have lapsed."""
    return now - creator.verified_at >= RECONNECT_AFTER_DAYS * 86_400
