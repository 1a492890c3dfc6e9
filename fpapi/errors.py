"""Every error fpapi raises, as two trees: the vendor API's, and the app's own.

    FPAPIError                      the First Party API: catch this for any API problem
    ├── TransportError              no usable HTTP response: timeout, refused, DNS
    ├── InvalidResponse             a response that is not the JSON the contract promises
    ├── VerificationFailed          Verify Creator answered with ``status != "success"``
    └── APIStatusError              the API answered with an error status (``.status_code``)
        ├── BadRequest              400 and other 4xx not listed below
        ├── AuthError               401, 403: the API token is missing, wrong or revoked
        │   └── ConsentLapsed       401, 403 naming the creator's consent: they must reconnect
        ├── NotFound                404: unknown creator_id
        ├── RateLimited             429 (``.retry_after`` in seconds, or None)
        └── ServerError             5xx: the vendor's fault

    StudioError                     the app itself: configuration, storage and the connect flow
    ├── SettingsError               a configuration value is unusable
    ├── DataDirError                the data folder cannot be used at all
    ├── StoreError                  the store could not save (read-only, full, locked)
    │   └── DatabaseUnavailable     the team database cannot be reached (it reconnects itself)
    ├── ShortlistError              a shortlist cannot be saved or renamed as asked
    ├── LinkRequestError            a verification link cannot be made as asked
    ├── NoInsightsCall              no insights call for the creator's platform (YouTube)
    ├── NotPermitted                the person's role may not do this (a viewer changing)
    ├── NotInWorkspace              not in this client workspace (or not a member of it)
    ├── WorkspaceError              a workspace or member cannot be made or changed as asked
    └── LinkProblem                 a callback's ``state`` cannot be claimed (in fpapi.links,
                                    beside the link's life cycle and its sentences)

Every ``str()`` is a sentence an analyst (or, for LinkProblem, a creator) can act on. No
message ever contains the API token or a creator's verification token: messages are built from
status codes and the vendor's error text only, and the vendor's text is passed through
:func:`fpapi.redact.redact` first. Nothing here imports the rest of fpapi but ``redact``, so
every layer may raise these.
"""

from __future__ import annotations

from typing import Any

from fpapi.redact import redact

__all__ = [
    "APIStatusError",
    "AuthError",
    "BadRequest",
    "ConsentLapsed",
    "DataDirError",
    "DatabaseUnavailable",
    "FPAPIError",
    "InvalidResponse",
    "LinkRequestError",
    "NoInsightsCall",
    "NotFound",
    "NotInWorkspace",
    "NotPermitted",
    "RateLimited",
    "ServerError",
    "SettingsError",
    "ShortlistError",
    "StoreError",
    "StudioError",
    "TransportError",
    "VerificationFailed",
    "WorkspaceError",
]

MAX_VENDOR_TEXT_CHARS = 300


def _vendor_text(message: str | None) -> str:
    """The vendor's own words, shortened and with any known secret removed."""
    if not message:
        return ""
    text = redact(" ".join(str(message).split()))
    if len(text) > MAX_VENDOR_TEXT_CHARS:
        text = text[: MAX_VENDOR_TEXT_CHARS - 1] + "…"
    return f' The API said: "{text}"'


class FPAPIError(Exception):
    """Root of every error about the vendor's First Party API."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        return str(self)


class TransportError(FPAPIError):
    """The request got no usable HTTP response (timeout, connection refused, DNS failure)."""


class InvalidResponse(FPAPIError):
    """The API answered, but not with the JSON the contract promises."""


class VerificationFailed(FPAPIError):
    """Verify Creator answered ``status: failed``; ``error_info`` is the vendor's explanation."""

    def __init__(self, error_info: dict[str, Any] | None) -> None:
        self.error_info: dict[str, Any] = dict(error_info or {})
        self.code: str | None = _as_text(self.error_info.get("code"))
        self.vendor_message: str | None = _as_text(self.error_info.get("message"))
        code = f" (code {self.code})" if self.code else ""
        super().__init__(
            f"The creator could not be verified{code}.{_vendor_text(self.vendor_message)} "
            "Send the creator a fresh verification link and ask them to try again."
        )


class APIStatusError(FPAPIError):
    """The API answered with an HTTP error status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        vendor_message: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.vendor_message = vendor_message
        super().__init__(message)


class BadRequest(APIStatusError):
    """400 or another 4xx the contract does not name: the request itself was rejected."""


class AuthError(APIStatusError):
    """401 or 403: the API token is missing, wrong or revoked."""


class ConsentLapsed(AuthError):
    """401 or 403 whose error code names the creator's consent (expired or revoked), not the
    API token: this creator must reconnect through a fresh verification link."""


# The contract says only that 401/403 mean a bad API token. A vendor refusing one creator's
# insights because their consent lapsed says so in the error code; these are the codes read
# that way (a documented assumption, README "Where the contract is silent").
CONSENT_CODES = frozenset(
    {"consent_expired", "consent_revoked", "creator_unauthorized", "creator_token_expired"}
)


class NotFound(APIStatusError):
    """404: the API does not know this creator."""


class RateLimited(APIStatusError):
    """429: too many requests; ``retry_after`` is the wait the API asked for, in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(APIStatusError):
    """5xx: the vendor's service failed."""


def _as_text(value: Any) -> str | None:
    return None if value is None else str(value)


def status_error(
    status_code: int,
    *,
    code: str | None = None,
    vendor_message: str | None = None,
    retry_after: float | None = None,
) -> APIStatusError:
    """Map an HTTP error status to the one exception an analyst should see for it."""
    said = _vendor_text(vendor_message)
    kwargs: dict[str, Any] = {
        "status_code": status_code,
        "code": code,
        "vendor_message": vendor_message,
    }
    if status_code in (401, 403) and (code or "").lower() in CONSENT_CODES:
        return ConsentLapsed(
            f"The creator's consent has lapsed or was withdrawn (HTTP {status_code}).{said} "
            "They must reconnect: send them a fresh verification link.",
            **kwargs,
        )
    if status_code in (401, 403):
        return AuthError(
            f"The First Party API refused the API token (HTTP {status_code}).{said} "
            "Check FPAPI_TOKEN in the environment or in .streamlit/secrets.toml.",
            **kwargs,
        )
    if status_code == 404:
        return NotFound(
            f"The First Party API does not know this creator (HTTP 404).{said} "
            "The creator may have revoked access: send a fresh verification link.",
            **kwargs,
        )
    if status_code == 429:
        wait = (
            f"Try again in {retry_after:.0f} second{'' if round(retry_after) == 1 else 's'}."
            if retry_after is not None
            else "Try again in a minute."
        )
        return RateLimited(
            f"The First Party API is limiting how often we may call it (HTTP 429).{said} {wait}",
            retry_after=retry_after,
            **kwargs,
        )
    if status_code >= 500:
        return ServerError(
            f"The First Party API had a problem on its side (HTTP {status_code}).{said} "
            "Try again in a few minutes.",
            **kwargs,
        )
    return BadRequest(
        f"The First Party API rejected the request (HTTP {status_code}).{said} "
        "Check the values entered; if they look right, the API paths in the configuration "
        "may not match the vendor's.",
        **kwargs,
    )


class StudioError(Exception):
    """Root of the app's own errors: ``str()`` says what happened and what to do next."""


class SettingsError(StudioError):
    """A configuration value is unusable; ``str()`` says which and how to fix it."""


class DataDirError(StudioError):
    """The data folder cannot be used at all; ``str()`` says what to do."""


class StoreError(StudioError):
    """The store could not save (folder read-only, disk full, database locked). Nothing was
    half-written: each change is one transaction."""


class DatabaseUnavailable(StoreError):
    """The team database (FPAPI_DATABASE_URL) cannot be reached; nothing was read or changed.
    The app reconnects by itself once it is back."""


class ShortlistError(StudioError):
    """A shortlist cannot be saved or renamed as asked; ``str()`` says why."""


class LinkRequestError(StudioError):
    """A verification link cannot be created as asked (its redirect URL or platform)."""


class NoInsightsCall(StudioError):
    """The creator's platform has no insights call in this API (a YouTube channel): the
    vendor is not asked."""


class NotPermitted(StudioError):
    """The acting person's role may not do this; nothing was changed. ``str()`` says who may."""


class NotInWorkspace(StudioError):
    """What was asked for is not in the current client workspace (or the person is not a
    member of the workspace asked for); nothing of it was read or changed."""


class WorkspaceError(StudioError):
    """A workspace or membership cannot be created or changed as asked; ``str()`` says why."""
