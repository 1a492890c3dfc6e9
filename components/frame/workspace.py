"""One preamble for every page: the workspace core for this session's analyst, or a sentence
and stop.

A page starts with ``ws = open_workspace()`` and goes through ``ws`` for everything it reads
or changes (:class:`fpapi.workspace.core.Workspace`); it never repeats the configuration and
data-folder checks itself.
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from components.frame.access import access_this_run
from components.frame.loaders import Config, get_config, get_insight_cache, get_store
from fpapi.errors import DataDirError, StoreError
from fpapi.workspace.access import AccessDecision, Role
from fpapi.workspace.core import Actor, Workspace

__all__ = ["Workspace", "open_workspace"]


def actor_of(decision: AccessDecision) -> Actor:
    """Who this session acts as: the address as matched (or "local") with its role; a visitor
    who is not let in (a creator on the callback) acts as a viewer."""
    return Actor(decision.actor, decision.role or Role.VIEWER)


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
    if config.problem or config.settings is None:
        _stop(failure or config.problem or "The app is not configured.")
    try:
        workspace = Workspace(
            config.settings,
            get_store(config),
            get_insight_cache(config),
            actor_of(access_this_run()),
            on_sandbox=config.sandbox,
        )
        if check:
            workspace.store.check()
        return workspace
    except (DataDirError, StoreError) as err:
        _stop(failure or str(err))
