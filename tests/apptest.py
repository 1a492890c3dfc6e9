"""Helpers to run the app under Streamlit's AppTest with its own data directory."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = {
    "home": "app_pages/home.py",
    "connect": "app_pages/connect.py",
    "callback": "app_pages/callback.py",
    "creators": "app_pages/creators.py",
    "insights": "app_pages/insights.py",
    "compare": "app_pages/compare.py",
}
TIMEOUT_S = 60


def open_page(name: str, *, query: dict[str, str] | None = None) -> AppTest:
    """Run the app, then switch to page ``name`` (with an optional query string)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    if query:
        at.query_params.update(query)
    at.run()
    if name != "home":
        at.switch_page(PAGES[name])
        at.run()
    return at


def page_text(at: AppTest) -> str:
    """Every piece of text the page shows, joined, as a reader sees it (markdown escapes
    removed), for assertions a reader would make."""
    return re.sub(r"\\(.)", r"\1", page_source(at))


MARKDOWN_KINDS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
)


def page_source(at: AppTest, *, markdown_only: bool = False) -> str:
    """Every piece of text the page shows, joined, as the source sent to the browser; with
    ``markdown_only``, just the elements the browser renders as markdown."""
    parts = []
    for kind in MARKDOWN_KINDS if markdown_only else (*MARKDOWN_KINDS, "text", "metric"):
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")))
            if kind == "metric":
                parts.append(str(element.label))
    return "\n".join(parts)


def by_label(widgets, label: str):
    """The one widget whose label starts with ``label``."""
    found = [w for w in widgets if str(w.label).startswith(label)]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}: {[w.label for w in widgets]}"
    return found[0]
