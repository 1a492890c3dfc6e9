"""The campaigns page's pieces: the saved list, the campaign's form, and its report as page
text (the exports come from components/exports/campaign_report.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import streamlit as st

from components.exports import campaign_report as text
from components.frame.pages import link
from components.text import md_escape
from components.ui.creator_picker import creator_label
from fpapi.analysis.campaigns import (
    DEFAULT_CURRENCY,
    CampaignReport,
    CampaignSpec,
    parse_terms,
)
from fpapi.analysis.compare import Fee, fee_problem
from fpapi.storage.records import Campaign, Creator


def render_saved(saved: Sequence[Campaign], opened: str | None) -> None:
    """The saved campaigns, each a link that opens it."""
    if not saved:
        st.caption("No saved campaigns yet. Fill in the form below and save it.")
        return
    for campaign in saved:
        mark = " (open)" if campaign.campaign_id == opened else ""
        link(
            "campaigns",
            f"{md_escape(campaign.name) or 'Unnamed campaign'}{mark}",
            query_params={"campaign": campaign.campaign_id},
        )


def render_example(params: dict[str, str]) -> None:
    """The sandbox's offer: a report over the demo creators, opened from its address."""
    tags = " or ".join(f"#{tag}" for tag in parse_terms(params.get("hashtags")))
    st.caption(
        f"Sandbox: the demo creators on the roster tagged a few recent posts with "
        f"{md_escape(tags)}. "
        "The example shows their report, with a fee for each, from the same kind of address "
        "a shared campaign has."
    )
    link("campaigns", "Try an example campaign", icon=":material/science:", query_params=params)


@dataclass(frozen=True)
class FormResult:
    spec: CampaignSpec
    action: str | None  # "show", "save", "delete" or None
    problems: tuple[str, ...] = ()


def render_form(
    spec: CampaignSpec, roster: Sequence[Creator], *, editing: bool, may_change: bool = True
) -> FormResult:
    """The campaign's fields, prefilled from ``spec``; the buttons say what to do with them."""
    by_id = {c.creator_id: c for c in roster}
    version = hashlib.sha256(repr(spec).encode()).hexdigest()[:10]  # new defaults: new widgets

    def key(name: str) -> str:
        return f"campaign-{name}-{version}"

    name = st.text_input("Name", value=spec.name, max_chars=80, key=key("name"))
    chosen = st.multiselect(
        "Creators",
        list(by_id),
        default=[cid for cid in spec.creator_ids if cid in by_id],
        format_func=lambda cid: creator_label(by_id[cid]),
        key=key("creators"),
        placeholder="Creators on the roster",
    )
    left, right = st.columns(2)
    hashtags = left.text_input(
        "Hashtags", value=" ".join(f"#{t}" for t in spec.hashtags), key=key("hashtags"),
        placeholder="#summerdrop #ad", help="With or without #, separated by spaces or commas.",
    )  # fmt: skip
    mentions = right.text_input(
        "Brand handles", value=" ".join(f"@{m}" for m in spec.mentions), key=key("mentions"),
        placeholder="@brand", help="With or without @, separated by spaces or commas.",
    )  # fmt: skip
    start_col, end_col, currency_col, paid_col = st.columns([2, 2, 1, 2])
    start = start_col.date_input("From (UTC)", value=spec.start, key=key("from"))
    end = end_col.date_input("To (UTC, inclusive)", value=spec.end, key=key("to"))
    currencies = {fee.currency for fee in spec.fees.values()} or {DEFAULT_CURRENCY}
    currency = (
        currency_col.text_input(
            "Currency", value=sorted(currencies)[0], max_chars=3, key=key("currency")
        )
        .strip()
        .upper()
        or DEFAULT_CURRENCY
    )
    sponsored = paid_col.toggle(
        "Sponsored posts only", value=spec.sponsored_only, key=key("sponsored"),
        help="Also require the vendor's sponsored flag.",
    )  # fmt: skip
    fees: dict[str, Fee] = {}
    problems = []
    if chosen:
        st.caption(
            "Fee per creator (empty: no fee agreed), in the campaign's currency unless another "
            "is given for that creator"
        )
        for creator_id in chosen:
            quoted = spec.fees.get(creator_id)
            amount_col, own_col = st.columns([4, 1])
            amount = amount_col.number_input(
                f"Fee for {md_escape(creator_label(by_id[creator_id]))}",
                value=quoted.amount if quoted else None,
                min_value=0.0,
                step=50.0,
                key=key(f"fee-{creator_id}"),
            )
            own = (
                own_col.text_input(
                    "Its currency",
                    value=quoted.currency if quoted and quoted.currency != currency else "",
                    max_chars=3,
                    placeholder=currency,
                    key=key(f"currency-{creator_id}"),
                )
                .strip()
                .upper()
            )
            problem = fee_problem(amount)
            if problem:
                problems.append(f"{md_escape(creator_label(by_id[creator_id]))}: {problem}")
            elif own and not (len(own) == 3 and own.isalpha()):
                problems.append(
                    f"{md_escape(creator_label(by_id[creator_id]))}: the currency must be a three-letter code."
                )
            elif amount:
                fees[creator_id] = Fee(float(amount), own or currency)
    notes = st.text_area("Notes", value=spec.notes, max_chars=2000, key=key("notes"))
    if len(currency) != 3 or not currency.isalpha():
        problems.append("The currency must be a three-letter code such as EUR.")
    first, end_date = _dates(start, end)
    new = CampaignSpec(
        name=name.strip(),
        creator_ids=tuple(chosen),
        hashtags=parse_terms(hashtags),
        mentions=parse_terms(mentions),
        start=first,
        end=end_date,
        fees=fees,
        sponsored_only=sponsored,
        notes=notes.strip(),
    )
    show, save, delete = st.columns([1, 1, 3])
    action = None
    if show.button("Show report", type="primary"):
        action = "show"
    if may_change and save.button("Save campaign"):
        action = "save"
    if editing and may_change:
        with delete.popover("Delete"):
            st.write("Delete this campaign? Its creators and their data stay.")
            if st.button("Yes, delete", type="primary"):
                action = "delete"
    return FormResult(new, action, tuple(problems))


def _dates(start: object, end: object) -> tuple[date | None, date | None]:
    first = start if isinstance(start, date) else None
    last = end if isinstance(end, date) else None
    if first and last and first > last:
        first, last = last, first
    return first, last


def render_report(report: CampaignReport) -> None:
    """The report as page text: the campaign's totals and costs, each creator's, and one row
    per matched post with its link."""
    st.subheader("Results", anchor=False)
    st.markdown(f"**Campaign.** {md_escape(text.totals_text(report.totals))}")
    for line in text.campaign_costs_lines(report):
        st.markdown(md_escape(line))
    for result in report.creators:
        with st.container(border=True):
            st.markdown(f"**{md_escape(result.label)}** {md_escape(result.handle or '')}")
            if result.posts.empty:
                st.markdown("No post matches this campaign for this creator.")
            else:
                st.markdown(md_escape(text.totals_text(result.totals)))
            costs = text.costs_text(result)
            if costs:
                st.markdown(md_escape(costs))
            st.caption(md_escape(text.source_text(result)))
    rows = report.rows()
    if rows.empty:
        return
    lines = [
        "| " + " | ".join(text.POST_HEADERS) + " |",
        "|" + "|".join("---:" if h in text.NUMERIC_HEADERS else "---" for h in text.POST_HEADERS)
        + "|",
    ]  # fmt: skip
    for row in rows.itertuples(index=False):
        cells = {key: md_escape(value) for key, value in text.post_cells(row).items()}
        cells["Post"] = f"[post]({row.url})" if isinstance(row.url, str) else "no link"
        lines.append("| " + " | ".join(cells[h] for h in text.POST_HEADERS) + " |")
    st.markdown(f"**Matched posts ({len(rows)})**")
    st.markdown("\n".join(lines))
