"""The only place that touches both Streamlit and fpapi: settings, API access, cache and store.

Nothing secret is ever stored in ``st.cache_resource``: the store and the cache are keyed by
their directory, and the client (which holds the API token) is built per use.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from components.report_figures import report_figures
from fpapi import FirstPartyClient, FPAPIError, Insights
from fpapi.cache import InsightCache
from fpapi.report import InsightsReport, build_report
from fpapi.sandbox import embedded_sandbox
from fpapi.settings import Settings, SettingsError, load_settings
from fpapi.store import Store

SANDBOX_CACHE_LABEL = "sandbox://embedded"  # the embedded sandbox moves port every start


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
    with FirstPartyClient(settings.base_url or "", settings.token, paths=settings.paths) as client:
        yield client


@st.cache_resource(show_spinner=False)
def _store(directory: str, link_ttl_s: float) -> Store:
    return Store(Path(directory), pending_ttl_s=link_ttl_s)


@st.cache_resource(show_spinner=False)
def _insight_cache(directory: str, api_label: str, ttl_s: float) -> InsightCache:
    return InsightCache(Path(directory), api_base_url=api_label, ttl_s=ttl_s)


def _data_dir_error(settings: Settings, err: OSError) -> DataDirError:
    reason = err.strerror or str(err)
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
    except OSError as err:
        raise _data_dir_error(settings, err) from err


def get_insight_cache(config: Config) -> InsightCache:
    """The insight cache for the API in use."""
    settings = config.settings
    assert settings is not None
    try:
        return _insight_cache(
            str(settings.data_dir / "insights"), config.cache_label, settings.cache_ttl_s
        )
    except OSError as err:
        raise _data_dir_error(settings, err) from err


@dataclass(frozen=True)
class LoadedInsights:
    """One creator's report, its charts, and where it came from: "api", "cache" or "stale"."""

    report: InsightsReport
    figures: dict[str, go.Figure | None]
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
) -> tuple[InsightsReport, dict[str, go.Figure | None]] | None:
    """The report and its charts per fetched response (keyed by when it was fetched), built
    once and shared read-only: building charts is the slow part of a page run."""
    insights = _insights
    if insights is None:
        cached = _cache.peek(creator_id)
        if cached is None:
            return None
        insights = cached.insights
    report = build_report(insights)
    return report, report_figures(report)


def load_insights(config: Config, creator_id: str, *, refresh: bool = False) -> LoadedInsights:
    """The creator's report: fresh cache, else the API, else a stale copy with the API's error.

    Raises FPAPIError only when the API fails and nothing is cached.
    """
    cache = get_insight_cache(config)
    summary = cache.summary(creator_id)
    if summary is not None and not refresh and time.time() - summary.fetched_at < cache.ttl_s:
        built = _report(config.cache_label, creator_id, summary.fetched_at, cache)
        if built is not None:
            return LoadedInsights(*built, summary.fetched_at, "cache")
    with api_client(config.settings) as client:
        result = cache.get_or_fetch(creator_id, client.get_instagram_insights, refresh=refresh)
    built = _report(config.cache_label, creator_id, result.fetched_at, cache, result.insights)
    assert built is not None  # built from the insights just passed in
    return LoadedInsights(*built, result.fetched_at, result.source, result.error)
