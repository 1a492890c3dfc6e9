"""The activity list's Streamlit side: exports that record themselves, and the list as a table."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from components.frame.downloads import session_downloads
from components.frame.workspace import open_workspace
from components.text import md_escape
from fpapi.storage.records import Activity

_BUTTONS = itertools.count()  # tells apart two draws of the same button


def export_button(
    label: str,
    *,
    data: Callable[[], bytes | str],
    file_name: str,
    mime: str,
    icon: str,
    subject: str,
    container: Any = st,
) -> None:
    """A download button that builds its file only when pressed, once (this session holds
    at most ten, components.frame.downloads), and records that export of ``subject`` then.

    The button does not rerun the page (``on_click="ignore"``): a rerun that finishes before
    the browser asks for the file drops the file's maker, and the download fails (Streamlit
    warns of this race); the record is written by the maker itself instead, through the
    workspace (and so for the analyst) of the run that drew the button.
    """
    ws, held = open_workspace(), session_downloads()
    key = (label, file_name, subject, next(_BUTTONS))  # this button, as drawn on this run

    def make() -> bytes | str:
        content = held.file(key, data)  # pressed again: the same file, not a new one
        ws.record_export(subject, file_name)
        return content

    container.download_button(
        label, data=make, file_name=file_name, mime=mime, icon=icon, on_click="ignore"
    )


def activity_table(entries: list[Activity]) -> pd.DataFrame:
    """The list as a table of text (when in UTC, who, what), newest first. ``st.table``
    renders markdown, so what an analyst, a creator or a link label wrote is escaped: a name
    like ``[x](https://evil.test)`` stays text, never a link."""
    return pd.DataFrame(
        {
            "When (UTC)": [
                datetime.fromtimestamp(e.at, UTC).strftime("%Y-%m-%d %H:%M") for e in entries
            ],
            "Who": [md_escape(e.actor or "unknown") for e in entries],
            "What": [what_text(e) for e in entries],
        }
    )


def what_text(entry: Activity) -> str:
    """``exported Ana (ana.csv) ×3``: the verb, whom, the detail, how many times in a row."""
    parts = [entry.verb, md_escape(entry.subject)]
    if entry.detail:
        parts.append(f"({md_escape(entry.detail)})")
    if entry.count > 1:
        parts.append(f"×{entry.count}")
    return " ".join(filter(None, parts))
