"""Helpers to run the app under Streamlit's AppTest with its own data directory."""

from __future__ import annotations

import functools
import re
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from streamlit.testing.v1 import AppTest

from components.frame.pages import PAGES as PAGE_SPECS
from components.ui.insights_sections import SECTIONS as INSIGHTS_SECTIONS
from fpapi import FirstPartyClient
from fpapi.sandbox import Knobs, Sandbox, embedded_sandbox
from tests.helpers import app_store, make_link

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# Sign-in as AppTest sees it: an [auth] table (nothing is ever reached at its address) and the
# claims of an ID token issued a minute ago, good for an hour (st.user carries them).
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "cookie-secret-never-shown-7f3a",
    "client_id": "studio",
    "client_secret": "client-secret-never-shown-91c2",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
TOKEN_TIMES = {"iat": int(time.time()) - 60, "exp": int(time.time()) + 3_600}
SIGNED_OUT = {"is_logged_in": False}
PAGES = {key: spec.path for key, spec in PAGE_SPECS.items()}
TIMEOUT_S = 60
# Property tests that drive pages: each AppTest run costs a fraction of a second, so a sixth
# of the profile's examples (tests/conftest.py), sharing one data folder across examples.
PAGE_RUNS = settings(
    max_examples=max(10, settings.default.max_examples // 6),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _scan_components_once() -> None:
    """A new AppTest scans every installed package's metadata for Streamlit component
    manifests (streamlit.components.v2, about 0.1 s: most of a simple page's run). The packages
    do not change during a test run, so the page tests scan once; with another Streamlit that
    has no such scan, nothing changes."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is not None and not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(scan)


_scan_components_once()


def open_page(
    name: str,
    *,
    query: dict[str, str] | None = None,
    user: dict[str, Any] | None = None,
    secrets: dict[str, Any] | None = None,
) -> AppTest:
    """Run the app, then switch to page ``name`` (with an optional query string), as the
    visitor ``user`` (``st.user``'s claims) under ``secrets`` (e.g. an ``[auth]`` table)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    if query:
        at.query_params.update(query)
    if user is not None:
        at.user = user
    for section, table in (secrets or {}).items():
        at.secrets[section] = table
    at.run()
    if name != "home":
        at.switch_page(PAGES[name])
        at.run()
    return at


def open_insights(creator_id: str, section: str | None = None) -> AppTest:
    """A creator's insights page with one section's tab open (the first when None), as the
    link ``/insights?creator=...&section=...`` opens it."""
    query = {"creator": creator_id, **({"section": section} if section else {})}
    return open_page("insights", query=query)


def every_section(creator_id: str) -> list[tuple[str, AppTest]]:
    """The insights page once per section tab, as an analyst opening each in turn."""
    return [(label, open_insights(creator_id, label)) for label in INSIGHTS_SECTIONS]


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
    parts += [str(box.label) for box in at.checkbox]  # a checkbox's label is markdown too
    return "\n".join(parts)


def by_label(widgets, label: str):
    """The one widget whose label starts with ``label``."""
    found = [w for w in widgets if str(w.label).startswith(label)]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}: {[w.label for w in widgets]}"
    return found[0]


def new_link(data_dir: Path, *, sandbox: Sandbox | None = None, label: str = "Ana") -> str:
    """A pending link made the way the connect page makes one; returns its state."""
    sandbox = sandbox or embedded_sandbox()
    with FirstPartyClient(sandbox.base_url, sandbox.token) as client:
        link = make_link(client, app_store(data_dir), label=label)
    return link.state


def open_callback(**query: str) -> AppTest:
    return open_page("callback", query=query)


def verify(data_dir: Path, username: str, connector: str = "instagram") -> str:
    """Put a sandbox creator on the roster through the real link and callback; their id."""
    sandbox = embedded_sandbox()
    with FirstPartyClient(sandbox.base_url, sandbox.token) as client:
        link = make_link(client, app_store(data_dir), connector=connector)
    at = open_callback(token=sandbox.approve(link.state, username=username), state=link.state)
    assert at.success, page_text(at)
    return app_store(data_dir).creators()[0].creator_id


def break_vendor(sandbox: Sandbox, fault: str) -> None:
    knobs = {
        "slow": Knobs(latency_s=1.5),
        "flapping-429": Knobs(burst_429=50),
        "503-html": Knobs(failure_rate=1.0),
        "truncated-json": Knobs(garbage="truncated"),
        "json-array": Knobs(garbage="array"),
        "empty-body": Knobs(garbage="empty"),
        "html-200": Knobs(garbage="html"),
        "20mb-body": Knobs(garbage="huge"),
    }[fault]
    sandbox.knobs = knobs
