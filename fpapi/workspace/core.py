"""The workspace core: every use case of the app, in one object, for one acting person.

Pages (through ``components.frame.workspace``), ``python -m fpapi.refresh``, ``migrate`` and
``seed`` all open a :class:`Workspace` and go through it: loading insights (fetch, cache,
snapshot and activity in one call), the verification link's life cycle, the roster, tags and
notes, shortlists, campaigns, and the activity list, which it alone writes. Every change names
its :class:`Actor`, so a rule about who may do what has one place to live. Nothing here knows
Streamlit.

The store and the insight cache are opened from the settings in
:mod:`fpapi.workspace.opening`, and the API client in :meth:`Workspace.client`, nowhere else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx

from fpapi.api.budget import BudgetedTransport
from fpapi.api.client import CONNECT_TIMEOUT_S, FirstPartyClient, tls_context
from fpapi.api.models import Insights
from fpapi.errors import (
    ConsentLapsed,
    FPAPIError,
    NoInsightsCall,
    NotInWorkspace,
    NotPermitted,
    StoreError,
)
from fpapi.links import PendingLink, claim_refusal, state_key
from fpapi.storage.budget import SqlBudget
from fpapi.storage.cache import InsightCache, LoadedInsights
from fpapi.storage.records import (
    Activity,
    Creator,
    Snapshot,
    StoredAlert,
)
from fpapi.storage.sql_jobs import QueueProgress, queue_progress
from fpapi.storage.store import Store
from fpapi.workspace import connect
from fpapi.workspace.access import Role
from fpapi.workspace.admin import WorkspaceAdmin
from fpapi.workspace.connect import NewLink, VerificationOutcome, Via
from fpapi.workspace.demo import ConsentPage, demo_usernames_to_add
from fpapi.workspace.forgetting import Forgetting, withdrawn_error
from fpapi.workspace.headlines import fetch_in_background
from fpapi.workspace.history import record_fetch, record_fetches
from fpapi.workspace.lists import Lists, _storable
from fpapi.workspace.members import DEFAULT_WORKSPACE, Actor, not_a_member, roles_of
from fpapi.workspace.opening import cache_label, open_cache, open_store, share_secret, with_api
from fpapi.workspace.progress import DataAge, data_age
from fpapi.workspace.settings import Settings
from fpapi.workspace.sharing import Sharing

__all__ = [
    "MAX_CONCURRENT_FETCHES",
    "Actor",
    "Workspace",
    "open_workspace",
]

log = logging.getLogger(__name__)

MAX_CONCURRENT_FETCHES = 12  # a whole comparison at once: bounded by the slowest fetch


def open_workspace(
    settings: Settings, actor: Actor, *, workspace: str = DEFAULT_WORKSPACE
) -> Workspace:
    """A workspace for a command, on the store and cache the settings name. Its API (the
    embedded sandbox when none is configured) is started only when a call needs it."""
    return Workspace(
        settings,
        open_store(settings),
        open_cache(settings, cache_label(settings)),
        actor,
        workspace=workspace,
        on_sandbox=settings.uses_sandbox,
    )


class Workspace(WorkspaceAdmin, Forgetting, Sharing, Lists):
    """The use cases, for ``actor``, in one client workspace (``name``) of one store, with
    the insight cache every workspace shares. Opening one ``actor`` is not in raises
    NotInWorkspace: nothing of it can be read through this object then."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        cache: InsightCache,
        actor: Actor,
        *,
        workspace: str = DEFAULT_WORKSPACE,
        on_sandbox: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.open_to = roles_of(store, actor)  # every workspace the actor may open: their role
        if workspace not in self.open_to:
            raise not_a_member(workspace)
        self._set_up(settings, store, cache, actor, workspace, self.open_to[workspace])
        self.on_sandbox = on_sandbox  # the API is the embedded sandbox: demo creators on offer
        self._clock = clock

    def _set_up(
        self,
        settings: Settings,
        store: Store,
        cache: InsightCache,
        actor: Actor,
        workspace: str,
        role: Role,
    ) -> None:
        self.settings = settings
        self.store = store.in_workspace(workspace)
        self.cache = cache
        self.actor = actor
        self.name = workspace
        self.role = role  # the actor's role in this workspace

    def close(self) -> None:
        self.store.close()
        self.cache.close()

    @contextmanager
    def client(self) -> Iterator[FirstPartyClient]:
        """The API client, built here and nowhere else, per piece of work: no token is kept
        in anything shared."""
        settings = with_api(self.settings)
        timeout = httpx.Timeout(
            settings.timeout_s, connect=min(CONNECT_TIMEOUT_S, settings.timeout_s)
        )
        transport = None
        if settings.vendor_rps:  # one budget for every process on this database
            budget = SqlBudget(self.store.engine, settings.vendor_rps)
            transport = BudgetedTransport(httpx.HTTPTransport(verify=tls_context()), budget)
        with FirstPartyClient(
            settings.base_url or "",
            settings.token,
            paths=settings.paths,
            timeout=timeout,
            transport=transport,
        ) as client:
            yield client

    def _share_secret(self) -> bytes:
        return share_secret(self.settings)

    # --- who may do what -------------------------------------------------------------------

    @property
    def may_change(self) -> bool:
        """Whether the actor may change anything (an analyst or admin), not only read."""
        return self.role.may_change

    def _require_change(self, what: str) -> None:
        """Refuse a change a viewer asks for, whichever way the call came: nothing changes."""
        if not self.may_change:
            raise NotPermitted(
                f"Viewers can read every page and download exports, but not {what}. Ask an "
                "admin to make you an analyst."
            )

    # --- what is on this workspace's roster ------------------------------------------------

    def _roster_creators(self, creator_ids: list[str]) -> list[Creator]:
        """The creators of ``creator_ids`` on this workspace's roster, in order, once each,
        read in one query."""
        return self.store.get_creators([cid for cid in creator_ids if _storable(cid)])

    def _on_roster(self, creator_ids: list[str]) -> list[str]:
        """``creator_ids`` that are on this workspace's roster, in order, once each."""
        return [c.creator_id for c in self._roster_creators(creator_ids)]

    def _require_on_roster(self, creator_id: str) -> Creator:
        """The creator, on this workspace's roster; anything about one who is not (another
        client's, or removed) is refused: nothing of them is read or changed."""
        found = self.store.get_creator(creator_id) if _storable(creator_id) else None
        if found is not None:
            return found
        raise NotInWorkspace(
            "This creator is not on this workspace's roster, so nothing of them is shown or "
            "changed here. Pick a creator from the roster."
        )

    # --- the activity list: its one writer ------------------------------------------------

    def record_export(self, subject: str, file_name: str) -> None:
        """Note that the actor downloaded ``file_name`` about ``subject``: the one entry anyone
        let in may add (a viewer's downloads are recorded too)."""
        self._record("exported", subject, file_name)

    def _record(self, action: str, subject: str, detail: str = "") -> None:
        """Add an entry credited to the actor. What already happened is never undone by a
        failure to note it: that failure is logged instead."""
        entry = Activity(
            at=self._clock(), actor=self.actor.name, action=action, subject=subject, detail=detail
        )
        try:
            self.store.add_activity(entry, keep_s=self.settings.activity_keep_s)
        except StoreError:
            log.warning("Could not record %s of %r in the activity list", action, subject)

    def activity(self, *, limit: int = 200) -> list[Activity]:
        return self.store.activity(limit=limit)

    # --- insights -------------------------------------------------------------------------

    def _fetch(self, creator_id: str) -> Insights:
        with self.client() as client:
            return client.get_instagram_insights(creator_id)

    def load_insights(
        self, creator_id: str, *, refresh: bool = False, subject: str = ""
    ) -> LoadedInsights:
        """One creator through the cache's fetch policy, its snapshot kept; a refresh that
        reached the API is recorded (under ``subject``). Raises FPAPIError only when the API
        fails and nothing is cached."""
        if refresh:
            self._require_change("refresh insights")
        creator = self._require_on_roster(creator_id)
        if creator.consent_withdrawn_at is not None:  # the vendor is never asked again
            raise withdrawn_error(creator, self.purge_at(creator))
        if creator.connector != "instagram":
            raise NoInsightsCall(
                "This creator connected a YouTube channel, and the First Party API offers "
                "Instagram insights only."
            )
        try:
            loaded = self.cache.load(creator_id, self._fetch, refresh=refresh)
        except ConsentLapsed as err:
            raise self._consent_ended(creator, err) from None
        if isinstance(loaded.error, ConsentLapsed):  # a stale copy is not shown either
            raise self._consent_ended(creator, loaded.error)
        record_fetch(self.store, loaded)
        if refresh and loaded.source == "api":
            self._record("insights_refreshed", subject or creator_id)
        return loaded

    def load_many(
        self, creator_ids: list[str], *, on_result: Callable[[str], None] | None = None
    ) -> dict[str, LoadedInsights | FPAPIError]:
        """Several creators: fresh copies first, the rest fetched together (at most
        MAX_CONCURRENT_FETCHES at once), their snapshots kept in one write. Creators not on
        this workspace's roster are left out."""
        on_roster = {c.creator_id: c for c in self._roster_creators(creator_ids)}
        withdrawn: dict[str, LoadedInsights | FPAPIError] = {
            cid: withdrawn_error(c, self.purge_at(c))
            for cid, c in on_roster.items()
            if c.consent_withdrawn_at is not None
        }

        def fetch_many(
            ids: list[str], on_fetched: Callable[[str, Insights | FPAPIError], None]
        ) -> None:
            with self.client() as client:
                client.get_many_instagram_insights(
                    ids, on_result=on_fetched, max_concurrency=MAX_CONCURRENT_FETCHES
                )

        fetchable = [cid for cid in on_roster if cid not in withdrawn]
        results = self.cache.load_many(fetchable, fetch_many, on_result=on_result)
        for cid, outcome in results.items():
            lapsed = outcome.error if isinstance(outcome, LoadedInsights) else outcome
            if isinstance(lapsed, ConsentLapsed):
                results[cid] = self._consent_ended(on_roster[cid], lapsed)
        record_fetches(
            self.store, [item for item in results.values() if isinstance(item, LoadedInsights)]
        )
        return {**withdrawn, **results}

    def refresh(
        self, creator_ids: list[str], *, concurrency: int
    ) -> Iterator[tuple[str, LoadedInsights | FPAPIError, Snapshot | None]]:
        """Fetch each creator again (``concurrency`` at once, on one client), in order: the
        fresh response and its kept snapshot, or the error (a failed fetch whose stale copy
        was kept still counts as failed). Creators not on this workspace's roster are left
        out; one whose consent was withdrawn gets that sentence, and no call."""
        self._require_change("refresh insights")
        on_roster = {c.creator_id: c for c in self._roster_creators(creator_ids)}
        creator_ids = list(on_roster)

        def fetch(client: FirstPartyClient, creator_id: str) -> LoadedInsights | FPAPIError:
            creator = on_roster[creator_id]
            if creator.consent_withdrawn_at is not None:
                return withdrawn_error(creator, self.purge_at(creator))
            try:
                loaded = self.cache.load(creator_id, client.get_instagram_insights, refresh=True)
            except FPAPIError as err:
                return err
            return loaded.error if loaded.error is not None else loaded

        with self.client() as client, ThreadPoolExecutor(max_workers=concurrency) as pool:
            outcomes = pool.map(lambda creator_id: fetch(client, creator_id), creator_ids)
            for creator_id, outcome in zip(creator_ids, outcomes, strict=True):
                if (
                    isinstance(outcome, ConsentLapsed)
                    and not on_roster[creator_id].consent_withdrawn_at
                ):
                    outcome = self._consent_ended(on_roster[creator_id], outcome)
                kept = (
                    record_fetch(self.store, outcome)
                    if isinstance(outcome, LoadedInsights)
                    else None
                )
                yield creator_id, outcome, kept

    def refresh_progress(self) -> QueueProgress | None:
        """How far the refresh queue has got (None without one: on a data folder, or before
        the first refresh was queued)."""
        return queue_progress(self.store.engine) if self.settings.on_queue else None

    def data_age(self) -> DataAge:
        """How old this roster's data is (its 95th percentile and its oldest)."""
        return data_age(self.store.last_fetches(), now=self._clock())

    def keep_alert(self, alert: StoredAlert) -> bool:
        """Store an alert once by its key: whether this call stored it (and so posts it)."""
        self._require_change("keep alerts")
        self._require_on_roster(alert.creator_id)
        return self.store.add_alert(alert)

    def alert_delivered(self, key: str) -> None:
        self._require_change("mark alerts delivered")
        self.store.claim_alert(key, self._clock())

    def _shown(self, creator_ids: list[str]) -> list[str]:
        """Of ``creator_ids``, those on this roster whose data may be shown (not withdrawn)."""
        return [
            c.creator_id
            for c in self._roster_creators(creator_ids)
            if c.consent_withdrawn_at is None
        ]

    def cached(self, creator_id: str) -> LoadedInsights | None:
        """What the cache holds for a creator on this roster, without calling the API."""
        return self.cache.peek(creator_id) if self._shown([creator_id]) else None

    def snapshots(self, creator_id: str, *, limit: int | None = None) -> list[Snapshot]:
        if not self._shown([creator_id]):
            return []
        return self.store.snapshots(creator_id, limit=limit)

    def latest_snapshots(self, creator_ids: list[str]) -> dict[str, list[Snapshot]]:
        return self.store.latest_snapshots(per_creator=2, creator_ids=self._shown(creator_ids))

    def alerts(self, *, limit: int = 50) -> list[StoredAlert]:
        return self.store.alerts(limit=limit)

    # --- verification links ---------------------------------------------------------------

    def create_link(self, *, connector: str, redirect_url: str, label: str = "") -> NewLink:
        """A verification link for a creator to open, made by the actor."""
        self._require_change("create verification links")
        with self.client() as client:
            new = connect.create_link(
                client,
                self.store,
                connector=connector,
                redirect_url=redirect_url,
                allowed_origins=self.settings.allowed_redirect_origins,
                actor=self.actor.name,
                label=label,
            )
        self._record("link_created", connect.link_subject(new.link))
        return new

    def finish_verification(
        self,
        *,
        state: str | None,
        token: str | None = None,
        error: str | None = None,
        via: Via,
        credit_link_creator: bool = False,
        fetch: bool = True,
    ) -> VerificationOutcome:
        """Finish a link once (:func:`fpapi.workspace.connect.finish_verification`). Through
        the callback (a creator's browser, signed out) the verification is credited to the
        analyst who created the link: there, the link's state is the creator's authority, and
        no role is needed; a paste is an analyst's change."""
        if via != "callback":
            self._require_change("verify creators")
            found = self.store.get_link(state_key(state)) if state else None
            if found is not None and found.workspace != self.name:  # another workspace's link
                return VerificationOutcome("rejected", str(claim_refusal(None)))
        with self.client() as client:
            outcome = connect.finish_verification(
                client,
                self.store,
                state=state,
                token=token,
                error=error,
                via=via,
                clock=self._clock,
            )
        if outcome.status == "verified" and outcome.creator and outcome.link:
            creator = outcome.creator
            link = outcome.link
            actor = (
                self._recording_as(link.created_by, link.workspace)
                if credit_link_creator
                else self._recording_as(self.actor.name, link.workspace)
            )
            actor._record(
                "creator_verified", creator.name or creator.username or creator.creator_id
            )
            if fetch:  # their headline numbers for the roster's first view, in the background
                fetch_in_background(actor, [creator.creator_id])
        return outcome

    def acting_as(self, name: str) -> Workspace:
        """The same workspace, for another actor with the same role (whom a callback's
        verification is credited to)."""
        return self._recording_as(name, self.name)

    def switch_to(self, workspace: str) -> Workspace:
        """The same actor in another workspace, if they may open it (NotInWorkspace if not;
        asked afresh, so a workspace created a moment ago counts)."""
        return Workspace(
            self.settings,
            self.store,
            self.cache,
            self.actor,
            workspace=workspace,
            on_sandbox=self.on_sandbox,
            clock=self._clock,
        )

    def _recording_as(self, name: str, workspace: str) -> Workspace:
        """This core as ``name`` in ``workspace``, with no membership check: only for the
        core's own records there (a callback credited to the link's creator in the link's
        workspace, an admin's change or a forgetting noted where it happened)."""
        other = object.__new__(Workspace)
        other._set_up(
            self.settings,
            self.store,
            self.cache,
            Actor(name, self.actor.role),
            workspace,
            self.role,
        )
        other.open_to = self.open_to
        other.on_sandbox, other._clock = self.on_sandbox, self._clock
        return other

    def cancel_link(self, key: str) -> bool:
        self._require_change("cancel verification links")
        link = self.store.cancel_link(key)
        if link is None:
            return False
        self._record("link_cancelled", link.label or link.connector)
        return True

    def prune_links(self) -> int:
        return self.store.prune_links(keep_s=self.settings.link_keep_s)

    def link(self, key: str) -> PendingLink | None:
        """A link made in this workspace, by key (a link of another is not found)."""
        link = self.store.get_link(key) if _storable(key) else None
        return link if link is not None and link.workspace == self.name else None

    def links(self, *, include_finished: bool = True) -> list[PendingLink]:
        return self.store.links(include_finished=include_finished)

    def add_demo_creators(self, consent: ConsentPage, usernames: list[str]) -> list[str]:
        """Verify each of ``usernames`` not yet on the roster through the real flow (a link,
        the creator's consent, Verify Creator); the names of those added."""
        self._require_change("add creators")
        added, joined = [], []
        for username in demo_usernames_to_add(self.store, usernames):
            new = self.create_link(
                connector="instagram", redirect_url=self.settings.callback_url, label="demo"
            )
            token = consent.approve(new.state, username=username)
            outcome = self.finish_verification(
                state=new.state, token=token, via="callback", fetch=False
            )
            if outcome.status == "verified" and outcome.creator is not None:
                added.append(outcome.creator.name or username)
                joined.append(outcome.creator.creator_id)
        fetch_in_background(self, joined)  # together, in the background: about a second
        return added
