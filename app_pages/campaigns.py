"""Campaigns: the posts creators were paid for, what they delivered and at what real cost."""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st

from components.exports import campaign_report
from components.frame import state
from components.frame.loaders import load_many, report_of
from components.frame.workspace import WORKSPACE_PARAM, open_workspace
from components.text import md_escape
from components.ui import campaigns as campaigns_ui
from components.ui.activity import export_button
from components.ui.creator_picker import creator_label, roster_choices
from components.ui.share import render_share_button
from fpapi.analysis.campaigns import (
    MATCH_RULE,
    build_campaign_report,
    spec_from_params,
    spec_params,
)
from fpapi.analysis.compare import listed_ids
from fpapi.storage.cache import LoadedInsights
from fpapi.workspace.campaigns import campaign_of, example_campaign, new_campaign_id, spec_of

st.title("Campaigns")
st.caption(f"{MATCH_RULE} Every figure is first-party: read from the creator's own account.")

ws = open_workspace()
notice = state.pop_notice()
if notice:
    st.toast(md_escape(notice))  # it names a campaign: text, never markup

opened = ws.campaign(st.query_params.get("campaign") or "")
params = {
    k: v for k, v in st.query_params.to_dict().items() if k not in ("campaign", WORKSPACE_PARAM)
}
asked = [*(opened.creator_ids if opened else []), *listed_ids(params.get("creators"))]
by_id = roster_choices(ws, asked, key="find-campaign-creators", connector="instagram") or {}
if opened is not None and not params:  # a saved campaign, as saved
    spec, problems = spec_of(opened), []
else:  # a shared address, or a saved one shown with changes (its notes kept)
    spec, problems = spec_from_params(params, by_id)
    if opened is not None:
        spec = replace(spec, notes=opened.notes)
for problem in problems:
    st.warning(problem)

st.subheader("Saved campaigns", anchor=False)
campaigns_ui.render_saved(ws.campaigns(), opened.campaign_id if opened else None)
st.subheader(f"Editing: {md_escape(opened.name)}" if opened else "New campaign", anchor=False)
if not by_id:
    st.info("No Instagram creators on the roster yet: connect a creator first.")
    st.stop()
example = example_campaign(ws) if ws.on_sandbox and opened is None else None
if example is not None:
    campaigns_ui.render_example(example)
form = campaigns_ui.render_form(
    spec, list(by_id.values()), editing=opened is not None, may_change=ws.may_change
)
for problem in form.problems:
    st.error(problem)
if form.action and not form.problems:
    kept = {"campaign": opened.campaign_id} if opened else {}
    if form.action == "delete" and opened is not None:
        ws.delete_campaign(opened.campaign_id)
        st.query_params.clear()
        state.set_notice(f"Deleted the campaign {opened.name or ''}.")
        st.rerun()
    if form.action == "save":
        if not form.spec.name:
            st.error("Give the campaign a name to save it.")
            st.stop()
        campaign_id = opened.campaign_id if opened else new_campaign_id()
        ws.save_campaign(campaign_of(form.spec, campaign_id, actor=ws.actor.name))
        kept = {"campaign": campaign_id}
        state.set_notice(f"Saved the campaign {form.spec.name}.")
    st.query_params.from_dict({**kept, **spec_params(form.spec)})
    st.rerun()

if not spec.creator_ids or not (spec.hashtags or spec.mentions):
    st.info("Pick creators and at least one hashtag or brand handle, then press Show report.")
    st.stop()

progress = st.progress(0.0, text=f"Loading insights: 0 of {len(spec.creator_ids)} creators")
results = load_many(
    ws,
    list(spec.creator_ids),
    on_progress=lambda done, total: progress.progress(
        done / total, text=f"Loading insights: {done} of {total} creators"
    ),
)
progress.empty()
loaded = {cid: r for cid, r in results.items() if isinstance(r, LoadedInsights)}
for creator_id, result in results.items():
    if not isinstance(result, LoadedInsights):
        name = creator_label(by_id[creator_id])
        st.error(f"{md_escape(name)}: insights could not be loaded. {md_escape(str(result))}")
report = build_campaign_report(
    spec,
    {cid: report_of(ws, item) for cid, item in loaded.items()},
    {
        cid: (by_id[cid].name or cid, f"@{by_id[cid].username}" if by_id[cid].username else None)
        for cid in spec.creator_ids
    },
    {cid: item.fetched_at for cid, item in loaded.items()},
)
campaigns_ui.render_report(report)
render_share_button(
    ws,
    "campaign",
    spec.name or "Campaign report",
    [cid for cid in spec.creator_ids if cid in loaded],
    {k: v for k, v in spec_params(spec).items() if k != "creators"},
)

st.subheader("Export", anchor=False)
subject = f"campaign {spec.name or 'report'}"
stem = "".join(ch if ch.isalnum() else "-" for ch in (spec.name or "campaign")).strip("-")
csv, xlsx, page = st.columns(3)
export_button(
    "Posts as CSV", data=lambda: campaign_report.to_csv(report), file_name=f"{stem}.csv",
    mime="text/csv", icon=":material/download:", subject=subject, container=csv,
)  # fmt: skip
export_button(
    "Posts and totals as XLSX", data=lambda: campaign_report.to_workbook(report),
    file_name=f"{stem}.xlsx", icon=":material/table:", subject=subject, container=xlsx,
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)  # fmt: skip
export_button(
    "Report as HTML",
    data=lambda: campaign_report.to_html(
        report, by_id, brand=ws.settings.report_brand, colour=ws.settings.report_color,
        now=time.time(),
    ),
    file_name=f"{stem}.html", mime="text/html", icon=":material/description:",
    subject=subject, container=page,
)  # fmt: skip
