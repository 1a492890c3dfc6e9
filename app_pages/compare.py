"""Compare: 2 to 12 creators side by side (``?creators=<id>,<id>,...``), with pricing and shortlists."""

from __future__ import annotations

import streamlit as st

from components.exports.compare_html import render_compare_html
from components.figures import compare_charts as cc
from components.figures.compare_charts import comparison_figures
from components.frame import state
from components.frame.loaders import compare_figure, load_many, report_of
from components.frame.pages import link
from components.frame.workspace import open_workspace
from components.text import ago, md_escape
from components.ui import compare as ui
from components.ui.activity import export_button
from components.ui.creator_picker import creator_label, roster_choices
from components.ui.insights import show_figure
from components.ui.share import render_share_button
from fpapi.analysis.compare import (
    MAX_COMPARE,
    MIN_COMPARE,
    PRICING_FORMULAS,
    ROW_LABELS,
    build_comparison,
    export_sheets,
    listed_ids,
    overlap,
    parse_creator_ids,
    unique_labels,
)
from fpapi.analysis.export import to_safe_csv, to_xlsx
from fpapi.errors import ShortlistError
from fpapi.storage.cache import LoadedInsights

PICKER_KEY = "cis.compare.creators"

st.title("Compare creators")

ws = open_workspace()

shortlist_id = st.query_params.get("shortlist")
shortlist = None
if shortlist_id:
    shortlist = ws.shortlist(shortlist_id)
    del st.query_params["shortlist"]
    if shortlist is None:
        st.warning("That shortlist no longer exists.")
    else:
        ui.load_pricing_into_session(shortlist)
        st.query_params["creators"] = ",".join(shortlist.creator_ids)
        state.set_shortlist_name(shortlist.name)

asked = listed_ids(st.query_params.get("creators"))
choices = roster_choices(ws, asked, key="find-creators", connector="instagram") or {}
parsed = parse_creator_ids(st.query_params.get("creators"), choices)
for note in parsed.notes:
    st.warning(note)

if len(choices) < MIN_COMPARE:
    st.info(
        "Comparing needs at least two Instagram creators on the roster. Verify more creators first."
    )
    link("connect", "Create a verification link")
    st.stop()

# A stable key keeps the picker the same widget as creators are picked (with only a default
# that changes, each pick made a new one and the keyboard's focus was lost). The address is put
# into it when the page is opened (a link, a new tab) or a shortlist is; after that, the picks
# own the address: a quick second pick's rerun can still carry the address from before the
# first (a slow connection), and reading it then dropped both picks.
if state.entered_page() or shortlist is not None:
    st.session_state[PICKER_KEY] = parsed.ids
chosen = st.multiselect(
    f"Creators to compare ({MIN_COMPARE} to {MAX_COMPARE}; type to search by name or handle)",
    list(choices),
    key=PICKER_KEY,
    max_selections=MAX_COMPARE,
    format_func=lambda cid: creator_label(choices[cid]),
    placeholder="Choose creators",
)
names = unique_labels({cid: (choices[cid].name, choices[cid].username) for cid in chosen})
if ",".join(chosen) != st.query_params.get("creators", ""):
    st.query_params["creators"] = ",".join(chosen)  # the comparison stays a shareable link
if len(chosen) < MIN_COMPARE:
    st.info(f"Pick at least {MIN_COMPARE} creators to compare them side by side.")
    st.stop()

progress = st.progress(0.0, text=f"Loading insights: 0 of {len(chosen)} creators")
results = load_many(
    ws,
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
        st.error(f"{md_escape(names[cid])}: insights could not be loaded. {md_escape(str(result))}")
    elif result.source == "stale":
        st.warning(
            f"{md_escape(names[cid])}: showing a copy from {ago(result.age_s)} ago, the API failed. {result.error}"
        )

reports = {cid: report_of(ws, item) for cid, item in loaded.items()}
loaded_chosen = {cid: loaded[cid] for cid in chosen if cid in loaded}
columns = {cid: names[cid] for cid in chosen}

st.subheader("Fees and notes", anchor=False)
st.caption("Enter a quoted fee per creator to see what each costs per result. " + PRICING_FORMULAS)
with st.expander("Quoted fees", expanded=False):
    fees, notes = ui.render_pricing_inputs(chosen, columns)

st.subheader("Side by side", anchor=False)
comparison = build_comparison(reports, columns, fees)
if comparison.mixed_currencies:
    st.caption("Fees are in different currencies, so costs are not ranked against each other.")
shown_rows = st.multiselect(
    "Rows to show",
    comparison.row_keys,
    default=comparison.row_keys,
    format_func=ROW_LABELS.__getitem__,
    placeholder="Choose rows",
)
statuses = {columns[cid]: ui.status_text(results[cid]) for cid in chosen}
shown = ui.shown_table(comparison, shown_rows, statuses)
st.table(ui.styled(shown))  # real text: read by screen readers, found by search
st.caption(
    "Highlighted: the best value in each row. “–”: no value (the vendor has none, or the "
    "creator's trend is too short for the period)."
)

st.subheader("Charts and overlap", anchor=False)
for tab, section in ui.compare_tabs():  # only the open tab's chart is sent
    with tab:
        if section == ui.OVERLAP:
            ui.render_overlap(overlap(reports, columns))
            continue
        if section == ui.GROWTH:
            ui.render_raw_toggle()
        index = ui.CHART_SECTIONS.index(section)
        figure = compare_figure(ws, loaded_chosen, columns, index, raw=state.raw_follower_counts())
        show_figure(figure, key=f"compare-{index}", missing=cc.MISSING_NOTES[index])

st.subheader("Save and export" if ws.may_change else "Export", anchor=False)
name_col, save_col = st.columns([4, 1], vertical_alignment="bottom")
name = (
    name_col.text_input(
        "Shortlist name",
        key=state.SHORTLIST_NAME_KEY,
        max_chars=80,
        placeholder="e.g. Spring launch",
    )
    if ws.may_change
    else ""
)
if ws.may_change and save_col.button("Save shortlist", type="primary"):
    try:
        fee_data = {cid: {"amount": f.amount, "currency": f.currency} for cid, f in fees.items()}
        saved = ws.save_shortlist(name, chosen, fees=fee_data, notes=notes)
    except ShortlistError as err:
        st.error(str(err))
    else:
        st.success(f"Saved the shortlist {md_escape(saved.name)} with {len(chosen)} creators.")

left, middle, right = st.columns(3)
labelled_reports = {columns[cid]: reports[cid] for cid in chosen if cid in reports}
raw = state.raw_follower_counts()
subject = "a comparison of " + ", ".join(columns.values())
export_button(
    "Table as CSV",
    data=lambda: to_safe_csv(comparison.labelled()),
    file_name="comparison.csv",
    mime="text/csv",
    icon=":material/download:",
    subject=subject,
    container=left,
)
export_button(
    "Table and top posts as XLSX",
    data=lambda: to_xlsx(export_sheets(comparison, reports, columns)),
    file_name="comparison.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table:",
    subject=subject,
    container=middle,
)
export_button(
    "Report as HTML",
    data=lambda: render_compare_html(
        shown.frame,
        best=shown.highlight,
        figures=comparison_figures(labelled_reports, raw=raw),
        title="Creator comparison",
    ),
    file_name="comparison.html",
    mime="text/html",
    icon=":material/description:",
    subject=subject,
    container=right,
)

render_share_button(
    ws,
    "compare",
    "Comparison of " + ", ".join(columns[cid] for cid in chosen if cid in loaded),
    [cid for cid in chosen if cid in loaded],
    {"fees": {cid: {"amount": f.amount, "currency": f.currency} for cid, f in fees.items()}},
)

with st.expander("Saved shortlists"):
    ui.render_shortlists(ws)
