"""The roster, verification links, shortlists and activity in the team database.

The same behaviour as :class:`fpapi.storage.store.Store` (the local store), on tables that
every replica of the app shares. What must hold across replicas is one statement each: a link
is claimed by a single ``UPDATE ... WHERE status = 'pending' ... RETURNING``, so two replicas
given the same callback at the same moment cannot both claim it; a creator is added by an
upsert that keeps who first added them.
"""

from __future__ import annotations

import copy
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from fpapi.errors import LinkRequestError
from fpapi.links import (
    DEFAULT_LINK_KEEP_S,
    DEFAULT_PENDING_TTL_S,
    FINISHED_STATUSES,
    OPEN_STATUSES,
    LinkStatus,
    PendingLink,
    claim_refusal,
)
from fpapi.storage.database import (
    DEFAULT_WORKSPACE,
    activity,
    alerts,
    creators,
    guarded,
    links,
    open_database,
    record_of,
    sign_outs,
    upsert,
)
from fpapi.storage.records import (
    ACTIVITY_PRUNE_EVERY,
    DEFAULT_ACTIVITY_KEEP_S,
    LINK_PRUNE_EVERY_S,
    REPEAT_WITHIN_S,
    REPEATING_ACTIONS,
    Activity,
    StoredAlert,
)
from fpapi.storage.sql_forget import ForgetTables
from fpapi.storage.sql_helpers import columns_of
from fpapi.storage.sql_lists import ListTables
from fpapi.storage.sql_roster import RosterTables
from fpapi.storage.sql_shares import ShareTables
from fpapi.storage.sql_workspaces import WorkspaceTables

__all__ = ["SqlStore"]

log = logging.getLogger(__name__)


class SqlStore(RosterTables, ListTables, WorkspaceTables, ForgetTables, ShareTables):
    """The team's shared store; see the module's docstring. One object per database, seen
    through one client workspace at a time (:meth:`in_workspace`)."""

    def __init__(
        self,
        engine: Engine | str,
        *,
        pending_ttl_s: float = DEFAULT_PENDING_TTL_S,
        clock: Callable[[], float] = time.time,
        workspace: str = DEFAULT_WORKSPACE,
    ) -> None:
        self._shared = _Shared(open_database(engine) if isinstance(engine, str) else engine)
        self.workspace = workspace
        self.pending_ttl_s = pending_ttl_s
        self._clock = clock
        self._activity_writes = 0
        self._last_prune = -math.inf

    @property
    def _engine(self) -> Engine:
        """The engine, the same object for every workspace's view (the data folder's recovery
        replaces it for all of them)."""
        return self._shared.engine

    @_engine.setter
    def _engine(self, engine: Engine) -> None:
        self._shared.engine = engine

    @property
    def recovered_from(self) -> Path | None:
        """Where the data folder's damaged database was moved (the team database is the DBA's
        to repair: nothing is ever moved aside there)."""
        return self._shared.recovered_from

    @recovered_from.setter
    def recovered_from(self, path: Path | None) -> None:
        self._shared.recovered_from = path

    def in_workspace(self, workspace: str) -> Self:
        """This store seen through ``workspace``: its roster, links, lists, alerts and activity
        only (fetch history, sign-outs and the workspaces themselves are shared)."""
        view = copy.copy(self)
        view.workspace = workspace
        return view

    @property
    def engine(self) -> Engine:
        """The database, for what reads it whole: a copy (``fpapi.migrate``), the queue's
        jobs, the shared vendor budget."""
        return self._engine

    def close(self) -> None:
        """Nothing to do: the engine (and its pool) belongs to the process."""

    @guarded
    def check(self) -> None:
        """Reach the database once, so an outage is told before a page draws."""
        with self._engine.connect() as connection:
            connection.execute(sa.select(creators.c.creator_id).limit(1))  # reads the file too

    # --- verification links --------------------------------------------------------------

    @guarded
    def add_pending(
        self, *, key: str, connector: str, redirect_url: str, label: str = "", created_by: str = ""
    ) -> PendingLink:
        link = PendingLink(
            workspace=self.workspace,
            key=key,
            connector=connector,
            redirect_url=redirect_url,
            created_at=self._clock(),
            label=label,
            created_by=created_by,
        )
        try:
            with self._engine.begin() as connection:
                connection.execute(links.insert().values(**columns_of(link)))
        except IntegrityError:
            raise LinkRequestError(
                "A link with this state already exists; generate a new state."
            ) from None
        return link

    @guarded
    def set_link_url(self, key: str, url: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(links.update().where(links.c.key == key).values(url=url))

    @guarded
    def get_link(self, key: str) -> PendingLink | None:
        return self._first(PendingLink, links.select().where(links.c.key == key))

    @guarded
    def links(self, *, include_finished: bool = True) -> list[PendingLink]:
        now = self._clock()
        query = (
            links.select()
            .where(links.c.workspace == self.workspace)
            .order_by(links.c.created_at.desc())
        )
        if not include_finished:
            query = query.where(links.c.status.in_(OPEN_STATUSES))
        found = [link.as_of(now, self.pending_ttl_s) for link in self._all(PendingLink, query)]
        if not include_finished:
            found = [link for link in found if not link.status.finished]
        return found

    @guarded
    def prune_links(
        self, *, keep_s: float = DEFAULT_LINK_KEEP_S, every_s: float = LINK_PRUNE_EVERY_S
    ) -> int:
        now = self._clock()
        if now - self._last_prune < every_s:
            return 0
        self._last_prune = now
        cutoff = now - keep_s
        finished = links.c.status.in_(FINISHED_STATUSES) & (
            sa.func.coalesce(links.c.status_at, links.c.created_at) < cutoff
        )
        expired = (links.c.status == LinkStatus.PENDING) & (
            links.c.created_at + self.pending_ttl_s < cutoff
        )
        pruned_shares = self.prune_shares(cutoff)  # expired shares go with the links
        with self._engine.begin() as connection:
            # Look before deleting: a page that calls this must not take the write lock (or
            # fail on a read-only folder) when there is nothing to prune.
            if connection.execute(sa.select(links.c.key).where(finished | expired)).first() is None:
                return pruned_shares
            pruned = connection.execute(links.delete().where(finished | expired)).rowcount or 0
            return pruned + pruned_shares

    @guarded
    def pop_pending(self, key: str) -> PendingLink:
        """Claim a pending link exactly once, in one statement; raise a LinkProblem saying
        why it cannot be."""
        now = self._clock()
        unexpired = links.c.created_at > now - self.pending_ttl_s
        claim = (
            links.update()
            .where(links.c.key == key, links.c.status == LinkStatus.PENDING, unexpired)
            .values(status=LinkStatus.CLAIMED, status_at=now)
            .returning(*links.c)
        )
        with self._engine.begin() as connection:
            row = connection.execute(claim).first()
            if row is not None:
                return record_of(PendingLink, row)
            found = connection.execute(links.select().where(links.c.key == key)).first()
            link = (
                None
                if found is None
                else record_of(PendingLink, found).as_of(now, self.pending_ttl_s)
            )
            if link is not None and link.status == LinkStatus.EXPIRED:
                connection.execute(
                    links.update()
                    .where(links.c.key == key, links.c.status == LinkStatus.PENDING)
                    .values(status=LinkStatus.EXPIRED, status_at=link.status_at)
                )
        raise claim_refusal(link)

    @guarded
    def finish_link(
        self,
        key: str,
        status: LinkStatus,
        *,
        detail: str = "",
        creator_id: str | None = None,
    ) -> None:
        """Move a link to ``status``, only from a status that may become it
        (:data:`fpapi.links.TRANSITIONS`): a finished link stays as it ended."""
        may_move = [before for before in LinkStatus if before.may_become(status)]
        with self._engine.begin() as connection:
            connection.execute(
                links.update()
                .where(links.c.key == key, links.c.status.in_(may_move))
                .values(
                    status=status, status_at=self._clock(), detail=detail, creator_id=creator_id
                )
            )

    @guarded
    def cancel_link(self, key: str) -> PendingLink | None:
        now = self._clock()
        cancel = (
            links.update()
            .where(
                links.c.workspace == self.workspace,
                links.c.key == key,
                links.c.status == LinkStatus.PENDING,
                links.c.created_at > now - self.pending_ttl_s,
            )
            .values(status=LinkStatus.CANCELLED, status_at=now)
            .returning(*links.c)
        )
        return self._first(PendingLink, cancel, write=True)

    # --- alerts ------------------------------------------------------------------------------

    @guarded
    def add_alert(self, alert: StoredAlert) -> bool:
        """Keep an alert; False when one with its key exists (another replica found it)."""
        with self._engine.begin() as connection:
            statement = upsert(connection, alerts).values(
                workspace=self.workspace, **columns_of(alert)
            )
            result = connection.execute(
                statement.on_conflict_do_nothing().returning(alerts.c.key)
            ).first()
        return result is not None

    @guarded
    def alerts(self, *, limit: int = 50) -> list[StoredAlert]:
        return self._newest_here(StoredAlert, alerts.c.at, limit=limit)

    @guarded
    def claim_alert(self, key: str, at: float) -> bool:
        """Mark an alert as delivered, in one statement; False when it was already."""
        with self._engine.begin() as connection:
            row = connection.execute(
                alerts.update()
                .where(
                    alerts.c.workspace == self.workspace,
                    alerts.c.key == key,
                    alerts.c.delivered_at.is_(None),
                )
                .values(delivered_at=at)
                .returning(alerts.c.key)
            ).first()
        return row is not None

    # --- sign-outs -----------------------------------------------------------------------

    @guarded
    def sign_out(self, subject: str, at: float) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                upsert(connection, sign_outs)
                .values(subject=subject, at=at)
                .on_conflict_do_update(index_elements=["subject"], set_={"at": at})
            )

    @guarded
    def signed_out_at(self, subject: str) -> float | None:
        with self._engine.connect() as connection:
            return connection.execute(
                sa.select(sign_outs.c.at).where(sign_outs.c.subject == subject)
            ).scalar()

    # --- activity ------------------------------------------------------------------------

    @guarded
    def add_activity(self, entry: Activity, *, keep_s: float = DEFAULT_ACTIVITY_KEEP_S) -> None:
        with self._engine.begin() as connection:
            repeated = entry.action in REPEATING_ACTIONS and _count_repeat(
                connection, self.workspace, entry
            )
            if not repeated:
                entry_id = f"{entry.at:017.6f}|{secrets.token_hex(4)}"
                connection.execute(
                    activity.insert().values(
                        entry_id=entry_id, workspace=self.workspace, **columns_of(entry)
                    )
                )
            self._activity_writes += 1
            if self._activity_writes % ACTIVITY_PRUNE_EVERY == 1:  # the first write, then every 100
                connection.execute(activity.delete().where(activity.c.at < entry.at - keep_s))

    @guarded
    def activity(self, *, limit: int = 200) -> list[Activity]:
        return self._newest_here(Activity, activity.c.entry_id, limit=limit)


@dataclass
class _Shared:
    """What every workspace's view of one store shares."""

    engine: Engine
    recovered_from: Path | None = None


def _count_repeat(connection: sa.Connection, workspace: str, entry: Activity) -> bool:
    """Count ``entry`` on the same person's same entry of the last REPEAT_WITHIN_S, if any."""
    same = (
        (activity.c.workspace == workspace)
        & (activity.c.actor == entry.actor)
        & (activity.c.action == entry.action)
        & (activity.c.subject == entry.subject)
        & (activity.c.detail == entry.detail)
        & (activity.c.at >= entry.at - REPEAT_WITHIN_S)
    )
    last = connection.execute(
        sa.select(activity.c.entry_id).where(same).order_by(activity.c.entry_id.desc()).limit(1)
    ).scalar()
    if last is None:
        return False
    connection.execute(
        activity.update()
        .where(activity.c.entry_id == last)
        .values(count=activity.c.count + 1, at=entry.at)
    )
    return True
