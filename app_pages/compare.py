"""Compare: 2 to 12 creators side by side (``?creators=<id>,<id>,...``), with pricing and shortlists."""

from __future__ import annotations

import streamlit as st

from components import compare_charts as cc
from components import compare_ui as ui
from components.activity import export_button
from components.compare_html import render_compare_html
from components.insights_ui import show_figure
from components.loaders import (
    DataDirError,
    LoadedInsights,
    compare_figures,
    get_config,
    get_store,
    load_many,
)
from components.pages import link
from components.text import ago, md_escape
from fpapi.analysis.compare import (
    MAX_COMPARE,
    METRICS,
    MIN_COMPARE,
    PRICING_FORMULAS,
    PRICING_ROWS,
    best_in_row,
    comparison_frame,
    overlap,
    parse_creator_ids,
    pricing_frame,
    unique_labels,
)
from fpapi.analysis.export import to_safe_csv, to_xlsx
from fpapi.storage.store import ShortlistError

st.title("Compare creators")

config = get_config()
try:
    store = get_store(config)
    roster = [c for c in store.creators() if c.connector == "instagram"]
except DataDirError as err:
    st.error(str(err))
    st.stop()

by_id = {c.creator_id: c for c in roster}
names = unique_labels({cid: (c.name, c.username) for cid, c in by_id.items()})

shortlist_id = st.query_params.get("shortlist")
if shortlist_id:
    shortlist = store.get_shortlist(shortlist_id)
    del st.query_params["shortlist"]
    if shortlist is None:
        st.warning("That shortlist no longer exists.")
    else:
        ui.load_pricing_into_session(shortlist)
        st.query_params["creators"] = ",".join(shortlist.creator_ids)
        st.session_state["cis.compare.shortlist_name"] = shortlist.name

parsed = parse_creator_ids(st.query_params.get("creators"), by_id)
for note in parsed.notes:
    st.warning(note)

if len(roster) < MIN_COMPARE:
    st.info(
        "Comparing needs at least two Instagram creators on the roster. Verify more creators first."
    )
    link("connect", "Create a verification link")
    st.stop()

chosen = st.multiselect(
    f"Creators to compare ({MIN_COMPARE} to {MAX_COMPARE}; type to search by name or handle)",
    list(by_id),
    default=parsed.ids,
    max_selections=MAX_COMPARE,
    format_func=lambda cid: " · ".join(
        filter(None, [by_id[cid].name, f"@{by_id[cid].username}" if by_id[cid].username else None])
    ),
    placeholder="Choose creators",
)
if ",".join(chosen) != st.query_params.get("creators", ""):
    st.query_params["creators"] = ",".join(chosen)  # the comparison stays a shareable link
if len(chosen) < MIN_COMPARE:
    st.info(f"Pick at least {MIN_COMPARE} creators to compare them side by side.")
    st.stop()

progress = st.progress(0.0, text=f"Loading insights: 0 of {len(chosen)} creators")
results = load_many(
    config,
    chosen,
    on_progress=lambda done, total: progress.progress(
        done / total, text=f"Loading insights: {done} of {total} creators"
    ),
)
progress.empty()

loaded: dict[str, LoadedInsights] = {
    cid: r for cid, r in results.items() if isinstance(r, LoadedInsights)
}
for cid, result in results.items():
    if not isinstance(result, LoadedInsights):
        st.error(f"{md_escape(names[cid])}: insights could not be loaded. {result}")
    elif result.source == "stale":
        st.warning(
            f"{md_escape(names[cid])}: showing a copy from {ago(result.age_s)} ago, the API failed. {result.error}"
        )

reports = {cid: r.report for cid, r in loaded.items()}
columns = {cid: names[cid] for cid in chosen}

st.subheader("Fees and notes", anchor=False)
st.caption("Enter a quoted fee per creator to see what each costs per result. " + PRICING_FORMULAS)
with st.expander("Quoted fees", expanded=False):
    fees, notes = ui.render_pricing_inputs(chosen, columns)

st.subheader("Side by side", anchor=False)
table = comparison_frame({cid: reports[cid] for cid in chosen if cid in reports}, columns)
for cid in chosen:  # a failed creator keeps its own column
    if columns[cid] not in table.columns:
        table[columns[cid]] = None
table = table[[columns[cid] for cid in chosen]]
better = {m.key: m.better for m in METRICS}
prices, price_better, currencies = pricing_frame(reports, columns, fees)
if not prices.empty:
    table = table.combine_first(prices).reindex(list(table.index) + list(prices.index))[
        table.columns
    ]
    better |= price_better
    if len(set(currencies.values())) > 1:
        st.caption("Fees are in different currencies, so costs are not ranked against each other.")
row_keys = [m.key for m in METRICS] + ([key for key, _ in PRICING_ROWS] if not prices.empty else [])
shown_rows = st.multiselect(
    "Rows to show",
    row_keys,
    default=row_keys,
    format_func=ui.LABELS.__getitem__,
    placeholder="Choose rows",
)
best = best_in_row(table, better)
statuses = {columns[cid]: ui.status_text(results[cid]) for cid in chosen}
styled = ui.display_table(table, shown_rows, best, statuses, currencies)
st.dataframe(
    styled,
    width="stretch",
    height=min(40 + 35 * (len(shown_rows) + 1), 900),
    column_config={"_index": st.column_config.Column(width="medium")},
)
st.caption("Highlighted: the best value in each row. “–”: the vendor has no value for it.")

st.subheader("Charts", anchor=False)
raw = st.toggle("Show raw follower counts instead of growth indexed to 100", value=False)
figures = compare_figures(
    config, {cid: loaded[cid] for cid in chosen if cid in loaded}, columns, raw=raw
)
for index, (figure, note) in enumerate(zip(figures, cc.MISSING_NOTES, strict=True)):
    show_figure(figure, key=f"compare-{index}", missing=note)

st.subheader("Overlap", anchor=False)
shared = overlap(reports, columns)
for key, title in (
    ("hashtags", "Shared hashtags"),
    ("brands", "Shared brand mentions"),
    ("look_alikes", "Shared look-alikes"),
):
    st.markdown(f"**{title}**")
    if shared[key].empty:
        st.caption("Nothing shared by two or more of these creators.")
    else:
        st.dataframe(shared[key], hide_index=True, width="stretch")

st.subheader("Save and export", anchor=False)
name_col, save_col = st.columns([4, 1], vertical_alignment="bottom")
name = name_col.text_input(
    "Shortlist name",
    key="cis.compare.shortlist_name",
    max_chars=80,
    placeholder="e.g. Spring launch",
)
if save_col.button("Save shortlist", type="primary"):
    try:
        fee_data = {cid: {"amount": f.amount, "currency": f.currency} for cid, f in fees.items()}
        saved = store.save_shortlist(name, chosen, fees=fee_data, notes=notes)
    except ShortlistError as err:
        st.error(str(err))
    else:
        st.success(f"Saved the shortlist {md_escape(saved.name)} with {len(chosen)} creators.")

export_table = table.rename(index=ui.LABELS)
posts_sheets = {
    columns[cid]: reports[cid]
    .posts.sort_values("er", ascending=False)
    .head(50)
    .drop(columns=["image_url"])
    for cid in chosen
    if cid in reports
}
left, middle, right = st.columns(3)
subject = "a comparison of " + ", ".join(columns.values())
export_button(
    "Table as CSV",
    data=lambda: to_safe_csv(export_table.reset_index(names="metric")),
    file_name="comparison.csv",
    mime="text/csv",
    icon=":material/download:",
    subject=subject,
    container=left,
)
export_button(
    "Table and top posts as XLSX",
    data=lambda: to_xlsx({"Comparison": export_table.reset_index(names="metric"), **posts_sheets}),
    file_name="comparison.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table:",
    subject=subject,
    container=middle,
)
export_button(
    "Report as HTML",
    data=lambda: render_compare_html(
        ui.display_table(table, shown_rows, best, statuses, currencies).data,
        best={(ui.LABELS[k], c) for k, cs in best.items() if k in shown_rows for c in cs},
        figures=figures,
        title="Creator comparison",
    ),
    file_name="comparison.html",
    mime="text/html",
    icon=":material/description:",
    subject=subject,
    container=right,
)

with st.expander("Saved shortlists"):
    ui.render_shortlists(store)
