"""The roster, verification links, shortlists and activity in the team database.

The same behaviour as :class:`fpapi.storage.store.Store` (the local store), on tables that
every replica of the app shares. What must hold across replicas is one statement each: a link
is claimed by a single ``UPDATE ... WHERE status = 'pending' ... RETURNING``, so two replicas
given the same callback at the same moment cannot both claim it; a creator is added by an
upsert that keeps who first added them.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from fpapi.errors import LinkRequestError, ShortlistError
from fpapi.storage.database import (
    activity,
    alerts,
    campaigns,
    creators,
    guarded,
    links,
    open_database,
    relationships,
    shortlists,
    snapshots,
    upsert,
)
from fpapi.storage.records import (
    ACTIVITY_PRUNE_EVERY,
    DEFAULT_LINK_KEEP_S,
    DEFAULT_PENDING_TTL_S,
    FINISHED_STATUSES,
    LINK_PRUNE_EVERY_S,
    MAX_ACTIVITY_ENTRIES,
    Activity,
    Campaign,
    Creator,
    PendingLink,
    Relationship,
    RosterCounts,
    RosterPage,
    RosterQuery,
    Shortlist,
    Snapshot,
    StoredAlert,
    claim_refusal,
    clean_tags,
    new_note,
    pipeline_status,
    search_needle,
    search_text,
    shortlist_name,
    sort_name,
    tags_text,
)

__all__ = ["SqlStore"]

log = logging.getLogger(__name__)

R = TypeVar("R")


def _record(cls: type[R], row: Any) -> R:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in row._mapping.items() if k in names})


class SqlStore:
    """The team's shared store; see the module's docstring."""

    recovered_from: Path | None = (
        None  # the database is the DBA's to repair: nothing is ever moved aside
    )

    def __init__(
        self,
        engine: Engine | str,
        *,
        pending_ttl_s: float = DEFAULT_PENDING_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._engine = open_database(engine) if isinstance(engine, str) else engine
        self.pending_ttl_s = pending_ttl_s
        self._clock = clock
        self._activity_writes = 0
        self._last_prune = -math.inf

    @property
    def engine(self) -> Engine:
        """The database, for a command that copies it whole (``python -m fpapi.migrate``)."""
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
        self,
        *,
        key: str,
        connector: str,
        redirect_url: str,
        label: str = "",
        url: str = "",
        created_by: str = "",
    ) -> PendingLink:
        link = PendingLink(
            key=key,
            connector=connector,
            redirect_url=redirect_url,
            created_at=self._clock(),
            label=label,
            url=url,
            created_by=created_by,
        )
        try:
            with self._engine.begin() as connection:
                connection.execute(links.insert().values(**asdict(link)))
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
        with self._engine.connect() as connection:
            row = connection.execute(links.select().where(links.c.key == key)).first()
        return None if row is None else _record(PendingLink, row)

    @guarded
    def links(self, *, include_finished: bool = True) -> list[PendingLink]:
        now = self._clock()
        query = links.select().order_by(links.c.created_at.desc())
        if not include_finished:
            query = query.where(links.c.status.in_(("pending", "claimed")))
        with self._engine.connect() as connection:
            found = [
                _record(PendingLink, row).as_of(now, self.pending_ttl_s)
                for row in connection.execute(query)
            ]
        if not include_finished:
            found = [link for link in found if link.status not in FINISHED_STATUSES]
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
        expired = (links.c.status == "pending") & (links.c.created_at + self.pending_ttl_s < cutoff)
        with self._engine.begin() as connection:
            # Look before deleting: a page that calls this must not take the write lock (or
            # fail on a read-only folder) when there is nothing to prune.
            if connection.execute(sa.select(links.c.key).where(finished | expired)).first() is None:
                return 0
            return connection.execute(links.delete().where(finished | expired)).rowcount or 0

    @guarded
    def pop_pending(self, key: str) -> PendingLink:
        """Claim a pending link exactly once, in one statement; raise a LinkProblem saying
        why it cannot be."""
        now = self._clock()
        unexpired = links.c.created_at > now - self.pending_ttl_s
        claim = (
            links.update()
            .where(links.c.key == key, links.c.status == "pending", unexpired)
            .values(status="claimed", status_at=now)
            .returning(*links.c)
        )
        with self._engine.begin() as connection:
            row = connection.execute(claim).first()
            if row is not None:
                return _record(PendingLink, row)
            found = connection.execute(links.select().where(links.c.key == key)).first()
            link = (
                None
                if found is None
                else _record(PendingLink, found).as_of(now, self.pending_ttl_s)
            )
            if link is not None and link.status == "expired":
                connection.execute(
                    links.update()
                    .where(links.c.key == key, links.c.status == "pending")
                    .values(status="expired", status_at=link.status_at)
                )
        raise claim_refusal(link)

    @guarded
    def finish_link(
        self,
        key: str,
        status: str,
        *,
        detail: str = "",
        creator_id: str | None = None,
    ) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                links.update()
                .where(links.c.key == key)
                .values(
                    status=status, status_at=self._clock(), detail=detail, creator_id=creator_id
                )
            )

    @guarded
    def cancel_link(self, key: str, *, actor: str) -> bool:
        now = self._clock()
        with self._engine.begin() as connection:
            row = connection.execute(
                links.update()
                .where(
                    links.c.key == key,
                    links.c.status == "pending",
                    links.c.created_at > now - self.pending_ttl_s,
                )
                .values(status="cancelled", status_at=now)
                .returning(links.c.label, links.c.connector)
            ).first()
        if row is None:
            return False
        self.record(actor, "link_cancelled", row.label or row.connector)
        return True

    # --- roster --------------------------------------------------------------------------

    @guarded
    def add_creator(self, creator: Creator) -> Creator:
        """Add or refresh a creator; a re-verified creator keeps one row, and who first added
        them and when."""
        values = asdict(creator)
        values["added_at"] = creator.added_at or creator.verified_at or self._clock()
        values.update(search_text=search_text(creator), sort_name=sort_name(creator))
        kept = ("creator_id", "added_by", "added_at")
        with self._engine.begin() as connection:
            insert = upsert(connection, creators).values(**values)
            statement = insert.on_conflict_do_update(
                index_elements=[creators.c.creator_id],
                set_={k: insert.excluded[k] for k in values if k not in kept},
            ).returning(*creators.c)
            row = connection.execute(statement).one()
            self._keep_latest_fetch(connection, creator.creator_id)
        return _record(Creator, row)

    @staticmethod
    def _keep_latest_fetch(connection: sa.Connection, creator_id: str) -> None:
        """Copy the creator's newest fetch's numbers onto their row, for the roster's sorts."""
        latest = connection.execute(
            sa.select(snapshots.c.fetched_at, snapshots.c.followers, snapshots.c.engagement_rate)
            .where(snapshots.c.creator_id == creator_id)
            .order_by(snapshots.c.fetched_at.desc())
            .limit(1)
        ).first()
        if latest is not None:
            connection.execute(
                creators.update()
                .where(creators.c.creator_id == creator_id)
                .values(
                    followers=latest.followers,
                    engagement_rate=latest.engagement_rate,
                    last_fetched_at=latest.fetched_at,
                )
            )

    @guarded
    def add_new_creators(self, found: list[tuple[Creator, Relationship | None]]) -> int:
        """Add many creators (with their tags and status) in one transaction, leaving any
        already on the roster as they are; how many were new. For a seeded demo roster."""
        creator_rows = [
            {**asdict(c), "search_text": search_text(c), "sort_name": sort_name(c)}
            for c, _ in found
        ]
        relationship_rows = [
            {**asdict(r), "tags_text": tags_text(r.tags)} for _, r in found if r is not None
        ]
        with self._engine.begin() as connection:
            before = connection.execute(sa.select(sa.func.count()).select_from(creators))
            counted = before.scalar_one()
            for table, rows in ((creators, creator_rows), (relationships, relationship_rows)):
                if rows:
                    connection.execute(upsert(connection, table).on_conflict_do_nothing(), rows)
            after = connection.execute(sa.select(sa.func.count()).select_from(creators))
            return int(after.scalar_one() - counted)

    @guarded
    def get_creator(self, creator_id: str) -> Creator | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                creators.select().where(creators.c.creator_id == creator_id)
            ).first()
        return None if row is None else _record(Creator, row)

    @guarded
    def creators(self) -> list[Creator]:
        """The roster, most recently verified first."""
        with self._engine.connect() as connection:
            rows = connection.execute(creators.select().order_by(creators.c.verified_at.desc()))
            return [_record(Creator, row) for row in rows]

    @guarded
    def roster_page(self, query: RosterQuery) -> RosterPage:
        """One page of the roster as ``query`` asks: filtered, counted and sorted in the
        database, and only the page's rows read (with their relationships)."""
        conditions = _roster_conditions(query)
        matching = _WITH_RELATIONSHIPS if _needs_relationships(query) else creators
        order = _ROSTER_ORDER.get(query.sort, _ROSTER_ORDER["date added"])
        per_page = max(1, query.per_page)
        with self._engine.connect() as connection:
            matched = connection.execute(
                sa.select(sa.func.count()).select_from(matching).where(*conditions)
            ).scalar_one()
            pages = max(1, -(-matched // per_page))
            page = min(max(1, query.page), pages)
            shown = [
                _record(Creator, row)
                for row in connection.execute(
                    sa.select(creators)
                    .select_from(matching)
                    .where(*conditions)
                    .order_by(*order, creators.c.creator_id)
                    .limit(per_page)
                    .offset((page - 1) * per_page)
                )
            ]
            ids = [creator.creator_id for creator in shown]
            related = {
                row.creator_id: _record(Relationship, row)
                for row in connection.execute(
                    relationships.select().where(relationships.c.creator_id.in_(ids))
                )
            }
        return RosterPage(shown, related, matched, page, pages)

    @guarded
    def roster_counts(self) -> RosterCounts:
        """How many creators the roster holds, by pipeline status and connector, and their
        tags: counted in the database."""
        status = sa.func.coalesce(relationships.c.status, "new")
        with self._engine.connect() as connection:
            by_status: dict[str, int] = dict(
                connection.execute(
                    sa.select(status, sa.func.count())
                    .select_from(_WITH_RELATIONSHIPS)
                    .group_by(status)
                ).all()
            )
            by_connector: dict[str, int] = dict(
                connection.execute(
                    sa.select(creators.c.connector, sa.func.count()).group_by(creators.c.connector)
                ).all()
            )
            tagged = connection.execute(  # each distinct set of tags once, as "#a#b#"
                sa.select(relationships.c.tags_text)
                .join(creators, creators.c.creator_id == relationships.c.creator_id)
                .where(relationships.c.tags_text != "")
                .distinct()
            ).scalars()
            tags = sorted({tag for text in tagged for tag in text.strip("#").split("#")})
        return RosterCounts(sum(by_status.values()), by_status, by_connector, tags)

    @guarded
    def find_creators(
        self, text: str, *, connector: str | None = None, limit: int = 20
    ) -> list[Creator]:
        """Creators whose name, handle or label holds ``text``, by name: what a picker offers
        as the analyst types."""
        query = sa.select(creators)
        needle = search_needle(text)
        if needle:
            query = query.where(creators.c.search_text.contains(needle, autoescape=True))
        if connector is not None:
            query = query.where(creators.c.connector == connector)
        query = query.order_by(creators.c.sort_name, creators.c.creator_id).limit(limit)
        with self._engine.connect() as connection:
            return [_record(Creator, row) for row in connection.execute(query)]

    @guarded
    def creators_with_handles(self, handles: list[str]) -> list[Creator]:
        """Creators on the roster with one of these handles (any case, "@" or not)."""
        wanted = {handle.lstrip("@").lower() for handle in handles if handle}
        if not wanted:
            return []
        handle = sa.func.lower(sa.func.ltrim(creators.c.username, "@"))
        with self._engine.connect() as connection:
            rows = connection.execute(creators.select().where(handle.in_(wanted)))
            return [_record(Creator, row) for row in rows]

    @guarded
    def get_creators(self, creator_ids: list[str]) -> list[Creator]:
        """These creators, in this order, leaving out any not on the roster."""
        if not creator_ids:
            return []
        with self._engine.connect() as connection:
            rows = connection.execute(
                creators.select().where(creators.c.creator_id.in_(creator_ids))
            ).all()
        found = {row.creator_id: _record(Creator, row) for row in rows}
        return [found[c] for c in dict.fromkeys(creator_ids) if c in found]

    @guarded
    def remove_creator(self, creator_id: str, *, actor: str) -> bool:
        with self._engine.begin() as connection:
            row = connection.execute(
                creators.delete()
                .where(creators.c.creator_id == creator_id)
                .returning(creators.c.name, creators.c.username)
            ).first()
        if row is None:
            return False
        self.record(actor, "creator_removed", row.name or row.username or creator_id)
        return True

    # --- fetch history -------------------------------------------------------------------

    def add_snapshot(self, snapshot: Snapshot) -> None:
        """Keep one fetch's numbers; the same fetch stored twice (two replicas) is one row."""
        self.add_snapshots([snapshot])

    @guarded
    def add_snapshots(self, found: list[Snapshot]) -> None:
        """Keep several fetches' numbers in one transaction (a comparison fetches up to
        twelve creators at once: one commit each took 7 ms on the data folder)."""
        if not found:
            return
        with self._engine.begin() as connection:
            for snapshot in found:
                statement = upsert(connection, snapshots).values(**asdict(snapshot))
                connection.execute(statement.on_conflict_do_nothing())
            for creator_id in dict.fromkeys(snapshot.creator_id for snapshot in found):
                self._keep_latest_fetch(connection, creator_id)

    @guarded
    def snapshots(self, creator_id: str, *, limit: int | None = None) -> list[Snapshot]:
        """One creator's snapshots, oldest first (the newest ``limit`` of them)."""
        query = (
            snapshots.select()
            .where(snapshots.c.creator_id == creator_id)
            .order_by(snapshots.c.fetched_at.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [_record(Snapshot, row) for row in reversed(rows)]

    @guarded
    def latest_snapshots(
        self, *, per_creator: int = 2, creator_ids: list[str] | None = None
    ) -> dict[str, list[Snapshot]]:
        """For every creator with a history (or these), their newest ``per_creator``
        snapshots, oldest first, in one query."""
        rank = (
            sa.func.row_number()
            .over(partition_by=snapshots.c.creator_id, order_by=snapshots.c.fetched_at.desc())
            .label("rank")
        )
        ranked_rows = sa.select(snapshots, rank)
        if creator_ids is not None:
            ranked_rows = ranked_rows.where(snapshots.c.creator_id.in_(creator_ids))
        ranked = ranked_rows.subquery()
        query = (
            sa.select(ranked)
            .where(ranked.c.rank <= per_creator)
            .order_by(ranked.c.creator_id, ranked.c.fetched_at)
        )
        latest: dict[str, list[Snapshot]] = {}
        with self._engine.connect() as connection:
            for row in connection.execute(query):
                latest.setdefault(row.creator_id, []).append(_record(Snapshot, row))
        return latest

    # --- tags, pipeline status and notes ---------------------------------------------------

    @guarded
    def relationship(self, creator_id: str) -> Relationship:
        with self._engine.connect() as connection:
            row = connection.execute(
                relationships.select().where(relationships.c.creator_id == creator_id)
            ).first()
        return Relationship(creator_id) if row is None else _record(Relationship, row)

    @guarded
    def set_relationship(
        self, creator_id: str, *, tags: list[str] | None = None, status: str | None = None
    ) -> Relationship:
        changes: dict[str, Any] = {"updated_at": self._clock()}
        if tags is not None:
            changes["tags"] = clean_tags(tags)
            changes["tags_text"] = tags_text(changes["tags"])
        if status is not None:
            changes["status"] = pipeline_status(status)
        return self._change_relationship(creator_id, changes)

    @guarded
    def add_note(self, creator_id: str, text: str, *, author: str) -> Relationship:
        note = new_note(text, author, self._clock())
        return self._change_relationship(creator_id, {"updated_at": note["at"]}, note=note)

    def _change_relationship(
        self, creator_id: str, changes: dict[str, Any], *, note: dict[str, Any] | None = None
    ) -> Relationship:
        """One transaction, the row locked: two analysts' notes at once both stay."""
        with self._engine.begin() as connection:
            connection.execute(
                upsert(connection, relationships)
                .values(creator_id=creator_id, tags=[], status="new", notes=[], updated_at=0.0)
                .on_conflict_do_nothing()
            )
            row = connection.execute(
                relationships.select()
                .where(relationships.c.creator_id == creator_id)
                .with_for_update()
            ).one()
            if note is not None:
                changes = {**changes, "notes": [*row.notes, note]}
            row = connection.execute(
                relationships.update()
                .where(relationships.c.creator_id == creator_id)
                .values(**changes)
                .returning(*relationships.c)
            ).one()
        return _record(Relationship, row)

    # --- campaigns ---------------------------------------------------------------------------

    @guarded
    def save_campaign(self, campaign: Campaign) -> Campaign:
        """Save a new campaign or update one by id (keeping who made it and when)."""
        now = self._clock()
        values = {**asdict(campaign), "created_at": now, "updated_at": now}
        kept = ("campaign_id", "created_by", "created_at")
        with self._engine.begin() as connection:
            insert = upsert(connection, campaigns).values(**values)
            row = connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[campaigns.c.campaign_id],
                    set_={k: insert.excluded[k] for k in values if k not in kept},
                ).returning(*campaigns.c)
            ).one()
        return _record(Campaign, row)

    @guarded
    def get_campaign(self, campaign_id: str) -> Campaign | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                campaigns.select().where(campaigns.c.campaign_id == campaign_id)
            ).first()
        return None if row is None else _record(Campaign, row)

    @guarded
    def campaigns(self) -> list[Campaign]:
        with self._engine.connect() as connection:
            rows = connection.execute(campaigns.select().order_by(campaigns.c.updated_at.desc()))
            return [_record(Campaign, row) for row in rows]

    @guarded
    def delete_campaign(self, campaign_id: str) -> bool:
        with self._engine.begin() as connection:
            row = connection.execute(
                campaigns.delete()
                .where(campaigns.c.campaign_id == campaign_id)
                .returning(campaigns.c.campaign_id)
            ).first()
        return row is not None

    # --- alerts ------------------------------------------------------------------------------

    @guarded
    def add_alert(self, alert: StoredAlert) -> bool:
        """Keep an alert; False when one with its key exists (another replica found it)."""
        with self._engine.begin() as connection:
            statement = upsert(connection, alerts).values(**asdict(alert))
            result = connection.execute(
                statement.on_conflict_do_nothing().returning(alerts.c.key)
            ).first()
        return result is not None

    @guarded
    def alerts(self, *, limit: int = 50) -> list[StoredAlert]:
        with self._engine.connect() as connection:
            rows = connection.execute(alerts.select().order_by(alerts.c.at.desc()).limit(limit))
            return [_record(StoredAlert, row) for row in rows]

    @guarded
    def claim_alert(self, key: str, at: float) -> bool:
        """Mark an alert as delivered, in one statement; False when it was already."""
        with self._engine.begin() as connection:
            row = connection.execute(
                alerts.update()
                .where(alerts.c.key == key, alerts.c.delivered_at.is_(None))
                .values(delivered_at=at)
                .returning(alerts.c.key)
            ).first()
        return row is not None

    # --- activity ------------------------------------------------------------------------

    @guarded
    def record(self, actor: str, action: str, subject: str, *, detail: str = "") -> Activity:
        entry = Activity(
            at=self._clock(), actor=actor, action=action, subject=subject, detail=detail
        )
        entry_id = f"{entry.at:017.6f}|{secrets.token_hex(4)}"
        with self._engine.begin() as connection:
            connection.execute(activity.insert().values(entry_id=entry_id, **asdict(entry)))
            self._activity_writes += 1
            if self._activity_writes % ACTIVITY_PRUNE_EVERY == 0:
                newest = (
                    sa.select(activity.c.entry_id)
                    .order_by(activity.c.entry_id.desc())
                    .limit(MAX_ACTIVITY_ENTRIES)
                )
                connection.execute(activity.delete().where(activity.c.entry_id.not_in(newest)))
        return entry

    @guarded
    def activity(self, *, limit: int = 200) -> list[Activity]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                activity.select().order_by(activity.c.entry_id.desc()).limit(limit)
            )
            return [_record(Activity, row) for row in rows]

    # --- shortlists ----------------------------------------------------------------------

    @guarded
    def save_shortlist(
        self,
        name: str,
        creator_ids: list[str],
        *,
        fees: dict[str, dict[str, Any]] | None = None,
        notes: dict[str, str] | None = None,
    ) -> Shortlist:
        """Save under ``name``; saving again under an existing name updates that shortlist."""
        name = shortlist_name(name)
        now = self._clock()
        values = {
            "shortlist_id": secrets.token_hex(8),
            "name": name,
            "name_key": name.casefold(),
            "creator_ids": list(dict.fromkeys(creator_ids)),
            "fees": dict(fees or {}),
            "notes": {k: v for k, v in (notes or {}).items() if v},
            "created_at": now,
            "updated_at": now,
        }
        changed = ("name", "creator_ids", "fees", "notes", "updated_at")
        with self._engine.begin() as connection:
            insert = upsert(connection, shortlists).values(**values)
            row = connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[shortlists.c.name_key],
                    set_={k: insert.excluded[k] for k in changed},
                ).returning(*shortlists.c)
            ).one()
        return _record(Shortlist, row)

    @guarded
    def shortlists(self) -> list[Shortlist]:
        with self._engine.connect() as connection:
            rows = connection.execute(shortlists.select().order_by(shortlists.c.updated_at.desc()))
            return [_record(Shortlist, row) for row in rows]

    @guarded
    def get_shortlist(self, shortlist_id: str) -> Shortlist | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                shortlists.select().where(shortlists.c.shortlist_id == shortlist_id)
            ).first()
        return None if row is None else _record(Shortlist, row)

    @guarded
    def rename_shortlist(self, shortlist_id: str, new_name: str) -> Shortlist:
        new_name = shortlist_name(new_name)
        try:
            with self._engine.begin() as connection:
                row = connection.execute(
                    shortlists.update()
                    .where(shortlists.c.shortlist_id == shortlist_id)
                    .values(name=new_name, name_key=new_name.casefold(), updated_at=self._clock())
                    .returning(*shortlists.c)
                ).first()
        except IntegrityError:
            raise ShortlistError(
                f"A shortlist named “{new_name}” already exists: choose another name."
            ) from None
        if row is None:
            raise ShortlistError("That shortlist no longer exists.")
        return _record(Shortlist, row)

    @guarded
    def delete_shortlist(self, shortlist_id: str) -> bool:
        with self._engine.begin() as connection:
            deleted = connection.execute(
                shortlists.delete().where(shortlists.c.shortlist_id == shortlist_id)
            )
            return bool(deleted.rowcount)


_WITH_RELATIONSHIPS = creators.outerjoin(
    relationships, relationships.c.creator_id == creators.c.creator_id
)
_ROSTER_ORDER = {
    "date added": (creators.c.added_at.desc(),),
    "name": (creators.c.sort_name,),
    "followers": (creators.c.followers.desc().nulls_last(),),
    "engagement rate": (creators.c.engagement_rate.desc().nulls_last(),),
    "last fetched": (creators.c.last_fetched_at.desc().nulls_last(),),
}


def _needs_relationships(query: RosterQuery) -> bool:
    return bool(search_needle(query.text) or query.status or query.tags)


def _roster_conditions(query: RosterQuery) -> list[Any]:
    conditions: list[Any] = []
    needle = search_needle(query.text)
    if needle:
        conditions.append(
            creators.c.search_text.contains(needle, autoescape=True)
            | relationships.c.tags_text.contains(needle, autoescape=True)
        )
    if query.status == "new":
        conditions.append(sa.func.coalesce(relationships.c.status, "new") == "new")
    elif query.status:
        conditions.append(relationships.c.status == query.status)
    for tag in query.tags:
        conditions.append(
            relationships.c.tags_text.contains(f"#{tag.casefold()}#", autoescape=True)
        )
    if query.connector:
        conditions.append(creators.c.connector == query.connector)
    if query.verified_before is not None:
        conditions.append(creators.c.verified_at <= query.verified_before)
    if query.verified_since is not None:
        conditions.append(creators.c.verified_at > query.verified_since)
    return conditions
