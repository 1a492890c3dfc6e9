"""Helpers to run the app under Streamlit's AppTest with its own data directory."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = {
    "home": "pages/home.py",
    "connect": "pages/connect.py",
    "callback": "pages/callback.py",
    "creators": "pages/creators.py",
    "insights": "pages/insights.py",
    "compare": "pages/compare.py",
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
    """Every piece of text the page shows, joined, for assertions a reader would make."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
        "metric",
    ):
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")))
            if kind == "metric":
                parts.append(str(element.label))
    return "\n".join(parts)
