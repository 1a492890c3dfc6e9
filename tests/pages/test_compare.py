"""The compare page under AppTest, on the embedded sandbox."""

from __future__ import annotations

import re
import stat
import time

import pytest

from components.exports.compare_html import render_compare_html
from components.ui.compare import CHART_SECTIONS, OVERLAP
from fpapi import Insights
from fpapi.analysis.report import build_report
from fpapi.sandbox import build_insights, embedded_sandbox, instagram_pool
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import Creator
from tests.helpers import add_to_roster, charts_of, plotly_values
from tests.pages.apptest import break_vendor, by_label, open_page, page_source, page_text

ACCOUNTS = list(instagram_pool()[:14])


def ids(accounts) -> str:
    return ",".join(a.creator_id for a in accounts)


def table_of(at):
    return at.table[0].value


def test_compare_two_creators(app_env):
    add_to_roster(app_env, *ACCOUNTS[:2])
    at = open_page("compare", query={"creators": ids(ACCOUNTS[:2])})
    assert not at.exception
    table = table_of(at)
    assert list(table.columns) == [a.name for a in ACCOUNTS[:2]]
    assert {
        "Data",
        "Followers",
        "Engagement rate",
        "Profile quality score",
        "Follower growth, year",
        "Share of sponsored posts",
    } <= set(table.index)
    assert all(str(v).startswith("Fetched") for v in table.loc["Data"])
    charts = charts_of(at)
    assert len(charts) == 1  # only the open tab's chart is built and sent
    growth = charts[0]
    assert "indexed to 100" in growth["layout"]["title"]["text"]
    assert len(growth["data"]) == 2
    for trace in growth["data"]:
        assert plotly_values(trace["y"])[0] == 100.0  # each indexed to 100 at the common start
    assert [t.label for t in at.tabs] == [*CHART_SECTIONS, OVERLAP]
    titles = []
    for section in CHART_SECTIONS:
        (chart,) = charts_of(
            open_page("compare", query={"creators": ids(ACCOUNTS[:2]), "chart": section})
        )
        assert chart["data"], section
        titles.append(chart["layout"]["title"]["text"])
    assert len(set(titles)) == 5
    overlap = open_page("compare", query={"creators": ids(ACCOUNTS[:2]), "chart": OVERLAP})
    assert "Shared hashtags" in page_text(overlap) and not charts_of(overlap)


def test_compare_twelve_creators(app_env):
    add_to_roster(app_env, *ACCOUNTS[:12])
    at = open_page("compare", query={"creators": ids(ACCOUNTS[:12]), "chart": CHART_SECTIONS[-1]})
    assert not at.exception
    assert len(table_of(at).columns) == 12
    scatter = charts_of(at)[-1]
    assert (
        len(scatter["data"]) == 12 and len(scatter["layout"]["shapes"]) == 5
    )  # benchmark bands behind


def test_twelve_creators_not_cached_are_fetched_all_at_once(app_env):
    """Twelve fetches on a cold compare page overlap in full: the sandbox, 300 ms late on
    every call, answers all twelve at the same time (nothing between the page and the vendor
    queues them: connection limits, worker counts, a single-threaded server)."""
    sandbox = embedded_sandbox()
    add_to_roster(app_env, *ACCOUNTS[:12])
    sandbox.knobs.latency_s = 0.3
    sandbox.reset_peak()
    try:
        at = open_page("compare", query={"creators": ids(ACCOUNTS[:12])})
    finally:
        sandbox.knobs.latency_s = 0.0
    assert not at.exception
    assert all(str(v).startswith("Fetched") for v in table_of(at).loc["Data"])
    assert sandbox.peak_calls_at_once == 12


def test_bad_ids_in_the_link_are_notes_not_errors(app_env):
    add_to_roster(app_env, *ACCOUNTS)
    link = ",".join(
        [
            ACCOUNTS[0].creator_id,
            ACCOUNTS[0].creator_id,
            "unknown-id",
            *[a.creator_id for a in ACCOUNTS[1:14]],
        ]
    )
    at = open_page("compare", query={"creators": link})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert (
        "twice" in warnings
        and "not on this workspace's roster" in warnings
        and "At most 12" in warnings
    )
    assert len(table_of(at).columns) == 12


def test_one_failing_creator_shows_its_error_in_its_own_column(app_env):
    add_to_roster(app_env, *ACCOUNTS[:2])
    store = DataFolderStore(app_env / "store")
    store.add_creator(
        Creator(
            creator_id="revoked-creator",
            connector="instagram",
            name="Gone Creator",
            verified_at=time.time(),
        )
    )
    store.close()
    at = open_page("compare", query={"creators": ids(ACCOUNTS[:2]) + ",revoked-creator"})
    assert not at.exception
    table = table_of(at)
    assert (
        table.at["Data", "Gone Creator"]
        .replace("\\", "")  # the vendor's words, markdown-escaped: shown as they are
        .startswith("Failed: The First Party API does not know this creator")
    )
    assert table.at["Followers", "Gone Creator"] == "–"
    assert table.at["Followers", ACCOUNTS[0].name] != "–"
    assert "Gone Creator: insights could not be loaded" in " ".join(e.value for e in at.error)
    assert len(charts_of(at)) == 1


def test_fees_add_cost_rows_with_the_formula(app_env):
    add_to_roster(app_env, *ACCOUNTS[:3])
    at = open_page("compare", query={"creators": ids(ACCOUNTS[:3])})
    amounts = [n for n in at.number_input if n.label == "Fee"]
    amounts[0].set_value(500.0)
    amounts[1].set_value(1500.0)
    at.run()
    table = table_of(at)
    assert {
        "Quoted fee",
        "Cost per engagement",
        "CPM (cost per 1,000 views)",
        "Cost per 1,000 followers",
    } <= set(table.index)
    assert table.at["Quoted fee", ACCOUNTS[0].name] == "500.00 USD ▲ best"  # not colour alone
    assert table.at["Cost per engagement", ACCOUNTS[2].name] == "–"  # no fee quoted
    assert "Cost per engagement = fee / (median likes + median comments per post)" in page_text(at)


def test_rows_can_be_chosen(app_env):
    add_to_roster(app_env, *ACCOUNTS[:2])
    at = open_page("compare", query={"creators": ids(ACCOUNTS[:2])})
    by_label(at.multiselect, "Rows to show").set_value(["followers", "er"]).run()
    assert list(table_of(at).index) == ["Data", "Followers", "Engagement rate"]


def test_save_and_reopen_a_shortlist_with_fees_and_notes(app_env):
    add_to_roster(app_env, *ACCOUNTS[:3])
    at = open_page("compare", query={"creators": ids(ACCOUNTS[:3])})
    next(n for n in at.number_input if n.label == "Fee").set_value(750.0)
    next(t for t in at.text_input if t.label == "Note").input("Replies fast")
    by_label(at.text_input, "Shortlist name").input("Spring launch")
    next(b for b in at.button if b.label == "Save shortlist").click().run()
    assert "Saved the shortlist Spring launch with 3 creators" in page_text(at)
    [saved] = DataFolderStore(app_env / "store").shortlists()
    assert saved.creator_ids == [a.creator_id for a in ACCOUNTS[:3]]
    assert saved.fees[ACCOUNTS[0].creator_id] == {"amount": 750.0, "currency": "USD"}
    assert saved.notes == {ACCOUNTS[0].creator_id: "Replies fast"}

    reopened = open_page("compare", query={"shortlist": saved.shortlist_id})  # a new session
    assert not reopened.exception
    assert list(table_of(reopened).columns) == [a.name for a in ACCOUNTS[:3]]
    assert table_of(reopened).at["Quoted fee", ACCOUNTS[0].name] == "750.00 USD"
    assert reopened.query_params["creators"] == ids(ACCOUNTS[:3])  # the link now names them

    roster = open_page("creators")
    assert "Spring launch (3 creators)" in [link.proto.label for link in roster.get("page_link")]


def test_fewer_than_two_creators_is_a_prompt(app_env):
    add_to_roster(app_env, *ACCOUNTS[:3])
    at = open_page("compare")
    assert "Pick at least 2 creators" in page_text(at) and not at.exception


def test_exports_are_offered(app_env):
    add_to_roster(app_env, *ACCOUNTS[:2])
    at = open_page("compare", query={"creators": ids(ACCOUNTS[:2])})
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Table as CSV", "Table and top posts as XLSX", "Report as HTML"]


def highlighted(at) -> set[tuple[str, str]]:
    """The (row, column) cells the comparison table highlights, read from its styler."""
    frame = table_of(at)
    styles = at.table[0].proto.arrow_data.styler.styles
    cells = re.findall(r"row(\d+)_col(\d+)", styles.split("{")[0])
    return {(frame.index[int(r)], frame.columns[int(c)]) for r, c in cells}


def test_the_comparison_shows_each_value_with_its_unit_and_highlights_the_best(app_env):
    accounts = ACCOUNTS[:3]
    add_to_roster(app_env, *accounts)
    at = open_page("compare", query={"creators": ids(accounts)})
    table, best = table_of(at), highlighted(at)
    raw = {a.name: build_insights(a) for a in accounts}
    rows = {
        "Engagement rate": lambda b: b["profile_overview"]["engagement"],
        "Video engagement": lambda b: b["get_reach_and_engagement_details"]["video_engagement"],
        "Followers": lambda b: b["profile_overview"]["followers_count"],
    }
    for row, read in rows.items():
        values = {name: float(read(body)) for name, body in raw.items()}
        assert {(row, max(values, key=values.get))} == {cell for cell in best if cell[0] == row}
    for name, body in raw.items():  # percentages as the vendor sends them, never x100
        marked = " ▲ best" if ("Engagement rate", name) in best else ""  # words, not colour only
        shown = f"{body['profile_overview']['engagement']:.2f}%{marked}"
        assert table.at["Engagement rate", name] == shown
        assert table.at["Profile quality score", name].removesuffix(" ▲ best").endswith(" / 100")
    assert not any(cell[0] == "Share of sponsored posts" for cell in best)  # no direction
    marked = {(row, column) for row in table.index for column in table.columns
              if str(table.at[row, column]).endswith("▲ best")}  # fmt: skip
    assert marked == best  # every highlighted cell says so in words, and only those


def test_the_growth_chart_can_show_raw_follower_counts(app_env):
    add_to_roster(app_env, *ACCOUNTS[:2])
    at = open_page("compare", query={"creators": ids(ACCOUNTS[:2])})
    by_label(at.toggle, "Show raw follower counts instead of growth indexed to 100").set_value(
        True
    ).run()
    (growth,) = charts_of(at)
    assert "indexed to 100" not in growth["layout"]["title"]["text"]
    firsts = {plotly_values(trace["y"])[0] for trace in growth["data"]}
    assert firsts != {100.0} and min(firsts) > 1000  # follower counts, not an index


@pytest.mark.parametrize("amount", [1e308, 0.0, -5.0, 1_000_000_001.0])
def test_an_out_of_range_fee_is_refused_with_a_sentence(app_env, amount):
    from fpapi.sandbox import instagram_pool

    accounts = instagram_pool()[:2]
    add_to_roster(app_env, *accounts)
    at = open_page("compare", query={"creators": ",".join(a.creator_id for a in accounts)})
    at.number_input[0].set_value(amount).run()
    assert not at.exception
    assert "A fee must be" in " ".join(e.value for e in at.error)
    assert "Fee" not in set(at.table[0].value.index)  # no pricing row from that fee


def test_compare_shows_stale_copies_when_the_vendor_fails(vendor, app_env, monkeypatch):
    accounts = instagram_pool()[6:8]
    add_to_roster(app_env, *accounts)
    monkeypatch.setenv("FPAPI_CACHE_TTL_S", "0")
    query = {"creators": ",".join(a.creator_id for a in accounts)}
    open_page("compare", query=query)
    break_vendor(vendor, "503-html")
    at = open_page("compare", query=query)
    assert not at.exception
    assert all(str(v).startswith("Stale") for v in at.table[0].value.loc["Data"])
    assert "the API failed" in page_text(at)


def test_the_data_folder_is_readable_by_its_owner_only(app_env):
    add_to_roster(app_env, *instagram_pool()[:2])
    open_page("compare", query={"creators": ",".join(a.creator_id for a in instagram_pool()[:2])})
    DataFolderStore(app_env / "store").save_shortlist(
        "x", [a.creator_id for a in instagram_pool()[:2]]
    )
    paths = [app_env, *app_env.rglob("*")]
    assert any(p.suffix == ".val" for p in paths) or len(paths) > 4
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


HOSTILE = next(a for a in instagram_pool() if a.kind == "hostile")


UNESCAPED = re.compile(r"(?<!\\)(<|\$|:red\[|:blue\[|\]\(javascript)")


def test_hostile_names_on_the_roster_and_in_a_comparison_stay_text(app_env):
    add_to_roster(app_env, HOSTILE, instagram_pool()[0])
    roster = open_page("creators")
    assert not UNESCAPED.search(page_source(roster, markdown_only=True))
    assert "<script>alert('name')</script>" in page_text(roster)
    compare = open_page(
        "compare", query={"creators": f"{HOSTILE.creator_id},{instagram_pool()[0].creator_id}"}
    )
    assert not compare.exception and not UNESCAPED.search(page_source(compare, markdown_only=True))
    shown = compare.table[0].value
    headers = [str(c) for c in shown.columns]  # st.table renders markdown: escaped there
    assert HOSTILE.name not in headers and HOSTILE.name in [h.replace("\\", "") for h in headers]
    shown = shown.rename(columns=lambda c: str(c).replace("\\", ""))  # as the page exports it
    report = build_report(
        Insights.from_raw(
            __import__("fpapi.sandbox", fromlist=["build_insights"]).build_insights(HOSTILE)
        )
    )
    page = render_compare_html(shown, best=set(), figures=[], title=HOSTILE.name)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;name&#x27;)" in page
    assert report.posts["caption"].str.len().max() > 100_000  # the 100 KB caption is in the data


def test_a_second_pick_whose_rerun_carries_the_address_from_before_the_first_is_kept(app_env):
    """On a slow connection a quick second pick's rerun can still carry the page's address
    from before the first pick: the picks own the address once the page is open."""
    add_to_roster(app_env, *ACCOUNTS[:2])
    at = open_page("compare")
    picker = by_label(at.multiselect, "Creators to compare")
    picker.set_value([ACCOUNTS[0].creator_id]).run()
    at.query_params.clear()  # the address as it was before the first pick
    picker = by_label(at.multiselect, "Creators to compare")
    picker.set_value([a.creator_id for a in ACCOUNTS[:2]]).run()
    assert not at.exception
    assert list(table_of(at).columns) == [a.name for a in ACCOUNTS[:2]]
    assert at.query_params["creators"] == ids(ACCOUNTS[:2])
