"""Remove the query string from the URL bar *and* from the browser's history entry.

Streamlit's ``st.query_params.clear()`` pushes a new history entry, which leaves the old URL
(with the creator's token) one Back press away. This component first replaces the current
entry in place, then tells Python, which clears ``st.query_params`` on that rerun: the URL
then already matches, so Streamlit pushes nothing.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function (component) {
  const { setTriggerValue } = component;
  const clean = window.location.pathname + window.location.hash;
  if (window.location.search) {
    window.history.replaceState(window.history.state, "", clean);
  }
  setTriggerValue("scrubbed", true);
}
"""

_scrubber = st.components.v2.component("cis_url_scrubber", js=_JS)


def scrub_query_string(*, key: str) -> None:
    """Call on a page opened with secrets in its URL; clears them on the follow-up rerun."""
    result = _scrubber(key=key, on_scrubbed_change=lambda: None)
    if getattr(result, "scrubbed", None):
        st.query_params.clear()
