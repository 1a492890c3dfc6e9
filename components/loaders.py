"""The only place that touches both Streamlit and fpapi: settings, API access, cache and store.

Nothing secret is ever stored in ``st.cache_resource``: the store and the cache are keyed by
their directory, and the client (which holds the API token) is built per use.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import diskcache
import httpx
import plotly.graph_objects as go
import streamlit as st

from components.compare_charts import comparison_figures
from components.report_figures import report_figures
from fpapi import FirstPartyClient, FPAPIError, Insights
from fpapi.analysis.report import InsightsReport, build_report
from fpapi.api.client import CONNECT_TIMEOUT_S
from fpapi.sandbox import embedded_sandbox
from fpapi.storage.cache import InsightCache
from fpapi.storage.store import Store
from fpapi.workspace.settings import Settings, SettingsError, load_settings

SANDBOX_CACHE_LABEL = "sandbox://embedded"  # the embedded sandbox moves port every start
PROGRESS_POLL_S = 0.1
MAX_CONCURRENT_FETCHES = 12  # a whole comparison at once: bounded by the slowest fetch


class DataDirError(Exception):
    """The data directory cannot be used; ``str()`` says what to do."""


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


def _secrets_table() -> tuple[dict[str, object], str | None]:
    try:
        table = st.secrets.get("fpapi", {})
    except FileNotFoundError:  # no secrets.toml: the environment alone decides
        return {}, None
    except Exception:  # a malformed secrets.toml: say so, never echo its contents
        return {}, ".streamlit/secrets.toml could not be read: check that it is valid TOML."
    return (dict(table) if hasattr(table, "keys") else {}), None


def get_config() -> Config:
    """Settings from the environment and secrets; the embedded sandbox when no API is set."""
    table, problem = _secrets_table()
    if problem:
        return Config(None, problem=problem)
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


def _data_dir_error(settings: Settings, err: Exception) -> DataDirError:
    reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return DataDirError(
        f"The data folder {settings.data_dir} cannot be used ({reason}). Point FPAPI_DATA_DIR "
        "at a folder this app can write to, then reload. Nothing stored there was changed."
    )


def get_store(config: Config) -> Store:
    """The roster and pending links, shared by every session of this app."""
    settings = config.settings
    assert settings is not None
    try:
        return _store(str(settings.data_dir / "store"), settings.link_ttl_s)
    except (OSError, sqlite3.Error, diskcache.Timeout) as err:
        raise _data_dir_error(settings, err) from err


def get_insight_cache(config: Config) -> InsightCache:
    """The insight cache for the API in use."""
    settings = config.settings
    assert settings is not None
    try:
        return _insight_cache(
            str(settings.data_dir / "insights"), config.cache_label, settings.cache_ttl_s
        )
    except (OSError, sqlite3.Error, diskcache.Timeout) as err:
        raise _data_dir_error(settings, err) from err


@dataclass(frozen=True)
class LoadedInsights:
    """One creator's report and where it came from: "api", "cache" or "stale"."""

    report: InsightsReport
    fetched_at: float
    source: str
    error: FPAPIError | None = None

    @property
    def age_s(self) -> float:
        return max(0.0, time.time() - self.fetched_at)


@st.cache_resource(show_spinner=False, max_entries=64)
def _report(
    api_label: str,
    creator_id: str,
    fetched_at: float,
    _cache: InsightCache,
    _insights: Insights | None = None,
) -> InsightsReport | None:
    """The report per fetched response (keyed by when it was fetched), built once and
    shared read-only."""
    insights = _insights
    if insights is None:
        cached = _cache.peek(creator_id)
        if cached is None:
            return None
        insights = cached.insights
    return build_report(insights)


@st.cache_resource(show_spinner=False, max_entries=64)
def _figures(
    api_label: str, creator_id: str, fetched_at: float, _report: InsightsReport
) -> dict[str, go.Figure | None]:
    """One report's charts, built once and shared read-only: building plotly figures is the
    slow part of an insights page run."""
    return report_figures(_report)


@st.cache_resource(show_spinner=False, max_entries=16)
def _comparison_figures(
    key: tuple[tuple[str, str, float], ...], raw: bool, _reports: dict[str, InsightsReport]
) -> list[go.Figure | None]:
    return comparison_figures(_reports, raw=raw)


def compare_figures(
    config: Config, loaded: dict[str, LoadedInsights], labels: dict[str, str], *, raw: bool
) -> list[go.Figure | None]:
    """The compare page's charts for these loaded reports, built once per set of responses."""
    key = tuple(
        (config.cache_label + creator_id, labels[creator_id], item.fetched_at)
        for creator_id, item in loaded.items()
    )
    return _comparison_figures(key, raw, {labels[cid]: item.report for cid, item in loaded.items()})


def insights_figures(
    config: Config, creator_id: str, loaded: LoadedInsights
) -> dict[str, go.Figure | None]:
    """Every chart of the insights page for this loaded report."""
    return _figures(config.cache_label, creator_id, loaded.fetched_at, loaded.report)


def load_insights(config: Config, creator_id: str, *, refresh: bool = False) -> LoadedInsights:
    """The creator's report: fresh cache, else the API, else a stale copy with the API's error.

    Raises FPAPIError only when the API fails and nothing is cached.
    """
    cache = get_insight_cache(config)
    summary = cache.summary(creator_id)
    if summary is not None and not refresh and time.time() - summary.fetched_at < cache.ttl_s:
        built = _report(config.cache_label, creator_id, summary.fetched_at, cache)
        if built is not None:
            return LoadedInsights(built, summary.fetched_at, "cache")
    with api_client(config.settings) as client:
        result = cache.get_or_fetch(creator_id, client.get_instagram_insights, refresh=refresh)
    built = _report(config.cache_label, creator_id, result.fetched_at, cache, result.insights)
    assert built is not None  # built from the insights just passed in
    return LoadedInsights(built, result.fetched_at, result.source, result.error)


def load_many(
    config: Config,
    creator_ids: list[str],
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, LoadedInsights | FPAPIError]:
    """Reports for several creators: fresh cache first, the rest fetched concurrently with
    ``get_many_instagram_insights``. A failed fetch falls back to a stale copy, else its error.

    ``on_progress(done, total)`` is called on this thread while the fetches run.
    """
    cache = get_insight_cache(config)
    results: dict[str, LoadedInsights | FPAPIError] = {}
    to_fetch = []
    now = time.time()
    for creator_id in creator_ids:
        summary = cache.summary(creator_id)
        built = None
        if summary is not None and now - summary.fetched_at < cache.ttl_s:
            built = _report(config.cache_label, creator_id, summary.fetched_at, cache)
        if built is not None:
            results[creator_id] = LoadedInsights(built, summary.fetched_at, "cache")
        else:
            to_fetch.append(creator_id)
    total, done = len(creator_ids), [len(results)]
    if on_progress:
        on_progress(done[0], total)
    if to_fetch:
        finished: dict[str, Insights | FPAPIError] = {}

        def record(creator_id: str, result: Insights | FPAPIError) -> None:
            finished[creator_id] = result

        with api_client(config.settings) as client:
            worker = threading.Thread(
                target=client.get_many_instagram_insights,
                args=(to_fetch,),
                kwargs={"on_result": record, "max_concurrency": MAX_CONCURRENT_FETCHES},
                daemon=True,
            )
            worker.start()
            while worker.is_alive():
                worker.join(PROGRESS_POLL_S)
                if on_progress:
                    on_progress(len(results) + len(finished), total)
        for creator_id in to_fetch:
            outcome = finished.get(creator_id)
            if isinstance(outcome, Insights):
                fetched_at = cache.put(creator_id, outcome)
                built = _report(config.cache_label, creator_id, fetched_at, cache, outcome)
                results[creator_id] = LoadedInsights(built, fetched_at, "api")
                continue
            error = (
                outcome
                if isinstance(outcome, FPAPIError)
                else FPAPIError("The fetch did not finish.")
            )
            stale = cache.peek(creator_id)
            if stale is None:
                results[creator_id] = error
            else:
                built = _report(
                    config.cache_label, creator_id, stale.fetched_at, cache, stale.insights
                )
                results[creator_id] = LoadedInsights(built, stale.fetched_at, "stale", error)
    return {creator_id: results[creator_id] for creator_id in creator_ids}
