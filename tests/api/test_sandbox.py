"""The sandbox over real loopback HTTP, driven by the real client."""

from __future__ import annotations

import itertools
import re
import time
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from fpapi import (
    AuthError,
    BadRequest,
    FirstPartyClient,
    Insights,
    NotFound,
    RateLimited,
    ServerError,
    VerificationFailed,
)
from fpapi.analysis import frames
from fpapi.errors import FPAPIError
from fpapi.sandbox import build_insights, instagram_pool, youtube_pool
from fpapi.sandbox.accounts import (
    AS_OF,
    GENERATED_PREFIX,
    TIERS,
    account_for,
    generated_account,
)
from fpapi.sandbox.insights import shifted

ACCOUNT = instagram_pool()[2]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_full_verification_through_the_consent_page(clean_sandbox, client):
    link = client.create_verification_url(
        connector="instagram", redirect_url="http://localhost:8501/callback?from=app", state="st-1"
    )
    page = httpx.get(link.url)
    assert page.status_code == 200 and "Allow" in page.text and "Deny" in page.text
    chosen = instagram_pool()[3]
    answer = httpx.post(link.url, data={"decision": "allow", "account": chosen.username})
    assert answer.status_code == 303
    landing = answer.headers["Location"]
    assert landing.startswith("http://localhost:8501/callback?from=app&token=")
    params = query(landing)
    assert params["state"] == "st-1" and params["from"] == "app"
    creator = client.verify_creator(state="st-1", token=params["token"])
    assert creator.creator_id == chosen.creator_id and creator.username == chosen.username
    with pytest.raises(VerificationFailed) as replay:
        client.verify_creator(state="st-1", token=params["token"])
    assert replay.value.code == "token_already_used"


def test_deny_sends_the_creator_back_with_an_error(client):
    link = client.create_verification_url(
        connector="instagram", redirect_url="http://localhost:8501/callback", state="st-2"
    )
    answer = httpx.post(link.url, data={"decision": "deny"})
    assert query(answer.headers["Location"]) == {"error": "access_denied", "state": "st-2"}


def test_a_wrong_token_fails_verification(clean_sandbox, client):
    client.create_verification_url(
        connector="instagram", redirect_url="http://localhost:8501/callback", state="st-3"
    )
    clean_sandbox.approve("st-3")
    with pytest.raises(VerificationFailed) as caught:
        client.verify_creator(state="st-3", token="forged-token-value")
    assert caught.value.code == "invalid_token"


def test_youtube_creators_verify_but_have_no_insights(clean_sandbox, client):
    client.create_verification_url(
        connector="youtube", redirect_url="http://localhost:8501/callback", state="yt-1"
    )
    token = clean_sandbox.approve("yt-1")
    creator = client.verify_creator(state="yt-1", token=token)
    assert creator.connector == "youtube" and creator.platform_user_id.startswith("UC")
    assert creator.creator_id in {a.creator_id for a in youtube_pool()}
    with pytest.raises(NotFound):
        client.get_instagram_insights(creator.creator_id)


def test_bad_requests_get_the_vendors_error_shape(client):
    with pytest.raises(BadRequest, match="redirectUrl"):
        client.create_verification_url(connector="instagram", redirect_url="not-a-url", state="x")
    with pytest.raises(BadRequest, match="connector"):
        client.create_verification_url(
            connector="tiktok", redirect_url="http://x.example/cb", state="x"
        )


def test_the_bearer_token_is_checked(clean_sandbox):
    with (
        FirstPartyClient(clean_sandbox.base_url, "wrong-token-123") as api,
        pytest.raises(AuthError),
    ):
        api.get_instagram_insights(instagram_pool()[0].creator_id)
    assert (
        httpx.get(clean_sandbox.base_url + "/first-party/instagram/x/insights").status_code == 401
    )


def test_insights_for_every_creator_in_the_pool(client):
    results = client.get_many_instagram_insights([a.creator_id for a in instagram_pool()])
    assert all(not isinstance(r, Exception) for r in results.values())
    assert len(results) == len(instagram_pool())


def test_unknown_creator_is_404(client):
    with pytest.raises(NotFound):
        client.get_instagram_insights("00000000-0000-0000-0000-000000000000")


def test_knobs_429_burst_is_retried_through(clean_sandbox, client):
    clean_sandbox.knobs.burst_429 = 2
    insights = client.get_instagram_insights(instagram_pool()[0].creator_id)
    assert insights.profile_overview is not None
    clean_sandbox.knobs.burst_429 = 5
    with pytest.raises(RateLimited) as caught:
        client.get_instagram_insights(instagram_pool()[0].creator_id)
    assert caught.value.retry_after == 1


def test_knobs_failure_rate_gives_html_503(clean_sandbox, client):
    clean_sandbox.knobs.failure_rate = 1.0
    with pytest.raises(ServerError, match="HTTP 503"):
        client.get_instagram_insights(instagram_pool()[0].creator_id)


def test_the_vendors_own_rate_limit_lets_its_burst_through_then_answers_429(clean_sandbox):
    """rate_limit_rps and rate_limit_burst: calls at once beyond the burst get 429 with
    Retry-After (and are counted as such, not as calls), until the bucket fills again."""
    clean_sandbox.reset_counts()
    clean_sandbox.knobs.rate_limit_rps = 0.5  # a token every 2 s: none comes back meanwhile
    clean_sandbox.knobs.rate_limit_burst = 3
    creator_id = instagram_pool()[0].creator_id
    url = clean_sandbox.base_url + clean_sandbox.paths.insights.format(creator_id=creator_id)
    headers = {"Authorization": f"Bearer {clean_sandbox.token}"}
    with httpx.Client(headers=headers) as http:
        answers = [http.get(url) for _ in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
        assert answers[-1].headers["Retry-After"] == "1"
        assert answers[-1].json()["error"]["code"] == "rate_limited"
        assert len(clean_sandbox.rate_limited_at) == 2
        assert clean_sandbox.calls[f"insights:{creator_id}"] == 3
        clean_sandbox.knobs.rate_limit_rps = 100  # a token every 10 ms
        time.sleep(0.05)
        assert http.get(url).status_code == 200


def test_knobs_can_be_set_over_http(clean_sandbox):
    answer = httpx.post(
        clean_sandbox.root_url + "/_sandbox/knobs",
        json={"latency_s": 0.05},
        headers={"Authorization": f"Bearer {clean_sandbox.token}"},
    )
    assert answer.json()["latency_s"] == 0.05 and clean_sandbox.knobs.latency_s == 0.05


def test_pool_is_deterministic_and_spans_the_tiers():
    tiers = {
        build_insights(a)["profile_overview"]["influencer_tier"] for a in instagram_pool()[:30]
    }
    assert tiers == {t[2] for t in TIERS}
    assert build_insights(instagram_pool()[5]) == build_insights(instagram_pool()[5])


def test_pool_creators_are_realistic():
    for account in instagram_pool()[:30]:
        data = build_insights(account)
        posts = data["get_posts"]["video_posts"] + data["get_posts"]["non_video_posts"]
        trend = data["get_growth_trends"]["cumulative_followers_trends"]
        assert 30 <= len(posts) <= 400
        assert 180 <= len(trend) <= 720
        assert data["get_reach_and_engagement_details"]["estimted_story_views"] is not None
        assert "quaterly_followers" in data["get_growth_trends"]
        assert re.fullmatch(r"\d\d/\d\d/\d{4}", data["profile_overview"]["last_processed_at"])
    everything = [build_insights(a) for a in instagram_pool()[:30]]
    sponsored = sum(p["sponsored"] for d in everything for p in d["get_posts"]["video_posts"])
    assert sponsored > 0
    captions = " ".join(p["caption"] for d in everything for p in d["get_posts"]["non_video_posts"])
    assert re.search(r"[\u0900-\u097F]", captions) and re.search(
        r"[\U0001F300-\U0001FAFF]", captions
    )


def test_look_alikes_point_at_other_sandbox_creators():
    handles = {a.username for a in instagram_pool()}
    looks = build_insights(instagram_pool()[0])["profile_details"]["look_alike_creators"]
    assert looks and all(look["username"] in handles for look in looks)


def test_ugly_creators_have_their_ugly_parts():
    by_kind = {a.kind: build_insights(a) for a in instagram_pool()[30:]}
    assert "<script>" in by_kind["hostile"]["profile_details"]["biography"]
    assert by_kind["all_nulls"]["profile_overview"]["followers_count"] is None
    assert set(by_kind["sections_missing"]) == {"profile_overview"}
    assert by_kind["empty"]["get_posts"]["video_posts"] == []
    assert len(by_kind["empty"]["get_growth_trends"]["cumulative_followers_trends"]) == 1
    assert by_kind["quirky"]["get_audience"] == {"status": "locked"}
    assert isinstance(by_kind["quirky"]["profile_overview"]["followers_count"], str)


def test_large_creator_for_benchmarks():
    data = build_insights(instagram_pool()[0], posts=1000, days=730)
    insights = Insights.from_raw(data)
    assert len(frames.posts(insights)) == 1000
    assert len(frames.follower_trend(insights)) == 730


def trend_days(data: dict, name: str = "cumulative_followers_trends") -> list[date]:
    return [date.fromisoformat(day) for entry in data["get_growth_trends"][name] for day in entry]


def test_sparse_trends_keep_uneven_readings_and_every_other_number():
    daily = build_insights(ACCOUNT, days=365)
    sparse = build_insights(ACCOUNT, days=365, trend_every=7)
    days = trend_days(sparse)
    assert days == trend_days(sparse, "engagement_trends")  # both trends read on the same days
    assert 30 <= len(days) <= 80 and days[0] == trend_days(daily)[0] and days[-1] == AS_OF
    gaps = {(later - earlier).days for earlier, later in itertools.pairwise(days)}
    assert len(gaps) > 3  # uneven, as a vendor's missed days are
    every = daily["get_growth_trends"]["cumulative_followers_trends"]
    readings = dict(zip(trend_days(daily), every, strict=True))
    kept = sparse["get_growth_trends"]["cumulative_followers_trends"]
    assert [readings[day] for day in days] == kept  # the same readings, thinned
    for section in ("profile_overview", "get_posts", "profile_details"):
        assert sparse[section] == daily[section]


def test_trends_moved_back_overlap_no_other_creator():
    moved = build_insights(ACCOUNT, days=365, trends_end_days_ago=800)
    others = [build_insights(account) for account in instagram_pool()[:6]]
    assert trend_days(moved)[-1] == AS_OF - timedelta(days=800)
    assert max(trend_days(moved)) < min(min(trend_days(other)) for other in others)
    assert moved["get_posts"] == build_insights(ACCOUNT, days=365)["get_posts"]


def test_the_shapes_knob_shapes_that_creators_body_over_http(clean_sandbox, client):
    other = instagram_pool()[3]
    clean_sandbox.knobs.shapes = {ACCOUNT.creator_id: {"posts": 5, "days": 40, "trend_every": 4}}
    shaped = client.get_instagram_insights(ACCOUNT.creator_id)
    assert len(frames.posts(shaped)) == 5 and 5 <= len(frames.follower_trend(shaped)) < 40
    assert client.get_instagram_insights(other.creator_id) == Insights.from_raw(
        build_insights(other)
    )
    clean_sandbox.knobs.shapes = {}
    assert len(frames.posts(client.get_instagram_insights(ACCOUNT.creator_id))) > 5


def test_the_sandbox_knob_moves_the_numbers_it_names():
    base = build_insights(ACCOUNT)
    moved = shifted(
        build_insights(ACCOUNT), followers_pct=10, engagement_pct=-30, quality_points=-12
    )
    assert moved["profile_overview"]["followers_count"] == round(
        base["profile_overview"]["followers_count"] * 1.1
    )
    assert moved["profile_overview"]["engagement"] == round(
        base["profile_overview"]["engagement"] * 0.7, 2
    )
    quality = moved["profile_details"]["quality"]["profile_quality_score"]
    assert quality == max(0, base["profile_details"]["quality"]["profile_quality_score"] - 12)


def test_the_sandbox_knows_any_generated_creator_from_its_id(clean_sandbox):
    far = generated_account(9_999)
    assert account_for(far.creator_id) == far  # the same creator, every time
    assert account_for(GENERATED_PREFIX + "00000000270F") is None  # one spelling per creator
    assert account_for(GENERATED_PREFIX + "0x000000270f") is None
    with FirstPartyClient(clean_sandbox.base_url, clean_sandbox.token) as client:
        first = client.get_instagram_insights(far.creator_id)
        assert first.profile_overview.handle == far.username
        assert client.get_instagram_insights(far.creator_id) == first
        with pytest.raises(FPAPIError):
            client.get_instagram_insights(GENERATED_PREFIX + "zzzzzzzzzzzz")
