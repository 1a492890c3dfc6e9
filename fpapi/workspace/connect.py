"""The connect flow, without Streamlit: create a verification link, then finish it once.

A link's ``state`` is generated here (``secrets.token_urlsafe(32)``), never taken from the
analyst or derived from the creator. :func:`finish_verification` is the single path by which
a creator reaches the roster, whether the token came back through the callback page or was
pasted by hand; the store's atomic claim makes a replayed or concurrent callback verify once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from fpapi.api.client import FirstPartyClient
from fpapi.api.models import VerifiedCreator
from fpapi.errors import FPAPIError, LinkProblem, LinkRequestError, VerificationFailed
from fpapi.storage.store import Creator, PendingLink, Store

__all__ = [
    "CONNECTORS",
    "RECONNECT_AFTER_DAYS",
    "PastedReturn",
    "VerificationOutcome",
    "create_link",
    "finish_verification",
    "needs_reconnect",
    "new_state",
    "parse_pasted_return",
    "validate_redirect_url",
]

# connector value sent to the API -> what an analyst calls it
CONNECTORS = {"instagram": "Instagram", "youtube": "YouTube"}
STATE_BYTES = 32
# Consent tokens on these platforms last roughly 60 to 90 days; flag from the low end.
RECONNECT_AFTER_DAYS = 60
MAX_PASTE_CHARS = 4096


def new_state() -> str:
    """An unguessable, single-use state for one verification link."""
    return secrets.token_urlsafe(STATE_BYTES)


def validate_redirect_url(url: str) -> str:
    """The URL stripped, if it is an absolute http(s) URL; otherwise LinkRequestError."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LinkRequestError(
            "The redirect URL must be a full web address starting with http:// or https://, "
            "for example https://your-app.example.com/callback."
        )
    if any(ch.isspace() for ch in text):
        raise LinkRequestError("The redirect URL must not contain spaces.")
    return text


def create_link(
    client: FirstPartyClient,
    store: Store,
    *,
    connector: str,
    redirect_url: str,
    actor: str,
    label: str = "",
) -> PendingLink:
    """Record a pending link for ``actor`` (the analyst), ask the vendor for its URL, and
    return it (with ``url`` set).

    If the vendor fails, the link is marked failed (so it never looks usable) and the API's
    error is raised.
    """
    if connector not in CONNECTORS:
        raise LinkRequestError(f"Choose one of: {', '.join(CONNECTORS.values())}.")
    redirect_url = validate_redirect_url(redirect_url)
    state = new_state()
    link = store.add_pending(
        state=state,
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
        store.finish_link(state, "failed", detail=str(err))
        raise
    store.set_link_url(state, answer.url or "")
    store.record(actor, "link_created", _link_subject(link))
    return store.get_link(state) or link


def _link_subject(link: PendingLink) -> str:
    platform = CONNECTORS.get(link.connector, link.connector)
    return f"{link.label} ({platform})" if link.label else f"a {platform} creator"


@dataclass(frozen=True)
class PastedReturn:
    """What the analyst pasted: a bare token, or the URL the creator landed on."""

    token: str | None = None
    state: str | None = None
    error: str | None = None
    problem: str | None = None  # a sentence when the paste cannot be used


def parse_pasted_return(text: str) -> PastedReturn:
    """Read a bare token or a whole callback URL (its ``token``, ``state`` and ``error``)."""
    text = (text or "").strip()
    if not text:
        return PastedReturn(problem="Paste the token, or the whole address the creator landed on.")
    if len(text) > MAX_PASTE_CHARS:
        return PastedReturn(problem="That is far too long to be a token or a callback address.")
    looks_like_url = "://" in text or text.startswith("?") or "token=" in text or "error=" in text
    if not looks_like_url:
        if any(ch.isspace() for ch in text):
            return PastedReturn(problem="A token has no spaces: paste only the token itself.")
        return PastedReturn(token=text)
    query = urlsplit(text).query if "://" in text else text.lstrip("?")
    params = parse_qs(query, keep_blank_values=True)
    states = set(params.get("state", []))
    if len(states) > 1:
        return PastedReturn(
            problem="That address carries two different states, so it cannot be trusted."
        )
    token = (params.get("token") or [""])[-1]
    error = (params.get("error") or [""])[-1]
    state = next(iter(states), None)
    if not token and not error:
        return PastedReturn(
            problem="That address has no token in it. Ask the creator for the full address "
            "they landed on after pressing Allow."
        )
    return PastedReturn(token=token or None, state=state or None, error=error or None)


Status = Literal["verified", "refused", "failed", "retry", "rejected"]


@dataclass(frozen=True)
class VerificationOutcome:
    """How one attempt to finish a link ended, with the sentence to show."""

    status: Status
    message: str
    creator: Creator | None = None
    link: PendingLink | None = None


def finish_verification(
    client: FirstPartyClient,
    store: Store,
    *,
    state: str | None,
    token: str | None = None,
    error: str | None = None,
    actor: str | None = None,
    clock=time.time,
) -> VerificationOutcome:
    """Claim the link for ``state`` once, call Verify Creator, and add the creator to the roster.

    ``actor`` is the analyst who pasted the token; through the callback (a creator's browser,
    signed out) the verification is credited to the analyst who created the link.

    ``rejected``: the state is missing, unknown, expired or already used, and the vendor was
    not called. ``refused``: the creator pressed Deny. ``failed``: the vendor said no.
    ``retry``: the vendor could not be asked (network, 5xx, 401); the link stays open.
    """
    if not state:
        return VerificationOutcome(
            "rejected",
            "This address has no state, so it cannot be matched to a verification link. "
            "Ask the analyst for a new link.",
        )
    if not token and not error:
        return VerificationOutcome(
            "rejected", "This address has no token. Ask the analyst for a new link."
        )
    try:
        link = store.pop_pending(state)
    except LinkProblem as problem:
        return VerificationOutcome("rejected", str(problem), link=problem.link)

    if error:
        detail = "The creator declined." if error == "access_denied" else f"Error code: {error}."
        store.finish_link(state, "refused", detail=detail)
        return VerificationOutcome(
            "refused",
            "The connection was not completed: "
            + (
                "the creator chose Deny."
                if error == "access_denied"
                else f"the platform reported “{error}”."
            )
            + " The analyst can send a new link if that was a mistake.",
            link=link,
        )

    try:
        verified = client.verify_creator(state=state, token=token or "")
    except VerificationFailed as err:
        retryable = err.error_info.get("retryable") is True
        store.finish_link(state, "pending" if retryable else "failed", detail=str(err))
        if retryable:
            return VerificationOutcome(
                "retry",
                f"{err} The link is still open, so the creator can try it again.",
                link=link,
            )
        return VerificationOutcome("failed", str(err), link=link)
    except FPAPIError as err:
        # The vendor could not be asked or failed on its side: release the claim so the
        # same link can be finished later. A token it did consume will be refused then.
        store.finish_link(state, "pending", detail=str(err))
        return VerificationOutcome(
            "retry", f"{err} The link is still open: try again in a moment.", link=link
        )

    creator = store.add_creator(_creator_from(verified, link, clock()))
    store.finish_link(state, "verified", creator_id=creator.creator_id)
    store.record(
        actor or link.created_by,
        "creator_verified",
        creator.name or creator.username or creator.creator_id,
    )
    return VerificationOutcome(
        "verified",
        f"{creator.name or creator.username or 'The creator'} is verified and on the roster.",
        creator=creator,
        link=link,
    )


def _creator_from(verified: VerifiedCreator, link: PendingLink, now: float) -> Creator:
    return Creator(
        creator_id=str(verified.creator_id),
        connector=(verified.connector or link.connector).lower(),
        name=verified.name,
        username=verified.username,
        platform_user_id=verified.platform_user_id,
        email=verified.email,
        label=link.label,
        verified_at=now,
        added_by=link.created_by,
    )


def needs_reconnect(creator: Creator, now: float) -> bool:
    """True when the creator's consent is old enough that it may have lapsed."""
    return now - creator.verified_at >= RECONNECT_AFTER_DAYS * 86_400
