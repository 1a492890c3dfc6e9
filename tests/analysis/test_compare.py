"""The comparison's pure logic: ids, table, best-in-row, indexed growth, overlap and pricing."""

from __future__ import annotations

import copy
import io
import math

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpapi import Insights
from fpapi.analysis.compare import (
    MAX_COMPARE,
    Fee,
    best_in_row,
    build_comparison,
    comparison_frame,
    fee_problem,
    indexed_growth,
    listed_ids,
    overlap,
    parse_creator_ids,
    pricing,
    pricing_frame,
    unique_labels,
)
from fpapi.analysis.export import sheet_name, to_xlsx
from fpapi.analysis.report import build_report
from fpapi.sandbox import build_insights, instagram_pool
from tests.analyst_input import ANY_TEXT, QUERY_VALUE


def report_of(raw) -> object:
    return build_report(Insights.from_raw(raw))


@pytest.fixture(scope="module")
def three():
    accounts = instagram_pool()[:3]
    return {a.creator_id: report_of(build_insights(a)) for a in accounts}, {
        a.creator_id: a.name for a in accounts
    }


def test_creator_ids_from_a_link_are_cleaned():
    known = {f"id{i}": None for i in range(20)}
    parsed = parse_creator_ids("id1, id2,id1,,nope,id3", known)
    assert parsed.ids == ["id1", "id2", "id3"]
    assert any("twice" in n for n in parsed.notes) and any(
        "not on this workspace's roster" in n for n in parsed.notes
    )
    many = parse_creator_ids(",".join(f"id{i}" for i in range(15)), known)
    assert len(many.ids) == 12 and any("At most 12" in n for n in many.notes)
    assert parse_creator_ids(None, known).ids == []


def test_creators_sharing_a_name_get_distinct_columns():
    labels = unique_labels(
        {
            "1": ("Ana", "ana.a"),
            "2": ("Ana", "ana.b"),
            "3": ("Bo", None),
            "4": (None, "x"),
            "5": ("Ana", "ana.a"),
        }
    )
    assert labels["3"] == "Bo" and labels["4"] == "x"
    assert labels["2"] == "Ana (@ana.b)"
    assert len(set(labels.values())) == 5


def test_comparison_frame_has_a_column_per_creator_and_a_row_per_metric(three):
    reports, names = three
    table = comparison_frame(reports, names)
    assert list(table.columns) == list(names.values())
    assert {"followers", "er", "quality", "growth_year", "sponsored_share", "vendor_date"} <= set(
        table.index
    )
    first_id = next(iter(reports))
    assert table.at["followers", names[first_id]] == reports[first_id].followers


def test_each_kpi_row_of_the_comparison_holds_its_own_kpi(vendor_insights):
    # The sample's KPIs all differ, so any two swapped would show here.
    table = comparison_frame({"a": report_of(vendor_insights)}, {"a": "Ana"})
    rows = ["followers", "er", "posts_per_week", "efr", "median_views", "quality"]
    assert table.loc[rows, "Ana"].tolist() == [1257, 43.64, 0.94, 324.0, 4287, 92]


def test_best_in_row_respects_direction_ties_and_missing():
    table = pd.DataFrame(
        {"A": [10, 1.0, None, 5], "B": [20, 2.0, 3.0, 5], "C": [20, None, None, 5]},
        index=["followers", "cpm", "er", "same"],
        dtype=object,
    )
    best = best_in_row(
        table, {"followers": "higher", "cpm": "lower", "er": "higher", "same": "higher"}
    )
    assert best == {"followers": {"B", "C"}, "cpm": {"A"}}  # er has one value; "same" all tie


def test_indexed_growth_starts_at_100_on_the_common_start():
    a = pd.DataFrame(
        {"date": pd.date_range("2025-01-01", periods=10), "value": [100.0 + i for i in range(10)]}
    )
    b = pd.DataFrame(
        {
            "date": pd.date_range("2025-01-05", periods=10),
            "value": [50.0 + 2 * i for i in range(10)],
        }
    )
    long = indexed_growth({"A": a, "B": b})
    assert long["date"].min() == pd.Timestamp("2025-01-05")
    firsts = long.sort_values("date").groupby("creator")["value"].first()
    assert firsts.to_dict() == {"A": 100.0, "B": 100.0}
    assert long[long["creator"] == "A"]["value"].iloc[-1] == pytest.approx(109 / 104 * 100)
    raw = indexed_growth({"A": a, "B": b}, indexed=False)
    assert raw[raw["creator"] == "B"]["value"].iloc[0] == 50.0


def test_trends_that_never_overlap_are_indexed_each_from_its_own_first_reading():
    a = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3), "value": [10.0, 20, 30]})
    b = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=4), "value": [4.0, 5, 6, 8]})
    assert indexed_growth({"A": a, "B": b}).empty  # no common start to index them to
    own = indexed_growth({"A": a, "B": b}, own_start=True)
    lines = {name: line["value"].tolist() for name, line in own.groupby("creator")}
    assert lines == {"A": [100.0, 200.0, 300.0], "B": [100.0, 125.0, 150.0, 200.0]}
    assert own["date"].min() == pd.Timestamp("2024-01-01")  # every reading of both kept
    raw = indexed_growth({"A": a, "B": b}, indexed=False, own_start=True)
    assert raw[raw["creator"] == "B"]["value"].tolist() == [4.0, 5, 6, 8]


def test_overlap_finds_what_two_or_more_share(vendor_insights):
    other = build_insights(instagram_pool()[0])
    for post in other["get_posts"]["video_posts"][:2]:
        post["hashtags"] = ["punecity", "viratkohli"]
    other["profile_details"]["look_alike_creators"][0]["username"] = "yoo_yoo_gozooo"
    reports = {"a": report_of(vendor_insights), "b": report_of(other)}
    shared = overlap(reports, {"a": "Ratnadeep", "b": "Kenji"})
    tags = shared["hashtags"].set_index("hashtag")
    assert (
        set(tags.index) >= {"punecity", "viratkohli"}
        and tags.loc["punecity", "shared by"] == "Kenji, Ratnadeep"
    )
    assert "yoo_yoo_gozooo" in set(shared["look_alikes"]["look-alike"])


def test_pricing_uses_each_creators_medians(vendor_insights):
    report = report_of(vendor_insights)  # median likes 280, comments 11, views 4287, followers 1257
    priced = pricing(Fee(291.0, "EUR"), report)
    assert priced.cost_per_engagement == pytest.approx(1.0)
    assert priced.cpm == pytest.approx(291 / 4287 * 1000)
    assert priced.cost_per_1k_followers == pytest.approx(291 / 1257 * 1000)
    assert priced.notes == ()


def test_pricing_with_zero_or_missing_medians_says_why(vendor_insights):
    reach = vendor_insights["get_reach_and_engagement_details"]
    reach.update(median_likes=0, median_comments=None, median_views=0)
    priced = pricing(Fee(100.0, "USD"), report_of(vendor_insights))
    assert priced.cost_per_engagement is None and priced.cpm is None
    assert priced.cost_per_1k_followers is not None
    assert "no median likes or comments" in priced.notes and "no median views" in priced.notes
    assert pricing(None, report_of(vendor_insights)) is None
    assert pricing(Fee(math.nan, "USD"), report_of(vendor_insights)) is None


def test_pricing_rows_rank_only_within_one_currency(three):
    reports, names = three
    ids = list(reports)
    frame, better, _ = pricing_frame(
        reports, names, {ids[0]: Fee(500, "EUR"), ids[1]: Fee(900, "EUR")}
    )
    assert list(frame.columns) == [names[ids[0]], names[ids[1]]] and better["cpm"] == "lower"
    _, mixed, _ = pricing_frame(reports, names, {ids[0]: Fee(500, "EUR"), ids[1]: Fee(900, "USD")})
    assert mixed["cpm"] is None


def test_xlsx_has_a_table_sheet_and_one_per_creator_and_no_formulas():
    table = pd.DataFrame({"metric": ["Followers"], "A": ["=cmd|' /C calc'!A0"]})
    posts = pd.DataFrame({"caption": ["+SUM(1,2)"], "likes": [5]})
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            to_xlsx({"Comparison": table, "A [creator]: x/y": posts, "A [creator]: x/z": posts})
        )
    )
    assert workbook.sheetnames == ["Comparison", "A creator x y", "A creator x z"]
    assert workbook["Comparison"]["B2"].value == "'=cmd|' /C calc'!A0"
    assert workbook["Comparison"]["B2"].data_type == "s"
    assert workbook.worksheets[1]["B2"].value == 5


def test_sheet_names_are_unique_and_short():
    taken: set[str] = set()
    names = [sheet_name("A very long creator name that goes on and on", taken) for _ in range(3)]
    assert len(set(names)) == 3 and all(len(n) <= 31 for n in names)


def test_a_caption_longer_than_an_excel_cell_is_cut_visibly_not_silently():
    long_caption = "=cmd " + "x" * 100_000
    workbook = openpyxl.load_workbook(
        io.BytesIO(to_xlsx({"posts": pd.DataFrame({"caption": [long_caption]})}))
    )
    cell = workbook["posts"]["A2"].value
    assert len(cell) == 32_767 and cell.startswith("'=cmd") and cell.endswith("the CSV has it all]")


def test_each_creator_keeps_one_colour_on_every_chart_in_the_tables_order(vendor_insights):
    """Four creators where the second has no trend data (so it is missing from the growth
    and engagement charts): each keeps its column's colour everywhere."""
    from components.figures.compare_charts import comparison_figures

    def report(followers: int, *, trends: bool = True):
        raw = copy.deepcopy(vendor_insights)
        raw["profile_overview"]["followers_count"] = followers
        if not trends:
            raw["get_growth_trends"] = None
        return build_report(Insights.from_raw(raw))

    names = ["Ana", "Lucía", "Mateo", "Zoe"]
    reports = dict(
        zip(
            names,
            [report(12_000), report(40_000, trends=False), report(90_000), report(300_000)],
            strict=True,
        )
    )
    colour_of: dict[str, str] = {}
    for figure in comparison_figures(reports, raw=False):
        assert figure is not None
        traces = [t for t in figure.data if t.name]
        shown = [t.name for t in traces]
        assert shown == [n for n in names if n in shown], "legend out of the table's order"
        for trace in traces:
            colour = (
                trace.line.color
                if trace.type == "scatter" and trace.mode == "lines"
                else trace.marker.color
            )
            assert colour_of.setdefault(trace.name, colour) == colour, (
                f"{trace.name} changed colour"
            )
    assert len(set(colour_of.values())) == 4 and "Lucía" in colour_of


KNOWN_IDS = ["c1", "c2", "c3"]


@given(
    creators=st.lists(st.sampled_from(KNOWN_IDS) | ANY_TEXT, max_size=14).map(",".join)
    | QUERY_VALUE
)
def test_any_creators_list_in_an_address_is_read_to_known_ids_with_sentences(creators):
    """``?creators=`` on the compare page, whatever it holds: the known creators it lists, each
    once, in its order, at most 12; a sentence for what was left out."""
    param = creators[-1] if isinstance(creators, list) else creators  # the last one counts
    known = dict.fromkeys(KNOWN_IDS)
    parsed = parse_creator_ids(param, known)
    listed = listed_ids(param)
    assert set(parsed.ids) <= set(known) and len(parsed.ids) == len(set(parsed.ids))
    assert parsed.ids == [cid for cid in dict.fromkeys(listed) if cid in known][:MAX_COMPARE]
    assert all(note.endswith(".") for note in parsed.notes)
    assert bool(parsed.notes) == (len(parsed.ids) < len(listed))


FEE_REPORTS = {a.creator_id: report_of(build_insights(a)) for a in instagram_pool()[:2]}
FEE_COLUMNS = {cid: f"Creator {n}" for n, cid in enumerate(FEE_REPORTS)}


@given(
    fee=st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, -1.0, 0.004, 1e9, 1e9 + 1, 1e308, 5e-324])
)
def test_any_quoted_fee_is_priced_or_refused_with_a_sentence(fee):
    """The compare page's fee field: a fee is either refused with a sentence, or priced (the
    "Quoted fee" row and the costs it gives)."""
    problem = fee_problem(fee)
    first = next(iter(FEE_REPORTS))
    fees = {} if problem else {first: Fee(float(fee), "USD")}
    rows = set(build_comparison(FEE_REPORTS, FEE_COLUMNS, fees).labelled()["metric"])
    refused = problem is not None and "A fee must be" in problem
    assert refused != ("Quoted fee" in rows), (fee, rows)
    assert refused or (math.isfinite(fee) and fee > 0)
