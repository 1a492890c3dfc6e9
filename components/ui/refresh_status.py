"""The home page's panel on data freshness: the refresh queue's progress (team database) and
how old the roster's data is."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from components.frame.pages import link
from fpapi.storage.sql_jobs import QueueProgress
from fpapi.workspace.progress import DataAge

__all__ = ["age_text", "render_refresh_status"]


def age_text(seconds: float) -> str:
    """``3 h``, ``2 days``: an age as a person reads it."""
    if seconds < 3_600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 2 * 86_400:
        return f"{round(seconds / 3_600)} h"
    return f"{round(seconds / 86_400)} days"


def _refresh(progress: QueueProgress) -> None:
    if progress.queued or progress.running:
        eta = (
            f" About {datetime.fromtimestamp(progress.eta):%H:%M} to finish."
            if progress.eta is not None
            else ""
        )
        st.progress(
            progress.share_done,
            text=f"Refreshing: {progress.finished:,} of {progress.total:,} creators done.{eta}",
        )
    else:
        st.write(f"The last refresh is done: {progress.finished:,} creators.")
    queued, running, done, failed = st.columns(4)
    queued.metric("Queued", f"{progress.queued:,}")
    running.metric("Running", f"{progress.running:,}")
    done.metric("Done", f"{progress.done:,}")
    failed.metric("Failed", f"{progress.failed:,}")


def render_refresh_status(progress: QueueProgress | None, age: DataAge) -> None:
    """Where the current refresh stands, if there is a queue, and the age of the data."""
    if not age.creators:
        return
    st.subheader("Data freshness", anchor=False)
    if progress is not None:
        _refresh(progress)
    if age.p95_s is None or age.oldest_s is None:
        text = "No creator's insights have been fetched yet."
    else:
        text = (
            f"95% of the creators' data is at most {age_text(age.p95_s)} old; "
            f"the oldest is {age_text(age.oldest_s)} old."
        )
    if age.never:
        text += f" {age.never:,} never fetched."
    st.write(text)
    link("creators", "Roster by oldest data", query_params={"sort": "oldest data"})
