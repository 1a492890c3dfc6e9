"""The home page under AppTest: the first steps, and what changed since the last fetches."""

from __future__ import annotations

import time

from fpapi.sandbox import instagram_pool
from fpapi.storage.records import StoredAlert
from tests.helpers import add_to_roster, app_store
from tests.pages.apptest import open_page, page_text

ACCOUNT = instagram_pool()[2]


def test_the_home_page_lists_what_changed_newest_first(app_env):
    add_to_roster(app_env, ACCOUNT)
    store = app_store(app_env)
    assert "No alerts yet" in page_text(open_page("home"))
    older = StoredAlert("a|er_drop|1", ACCOUNT.creator_id, "er_drop",
                        "@lucia: engagement rate 3.00% → 2.00% (-1.00 points)", at=time.time() - 7200)  # fmt: skip
    newer = StoredAlert("b|spike|2026-11-20", "gone", "spike",
                        "@gone: followers jumped by 5,000 (+3.00%) on 2026-11-20", at=time.time() - 60)  # fmt: skip
    store.add_alert(older)
    store.add_alert(newer)
    at = open_page("home")
    text = page_text(at)
    assert "What changed" in text
    assert text.index("@gone: followers jumped") < text.index(
        "@lucia: engagement rate 3.00% → 2.00%"
    )
    to_insights = [e for e in at.get("page_link") if ACCOUNT.creator_id in str(e.proto)]
    assert len(to_insights) == 1  # the creator on the roster; "gone" is not: no link


def test_home_walks_a_first_time_analyst_to_the_next_step(app_env):
    at = open_page("home")
    text = page_text(at)
    assert "Creator Insights Studio" in text
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    assert links["Create a verification link"] == "connect"
    assert any(m.label == "Creators on the roster" and m.value == "0" for m in at.metric)


def test_the_home_page_states_the_privacy_policy(app_env, monkeypatch):
    monkeypatch.setenv("FPAPI_RETENTION_DAYS", "365")
    monkeypatch.setenv("FPAPI_REVOKED_PURGE_DAYS", "7")
    text = page_text(open_page("home"))
    assert "kept 365 days (FPAPI_RETENTION_DAYS)" in text
    assert "forgotten 7 days later" in text and "deletion code" in text
