"""The only place that touches both Streamlit and fpapi: settings, API access, cache and store.

Nothing secret is ever stored in ``st.cache_resource``: the store and the cache are keyed by
their directory, and the client (which holds the API token) is built per use.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import diskcache
import httpx
import plotly.graph_objects as go
import streamlit as st

from components.compare_charts import COMPARISON_BUILDERS, comparison_figure
from components.report_figures import FIGURE_BUILDERS
from fpapi import FirstPartyClient, FPAPIError, Insights
from fpapi.analysis.report import InsightsReport, build_report
from fpapi.api.client import CONNECT_TIMEOUT_S
from fpapi.errors import DataDirError, SettingsError, StoreError
from fpapi.sandbox import embedded_sandbox
from fpapi.storage.cache import InsightCache, LoadedInsights
from fpapi.storage.database import fingerprint
from fpapi.storage.records import Snapshot, StoredAlert
from fpapi.storage.sql_cache import SqlShelf
from fpapi.storage.sql_store import SqlStore
from fpapi.storage.store import Store
from fpapi.workspace.history import record_fetch, record_fetches
from fpapi.workspace.settings import SANDBOX_CACHE_LABEL, Settings, load_settings

log = logging.getLogger(__name__)
T = TypeVar("T")

PROGRESS_POLL_S = 0.1
MAX_CONCURRENT_FETCHES = 12  # a whole comparison at once: bounded by the slowest fetch


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


class SecretsUnreadable(Exception):
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
    if not settings.uses_sandbox:
        return Config(settings)
    sandbox = embedded_sandbox()
    return Config(replace(settings, base_url=sandbox.base_url, token=sandbox.token), sandbox=True)


@contextmanager
def api_client(settings: Settings) -> Iterator[FirstPartyClient]:
    """A client for one piece of work; built per use so no token sits in a shared cache."""
    timeout = httpx.Timeout(settings.timeout_s, connect=min(CONNECT_TIMEOUT_S, settings.timeout_s))
    with FirstPartyClient(
        settings.base_url or "", settings.token, paths=settings.paths, timeout=timeout
    ) as client:
        yield client


@st.cache_resource(show_spinner=False)
def _store(directory: str, link_ttl_s: float) -> Store:
    return Store(Path(directory), pending_ttl_s=link_ttl_s)


@st.cache_resource(show_spinner=False)
def _insight_cache(directory: str, api_label: str, ttl_s: float) -> InsightCache:
    return InsightCache(Path(directory), api_base_url=api_label, ttl_s=ttl_s)


# The team database: keyed by a fingerprint of its URL, never the URL (it holds a password);
# Streamlit does not hash the arguments whose names start with "_". A database that cannot be
# reached raises, and Streamlit keeps nothing: the next run tries again.
@st.cache_resource(show_spinner=False)
def _team_store(database: str, link_ttl_s: float, _url: str) -> SqlStore:
    return SqlStore(_url, pending_ttl_s=link_ttl_s)


@st.cache_resource(show_spinner=False)
def _team_insight_cache(database: str, api_label: str, ttl_s: float, _url: str) -> InsightCache:
    return InsightCache(SqlShelf(_url), api_base_url=api_label, ttl_s=ttl_s)


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


def get_store(config: Config) -> Store | SqlStore:
    """The roster and pending links, shared by every session of this app (and, on the team
    database, by every replica). Raises DatabaseUnavailable when that cannot be reached."""
    settings = _settings(config)
    if settings.database_url:
        url = settings.database_url
        return _team_store(fingerprint(url), settings.link_ttl_s, url)
    try:
        return _store(str(settings.data_dir / "store"), settings.link_ttl_s)
    except (OSError, sqlite3.Error, diskcache.Timeout) as err:
        raise _data_dir_error(settings, err) from err


def get_insight_cache(config: Config) -> InsightCache:
    """The insight cache for the API in use."""
    settings = _settings(config)
    if settings.database_url:
        url = settings.database_url
        return _team_insight_cache(fingerprint(url), config.cache_label, settings.cache_ttl_s, url)
    try:
        return _insight_cache(
            str(settings.data_dir / "insights"), config.cache_label, settings.cache_ttl_s
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


def report_of(config: Config, loaded: LoadedInsights) -> InsightsReport:
    """The analysis of one loaded response, built once per response."""
    return _report(config.cache_label, loaded.creator_id, loaded.fetched_at, loaded)


def compare_figure(
    config: Config,
    loaded: dict[str, LoadedInsights],
    labels: dict[str, str],
    index: int,
    *,
    raw: bool,
) -> go.Figure | None:
    """One chart of the compare page (``index`` in page order) for these loaded reports, built
    the first time its tab is opened for this set of responses."""
    key = tuple(
        (config.cache_label + creator_id, labels[creator_id], item.fetched_at)
        for creator_id, item in loaded.items()
    )
    reports = {labels[cid]: report_of(config, item) for cid, item in loaded.items()}
    return _comparison_figure(key, raw, index, reports)


def insights_figure(config: Config, loaded: LoadedInsights, name: str) -> go.Figure | None:
    """One chart of the insights page (a name of ``FIGURE_BUILDERS``) for this loaded report."""
    return _figure(
        config.cache_label, loaded.creator_id, loaded.fetched_at, name, report_of(config, loaded)
    )


def load_insights(config: Config, creator_id: str, *, refresh: bool = False) -> LoadedInsights:
    """One creator through the cache's fetch policy (``InsightCache.load``); a refresh button
    goes through here too. Raises FPAPIError only when the API fails and nothing is cached."""
    settings = _settings(config)

    def fetch(wanted: str) -> Insights:
        with api_client(settings) as client:
            return client.get_instagram_insights(wanted)

    loaded = get_insight_cache(config).load(creator_id, fetch, refresh=refresh)
    record_fetch(get_store(config), loaded)
    return loaded


def _or_empty(read: Callable[[], T], empty: T, what: str) -> T:
    """What the store says, or ``empty`` (logged) when it cannot be read: these extras of a
    page (history, alerts, tags) never stop the page itself."""
    try:
        return read()
    except StoreError as err:
        log.warning("Could not read %s: %s", what, err)
        return empty


def fetch_history(store: Store | SqlStore, creator_id: str) -> list[Snapshot]:
    """A creator's fetch history, oldest first."""
    return _or_empty(lambda: store.snapshots(creator_id), [], "the fetch history")


def recent_alerts(store: Store | SqlStore, limit: int = 10) -> list[StoredAlert]:
    """The newest alerts."""
    return _or_empty(lambda: store.alerts(limit=limit), [], "the alerts")


def latest_fetches(store: Store | SqlStore, creator_ids: list[str]) -> dict[str, list[Snapshot]]:
    """These creators' last two fetches on record."""
    return _or_empty(
        lambda: store.latest_snapshots(per_creator=2, creator_ids=creator_ids),
        {},
        "the fetch history",
    )


def load_many(
    config: Config,
    creator_ids: list[str],
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, LoadedInsights | FPAPIError]:
    """Several creators through ``InsightCache.load_many``, the fetches concurrent.

    The cache works on a worker thread so that ``on_progress(done, total)`` can be called on
    this one (Streamlit elements update from the script's thread only).
    """
    settings = _settings(config)
    cache = get_insight_cache(config)
    settled: list[str] = []
    outcome: dict[str, dict[str, LoadedInsights | FPAPIError]] = {}

    def fetch_many(ids: list[str], on_result: Callable[[str, Insights | FPAPIError], None]) -> None:
        with api_client(settings) as client:
            client.get_many_instagram_insights(
                ids, on_result=on_result, max_concurrency=MAX_CONCURRENT_FETCHES
            )

    failure: list[StoreError] = []

    def work() -> None:
        try:
            outcome["results"] = cache.load_many(creator_ids, fetch_many, on_result=settled.append)
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
    fetched = [item for item in outcome["results"].values() if isinstance(item, LoadedInsights)]
    record_fetches(get_store(config), fetched)
    return outcome["results"]
