"""Who may open the analyst pages: the allow-list and the open / refuse / sign-in decision.

Pure: the caller passes the environment, the ``[fpapi]`` and ``[auth]`` secrets tables and the
signed-in user's claims, so every branch is tested without Streamlit. The callback page is not
decided here: a creator's signed-out browser must always reach it.

The decision, in order (fail closed at every step):

- ``[auth]`` present but incomplete          -> ``misconfigured`` (nobody gets in)
- ``[auth]`` present, nobody signed in        -> ``sign_in``
- signed in, allow-list empty                 -> ``not_allowed`` (say which setting to fill)
- signed in, address not vouched for          -> ``not_allowed`` (see :func:`verifying_claim`)
- signed in, address not on the allow-list    -> ``not_allowed`` (look-alikes included)
- signed in, address on the allow-list        -> ``allowed``
- signed in, address a workspace's member     -> ``allowed`` (no role of their own: their role
                                                 is each workspace's, :mod:`.members`)

An address is vouched for only by a claim that says so: ``email_verified`` true, or, when a
provider sends no ``email_verified`` at all, Microsoft Entra's ``xms_edov`` true (the address's
domain is verified by the user's tenant). A missing claim is not a yes: a provider whose
``email`` is whatever the user typed (Entra's, without ``xms_edov``) would otherwise let anyone
in under a listed address (the "nOAuth" problem).
- no ``[auth]``, public URL on loopback       -> ``open`` (one machine: anyone here sees all)
- no ``[auth]``, ``FPAPI_ALLOW_ANONYMOUS``    -> ``open`` (an explicitly trusted network)
- no ``[auth]``, any other public URL         -> ``needs_sign_in_setup``
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
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
    "matchable_address",
    "verifying_claim",
]

LOCAL_ACTOR = "local"  # who did it, when nobody signs in
SHARED_AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_AUTH_KEYS = ("client_id", "client_secret", "server_metadata_url")
REQUIRED_AUTH_KEYS = (*SHARED_AUTH_KEYS, *PROVIDER_AUTH_KEYS)
DEFAULT_SESSION_MAX_HOURS = 12.0
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
# The claims that may vouch for the ``email`` claim, in the order they are read.
EMAIL_VERIFIED_CLAIM = "email_verified"  # OpenID Connect Core 5.1
ENTRA_DOMAIN_VERIFIED_CLAIM = "xms_edov"  # Entra's optional claim: the domain owner verified it
_PART = r"[\x21-\x3f\x41-\x7e]+"  # printable ASCII but space and "@" (0x40)
_ADDRESS, _DOMAIN = re.compile(f"{_PART}@{_PART}"), re.compile(_PART)


def matchable_address(text: str | None) -> str | None:
    """``text`` as the allow-list compares it: stripped and lower-cased, or None when it is not
    one plain address (exactly one ``@``, a local part and a domain, printable ASCII).

    Nothing is folded into ASCII: NFKC and ``casefold`` both turn a look-alike into a listed
    address (``ana@agency.teſt`` into ``ana@agency.test``, ``staﬀ.test`` into ``staff.test``),
    so an address that is not ASCII as sent is refused, never normalised into a match.
    """
    address = (text or "").strip()
    return address.lower() if _ADDRESS.fullmatch(address) else None


def verifying_claim(user: Mapping[str, Any]) -> tuple[str, bool]:
    """Which claim vouches for the address in ``user``, and whether it says yes.

    ``email_verified`` decides when it is there. Only when a provider sends none is Entra's
    ``xms_edov`` read (``email_verified`` when neither is). Yes is the boolean ``true`` or the
    string ``"true"`` (some providers send booleans as strings); anything else, or no claim at
    all, is no.
    """
    name = EMAIL_VERIFIED_CLAIM
    if name not in user and ENTRA_DOMAIN_VERIFIED_CLAIM in user:
        name = ENTRA_DOMAIN_VERIFIED_CLAIM
    value = user.get(name)
    return name, value is True or value == "true"


class Role(StrEnum):
    """What a person may do, lowest first: a viewer reads every page and downloads exports;
    an analyst also changes the roster, links, tags, notes, shortlists and campaigns; an
    admin also manages who may do what."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    @property
    def may_change(self) -> bool:
        return self.rank >= Role.ANALYST.rank


@dataclass(frozen=True)
class AllowList:
    """Addresses and ``@domain`` entries, compared as lower-cased ASCII."""

    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str | None) -> AllowList:
        """Read ``"ana@agency.com, @agency.com"``; blanks, stray separators and entries that
        are not plain ASCII addresses or ``@domain`` are ignored."""
        addresses, domains = set(), set()
        for raw in (text or "").replace(";", ",").replace("\n", ",").split(","):
            entry = raw.strip()
            if entry.startswith("@") and _DOMAIN.fullmatch(entry[1:]):
                domains.add(entry[1:].lower())
            elif (address := matchable_address(entry)) is not None:
                addresses.add(address)
        return cls(frozenset(addresses), frozenset(domains))

    def __bool__(self) -> bool:
        return bool(self.addresses or self.domains)

    def match(self, email: str | None) -> str | None:
        """The address as it matched (lower-cased), when this exact address or its exact
        domain is listed; else None. Subdomains are not implied."""
        address = matchable_address(email)
        if address is None:
            return None
        domain = address.partition("@")[2]
        return address if address in self.addresses or domain in self.domains else None

    def permits(self, email: str | None) -> bool:
        """Whether this exact address, or its domain, is listed."""
        return self.match(email) is not None


@dataclass(frozen=True)
class AccessPolicy:
    """What the deployment configured about access."""

    public_url: str
    allowed: AllowList  # analysts (FPAPI_ALLOWED_EMAILS, as before roles)
    allow_anonymous: bool
    auth_configured: bool
    auth_problem: str | None = None
    session_max_s: float = DEFAULT_SESSION_MAX_HOURS * 3600  # past the ID token's expiry
    admins: AllowList = AllowList()  # FPAPI_ADMIN_EMAILS
    viewers: AllowList = AllowList()  # FPAPI_VIEWER_EMAILS

    def role_of(self, email: str | None) -> tuple[Role, str] | None:
        """The highest role a list gives this address, with the address as it matched."""
        for role, listed in (
            (Role.ADMIN, self.admins),
            (Role.ANALYST, self.allowed),
            (Role.VIEWER, self.viewers),
        ):
            if (address := listed.match(email)) is not None:
                return role, address
        return None

    @property
    def lists_anyone(self) -> bool:
        return bool(self.admins or self.allowed or self.viewers)

    @property
    def on_loopback(self) -> bool:
        return is_loopback_url(self.public_url)


Verdict = Literal[
    "allowed", "open", "sign_in", "not_allowed", "needs_sign_in_setup", "misconfigured"
]


@dataclass(frozen=True)
class AccessDecision:
    """The verdict for one visitor: the address they signed in with (as the provider sent it,
    if any), the sentence to show when they are kept out, and, once let in, the address as it
    matched the allow-list and the claim that vouched for it."""

    verdict: Verdict
    email: str | None = None
    reason: str = ""
    address: str | None = None  # lower-cased ASCII, as matched; only when allowed
    verified_by: str | None = None  # "email_verified" or "xms_edov", once the address is read
    subject: str | None = None  # the ID token's subject: whose sign-out ends this session
    role: Role | None = None  # once let in: the highest role a list gives; admin when open

    @property
    def may_enter(self) -> bool:
        return self.verdict in ("allowed", "open")

    @property
    def actor(self) -> str:
        """Who is recorded as doing things: the address as it matched, or "local"."""
        return self.address if self.verdict == "allowed" and self.address else LOCAL_ACTOR


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
    hours = setting_value(environ, table, "FPAPI_SESSION_MAX_HOURS")
    try:
        session_max_hours = float(hours) if hours else DEFAULT_SESSION_MAX_HOURS
    except ValueError:
        session_max_hours = -1.0
    if not 0 <= session_max_hours < math.inf:  # fail closed: no session outlives its token
        session_max_hours = 0.0
    return AccessPolicy(
        public_url=public_url,
        allowed=AllowList.parse(setting_value(environ, table, "FPAPI_ALLOWED_EMAILS")),
        admins=AllowList.parse(setting_value(environ, table, "FPAPI_ADMIN_EMAILS")),
        viewers=AllowList.parse(setting_value(environ, table, "FPAPI_VIEWER_EMAILS")),
        allow_anonymous=anonymous in TRUE_WORDS,
        auth_configured=bool(auth),
        auth_problem=auth_config_problem(auth) if auth else None,
        session_max_s=session_max_hours * 3600,
    )


def session_end(
    user: Mapping[str, Any], *, now: float, max_s: float, signed_out_at: float | None
) -> str | None:
    """Why a signed-in session must sign in again, or None while it holds: its ID token
    expired more than ``max_s`` ago (FPAPI_SESSION_MAX_HOURS), or its subject signed out
    after the token was issued (on any replica), or the token says neither when it was
    issued nor when it expires (fail closed)."""
    try:
        issued, expires = float(user["iat"]), float(user["exp"])
    except (KeyError, TypeError, ValueError):
        return "Your sign-in does not say when it expires. Sign in again."
    if now > expires + max_s:
        return "Your sign-in has expired. Sign in again to go on."
    if signed_out_at is not None and issued < signed_out_at:  # both whole seconds
        return "You signed out. Sign in again to go on."
    return None


def decide(
    policy: AccessPolicy,
    user: Mapping[str, Any],
    *,
    now: float = 0.0,
    signed_out_at: float | None = None,
    is_member: Callable[[str], bool] | None = None,
) -> AccessDecision:
    """The verdict for a visitor whose identity claims are ``user`` (``st.user``'s shape), at
    ``now``; ``signed_out_at`` is when this subject last signed out (from the store).
    ``is_member`` says whether a verified address no list names is a member of a client
    workspace (from the store): such a person is let in with no role of their own, and sees
    only the workspaces they are a member of."""
    if policy.auth_configured:
        if policy.auth_problem:
            return AccessDecision("misconfigured", reason=policy.auth_problem)
        if not user.get("is_logged_in"):
            return AccessDecision("sign_in")
        email = str(user.get("email") or "").strip() or None
        if not policy.lists_anyone:
            return AccessDecision(
                "not_allowed",
                email,
                "No address is allowed to use this workspace yet. An administrator must list "
                "analysts in FPAPI_ALLOWED_EMAILS (or allowed_emails under [fpapi] in "
                "secrets.toml), e.g. ana@agency.com or @agency.com; admins in "
                "FPAPI_ADMIN_EMAILS and viewers in FPAPI_VIEWER_EMAILS the same way.",
            )
        if email is None:
            return AccessDecision(
                "not_allowed",
                None,
                "Your sign-in provider did not share an e-mail address, so access cannot be "
                "checked. Ask your administrator to request the “email” scope.",
            )
        claim, verified = verifying_claim(user)
        if not verified:
            return AccessDecision(
                "not_allowed",
                email,
                f"This address is not verified: your sign-in provider did not send {claim} as "
                "true. Verify it with the provider, then sign in again.",
                verified_by=claim,
            )
        matched: tuple[Role | None, str] | None = policy.role_of(email)
        address = matchable_address(email)
        if matched is None and address is not None and is_member and is_member(address):
            matched = (None, address)
        if matched is None:
            return AccessDecision(
                "not_allowed",
                email,
                "This address is not allowed to use this workspace. Sign out and use your "
                "work account, or ask an administrator to add you.",
                verified_by=claim,
            )
        role, address = matched
        subject = str(user.get("sub") or address)
        ended = session_end(user, now=now, max_s=policy.session_max_s, signed_out_at=signed_out_at)
        if ended:
            return AccessDecision("sign_in", email, ended, subject=subject)
        return AccessDecision(
            "allowed", email, address=address, verified_by=claim, subject=subject, role=role
        )
    if policy.on_loopback or policy.allow_anonymous:
        return AccessDecision("open", role=Role.ADMIN)  # one analyst's own app, as before
    return AccessDecision(
        "needs_sign_in_setup",
        reason="This workspace is served at a public address, so sign-in must be configured "
        "before anyone can use it: add an [auth] section to secrets.toml (see the README's "
        "“Sign-in for a team”). On a trusted network only, FPAPI_ALLOW_ANONYMOUS=true opens "
        "it without sign-in.",
    )
