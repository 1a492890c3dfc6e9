"""Who may open the analyst pages: allow-list matching and the open / refuse / sign-in decision."""

from __future__ import annotations

import pytest

from fpapi.workspace.access import (
    AccessPolicy,
    AllowList,
    Role,
    auth_config_problem,
    decide,
    is_loopback_url,
    load_access_policy,
)

AUTH = {
    "redirect_uri": "https://insights.agency.com/oauth2callback",
    "cookie_secret": "a-long-random-cookie-secret",
    "client_id": "studio",
    "client_secret": "the-client-secret",
    "server_metadata_url": "https://login.agency.com/.well-known/openid-configuration",
}
SIGNED_OUT = {"is_logged_in": False}
TOKEN_TIMES = {"iat": 1_000, "exp": 4_600}  # an ID token issued at 1,000 s, good for an hour


def signed_in(email: str | None, **claims: object) -> dict[str, object]:
    """A signed-in visitor whose provider vouched for ``email``, unless ``claims`` say else."""
    return {"is_logged_in": True, "email": email, "email_verified": True, **TOKEN_TIMES, **claims}


def unverified(email: str, **claims: object) -> dict[str, object]:
    """A signed-in visitor whose provider sent no ``email_verified`` at all."""
    return {"is_logged_in": True, "email": email, **TOKEN_TIMES, **claims}


# An allow-list's entries -> the addresses it lets in.
LETS_IN = {
    "ana@agency.com": ("ana@agency.com", "ANA@Agency.COM"),
    "  Ana@Agency.com , bo@agency.com ": ("bo@agency.com",),
    "@agency.com": ("anyone@agency.com",),
    "@Agency.com": ("anyone@AGENCY.com",),
    "ana@agency.com;@studio.io\nbo@x.org": ("zed@studio.io",),
}
# An allow-list's entries -> the addresses it refuses.
REFUSES: dict[str, tuple[str | None, ...]] = {
    "ana@agency.com": ("bo@agency.com", "", None, "not-an-address"),
    "@agency.com": ("eve@agency.com.evil.io", "eve@sub.agency.com", "agency.com@evil.io"),
    "": ("ana@agency.com",),
    ", ,@,": ("ana@agency.com",),
    # look-alikes that casefold or NFKC would turn into a listed address
    "ana@agency.test": ("ana@agency.te\u017ft", "\u212aana@agency.test"),  # long s, Kelvin sign
    "@staff.test": (
        "mallory@sta\ufb00.test",  # the ff ligature
        "mallory@\uff53taff.test",  # a full-width s
        # anything but one "@" between a local part and a domain
        "eve@evil.test@staff.test",
        "@staff.test",
        "eve@",
        "eve @staff.test",
        "eve@staff.test\u200b",
        "eve\u200b@staff.test",
        "eve\n@staff.test",
    ),
    "eve@evil.test@staff.test": ("eve@evil.test@staff.test",),
    "@sta\ufb00.test": ("mallory@staff.test",),  # a listed look-alike matches nothing
}


@pytest.mark.parametrize(
    ("entries", "email", "permitted"),
    [(entries, email, True) for entries, emails in LETS_IN.items() for email in emails]
    + [(entries, email, False) for entries, emails in REFUSES.items() for email in emails],
)
def test_allow_list_matches_plain_ascii_addresses_and_exact_domains(entries, email, permitted):
    assert AllowList.parse(entries).permits(email) is permitted


def test_an_address_matches_as_lower_cased_ascii():
    allowed = AllowList.parse("Ana@Agency.com, @Studio.io")
    assert allowed.match("  ANA@agency.COM ") == "ana@agency.com"
    assert allowed.match("Kim@STUDIO.io") == "kim@studio.io"
    assert allowed.match("ana@agency.te\u017ft") is None


def test_an_allow_list_of_separators_only_is_empty():
    assert not AllowList.parse(" , ;  @ ")
    assert AllowList.parse("@agency.com")


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:8501", True),
        ("http://LOCALHOST:8501/", True),
        ("http://127.0.0.1:8501", True),
        ("http://127.3.4.5", True),
        ("http://[::1]:8501", True),
        ("https://insights.agency.com", False),
        ("http://10.0.0.5:8501", False),
        ("http://localhost.agency.com", False),
        ("http://[::1", False),
    ],
)
def test_loopback_urls(url, loopback):
    assert is_loopback_url(url) is loopback


def test_incomplete_auth_names_the_missing_keys_and_never_a_value():
    partial = {k: v for k, v in AUTH.items() if k not in ("client_secret", "cookie_secret")}
    problem = auth_config_problem(partial)
    assert "[auth] client_secret" in problem and "[auth] cookie_secret" in problem
    assert "[auth] client_id" not in problem
    for value in partial.values():
        assert value not in problem
    assert auth_config_problem(AUTH) is None


def test_named_providers_need_their_own_client_settings():
    named = {
        "redirect_uri": AUTH["redirect_uri"],
        "cookie_secret": AUTH["cookie_secret"],
        "google": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
        "okta": {"client_id": "x"},
    }
    problem = auth_config_problem(named)
    assert "[auth.okta] client_secret" in problem and "[auth.okta] server_metadata_url" in problem
    assert "google" not in problem


def policy(**overrides: object) -> AccessPolicy:
    values: dict[str, object] = {
        "public_url": "https://insights.agency.com",
        "allowed": AllowList.parse("ana@agency.com, @studio.io"),
        "allow_anonymous": False,
        "auth_configured": True,
        "auth_problem": None,
    }
    values.update(overrides)
    return AccessPolicy(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "user", "verdict"),
    [
        ({}, SIGNED_OUT, "sign_in"),
        ({}, {}, "sign_in"),
        ({}, signed_in("ana@agency.com"), "allowed"),
        ({}, signed_in("Ana@Agency.com", email_verified=True), "allowed"),
        ({}, signed_in("kim@studio.io"), "allowed"),
        ({}, signed_in("ana@agency.com", email_verified=False), "not_allowed"),
        ({}, signed_in("ana@agency.com", email_verified="false"), "not_allowed"),
        ({}, signed_in("ana@agency.com", email_verified="False"), "not_allowed"),
        ({}, signed_in("ana@agency.com", email_verified="true"), "allowed"),
        ({}, signed_in("eve@evil.io"), "not_allowed"),
        ({}, signed_in("ana@agency.te\u017ft"), "not_allowed"),
        ({}, signed_in("mallory@sta\ufb00.io"), "not_allowed"),
        ({}, signed_in(None), "not_allowed"),
        ({"allowed": AllowList()}, signed_in("ana@agency.com"), "not_allowed"),
        ({"auth_problem": "incomplete"}, signed_in("ana@agency.com"), "misconfigured"),
        ({"auth_problem": "incomplete"}, SIGNED_OUT, "misconfigured"),
        # sign-in configured wins over loopback and over FPAPI_ALLOW_ANONYMOUS
        ({"public_url": "http://localhost:8501"}, SIGNED_OUT, "sign_in"),
        ({"allow_anonymous": True}, SIGNED_OUT, "sign_in"),
        # no sign-in configured
        ({"auth_configured": False, "public_url": "http://localhost:8501"}, {}, "open"),
        ({"auth_configured": False, "public_url": "http://127.0.0.1:9000"}, {}, "open"),
        ({"auth_configured": False}, {}, "needs_sign_in_setup"),
        ({"auth_configured": False, "allow_anonymous": True}, {}, "open"),
    ],
)
def test_the_decision(overrides, user, verdict):
    assert decide(policy(**overrides), user).verdict == verdict


UNVERIFIED_SENTENCE = "This address is not verified"


@pytest.mark.parametrize(
    "user",
    [
        unverified("ana@agency.com"),  # a provider that sends no email_verified at all
        signed_in("ana@agency.com", email_verified=None),
        signed_in("ana@agency.com", email_verified=""),
        signed_in("ana@agency.com", email_verified=1),
        signed_in("ana@agency.com", email_verified="1"),
        signed_in("ana@agency.com", email_verified="yes"),
        signed_in("ana@agency.com", email_verified="TRUE "),
        signed_in("ana@agency.com", email_verified=[True]),
        signed_in("ana@agency.com", email_verified={"value": True}),
        # email_verified, when sent, decides: a domain claim cannot overrule its no
        signed_in("ana@agency.com", email_verified=False, xms_edov=True),
        unverified("ana@agency.com", xms_edov=False),
        unverified("ana@agency.com", xms_edov="1"),
    ],
    ids=repr,
)
def test_an_address_no_claim_vouches_for_is_refused_as_unverified(user):
    decision = decide(policy(), user)
    assert decision.verdict == "not_allowed" and decision.actor == "local"
    assert decision.reason.startswith(UNVERIFIED_SENTENCE)
    assert decision.email == "ana@agency.com"


@pytest.mark.parametrize(
    ("user", "claim"),
    [
        (signed_in("ana@agency.com", email_verified=True), "email_verified"),
        (signed_in("ana@agency.com", email_verified="true"), "email_verified"),
        (unverified("ana@agency.com", xms_edov=True), "xms_edov"),  # Entra's domain claim
        (unverified("ana@agency.com", xms_edov="true"), "xms_edov"),
    ],
)
def test_the_decision_names_the_claim_that_vouched_for_the_address(user, claim):
    decision = decide(policy(), user)
    assert decision.verdict == "allowed" and decision.verified_by == claim
    refused = decide(policy(), {**user, claim: False})
    assert refused.verified_by == claim and claim in refused.reason


def test_an_empty_allow_list_refuses_everyone_and_names_the_setting():
    decision = decide(policy(allowed=AllowList()), signed_in("ana@agency.com"))
    assert not decision.may_enter
    assert "FPAPI_ALLOWED_EMAILS" in decision.reason and "allowed_emails" in decision.reason
    assert decision.email == "ana@agency.com"


def test_the_actor_is_the_address_as_matched_when_signed_in_and_local_otherwise():
    assert decide(policy(), signed_in("ana@agency.com")).actor == "ana@agency.com"
    assert decide(policy(), signed_in(" Kim@STUDIO.io ")).actor == "kim@studio.io"
    assert decide(policy(auth_configured=False, allow_anonymous=True), {}).actor == "local"
    assert decide(policy(), signed_in("eve@evil.io")).actor == "local"
    assert decide(policy(), signed_in("kim@\uff53tudio.io")).actor == "local"


def test_the_policy_reads_the_environment_before_secrets():
    env = {"FPAPI_ALLOWED_EMAILS": "ana@agency.com", "FPAPI_ALLOW_ANONYMOUS": "TRUE"}
    table = {"allowed_emails": "eve@evil.io", "public_url": "https://insights.agency.com"}
    read = load_access_policy(env, table, AUTH)
    assert read.allowed.permits("ana@agency.com") and not read.allowed.permits("eve@evil.io")
    assert read.allow_anonymous and read.auth_configured and read.auth_problem is None
    assert read.public_url == "https://insights.agency.com"
    assert not load_access_policy({}, {"allow_anonymous": "no"}, {}).allow_anonymous
    assert load_access_policy({}, {}, {}).on_loopback  # the default public URL is localhost


HOUR = 3_600


@pytest.mark.parametrize(
    ("now", "signed_out_at", "verdict"),
    [
        (1_010, None, "allowed"),  # a fresh token
        (4_600 + 12 * HOUR, None, "allowed"),  # past its expiry, within FPAPI_SESSION_MAX_HOURS
        (4_601 + 12 * HOUR, None, "sign_in"),  # past both: sign in again
        (2_000, 1_500, "sign_in"),  # signed out (on any replica) after this token was issued
        (2_000, 1_001, "sign_in"),  # signed out in the second it was issued (kept as the next)
        (2_000, 1_000, "allowed"),  # signed out in the second before it was issued
        (2_000, 900, "allowed"),  # signed out before this token: it is a new sign-in
    ],
)
def test_a_session_ends_past_its_token_and_at_sign_out(now, signed_out_at, verdict):
    decision = decide(policy(), signed_in("ana@agency.com"), now=now, signed_out_at=signed_out_at)
    assert decision.verdict == verdict
    if verdict == "sign_in":
        assert "Sign in again" in decision.reason


def test_a_token_without_its_times_or_with_a_bad_limit_fails_closed():
    no_times = {"is_logged_in": True, "email": "ana@agency.com", "email_verified": True}
    assert decide(policy(), no_times, now=1_010).verdict == "sign_in"
    auth = {"FPAPI_ALLOWED_EMAILS": "@agency.com", "FPAPI_SESSION_MAX_HOURS": "forever"}
    strict = load_access_policy(auth, {}, AUTH)
    assert strict.session_max_s == 0
    assert decide(strict, signed_in("ana@agency.com"), now=4_601).verdict == "sign_in"


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("boss@agency.com", Role.ADMIN),  # on the admins' and the analysts' lists: the highest
        ("ana@agency.com", Role.ANALYST),
        ("vic@brand.com", Role.VIEWER),
        ("ana@brand.com", Role.ANALYST),  # a viewer's domain, but listed as an analyst too
    ],
)
def test_an_address_on_several_lists_gets_the_highest_role(email, role):
    listed = load_access_policy(
        {
            "FPAPI_ADMIN_EMAILS": "boss@agency.com",
            "FPAPI_ALLOWED_EMAILS": "@agency.com, ana@brand.com",
            "FPAPI_VIEWER_EMAILS": "@brand.com",
        },
        {},
        AUTH,
    )
    decision = decide(listed, signed_in(email), now=1_010)
    assert (decision.verdict, decision.role) == ("allowed", role)


def test_without_sign_in_on_loopback_the_local_user_is_an_admin():
    local = load_access_policy({"FPAPI_PUBLIC_URL": "http://localhost:8501"}, {}, {})
    assert decide(local, SIGNED_OUT).role is Role.ADMIN


def test_viewers_alone_may_sign_in():
    only_viewers = load_access_policy({"FPAPI_VIEWER_EMAILS": "@brand.com"}, {}, AUTH)
    assert decide(only_viewers, signed_in("vic@brand.com"), now=1_010).role is Role.VIEWER
