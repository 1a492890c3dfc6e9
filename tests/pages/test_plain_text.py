"""The pages where what a creator, a label or a name says is shown: as plain text, never
markup (st.table, toasts and page links render markdown)."""

from __future__ import annotations

from tests.helpers import app_store
from tests.pages.apptest import open_page


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
