"""The activity list's Streamlit side: record what this analyst did, and show what everyone did."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from components.access import current_actor
from components.loaders import load_insights
from components.workspace import Workspace, open_workspace
from fpapi.errors import StoreError
from fpapi.storage.cache import LoadedInsights
from fpapi.storage.records import Activity

log = logging.getLogger(__name__)


def record(action: str, subject: str, detail: str = "") -> None:
    """Add an entry credited to this session's analyst. An export or refresh that already
    happened is never undone by a failure to note it: that failure is logged instead."""
    _record_in(open_workspace().store, current_actor(), action, subject, detail)


def _record_in(store: Any, actor: str, action: str, subject: str, detail: str) -> None:
    try:
        store.record(actor, action, subject, detail=detail)
    except StoreError:
        log.warning("Could not record %s of %s in the activity list", action, subject)


def refresh_insights(ws: Workspace, creator_id: str, *, subject: str) -> LoadedInsights:
    """Fetch a creator's insights again, through the same fetch policy as every load; a
    successful refresh is recorded. Raises FPAPIError only when nothing is cached at all."""
    loaded = load_insights(ws.config, creator_id, refresh=True)
    if loaded.source == "api":
        record("insights_refreshed", subject)
    return loaded


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
    """A download button that builds its file only when pressed, and records that export of
    ``subject`` then.

    The button does not rerun the page (``on_click="ignore"``): a rerun that finishes before
    the browser asks for the file drops the file's maker, and the download fails (Streamlit
    warns of this race); the record is written by the maker itself instead, with the
    analyst and the store of the run that drew the button.
    """
    store, actor = open_workspace().store, current_actor()

    def make() -> bytes | str:
        content = data()
        _record_in(store, actor, "exported", subject, file_name)
        return content

    container.download_button(
        label, data=make, file_name=file_name, mime=mime, icon=icon, on_click="ignore"
    )


def activity_table(entries: list[Activity]) -> pd.DataFrame:
    """The list as a table of text (when in UTC, who, what), newest first."""
    return pd.DataFrame(
        {
            "When (UTC)": [
                datetime.fromtimestamp(e.at, UTC).strftime("%Y-%m-%d %H:%M") for e in entries
            ],
            "Who": [e.actor or "unknown" for e in entries],
            "What": [
                " ".join(filter(None, [e.verb, e.subject, f"({e.detail})" if e.detail else ""]))
                for e in entries
            ],
        }
    )
