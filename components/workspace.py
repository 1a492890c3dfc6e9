"""One preamble for every page: the configuration, store and insight cache, or a sentence and stop.

A page starts with ``ws = open_workspace()``; it never repeats the configuration and
data-folder checks itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import streamlit as st

from components.loaders import Config, get_config, get_insight_cache, get_store
from fpapi.errors import DataDirError, StoreError
from fpapi.storage.cache import InsightCache
from fpapi.storage.sql_store import SqlStore
from fpapi.storage.store import Store
from fpapi.workspace.settings import Settings


@dataclass(frozen=True)
class Workspace:
    """What a page works with."""

    config: Config
    store: Store | SqlStore
    cache: InsightCache

    @property
    def settings(self) -> Settings:
        assert self.config.settings is not None  # open_workspace stops before that
        return self.config.settings


def _stop(message: str) -> NoReturn:
    st.error(message)
    st.stop()
    raise AssertionError("st.stop() returned")  # for type checkers: st.stop never returns


def open_workspace(
    *, config: Config | None = None, failure: str | None = None, check: bool = False
) -> Workspace:
    """The workspace, or the problem shown as a sentence and the page stopped.

    ``config`` saves reading the configuration again when the caller has it. ``failure``
    replaces the detailed sentence (which names settings and folders) for a visitor who must
    not see them: a creator on the callback page. ``check`` reads the store once, so that an
    outage or damage is told before the page draws (the frame does it once per run).
    """
    config = config or get_config()
    if config.problem:
        _stop(failure or config.problem)
    try:
        workspace = Workspace(config, get_store(config), get_insight_cache(config))
        if check:
            workspace.store.check()
        return workspace
    except (DataDirError, StoreError) as err:
        _stop(failure or str(err))
