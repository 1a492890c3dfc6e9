"""The API client against a scripted transport: requests, retries, errors and bodies."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from fpapi import ApiPaths, FirstPartyClient, Insights
from fpapi.errors import (
    AuthError,
    BadRequest,
    ConsentLapsed,
    FPAPIError,
    InvalidResponse,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    VerificationFailed,
)
from fpapi.sandbox import instagram_pool

ACCOUNT = instagram_pool()[3]  # its consent revoked by the sandbox's knob

API_TOKEN = "api-token-SECRET-123456"
VERIFY_TOKEN = "verify-token-SECRET-abcdef"
BASE = "https://api.vendor.example/api/v1"
CREATOR = "4d94b100-750c-4d24-8380-861aaaa2c3a4"


class Router:
    """Answers requests from a list of planned responses (or exceptions), recording each."""

    def __init__(self, *planned):
        self.planned = list(planned)
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.planned.pop(0) if len(self.planned) > 1 else self.planned[0]
        if isinstance(step, Exception):
            raise step
        return step


def make_client(router: Router, **kwargs) -> tuple[FirstPartyClient, list[float]]:
    sleeps: list[float] = []
    client = FirstPartyClient(
        BASE,
        API_TOKEN,
        transport=httpx.MockTransport(router.handler),
        sleep=sleeps.append,
        **kwargs,
    )
    return client, sleeps


def ok(data) -> httpx.Response:
    return httpx.Response(200, json=data)


def test_insights_request_carries_auth_user_agent_and_contract_path(vendor_insights):
    router = Router(ok(vendor_insights))
    client, _ = make_client(router)
    insights = client.get_instagram_insights(CREATOR)
    request = router.requests[0]
    assert request.method == "GET"
    assert str(request.url) == f"{BASE}/first-party/instagram/{CREATOR}/insights"
    assert request.headers["Authorization"] == f"Bearer {API_TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("creator-insights-studio/")
    assert insights.profile_overview.followers_count == 1257
    assert insights.raw == vendor_insights


def test_client_has_explicit_timeouts():
    client = FirstPartyClient(BASE, API_TOKEN)
    timeout = client._http.timeout
    assert 1 <= timeout.connect <= 10
    assert 10 <= timeout.read <= 60


def test_paths_are_overridable(vendor_insights):
    router = Router(ok(vendor_insights))
    client, _ = make_client(router, paths=ApiPaths(insights="/v2/ig/{creator_id}"))
    client.get_instagram_insights("abc/def")
    assert router.requests[0].url.raw_path == b"/api/v1/v2/ig/abc%2Fdef"


def test_create_verification_url_posts_the_contract_body():
    router = Router(ok({"redirectUrl": "https://vendor.example/c/1", "state": "s-1"}))
    client, _ = make_client(router)
    link = client.create_verification_url(
        connector="instagram", redirect_url="http://localhost:8501/callback", state="s-1"
    )
    request = router.requests[0]
    assert request.method == "POST" and request.url.path.endswith("/first-party/verification-url")
    assert json.loads(request.content) == {
        "connector": "instagram",
        "redirectUrl": "http://localhost:8501/callback",
        "state": "s-1",
    }
    assert link.url == "https://vendor.example/c/1" and link.state == "s-1"


def test_verify_creator_reads_the_vendor_sample(vendor_verify):
    router = Router(ok(vendor_verify))
    client, _ = make_client(router)
    creator = client.verify_creator(state="unique-string", token=VERIFY_TOKEN)
    assert json.loads(router.requests[0].content) == {
        "state": "unique-string",
        "token": VERIFY_TOKEN,
    }
    assert creator.creator_id == "4d94b100-750c-4d24-8380-861aaaa2c3a4"
    assert creator.connector == "instagram"
    assert creator.name == "Creator Name"
    assert creator.email is None  # the vendor sends ""
    assert creator.username == "creatorusername"
    assert creator.platform_user_id == "12384878793390"
    assert creator.user_info["ig_username"] == "creatorusername"


def test_verify_creator_reads_youtube_ids(vendor_verify):
    vendor_verify["connector"] = "youtube"
    vendor_verify["user_info"] = {
        "name": "Chan",
        "email": "c@x.io",
        "yt_channel_id": "UC1",
        "yt_handle": "@chan",
    }
    client, _ = make_client(Router(ok(vendor_verify)))
    creator = client.verify_creator(state="s", token=VERIFY_TOKEN)
    assert (creator.username, creator.platform_user_id, creator.email) == ("@chan", "UC1", "c@x.io")


def test_failed_verification_raises_with_the_vendors_error_info(vendor_verify):
    vendor_verify.update(
        status="failed",
        creator_id=None,
        user_info=None,
        error_info={"code": "token_expired", "message": "The token has expired."},
    )
    client, _ = make_client(Router(ok(vendor_verify)))
    with pytest.raises(VerificationFailed) as caught:
        client.verify_creator(state="s", token=VERIFY_TOKEN)
    assert caught.value.error_info == {"code": "token_expired", "message": "The token has expired."}
    assert "The token has expired." in str(caught.value)
    assert VERIFY_TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(400, BadRequest), (401, AuthError), (403, AuthError), (404, NotFound)],
)
def test_client_errors_are_never_retried(status, error_class):
    router = Router(httpx.Response(status, json={"error": {"code": "x", "message": "nope"}}))
    client, sleeps = make_client(router)
    with pytest.raises(error_class) as caught:
        client.get_instagram_insights(CREATOR)
    assert len(router.requests) == 1 and sleeps == []
    assert caught.value.status_code == status
    assert '"nope"' in str(caught.value)


@pytest.mark.parametrize("failures", [0, 1, 2])
@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503, text="<html>down</html>"),
        httpx.Response(500, json={"error": {"code": "oops", "message": "Internal"}}),
        httpx.Response(408),
        httpx.Response(429),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
    ],
    ids=["503-html", "500-json", "408", "429", "connect-error", "read-timeout"],
)
def test_get_insights_retries_transient_failures_then_succeeds(failures, failure, vendor_insights):
    router = Router(*([failure] * failures), ok(vendor_insights))
    client, sleeps = make_client(router)
    insights = client.get_instagram_insights(CREATOR)
    assert insights.profile_overview.handle == "a_poetic_storyteller"
    assert len(router.requests) == failures + 1
    assert len(sleeps) == failures
    assert all(0 < wait <= 8 for wait in sleeps)


@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (httpx.Response(503, text="<html>down</html>"), ServerError),
        (httpx.Response(429, headers={"Retry-After": "2"}), RateLimited),
        (httpx.ConnectError("refused"), TransportError),
        (httpx.ReadTimeout("slow"), TransportError),
    ],
)
def test_get_insights_gives_up_after_three_attempts(failure, error_class):
    router = Router(failure)
    client, sleeps = make_client(router)
    with pytest.raises(error_class):
        client.get_instagram_insights(CREATOR)
    assert len(router.requests) == 3
    assert len(sleeps) == 2


def test_backoff_grows_exponentially():
    router = Router(httpx.Response(502))
    client, sleeps = make_client(router, max_retries=4)
    with pytest.raises(ServerError):
        client.get_instagram_insights(CREATOR)
    assert len(sleeps) == 4
    assert 0.25 <= sleeps[0] <= 0.5 and 2 <= sleeps[3] <= 4


def test_each_retry_is_logged_at_debug_with_attempt_and_reason(vendor_insights, caplog):
    router = Router(httpx.ConnectError("refused"), httpx.Response(503), ok(vendor_insights))
    client, _ = make_client(router)
    with caplog.at_level(logging.DEBUG, logger="fpapi.api.client"):
        client.get_instagram_insights(CREATOR)
    retries = [r.getMessage() for r in caplog.records if r.name == "fpapi.api.client"]
    assert len(retries) == 2
    assert "after ConnectError: attempt 2 of 3" in retries[0]
    assert "after HTTP 503: attempt 3 of 3" in retries[1]
    assert all(API_TOKEN not in line for line in retries)


def test_retry_after_seconds_is_honoured(vendor_insights):
    router = Router(httpx.Response(429, headers={"Retry-After": "3"}), ok(vendor_insights))
    client, sleeps = make_client(router)
    client.get_instagram_insights(CREATOR)
    assert sleeps == [3.0]


def test_retry_after_http_date_is_honoured(vendor_insights):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    router = Router(httpx.Response(503, headers={"Retry-After": when}), ok(vendor_insights))
    client, sleeps = make_client(router)
    client.get_instagram_insights(CREATOR)
    assert len(sleeps) == 1 and 3 <= sleeps[0] <= 5


def test_retry_after_beyond_the_cap_is_not_waited_out():
    router = Router(httpx.Response(429, headers={"Retry-After": "3600"}))
    client, sleeps = make_client(router)
    with pytest.raises(RateLimited) as caught:
        client.get_instagram_insights(CREATOR)
    assert len(router.requests) == 1 and sleeps == []
    assert caught.value.retry_after == 3600
    assert "3600 seconds" in str(caught.value)


def test_posts_retry_only_when_the_request_never_left(vendor_verify):
    router = Router(httpx.ConnectError("refused"), ok(vendor_verify))
    client, sleeps = make_client(router)
    client.verify_creator(state="s", token=VERIFY_TOKEN)
    assert len(router.requests) == 2 and len(sleeps) == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("cut"),
        httpx.Response(503),
        httpx.Response(429),
    ],
    ids=["read-timeout", "cut-off", "503", "429"],
)
def test_posts_are_not_retried_once_sent(failure):
    router = Router(failure)
    client, sleeps = make_client(router)
    with pytest.raises(FPAPIError):
        client.verify_creator(state="s", token=VERIFY_TOKEN)
    with pytest.raises(FPAPIError):
        client.create_verification_url(connector="instagram", redirect_url="http://x/cb", state="s")
    assert len(router.requests) == 2 and sleeps == []


@pytest.mark.parametrize(
    ("response", "words"),
    [
        (httpx.Response(200, text="<html><body>Login</body></html>"), "a web page"),
        (httpx.Response(200, text='{"profile_overview": {"handle": "trunc'), "not JSON"),
        (httpx.Response(200, json=[1, 2, 3]), "JSON list"),
        (httpx.Response(200, content=b""), "empty answer"),
    ],
    ids=["html", "truncated-json", "json-array", "empty-body"],
)
def test_garbage_bodies_raise_invalid_response(response, words):
    client, _ = make_client(Router(response))
    with pytest.raises(InvalidResponse) as caught:
        client.get_instagram_insights(CREATOR)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("spelled", "handle", "followers"),
    [
        ('"@anna"', "@anna", "NaN"),  # NaN: a literal JSON forbids but Python's json writes
        ('"@anna"', "@anna", "Infinity"),
        ('"@anna"', "@anna", "1e400"),  # beyond any float
        ('"\\ud800anna"', "\ud800anna", "12"),  # a lone surrogate
        ('"@anna"', "@anna", "12"),
    ],
    ids=["nan", "infinity", "beyond-float", "lone-surrogate", "plain"],
)
def test_bodies_the_fast_decoder_refuses_are_still_read(spelled, handle, followers):
    body = f'{{"profile_overview": {{"handle": {spelled}, "followers_count": {followers}}}}}'
    client, _ = make_client(Router(httpx.Response(200, content=body.encode())))
    overview = client.get_instagram_insights(CREATOR).profile_overview
    assert overview.handle == handle
    assert overview.followers_count == (12 if followers == "12" else None)


def test_oversized_body_is_refused():
    huge = b'{"x": "' + b"a" * (20 * 1024 * 1024) + b'"}'
    client, _ = make_client(Router(httpx.Response(200, content=huge)))
    with pytest.raises(InvalidResponse, match="more than 10 MB"):
        client.get_instagram_insights(CREATOR)


def test_json_with_no_insight_section_is_invalid():
    client, _ = make_client(Router(ok({"message": "hello", "data": []})))
    with pytest.raises(InvalidResponse, match="none of the insight sections"):
        client.get_instagram_insights(CREATOR)


def test_many_insights_one_failure_does_not_sink_the_others(vendor_insights):
    def handler(request: httpx.Request) -> httpx.Response:
        if "/bad/" in request.url.path:
            return httpx.Response(404, json={"error": {"code": "nf", "message": "unknown"}})
        return httpx.Response(200, json=vendor_insights)

    client = FirstPartyClient(
        BASE, API_TOKEN, transport=httpx.MockTransport(handler), sleep=lambda _: None
    )
    results = client.get_many_instagram_insights(["a", "bad", "c", "a"], max_concurrency=2)
    assert list(results) == ["a", "bad", "c"]
    assert isinstance(results["a"], Insights) and isinstance(results["c"], Insights)
    assert isinstance(results["bad"], NotFound)


def test_no_token_in_any_message_or_log_line(caplog, vendor_verify):
    caplog.set_level(logging.DEBUG)
    echo = f"token {API_TOKEN} and {VERIFY_TOKEN} were wrong"
    responses = [
        httpx.Response(401, json={"error": {"code": "auth", "message": echo}}),
        httpx.Response(400, text=echo),
        httpx.Response(
            200,
            json={
                **vendor_verify,
                "status": "failed",
                "error_info": {"code": "bad", "message": echo},
            },
        ),
    ]
    messages = []
    for response in responses:
        client, _ = make_client(Router(response))
        with client, pytest.raises(FPAPIError) as caught:
            client.verify_creator(state="s", token=VERIFY_TOKEN)
        messages.append(str(caught.value))
    client, _ = make_client(Router(httpx.ConnectError(f"refused {API_TOKEN}")))
    with pytest.raises(TransportError) as caught:
        client.get_instagram_insights(CREATOR)
    messages.append(str(caught.value))
    messages.append(repr(client))
    logging.getLogger("httpx").debug("headers: Authorization: Bearer %s", API_TOKEN)
    logging.getLogger("httpcore.http11").debug("body: %s", VERIFY_TOKEN)
    text = "\n".join(messages + [record.getMessage() for record in caplog.records])
    assert "[redacted]" in text
    assert API_TOKEN not in text and VERIFY_TOKEN not in text


def test_the_garbage_collector_waits_while_bodies_are_decoded_and_comes_back(vendor_insights):
    """A full collection in the middle of a fetch walks every object the app holds (86 ms
    seen among twelve fetches of 350 ms): it is off while bodies are read, on afterwards."""
    import gc

    seen = []

    def answer(request):
        seen.append(gc.isenabled())
        return ok(vendor_insights)

    client = FirstPartyClient(BASE, API_TOKEN, transport=httpx.MockTransport(answer))
    assert gc.isenabled()
    client.get_instagram_insights(CREATOR)
    client.get_many_instagram_insights(["a", "b", "c"], max_concurrency=3)
    assert seen == [False] * 4 and gc.isenabled()
    gc.disable()  # someone else's choice is kept
    try:
        client.get_instagram_insights(CREATOR)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_403_naming_the_consent_is_told_apart_from_a_bad_token(clean_sandbox):
    clean_sandbox.knobs.revoked = [ACCOUNT.creator_id]
    with FirstPartyClient(clean_sandbox.base_url, clean_sandbox.token) as client:
        with pytest.raises(ConsentLapsed, match="They must reconnect"):
            client.get_instagram_insights(ACCOUNT.creator_id)
        client.get_instagram_insights(instagram_pool()[4].creator_id)  # others are served
    with (
        FirstPartyClient(clean_sandbox.base_url, "wrong-token") as client,
        pytest.raises(AuthError) as caught,
    ):
        client.get_instagram_insights(instagram_pool()[4].creator_id)
    assert not isinstance(caught.value, ConsentLapsed)
