"""One preamble for every page: the workspace core for this session's person, in the client
workspace they are in, or a sentence and stop.

The frame (``app.py``) opens the workspace first on every run, with :func:`enter_workspace`: it
picks the client workspace (``ws=NAME`` in the address, else the one used last, else the first
the person was added to), keeps ``ws`` in the address when the person has several, and draws
the sidebar's picker. A page then starts with ``ws = open_workspace()`` and goes through ``ws``
for everything it reads or changes (:class:`fpapi.workspace.core.Workspace`); it never repeats
the configuration and data-folder checks itself, and it cannot reach another workspace's data.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import NoReturn

import streamlit as st

from components.frame import state
from components.frame.access import access_of, access_this_run, current_access
from components.frame.loaders import Config, get_config, get_insight_cache, get_store
from components.frame.routes import cookie_user
from fpapi.errors import (
    DataDirError,
    FPAPIError,
    NotInWorkspace,
    NotPermitted,
    StoreError,
    StudioError,
    WorkspaceError,
)
from fpapi.storage.store import Store
from fpapi.workspace.access import LOCAL_ACTOR, AccessDecision, Role
from fpapi.workspace.core import Workspace
from fpapi.workspace.members import (
    DEFAULT_WORKSPACE,
    Actor,
    choose_workspace,
    roles_of,
    workspace_name,
)

__all__ = [
    "WORKSPACE_PARAM",
    "Workspace",
    "enter_workspace",
    "open_public_workspace",
    "open_workspace",
    "reopened",
    "start_page_request_load",
]

log = logging.getLogger(__name__)
WORKSPACE_PARAM = "ws"


def actor_of(decision: AccessDecision) -> Actor:
    """Who this session acts as: the address as matched (or "local") with the role the
    allow-lists give them (none when only a workspace membership let them in)."""
    return Actor(decision.actor, decision.role)


def _stop(message: str) -> NoReturn:
    st.error(message)
    st.stop()
    raise AssertionError("st.stop() returned")  # for type checkers: st.stop never returns


def _configured(config: Config | None, failure: str | None) -> Config:
    config = config or get_config()
    if config.problem or config.settings is None:
        _stop(failure or config.problem or "The app is not configured.")
    return config


def enter_workspace(*, config: Config | None = None) -> Workspace:
    """The frame's first step after the gate: the workspace this run is in (the sidebar's
    picker drawn, ``ws`` kept in the address). NotInWorkspace (its sentence for the page)
    when the person may not open the one asked for, or none; a configuration or store
    problem is shown as a sentence, and the run stops."""
    config = _configured(config, None)
    actor = actor_of(access_this_run())
    try:
        store = get_store(config)
        roles = roles_of(store, actor)
        try:
            name = choose_workspace(
                roles, _asked(), state.workspace_name() or store.last_workspace(actor.name)
            )
        except NotInWorkspace:
            _render_picker(roles, None)
            raise
        ws = _open(config, store, actor, name)
        ws.store.check()
        if state.workspace_name() != name:  # this session's first run here
            ws.record_visit()
            state.set_workspace_name(name)
    except (DataDirError, StoreError) as err:
        _stop(str(err))
    state.remember_workspace(ws)
    if len(roles) > 1 and _asked() != name:
        st.query_params[WORKSPACE_PARAM] = name  # links and bookmarks keep the workspace
    _render_picker(roles, name)
    return ws


def reopened(ws: Workspace) -> Workspace:
    """``ws`` opened afresh for whoever this session is now: a dialog reruns alone, without
    the frame's gate, so a change made from one checks access again (a sign-out or a role
    taken away on another replica holds). NotInWorkspace or NotPermitted if it does not."""
    decision = current_access()
    if not decision.may_enter:
        raise NotPermitted("You are signed out: sign in again to change anything.")
    return Workspace(
        ws.settings,
        ws.store,
        ws.cache,
        actor_of(decision),
        workspace=ws.name,
        on_sandbox=ws.on_sandbox,
    )


# Page requests' loads: their own few threads, so that a burst of requests (any visitor can
# send them) never delays a page's own load; past MAX_HEAD_STARTS waiting, none is queued.
_HEAD_STARTS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="head-start")
MAX_HEAD_STARTS = 16
_head_start_places = threading.BoundedSemaphore(MAX_HEAD_STARTS)


def start_page_request_load(creator_id: str, asked: str | None, cookies: Mapping[str, str]) -> None:
    """serve.py's head start for a page request that names a creator (``/insights?creator=``):
    start loading their insights now, in a thread, rather than once the browser has loaded the
    page's code and its run has begun (0.5 s later in a new tab). The page then finds the copy
    cached, or the fetch under way (the cache fetches a creator once)."""
    if not _head_start_places.acquire(blocking=False):
        return  # a burst of requests: their pages load for themselves

    kept = dict(cookies)  # the request's own are gone once it is answered

    def load() -> None:
        try:
            _load_for_request(creator_id, asked, kept)
        finally:
            _head_start_places.release()

    _HEAD_STARTS.submit(load)


def _load_for_request(creator_id: str, asked: str | None, cookies: Mapping[str, str]) -> None:
    """The load, for the visitor the request's sign-in cookie names (nobody signed in when
    sign-in is off), in the workspace their page will open (the one asked for, else their
    last), through the core and its roster and consent checks: nothing for a visitor the page
    would not let in. Never raises (the page itself says what went wrong)."""
    try:
        decision = access_of(cookie_user(cookies) or {"is_logged_in": False})
        config = get_config()
        if not decision.may_enter or config.problem:
            return
        store, actor = get_store(config), actor_of(decision)
        name = choose_workspace(
            roles_of(store, actor), _as_name(asked), store.last_workspace(actor.name)
        )
        _open(config, store, actor, name).load_insights(creator_id)
    except (StudioError, FPAPIError) as err:  # not theirs, not on the roster, the API failed
        log.debug("No head start for a page request: %s", type(err).__name__)
    except Exception as err:  # the page will meet it too, and say what it is
        log.warning("A page request's head start failed: %s", type(err).__name__)


def open_workspace() -> Workspace:
    """The workspace the frame opened for this run (opened now if it opened none)."""
    ws = state.remembered_workspace()
    return ws if isinstance(ws, Workspace) else enter_workspace()


def open_public_workspace(failure: str) -> Workspace:
    """The core for a signed-out visitor of a public page (a creator's browser, in no
    workspace): on the callback it can only finish a link (the creator joins the workspace the
    link was made in), on /deletion only read a receipt. ``failure`` replaces the detailed
    sentence (settings, folders) a creator must not see."""
    config = _configured(None, failure)
    try:
        return _open(config, get_store(config), Actor(LOCAL_ACTOR, Role.VIEWER), DEFAULT_WORKSPACE)
    except (DataDirError, StoreError, NotInWorkspace):
        _stop(failure)


def _open(config: Config, store: Store, actor: Actor, name: str) -> Workspace:
    assert config.settings is not None
    return Workspace(
        config.settings,
        store,
        get_insight_cache(config),
        actor,
        workspace=name,
        on_sandbox=config.sandbox,
    )


def _asked() -> str | None:
    """The workspace the address asks for; one that cannot be a name is asked for as "?"
    (answered like any other that is not the person's, without echoing it)."""
    return _as_name(st.query_params.get(WORKSPACE_PARAM))


def _as_name(asked: str | None) -> str | None:
    if not asked:
        return None
    try:
        return workspace_name(asked)
    except WorkspaceError:
        return "?"


def _render_picker(roles: dict[str, Role], current: str | None) -> None:
    """The sidebar's workspace picker, for a person in more than one."""
    if len(roles) < 2 and current is not None:
        with st.sidebar:
            st.caption(f"Workspace: **{current}**")
        return
    names = list(roles)
    key = f"cis.workspace_picker.{current}"  # a fresh widget whenever the address changes it

    def picked() -> None:
        chosen = st.session_state[key]
        if chosen:
            state.set_workspace_name(None)  # the next run records the visit
            st.query_params[WORKSPACE_PARAM] = chosen

    with st.sidebar:
        st.selectbox(
            "Workspace",
            names,
            index=names.index(current) if current in names else None,
            key=key,
            on_change=picked,
            format_func=lambda name: f"{name} ({roles[name].value})",
            placeholder="Pick a workspace",
            help="Each client workspace has its own roster, links, lists and activity.",
        )
