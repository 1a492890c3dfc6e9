"""The campaigns page under AppTest: from a shared address, and from the form."""

from __future__ import annotations

from fpapi import Insights
from fpapi.analysis.campaigns import spec_from_params
from fpapi.analysis.report import build_report
from fpapi.sandbox import build_insights, instagram_pool
from tests.helpers import add_to_roster, app_store
from tests.pages.apptest import by_label, open_page, page_source, page_text

A, B = instagram_pool()[0], instagram_pool()[1]


def top_tag(account) -> str:
    """The creator's most used hashtag, so the campaign matches some of their posts."""
    return build_report(Insights.from_raw(build_insights(account))).hashtags["hashtag"].iloc[0]


def shared_query() -> dict[str, str]:
    return {
        "creators": f"{A.creator_id},{B.creator_id}",
        "hashtags": f"#{top_tag(A)}",
        "mentions": "@nobody.here",
        "from": "2020-01-01",
        "to": "2030-12-31",
        "fees": f"{A.creator_id}:500",
        "currency": "usd",
        "name": "Spring",
    }


def test_a_shared_address_shows_the_report_before_it_is_saved(app_env):
    add_to_roster(app_env, A, B)
    at = open_page("campaigns", query=shared_query())
    assert not at.exception
    text, source = page_text(at), page_source(at, markdown_only=True)
    spec, _ = spec_from_params(shared_query(), {A.creator_id: 1, B.creator_id: 1})
    matched = build_report(Insights.from_raw(build_insights(A))).posts
    from fpapi.analysis.campaigns import matching_posts

    expected = matching_posts(matched, spec)
    assert f"**Matched posts ({len(expected) + _b_count(spec)})**" in source
    first = expected.iloc[0]
    assert f"[post]({first['url']})" in source
    assert "Fee 500.00 USD · CPE " in text and "(predicted " in text
    assert "First-party data from the creator's own account, fetched" in text
    assert app_store(app_env).campaigns() == []  # shown, not saved
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Posts as CSV", "Posts and totals as XLSX", "Report as HTML"]


def _b_count(spec) -> int:
    from fpapi.analysis.campaigns import matching_posts

    return len(matching_posts(build_report(Insights.from_raw(build_insights(B))).posts, spec))


def test_a_creator_with_no_matching_post_says_so(app_env):
    add_to_roster(app_env, A)
    at = open_page("campaigns", query={"creators": A.creator_id, "hashtags": "#nosuchtagever"})
    assert "No post matches this campaign for this creator." in page_text(at)


def test_bad_address_parts_are_sentences_and_the_rest_is_used(app_env):
    add_to_roster(app_env, A)
    query = {"creators": f"{A.creator_id},ghost", "hashtags": "#x", "from": "31/02/2026",
             "fees": f"{A.creator_id}:lots", "currency": "euros"}  # fmt: skip
    at = open_page("campaigns", query=query)
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "not on this workspace's roster" in warnings and "YYYY-MM-DD" in warnings
    assert "fee in the address could not be read" in warnings and "three-letter code" in warnings


def test_the_form_saves_edits_and_deletes_a_campaign(app_env):
    add_to_roster(app_env, A, B)
    at = open_page("campaigns")
    assert "No saved campaigns yet" in page_text(at)
    by_label(at.text_input, "Name").input("Autumn launch")
    by_label(at.multiselect, "Creators").select(A.creator_id)
    at.run()
    by_label(at.text_input, "Hashtags").input(f"#{top_tag(A)}")
    by_label(at.text_input, "Currency").input("gbp")
    at.run()
    next(n for n in at.number_input if n.label.startswith("Fee for ")).set_value(250.0)
    next(b for b in at.button if b.label == "Save campaign").click().run()
    assert not at.exception
    (saved,) = app_store(app_env).campaigns()
    assert saved.name == "Autumn launch" and saved.creator_ids == [A.creator_id]
    assert saved.hashtags == [top_tag(A)] and saved.fees == {
        A.creator_id: {"amount": 250.0, "currency": "GBP"}
    }
    assert at.query_params["campaign"] == saved.campaign_id
    assert "Matched posts" in page_source(at, markdown_only=True)

    at = open_page("campaigns", query={"campaign": saved.campaign_id})
    assert "Editing: Autumn launch" in page_text(at)
    by_label(at.text_input, "Name").input("Autumn launch v2")
    next(b for b in at.button if b.label == "Save campaign").click().run()
    (edited,) = app_store(app_env).campaigns()
    assert edited.campaign_id == saved.campaign_id and edited.name == "Autumn launch v2"

    at = open_page("campaigns", query={"campaign": saved.campaign_id})
    next(b for b in at.button if b.label == "Yes, delete").click().run()
    assert app_store(app_env).campaigns() == [] and not at.exception
