"""Every page under AppTest: it runs without an exception and says what it is for."""

from __future__ import annotations

import pytest

from tests.apptest import PAGES, app_store, open_page, page_text


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_runs_without_an_exception(app_env, name):
    at = open_page(name)
    assert not at.exception, at.exception
    assert at.title, f"{name} has no title"


def test_home_walks_a_first_time_analyst_to_the_next_step(app_env):
    at = open_page("home")
    text = page_text(at)
    assert "Creator Insights Studio" in text
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    assert links["Create a verification link"] == "connect"
    assert any(m.label == "Creators on the roster" and m.value == "0" for m in at.metric)


def test_sidebar_says_the_app_runs_on_the_sandbox(app_env):
    at = open_page("home")
    sidebar = " ".join(str(info.value) for info in at.sidebar.info)
    assert "Sandbox mode" in sidebar


def test_a_bad_configuration_is_a_sentence_not_a_crash(app_env, monkeypatch):
    monkeypatch.setenv("FPAPI_BASE_URL", "https://api.vendor.example/v1")
    at = open_page("home")
    assert not at.exception
    assert "FPAPI_TOKEN is not" in " ".join(e.value for e in at.error)


def test_an_unusable_data_directory_is_a_sentence_not_a_crash(app_env, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FPAPI_DATA_DIR", str(blocker))
    at = open_page("home")
    assert not at.exception
    assert "cannot be used" in " ".join(e.value for e in at.error)


def test_the_activity_list_shows_names_and_labels_as_plain_text(app_env):
    """st.table renders markdown: a creator's name or a link label must never become a link or
    bold text in every analyst's activity list."""
    from fpapi.storage.records import Activity, Creator

    hostile = "[Action required](https://evil.test/login) **urgent**"
    store = app_store(app_env)
    store.add_creator(Creator("c1", "instagram", name=hostile))
    store.add_activity(Activity(1.0, "local", "creator_verified", hostile, detail="`x`"))
    at = open_page("activity")
    [what] = at.table[0].value["What"].tolist()
    assert "](https://" not in what and "**" not in what and "`x`" not in what
    assert what.replace("\\", "") == f"verified {hostile} (`x`)"  # as typed, once unescaped


HOSTILE = "[x](https://evil.test) **b**"


def test_a_hostile_name_stays_text_in_the_compare_table_and_the_campaign_links(app_env):
    """st.table renders markdown in its headers, page links in their labels: a creator's name
    and a campaign's name are escaped there, never a live link or bold text."""
    from fpapi.sandbox import instagram_pool
    from fpapi.storage.records import Campaign, Creator

    first, second = instagram_pool()[:2]
    store = app_store(app_env)
    store.add_creator(Creator(first.creator_id, "instagram", name=HOSTILE, username=first.username))
    store.add_creator(
        Creator(second.creator_id, "instagram", name=second.name, username=second.username)
    )
    store.save_campaign(Campaign("camp-1", HOSTILE, [first.creator_id], ["summer"]))
    compare = open_page("compare", query={"creators": f"{first.creator_id},{second.creator_id}"})
    headers = [str(c) for c in compare.table[0].value.columns]
    assert not any("](https://" in h or "**" in h for h in headers), headers
    assert any(h.replace("\\", "").startswith(HOSTILE) for h in headers), headers
    campaigns = open_page("campaigns")
    labels = [str(link.proto.label) for link in campaigns.get("page_link")]
    assert any(label.replace("\\", "").startswith(HOSTILE) for label in labels), labels
    assert not any("](https://" in label for label in labels), labels
