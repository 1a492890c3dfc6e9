"""Addresses that travel through the platform and back: where a creator may be sent, what an
analyst pastes from the address the creator landed on, and the platform's error codes.

Nothing a URL carries is ever shown as it came: an ``error=`` value becomes a short code and one
of a few fixed sentences, so a planted line ("call this number...") is never echoed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from fpapi.errors import LinkRequestError
from fpapi.workspace.access import is_loopback_url

__all__ = [
    "RETURN_PARAMS",
    "PastedReturn",
    "origin_of",
    "parse_pasted_return",
    "platform_error_code",
    "platform_error_sentence",
    "port_mismatch",
    "validate_redirect_url",
]

RETURN_PARAMS = ("token", "state", "error")  # what the platform appends on the way back
MAX_PASTE_CHARS = 4096
MAX_ERROR_CODE_CHARS = 40
DEFAULT_PORTS = {"http": 80, "https": 443}
# The OAuth 2.0 error codes (RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6), which the
# contract's "access_denied" belongs to -> what the creator and the analyst read.
PLATFORM_ERRORS = {
    "access_denied": "the creator chose Deny",
    "consent_required": "the creator did not finish connecting their account",
    "login_required": "the creator did not finish connecting their account",
    "interaction_required": "the creator did not finish connecting their account",
    "account_selection_required": "the creator did not finish connecting their account",
    "server_error": "the platform had a problem on its side",
    "temporarily_unavailable": "the platform had a problem on its side",
    "invalid_request": "the platform did not accept the request",
    "invalid_scope": "the platform did not accept the request",
    "unauthorized_client": "the platform did not accept the request",
    "unsupported_response_type": "the platform did not accept the request",
}
UNKNOWN_ERROR_SENTENCE = "the platform reported an error it did not explain"


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url``, lower-cased, with the default port made explicit."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""  # matches no origin
    scheme = parts.scheme.lower()
    return f"{scheme}://{(parts.hostname or '').lower()}:{port or DEFAULT_PORTS.get(scheme, 0)}"


def port_mismatch(public_url: str, served_port: int) -> str | None:
    """A warning when the default redirect would send creators to a port this app does not
    listen on: FPAPI_PUBLIC_URL on this machine, but with another port. (Behind a proxy the
    public port rightly differs, so only a loopback public URL is checked.)"""
    parts = urlsplit(public_url)
    public_port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    if not is_loopback_url(public_url) or public_port == served_port:
        return None
    return (
        f"This app runs on port {served_port}, but FPAPI_PUBLIC_URL ({public_url}) says "
        f"{public_port}: creators would be sent back to a page that does not answer. Set "
        f"FPAPI_PUBLIC_URL to http://localhost:{served_port}, or run the app on {public_port}."
    )


def validate_redirect_url(url: str, *, allowed_origins: Iterable[str]) -> str:
    """The URL stripped, if the platform may send a creator there; else LinkRequestError.

    Allowed: an absolute http(s) URL on one of ``allowed_origins`` (this app's public origin
    and any in FPAPI_ALLOWED_REDIRECT_ORIGINS), with no user:password, no backslash (a browser
    and Python disagree on where such a URL goes), no spaces, and no ``token``, ``state`` or
    ``error`` already in its query (they would collide with what the platform appends).
    """
    text = (url or "").strip()
    if "\\" in text or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in text):
        raise LinkRequestError(
            "The redirect URL must not contain backslashes, spaces or control characters."
        )
    try:
        parts = urlsplit(text)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # an unclosed [IPv6] bracket, a port that is not a number
        usable = False
    if not usable:
        raise LinkRequestError(
            "The redirect URL must be a full web address starting with http:// or https://, "
            "for example https://your-app.example.com/callback."
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise LinkRequestError("The redirect URL must not contain a user name or password.")
    carried = sorted(set(parse_qs(parts.query, keep_blank_values=True)) & set(RETURN_PARAMS))
    if carried:
        raise LinkRequestError(
            f"The redirect URL already carries {', '.join(carried)} in its query; the platform "
            "adds those itself on the way back. Remove them."
        )
    allowed = {origin_of(origin) for origin in allowed_origins}
    if origin_of(text) not in allowed:
        raise LinkRequestError(
            "The platform may only send creators back to this app "
            f"({', '.join(sorted(allowed))}). To allow another site, list its origin in "
            "FPAPI_ALLOWED_REDIRECT_ORIGINS."
        )
    return text


def platform_error_code(raw: str | None) -> str:
    """The platform's ``error`` value as a short code safe to store and show: controls and
    bidi marks stripped, only letters, digits, ``_ . -`` kept, at most 40 characters."""
    text = "".join(ch for ch in raw or "" if unicodedata.category(ch)[0] != "C")
    code = re.sub(r"[^A-Za-z0-9_.-]", "", text)[:MAX_ERROR_CODE_CHARS]
    return code or "unknown"


def platform_error_sentence(code: str) -> str:
    """One fixed sentence per known code; never the code's own text."""
    return PLATFORM_ERRORS.get(code.lower(), UNKNOWN_ERROR_SENTENCE)


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
    try:
        query = urlsplit(text).query if "://" in text else text.lstrip("?")
    except ValueError:  # an unclosed [IPv6] bracket
        return PastedReturn(
            problem="That address cannot be read. Ask the creator for the address exactly as "
            "they landed on it."
        )
    params = parse_qs(query, keep_blank_values=True)
    if any(len(set(params.get(name, []))) > 1 for name in RETURN_PARAMS):
        return PastedReturn(
            problem="That address carries two different values for the same field, so it "
            "cannot be trusted. Ask the creator for the address exactly as they landed on it."
        )
    token, state, error = ((params.get(name) or [""])[0] for name in RETURN_PARAMS)
    if token and error:
        return PastedReturn(
            problem="That address carries both a token and an error, so it cannot be trusted. "
            "Ask the creator for the address exactly as they landed on it."
        )
    if not token and not error:
        return PastedReturn(
            problem="That address has no token in it. Ask the creator for the full address "
            "they landed on after pressing Allow."
        )
    return PastedReturn(token=token or None, state=state or None, error=error or None)
