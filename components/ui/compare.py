"""The compare page's pieces: the formatted table, pricing inputs and shortlist controls."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from components.frame import state
from components.frame.pages import link
from components.text import ago, day_label, md_escape
from fpapi import FPAPIError
from fpapi.analysis.compare import (
    METRICS,
    PRICING_ROWS,
    ROW_LABELS,
    Comparison,
    Fee,
    fee_problem,
)
from fpapi.analysis.metrics import format_count
from fpapi.errors import ShortlistError
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Shortlist
from fpapi.workspace.core import Workspace

CURRENCIES = [
    "USD",
    "EUR",
    "GBP",
    "INR",
    "BRL",
    "JPY",
    "AED",
    "CAD",
    "AUD",
    "MXN",
    "ZAR",
    "TRY",
    "CHF",
    "SEK",
]
BEST_STYLE = "background-color: #d3f9d8; font-weight: 600"
KINDS = {m.key: m.kind for m in METRICS} | {key: "money" for key, _ in PRICING_ROWS}
STATUS_ROW = "Data"


def format_cell(value: Any, kind: str, currency: str = "") -> str:
    """One comparison cell as text (the table holds raw values of mixed types)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "count":
        return format_count(float(value))
    if kind == "pct":
        return f"{float(value):.2f}%"
    if kind == "score":
        return f"{float(value):.0f} / 100"
    if kind == "number":
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    if kind == "money":
        return f"{float(value):,.2f} {currency}".strip()
    if kind == "date" and isinstance(value, date):
        return day_label(value)
    return str(value)


def status_text(result: LoadedInsights | FPAPIError) -> str:
    if isinstance(result, FPAPIError):
        return f"Failed: {result}"
    if result.source == "stale":
        return f"Stale ({ago(result.age_s)}): the API failed"
    return f"Fetched {ago(result.age_s)}"


@dataclass(frozen=True)
class ShownTable:
    """The comparison as the analyst sees it: text cells (a status row first) and the
    (row label, column) cells to highlight. The page, its styling and the HTML export all use
    this one highlight set, taken from the comparison's best values."""

    frame: pd.DataFrame
    highlight: set[tuple[str, str]]


BEST_MARK = "▲ best"


def shown_table(comparison: Comparison, rows: list[str], statuses: Mapping[str, str]) -> ShownTable:
    table = comparison.table
    shown = [key for key in rows if key in table.index]
    cells = {
        ROW_LABELS[key]: [
            format_cell(table.at[key, column], KINDS[key], comparison.currencies.get(column, ""))
            for column in table.columns
        ]
        for key in shown
    }
    frame = pd.DataFrame(cells, index=table.columns).T
    status = pd.DataFrame(
        [statuses.get(c, "") for c in table.columns], index=table.columns, columns=[STATUS_ROW]
    ).T
    highlight = {
        (ROW_LABELS[key], column)
        for key, columns in comparison.best.items()
        if key in shown
        for column in columns
    }
    for row, column in highlight:  # marked in words too, not by colour alone
        frame.at[row, column] = f"{frame.at[row, column]!s} {BEST_MARK}"
    return ShownTable(pd.concat([status, frame]), highlight)


def styled(shown: ShownTable) -> Styler:
    """The table with its best cells highlighted, for ``st.table``, which renders markdown in
    headers and cells: the creators' names (the headers) and the vendor's words (the data
    row) are escaped, so they stay text."""
    frame = shown.frame.copy()
    frame.loc[STATUS_ROW] = frame.loc[STATUS_ROW].map(md_escape)
    escaped = {column: md_escape(column) for column in frame.columns}
    highlight = {(row, escaped[column]) for row, column in shown.highlight}

    def style(data: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            [
                [BEST_STYLE if (row, column) in highlight else "" for column in data.columns]
                for row in data.index
            ],
            index=data.index,
            columns=data.columns,
        )

    return frame.rename(columns=escaped).style.apply(style, axis=None)


def render_pricing_inputs(
    creator_ids: list[str], names: Mapping[str, str]
) -> tuple[dict[str, Fee], dict[str, str]]:
    """A fee, currency and note per creator; kept in session state across pages."""
    fees, notes = {}, {}
    for creator_id in creator_ids:
        name_col, amount_col, currency_col, note_col = st.columns(
            [3, 2, 1, 4], vertical_alignment="bottom"
        )
        name_col.markdown(md_escape(names[creator_id]))
        keys = {
            field: state.pricing_widget(creator_id, field, default)
            for field, default in (("amount", None), ("currency", "USD"), ("note", ""))
        }
        amount = amount_col.number_input("Fee", key=keys["amount"], step=50.0,
                                         placeholder="No fee quoted", label_visibility="collapsed")  # fmt: skip
        currency = currency_col.selectbox("Currency", CURRENCIES, key=keys["currency"],
                                          label_visibility="collapsed")  # fmt: skip
        note = note_col.text_input("Note", key=keys["note"], max_chars=200,
                                   placeholder="Note", label_visibility="collapsed")  # fmt: skip
        for field, value in (("amount", amount), ("currency", currency), ("note", note)):
            state.keep_pricing(creator_id, field, value)
        problem = fee_problem(amount)
        if problem:
            st.error(f"{problem} The fee for {md_escape(names[creator_id])} is not used.")
        elif amount is not None:
            fees[creator_id] = Fee(float(amount), currency)
        if note:
            notes[creator_id] = note
    return fees, notes


def load_pricing_into_session(shortlist: Shortlist) -> None:
    """Put a shortlist's fees and notes where the pricing inputs will find them."""
    for creator_id in shortlist.creator_ids:
        fee = shortlist.fees.get(creator_id) or {}
        values = {
            "amount": fee.get("amount"),
            "currency": fee.get("currency") if fee.get("currency") in CURRENCIES else "USD",
            "note": shortlist.notes.get(creator_id, ""),
        }
        for field, value in values.items():
            state.set_pricing(creator_id, field, value)


def render_shortlists(ws: Workspace) -> None:
    """Saved shortlists: open, and (not for a viewer) rename and delete."""
    shortlists = ws.shortlists()
    if not shortlists:
        st.caption("No saved shortlists yet.")
        return
    for shortlist in shortlists:
        key = state.private_key(shortlist.shortlist_id)
        text, open_col, rename_col, delete_col = st.columns(
            [4, 2, 2, 2], vertical_alignment="center"
        )
        text.markdown(f"**{md_escape(shortlist.name)}** · {len(shortlist.creator_ids)} creators")
        with open_col:
            link(
                "compare",
                "Open",
                icon=":material/folder_open:",
                query_params={"shortlist": shortlist.shortlist_id},
            )
        if not ws.may_change:
            continue
        with rename_col.popover("Rename"):
            new_name = st.text_input(
                "New name", value=shortlist.name, key=f"rename-{key}", max_chars=80
            )
            if st.button("Rename", key=f"do-rename-{key}"):
                try:
                    ws.rename_shortlist(shortlist.shortlist_id, new_name)
                except ShortlistError as err:
                    st.error(md_escape(str(err)))  # it quotes the name asked for
                else:
                    st.rerun()
        with delete_col.popover("Delete"):
            st.write(
                f"Delete the shortlist {md_escape(shortlist.name)}? The creators stay on the roster."
            )
            if st.button("Yes, delete", key=f"delete-{key}", type="primary"):
                ws.delete_shortlist(shortlist.shortlist_id)
                st.rerun()


GROWTH = "Growth"
CHART_SECTIONS = (GROWTH, "Engagement", "Quality", "By format", "Reach and engagement")
OVERLAP = "Overlap"


def compare_tabs() -> list[tuple[Any, str]]:
    """The compare page's lower half as tabs, one chart each and the overlap last (in the
    order of ``comparison_figures``); only the open one is returned, so only it runs. The
    open tab is kept in the address (``&chart=Quality``)."""
    labels = [*CHART_SECTIONS, OVERLAP]
    tabs = st.tabs(labels, key="chart", bind="query-params", on_change="rerun")
    return [(tab, label) for tab, label in zip(tabs, labels, strict=True) if tab.open]


def render_raw_toggle() -> None:
    """The growth tab's choice between an index and raw counts, kept while other tabs are
    open (``state.raw_follower_counts``)."""
    raw = st.toggle(
        "Show raw follower counts instead of growth indexed to 100",
        value=state.raw_follower_counts(),
        key="compare-raw-counts",
    )
    state.set_raw_follower_counts(raw)


def render_overlap(shared: Mapping[str, pd.DataFrame]) -> None:
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
