"""Who may open the analyst pages: the allow-list and the open / refuse / sign-in decision.

Pure: the caller passes the environment, the ``[fpapi]`` and ``[auth]`` secrets tables and the
signed-in user's claims, so every branch is tested without Streamlit. The callback page is not
decided here: a creator's signed-out browser must always reach it.

The decision, in order (fail closed at every step):

- ``[auth]`` present but incomplete          -> ``misconfigured`` (nobody gets in)
- ``[auth]`` present, nobody signed in        -> ``sign_in``
- signed in, allow-list empty                 -> ``not_allowed`` (say which setting to fill)
- signed in, ``email_verified`` is false      -> ``not_allowed``
- signed in, address not on the allow-list    -> ``not_allowed``
- signed in, address on the allow-list        -> ``allowed``
- no ``[auth]``, public URL on loopback       -> ``open`` (one machine: anyone here sees all)
- no ``[auth]``, ``FPAPI_ALLOW_ANONYMOUS``    -> ``open`` (an explicitly trusted network)
- no ``[auth]``, any other public URL         -> ``needs_sign_in_setup``
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from fpapi.workspace.settings import DEFAULT_PUBLIC_URL, setting_value

__all__ = [
    "LOCAL_ACTOR",
    "REQUIRED_AUTH_KEYS",
    "AccessDecision",
    "AccessPolicy",
    "AllowList",
    "auth_config_problem",
    "auth_providers",
    "decide",
    "is_loopback_url",
    "load_access_policy",
]

LOCAL_ACTOR = "local"  # who did it, when nobody signs in
SHARED_AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_AUTH_KEYS = ("client_id", "client_secret", "server_metadata_url")
REQUIRED_AUTH_KEYS = (*SHARED_AUTH_KEYS, *PROVIDER_AUTH_KEYS)
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True)
class AllowList:
    """Addresses and ``@domain`` entries, compared case-insensitively."""

    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str | None) -> AllowList:
        """Read ``"ana@agency.com, @agency.com"``; blanks and stray separators are ignored."""
        addresses, domains = set(), set()
        for raw in (text or "").replace(";", ",").replace("\n", ",").split(","):
            entry = raw.strip().casefold()
            if not entry:
                continue
            if entry.startswith("@"):
                if len(entry) > 1:
                    domains.add(entry[1:])
            elif "@" in entry:
                addresses.add(entry)
        return cls(frozenset(addresses), frozenset(domains))

    def __bool__(self) -> bool:
        return bool(self.addresses or self.domains)

    def permits(self, email: str | None) -> bool:
        """Whether this exact address, or its domain, is listed. Subdomains are not implied."""
        address = (email or "").strip().casefold()
        local, at, domain = address.rpartition("@")
        if not (local and at and domain):
            return False
        return address in self.addresses or domain in self.domains


@dataclass(frozen=True)
class AccessPolicy:
    """What the deployment configured about access."""

    public_url: str
    allowed: AllowList
    allow_anonymous: bool
    auth_configured: bool
    auth_problem: str | None = None

    @property
    def on_loopback(self) -> bool:
        return is_loopback_url(self.public_url)


Verdict = Literal[
    "allowed", "open", "sign_in", "not_allowed", "needs_sign_in_setup", "misconfigured"
]


@dataclass(frozen=True)
class AccessDecision:
    """The verdict for one visitor, with the address they signed in with (if any) and the
    sentence to show when they are kept out."""

    verdict: Verdict
    email: str | None = None
    reason: str = ""

    @property
    def may_enter(self) -> bool:
        return self.verdict in ("allowed", "open")

    @property
    def actor(self) -> str:
        """Who is recorded as doing things: the signed-in address, or "local"."""
        return self.email if self.verdict == "allowed" and self.email else LOCAL_ACTOR


def is_loopback_url(url: str) -> bool:
    """True when ``url``'s host is this machine (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    try:
        host = (urlsplit(url).hostname or "").casefold()
    except ValueError:
        return False
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def auth_providers(auth: Mapping[str, Any]) -> list[str]:
    """The named providers under ``[auth.NAME]``; empty for the single unnamed provider."""
    return sorted(name for name, value in auth.items() if isinstance(value, Mapping))


def auth_config_problem(auth: Mapping[str, Any]) -> str | None:
    """A sentence naming what ``[auth]`` lacks for ``st.login``, or None when it is complete.

    Names only keys, never values: the section holds the client and cookie secrets.
    """
    missing = [f"[auth] {key}" for key in SHARED_AUTH_KEYS if not auth.get(key)]
    providers = auth_providers(auth)
    if providers:
        for name in providers:
            section = auth[name]
            missing += [
                f"[auth.{name}] {key}" for key in PROVIDER_AUTH_KEYS if not section.get(key)
            ]
    else:
        missing += [f"[auth] {key}" for key in PROVIDER_AUTH_KEYS if not auth.get(key)]
    if not missing:
        return None
    return (
        "Sign-in is configured but incomplete, so nobody can sign in. In secrets.toml, fill "
        + ", ".join(missing)
        + ". The README's “Sign-in for a team” section has examples."
    )


def load_access_policy(
    environ: Mapping[str, str],
    fpapi_table: Mapping[str, Any] | None,
    auth_table: Mapping[str, Any] | None,
) -> AccessPolicy:
    """Read only what access needs, so a bad unrelated setting can never open the gate."""
    table = fpapi_table or {}
    public_url = setting_value(environ, table, "FPAPI_PUBLIC_URL") or DEFAULT_PUBLIC_URL
    anonymous = (setting_value(environ, table, "FPAPI_ALLOW_ANONYMOUS") or "").casefold()
    auth = auth_table or {}
    return AccessPolicy(
        public_url=public_url,
        allowed=AllowList.parse(setting_value(environ, table, "FPAPI_ALLOWED_EMAILS")),
        allow_anonymous=anonymous in TRUE_WORDS,
        auth_configured=bool(auth),
        auth_problem=auth_config_problem(auth) if auth else None,
    )


def decide(policy: AccessPolicy, user: Mapping[str, Any]) -> AccessDecision:
    """The verdict for a visitor whose identity claims are ``user`` (``st.user``'s shape)."""
    if policy.auth_configured:
        if policy.auth_problem:
            return AccessDecision("misconfigured", reason=policy.auth_problem)
        if not user.get("is_logged_in"):
            return AccessDecision("sign_in")
        email = str(user.get("email") or "").strip() or None
        if not policy.allowed:
            return AccessDecision(
                "not_allowed",
                email,
                "No address is allowed to use this workspace yet. An administrator must list "
                "analysts in FPAPI_ALLOWED_EMAILS (or allowed_emails under [fpapi] in "
                "secrets.toml), e.g. ana@agency.com or @agency.com.",
            )
        if email is None:
            return AccessDecision(
                "not_allowed",
                None,
                "Your sign-in provider did not share an e-mail address, so access cannot be "
                "checked. Ask your administrator to request the “email” scope.",
            )
        if str(user.get("email_verified")).strip().lower() in ("false", "0", "no"):
            return AccessDecision(
                "not_allowed",
                email,
                "Your sign-in provider says this address is not verified. Verify it with the "
                "provider, then sign in again.",
            )
        if not policy.allowed.permits(email):
            return AccessDecision(
                "not_allowed",
                email,
                "This address is not allowed to use this workspace. Sign out and use your "
                "work account, or ask an administrator to add you.",
            )
        return AccessDecision("allowed", email)
    if policy.on_loopback or policy.allow_anonymous:
        return AccessDecision("open")
    return AccessDecision(
        "needs_sign_in_setup",
        reason="This workspace is served at a public address, so sign-in must be configured "
        "before anyone can use it: add an [auth] section to secrets.toml (see the README's "
        "“Sign-in for a team”). On a trusted network only, FPAPI_ALLOW_ANONYMOUS=true opens "
        "it without sign-in.",
    )
