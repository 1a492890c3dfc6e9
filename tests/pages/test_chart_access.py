"""Charts a screen reader can read: each is named by what it shows, the names on a page are
distinct, and "Show data" shows its numbers as a real table."""

from __future__ import annotations

from fpapi.sandbox import instagram_pool
from tests.helpers import add_to_roster, chart_labels, charts_of
from tests.pages.apptest import open_insights, open_page

POOL = instagram_pool()


def test_every_chart_on_insights_is_named_by_what_it_shows(app_env):
    account = POOL[0]
    add_to_roster(app_env, account)
    at = open_insights(account.creator_id)
    labels = chart_labels(at)
    titles = [chart["layout"]["title"]["text"] for chart in charts_of(at)]
    assert labels and len(labels) == len(titles)
    assert len(set(labels)) == len(labels)  # distinct on the page
    for label, title in zip(labels, titles, strict=True):
        assert label.startswith(title.split("<")[0].strip())
        assert "latest" in label or "highest" in label  # a value, not just a title
    follower = next(label for label in labels if label.startswith("Followers over time"))
    assert " to 20" in follower and "latest " in follower  # its range and latest value


def test_compare_charts_name_each_creator(app_env):
    accounts = POOL[:3]
    add_to_roster(app_env, *accounts)
    at = open_page("compare", query={"creators": ",".join(a.creator_id for a in accounts)})
    (growth, *_) = chart_labels(at)
    for account in accounts:
        assert account.name in growth


def test_show_data_shows_the_charts_numbers_as_a_table(app_env):
    account = POOL[0]
    add_to_roster(app_env, account)
    at = open_insights(account.creator_id)
    before = [t.value.to_json() for t in at.table]
    toggle = next(t for t in at.toggle if t.label == "Show data")  # the follower trend's
    toggle.set_value(True).run()
    new = [t.value for t in at.table if t.value.to_json() not in before]
    assert len(new) == 1
    (table,) = new
    assert len(table) > 10 and table.columns[0] == "Date"  # one row a day, oldest first
    assert any(str(column).startswith("Followers") for column in table.columns[1:])
