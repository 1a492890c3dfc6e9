"""Streamlit's side of the workspace core: the configuration (environment and secrets.toml),
the store and insight cache shared by every session, and the reports and figures built once
per fetched response.

Nothing secret is ever kept in ``st.cache_resource``: the store and the cache are keyed by
their folder (or a fingerprint of the database URL), and the API client (which holds the
token) is built per use by the core.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import diskcache
import plotly.graph_objects as go
import streamlit as st

from components.figures.compare_charts import COMPARISON_BUILDERS, comparison_figure
from components.figures.report_figures import FIGURE_BUILDERS
from components.frame import state
from fpapi import FPAPIError
from fpapi.analysis.report import InsightsReport, build_report
from fpapi.errors import DataDirError, SettingsError, StoreError
from fpapi.storage.cache import InsightCache, LoadedInsights
from fpapi.storage.database import fingerprint
from fpapi.storage.records import Snapshot, StoredAlert
from fpapi.storage.store import Store
from fpapi.workspace.core import Workspace
from fpapi.workspace.gauges import watch_gauges
from fpapi.workspace.opening import open_cache, open_store, with_api
from fpapi.workspace.settings import SANDBOX_CACHE_LABEL, Settings, load_settings

log = logging.getLogger(__name__)
T = TypeVar("T")

PROGRESS_POLL_S = 0.1


@dataclass(frozen=True)
class Config:
    """The settings in force, whether they point at the embedded sandbox, or why there are none."""

    settings: Settings | None
    sandbox: bool = False
    problem: str | None = None

    @property
    def cache_label(self) -> str:
        """What the insight cache is keyed by: the API base URL, stable for the sandbox."""
        if self.sandbox or self.settings is None:
            return SANDBOX_CACHE_LABEL
        return self.settings.base_url or SANDBOX_CACHE_LABEL


SECRETS_UNREADABLE = (
    "secrets.toml (in .streamlit/ or ~/.streamlit/) could not be read: check that it is valid TOML."
)


class SecretsUnreadable(SettingsError):
    """secrets.toml exists but is not valid TOML (its contents are never echoed)."""


def secrets_section(name: str) -> dict[str, Any]:
    """One table of secrets.toml (``[fpapi]``, ``[auth]``), empty when there is no file or no
    such table; SecretsUnreadable when the file is malformed."""
    try:
        table = st.secrets.get(name, {})
    except Exception as err:
        # Streamlit 1.67 raises a FileNotFoundError subclass both for "no secrets.toml" and
        # for one it cannot parse; only the first means "the environment alone decides".
        # Taking a malformed file for a missing one would drop [auth] and open the gate.
        if isinstance(err, FileNotFoundError) and not _parse_failure(err):
            return {}
        raise SecretsUnreadable(SECRETS_UNREADABLE) from err  # never echo its contents
    return dict(table) if isinstance(table, Mapping) else {}


def _parse_failure(err: Exception) -> bool:
    """Whether Streamlit's secrets error is a file it found but could not parse."""
    return getattr(err, "error_id", None) == "failed-parsing-secrets-file"


def get_config() -> Config:
    """Settings from the environment and secrets; the embedded sandbox when no API is set."""
    try:
        table = secrets_section("fpapi")
    except SecretsUnreadable as err:
        return Config(None, problem=str(err))
    try:
        settings = load_settings(os.environ, table)
    except SettingsError as err:
        return Config(None, problem=str(err))
    return Config(with_api(settings), sandbox=settings.uses_sandbox)


# The store and the insight cache are shared by every session of this app; they are keyed by
# their folder, or by a fingerprint of the team database's URL (never the URL: it holds a
# password). Streamlit does not hash arguments whose names start with "_", so the settings
# (with the API token) are passed to the opener but never kept or keyed here. A database that
# cannot be reached raises, and Streamlit keeps nothing: the next run tries again.
@st.cache_resource(show_spinner=False)
def _store(where: str, link_ttl_s: float, _settings: Settings) -> Store:
    store = open_store(_settings)
    watch_gauges(store, queue=_settings.on_queue)  # this process's /metrics reads them
    return store


@st.cache_resource(show_spinner=False)
def _insight_cache(where: str, api_label: str, ttl_s: float, _settings: Settings) -> InsightCache:
    return open_cache(_settings, api_label)


def _where(settings: Settings, folder: str) -> str:
    if settings.database_url:
        return fingerprint(settings.database_url)
    return str(settings.data_dir / folder)


def _data_dir_error(settings: Settings, err: Exception) -> DataDirError:
    reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return DataDirError(
        f"The data folder {settings.data_dir} cannot be used ({reason}). Point FPAPI_DATA_DIR "
        "at a folder this app can write to, then reload. Nothing stored there was changed."
    )


def _settings(config: Config) -> Settings:
    if config.settings is None:  # app.py stops before any page runs with a broken config
        raise SettingsError(config.problem or "The app is not configured.")
    return config.settings


def get_store(config: Config) -> Store:
    """The roster and pending links, shared by every session of this app (and, on the team
    database, by every replica). Raises DatabaseUnavailable when that cannot be reached."""
    settings = _settings(config)
    try:
        return _store(_where(settings, "store"), settings.link_ttl_s, settings)
    except (OSError, sqlite3.Error, diskcache.Timeout) as err:
        raise _data_dir_error(settings, err) from err


def get_insight_cache(config: Config) -> InsightCache:
    """The insight cache for the API in use."""
    settings = _settings(config)
    try:
        return _insight_cache(
            _where(settings, "insights"), config.cache_label, settings.cache_ttl_s, settings
        )
    except (OSError, sqlite3.Error, diskcache.Timeout) as err:
        raise _data_dir_error(settings, err) from err


@st.cache_resource(show_spinner=False, max_entries=64)
def _report(
    api_label: str, creator_id: str, fetched_at: float, _loaded: LoadedInsights
) -> InsightsReport:
    """The report per fetched response (keyed by when it was fetched), built once and
    shared read-only; the response body is read only on a miss."""
    return build_report(_loaded.insights)


@st.cache_resource(show_spinner=False, max_entries=64 * len(FIGURE_BUILDERS))
def _figure(
    api_label: str, creator_id: str, fetched_at: float, name: str, _report: InsightsReport
) -> go.Figure | None:
    """One chart of one report, built the first time its section is opened and then shared
    read-only: building plotly figures is the slow part of an insights page run."""
    return FIGURE_BUILDERS[name](_report)


@st.cache_resource(show_spinner=False, max_entries=16 * len(COMPARISON_BUILDERS))
def _comparison_figure(
    key: tuple[tuple[str, str, float], ...],
    raw: bool,
    index: int,
    _reports: dict[str, InsightsReport],
) -> go.Figure | None:
    return comparison_figure(_reports, index, raw=raw)


def report_of(ws: Workspace, loaded: LoadedInsights) -> InsightsReport:
    """The analysis of one loaded response, built once per response."""
    return _report(ws.cache.api_base_url, loaded.creator_id, loaded.fetched_at, loaded)


def compare_figure(
    ws: Workspace,
    loaded: dict[str, LoadedInsights],
    labels: dict[str, str],
    index: int,
    *,
    raw: bool,
) -> go.Figure | None:
    """One chart of the compare page (``index`` in page order) for these loaded reports, built
    the first time its tab is opened for this set of responses."""
    key = tuple(
        (ws.cache.api_base_url + creator_id, labels[creator_id], item.fetched_at)
        for creator_id, item in loaded.items()
    )
    reports = {labels[cid]: report_of(ws, item) for cid, item in loaded.items()}
    return _comparison_figure(key, raw, index, reports)


# Loads started as a run begins (a few tabs open at a time): a load waits for the cache's lock
# on its creator, so the vendor is asked once. A page never waits for a place in this queue:
# a load not yet started when the page needs it is cancelled and made by the page itself.
_FIRST_VIEWS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="first-view")


def start_first_view(ws: Workspace, creator_id: str | None) -> None:
    """Start loading the creator a page's address names (``?creator=``) while the frame and
    the page draw, through the core (the same roster and consent checks); the page takes it
    with ``load_first_view``. In a new tab, the fetch of a creator not cached had waited for
    the whole frame and the page's top (0.15-0.2 s). Nothing is started for a refresh the
    analyst asked for: the page fetches that itself."""
    if not creator_id or state.refresh_requested(creator_id):
        state.set_first_view(None)
        return
    state.set_first_view(creator_id, _FIRST_VIEWS.submit(ws.load_insights, creator_id))


def load_first_view(ws: Workspace, creator_id: str) -> LoadedInsights:
    """The creator's insights: the load started as this run began (its outcome, errors
    included) once under way, or one now."""
    started = state.pop_first_view(creator_id)
    if started is None or started.cancel():  # none, or still queued behind others' loads
        return ws.load_insights(creator_id)
    return started.result()


def insights_figure(ws: Workspace, loaded: LoadedInsights, name: str) -> go.Figure | None:
    """One chart of the insights page (a name of ``FIGURE_BUILDERS``) for this loaded report."""
    return _figure(
        ws.cache.api_base_url, loaded.creator_id, loaded.fetched_at, name, report_of(ws, loaded)
    )


def _or_empty(read: Callable[[], T], empty: T, what: str) -> T:
    """What the store says, or ``empty`` (logged) when it cannot be read: these extras of a
    page (history, alerts, tags) never stop the page itself."""
    try:
        return read()
    except StoreError as err:
        log.warning("Could not read %s: %s", what, err)
        return empty


def fetch_history(ws: Workspace, creator_id: str) -> list[Snapshot]:
    """A creator's fetch history, oldest first."""
    return _or_empty(lambda: ws.snapshots(creator_id), [], "the fetch history")


def recent_alerts(ws: Workspace, limit: int = 10) -> list[StoredAlert]:
    """The newest alerts."""
    return _or_empty(lambda: ws.alerts(limit=limit), [], "the alerts")


def latest_fetches(ws: Workspace, creator_ids: list[str]) -> dict[str, list[Snapshot]]:
    """These creators' last two fetches on record."""
    return _or_empty(lambda: ws.latest_snapshots(creator_ids), {}, "the fetch history")


def load_many(
    ws: Workspace,
    creator_ids: list[str],
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, LoadedInsights | FPAPIError]:
    """Several creators through :meth:`Workspace.load_many`, the fetches concurrent.

    The workspace works on a worker thread so that ``on_progress(done, total)`` can be called
    on this one (Streamlit elements update from the script's thread only).
    """
    settled: list[str] = []
    outcome: dict[str, dict[str, LoadedInsights | FPAPIError]] = {}
    failure: list[StoreError] = []

    def work() -> None:
        try:
            outcome["results"] = ws.load_many(creator_ids, on_result=settled.append)
        except StoreError as err:  # the team database went away: told on this thread
            failure.append(err)

    worker = threading.Thread(target=work, daemon=True, name="load-many")
    worker.start()
    while worker.is_alive():
        worker.join(PROGRESS_POLL_S)
        if on_progress:
            on_progress(len(settled), len(creator_ids))
    if failure:
        raise failure[0]
    if "results" not in outcome:  # the worker died: say so for each creator, never hang
        return {cid: FPAPIError("The fetch did not finish.") for cid in creator_ids}
    return outcome["results"]
