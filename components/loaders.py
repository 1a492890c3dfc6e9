"""The only place that touches both Streamlit and fpapi: settings, API access, cache and store.

Nothing secret is ever stored in ``st.cache_resource``: the store and the cache are keyed by
their directory, and the client (which holds the API token) is built per use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from fpapi import FirstPartyClient
from fpapi.cache import InsightCache
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
