"""The sandbox's example campaign: the demo creators tagged a few recent posts with shared
campaign hashtags, and the campaigns page offers a report over them from one link."""

from __future__ import annotations

import re
from contextlib import closing
from datetime import UTC, date, datetime
from urllib.parse import parse_qs

import pytest

from fpapi.sandbox import build_insights, instagram_pool
from fpapi.sandbox import insights as sandbox_insights
from fpapi.sandbox.accounts import generated_account
from fpapi.workspace.campaigns import example_campaign
from fpapi.workspace.core import Actor, open_workspace
from fpapi.workspace.demo import DEMO_CREATORS
from fpapi.workspace.settings import load_settings
from tests.helpers import add_to_roster, app_store
from tests.pages.apptest import open_page, page_source, page_text

CAMPAIGN_TAGS = {"glowweek", "summerdrop"}
NORMAL = [a for a in instagram_pool() if a.kind == "normal"]
DEMO = NORMAL[:DEMO_CREATORS]  # what "Add 12 demo creators" adds to an empty roster
UGLY = [a for a in instagram_pool() if a.kind != "normal"]
EXAMPLE = "Try an example campaign"


def posts_of(body: dict) -> list[dict]:
    posts = body.get("get_posts") or {}
    return [*(posts.get("video_posts") or []), *(posts.get("non_video_posts") or [])]


def tagged(account) -> list[dict]:
    """The creator's posts that carry a campaign hashtag."""
    return [p for p in posts_of(build_insights(account)) if CAMPAIGN_TAGS & set(p["hashtags"])]


def day_of(post: dict) -> date:
    return datetime.fromtimestamp(int(post["posted_at"]), UTC).date()


def example_link(at) -> dict[str, str]:
    """The example's link on the page: the address it opens, as query parameters."""
    (found,) = [e for e in at.get("page_link") if e.proto.label == EXAMPLE]
    assert found.proto.page == "campaigns"  # the campaigns page
    return {key: values[0] for key, values in parse_qs(found.proto.query_string).items()}


@pytest.mark.parametrize("account", NORMAL, ids=lambda a: a.username)
def test_every_demo_creator_tagged_a_few_recent_posts_with_the_campaign_hashtags(account):
    posts = tagged(account)
    assert 2 <= len(posts) <= 3
    newest = max(day_of(p) for p in posts_of(build_insights(account)))
    for post in posts:
        assert (newest - day_of(post)).days < 30  # recent: within the last month of posts
        for tag in CAMPAIGN_TAGS & set(post["hashtags"]):
            assert f"#{tag}" in post["caption"].split()  # the caption says it too
    assert {t for p in posts for t in p["hashtags"]} >= CAMPAIGN_TAGS


def test_creators_who_are_not_demo_creators_carry_no_campaign_hashtag():
    for account in [*UGLY, generated_account(0), generated_account(7)]:
        assert tagged(account) == []


@pytest.mark.parametrize("account", NORMAL[:6], ids=lambda a: a.username)
def test_the_campaign_hashtags_change_nothing_else_of_a_demo_creator(account, monkeypatch):
    with_tags = build_insights(account)
    monkeypatch.setattr(sandbox_insights, "add_campaign_tags", lambda *_: None)
    without = build_insights(account)
    for post in posts_of(with_tags):
        extra = [t for t in post["hashtags"] if t in CAMPAIGN_TAGS]
        post["hashtags"] = [t for t in post["hashtags"] if t not in CAMPAIGN_TAGS]
        for tag in extra:
            post["caption"] = post["caption"].replace(f" #{tag}", "", 1)
    details = with_tags["profile_details"]
    details["hashtags"] = [t for t in details["hashtags"] if t not in CAMPAIGN_TAGS]
    without["profile_details"]["hashtags"] = without["profile_details"]["hashtags"][
        : len(details["hashtags"])
    ]
    assert with_tags == without


def test_the_example_covers_the_demo_creators_on_the_roster_and_nobody_else(app_env):
    settings = load_settings({"FPAPI_DATA_DIR": str(app_env)}, {})
    with closing(open_workspace(settings, Actor("setup"))) as ws:
        assert example_campaign(ws) is None  # an empty roster: nothing to try
    add_to_roster(app_env, UGLY[0], NORMAL[20], generated_account(3), NORMAL[3])
    with closing(open_workspace(settings, Actor("setup"))) as ws:
        params = example_campaign(ws)
    assert params is not None
    assert params["creators"].split(",") == [NORMAL[3].creator_id, NORMAL[20].creator_id]
    assert set(params["hashtags"].split(",")) == CAMPAIGN_TAGS
    fees = dict(part.split(":") for part in params["fees"].split(","))
    assert set(fees) == {NORMAL[3].creator_id, NORMAL[20].creator_id}
    assert all(float(amount) > 0 for amount in fees.values()) and params["currency"] == "EUR"
    start, end = date.fromisoformat(params["from"]), date.fromisoformat(params["to"])
    every_tagged = [day_of(p) for a in NORMAL for p in tagged(a)]
    assert start <= min(every_tagged) and max(every_tagged) <= end


def test_the_demo_button_then_the_example_link_shows_a_full_report(app_env):
    home = open_page("home")
    next(b for b in home.button if b.label.startswith("Add ")).click().run()
    assert not home.exception
    assert {c.creator_id for c in app_store(app_env).creators()} == {a.creator_id for a in DEMO}

    offer = open_page("campaigns")
    assert not offer.exception
    params = example_link(offer)
    assert set(params["creators"].split(",")) == {a.creator_id for a in DEMO}

    at = open_page("campaigns", query=params)
    assert not at.exception and not at.error
    # the address is read whole: no part of it was left out
    assert not [w.value for w in at.warning if w.icon != ":material/lock_open:"]
    text, source = page_text(at), page_source(at, markdown_only=True)
    matched = sum(len(tagged(a)) for a in DEMO)
    assert matched > 0
    assert f"**Matched posts ({matched})**" in source
    assert f"**Campaign.** {matched} posts · " in text and " engagements · ER " in text
    assert "No post matches this campaign for this creator." not in text
    spend = sum(float(part.split(":")[1]) for part in params["fees"].split(","))
    assert f"Spend {spend:,.2f} EUR · CPE " in text
    assert len(re.findall(r"Fee [\d,.]+ EUR · CPE [\d,.]+ EUR \(predicted ", text)) == len(DEMO)
    post = tagged(DEMO[0])[0]
    assert post["shortcode"] in source  # each matched post links to itself


def test_the_example_is_offered_only_on_the_sandbox(app_env, vendor):
    add_to_roster(app_env, *DEMO[:3])
    at = open_page("campaigns")
    assert not at.exception
    assert EXAMPLE not in [e.proto.label for e in at.get("page_link")]


def test_the_example_is_not_offered_without_a_demo_creator_on_the_roster(app_env):
    add_to_roster(app_env, UGLY[-1])
    at = open_page("campaigns")
    assert not at.exception and "New campaign" in page_text(at)
    assert EXAMPLE not in [e.proto.label for e in at.get("page_link")]
