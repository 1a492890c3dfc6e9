"""The roster and its fetch history in the SQL store: pages, counts and searches as indexed
queries (a part of :class:`fpapi.storage.sql_store.SqlStore`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fpapi.storage.database import (
    creators,
    guarded,
    record_of,
    relationships,
    snapshots,
    upsert,
)
from fpapi.storage.records import (
    Creator,
    Relationship,
    RosterCounts,
    RosterPage,
    RosterQuery,
    Snapshot,
    search_needle,
    search_text,
    sort_name,
    tags_text,
)
from fpapi.storage.sql_helpers import SqlPart, analyze, columns_of

__all__ = ["RosterTables"]


class RosterTables(SqlPart):
    """The roster and fetch-history methods of :class:`SqlStore`."""

    # --- roster --------------------------------------------------------------------------

    @property
    def _on_roster(self) -> sa.ColumnElement[bool]:
        """Rows of this workspace's roster."""
        return creators.c.workspace == self.workspace

    @guarded
    def add_creator(self, creator: Creator) -> Creator:
        """Add or refresh a creator; a re-verified creator keeps one row, and who first added
        them and when."""
        values = {"workspace": self.workspace, **columns_of(creator)}
        values["added_at"] = creator.added_at or creator.verified_at or self._clock()
        values.update(search_text=search_text(creator), sort_name=sort_name(creator))
        kept = ("workspace", "creator_id", "added_by", "added_at")
        with self._engine.begin() as connection:
            insert = upsert(connection, creators).values(**values)
            statement = insert.on_conflict_do_update(
                index_elements=[creators.c.workspace, creators.c.creator_id],
                set_={k: insert.excluded[k] for k in values if k not in kept},
            ).returning(*creators.c)
            row = connection.execute(statement).one()
            if creator.consent_withdrawn_at is None:  # consent anew: in every workspace
                connection.execute(
                    creators.update()
                    .where(
                        creators.c.creator_id == creator.creator_id,
                        creators.c.consent_withdrawn_at.is_not(None),
                    )
                    .values(consent_withdrawn_at=None)
                )
            self._keep_latest_fetch(connection, creator.creator_id)
        return record_of(Creator, row)

    @staticmethod
    def _keep_latest_fetch(connection: sa.Connection, creator_id: str) -> None:
        """Copy the creator's newest fetch's numbers onto their rows (in every workspace: the
        fetch history is shared), for the roster's sorts."""
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
        already on the roster as they are; how many were new. For a seeded demo roster. The
        tables' statistics are refreshed after: on PostgreSQL, a search of a thousand creators
        just added took 50 ms and the counts 40 ms until autovacuum got to them, 4 ms after."""
        scope = {"workspace": self.workspace}
        creator_rows = [
            {**scope, **columns_of(c), "search_text": search_text(c), "sort_name": sort_name(c)}
            for c, _ in found
        ]
        relationship_rows = [
            {**scope, **columns_of(r), "tags_text": tags_text(r.tags)}
            for _, r in found
            if r is not None
        ]
        with self._engine.begin() as connection:
            ids = [row["creator_id"] for row in creator_rows]
            here = {
                present
                for start in range(0, len(ids), 1_000)
                for present in connection.execute(
                    sa.select(creators.c.creator_id).where(
                        self._on_roster, creators.c.creator_id.in_(ids[start : start + 1_000])
                    )
                ).scalars()
            }
            new = [row for row in creator_rows if row["creator_id"] not in here]
            related = [row for row in relationship_rows if row["creator_id"] not in here]
            for table, rows in ((creators, new), (relationships, related)):
                if rows:  # a creator already here keeps their tags and status
                    connection.execute(upsert(connection, table).on_conflict_do_nothing(), rows)
        if new:
            analyze(self._engine, [creators, relationships], "the roster's search may be slow")
        return len(new)

    @guarded
    def get_creator(self, creator_id: str) -> Creator | None:
        this_one = creators.c.creator_id == creator_id
        return self._first(Creator, creators.select().where(self._on_roster, this_one))

    @guarded
    def creators(self) -> list[Creator]:
        """The roster, most recently verified first."""
        return self._newest_here(Creator, creators.c.verified_at)

    @guarded
    def roster_page(self, query: RosterQuery) -> RosterPage:
        """One page of the roster as ``query`` asks: filtered, counted and sorted in the
        database, and only the page's rows read (with their relationships)."""
        conditions = [self._on_roster, *_roster_conditions(query)]
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
                record_of(Creator, row)
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
                row.creator_id: record_of(Relationship, row)
                for row in connection.execute(
                    relationships.select().where(
                        relationships.c.workspace == self.workspace,
                        relationships.c.creator_id.in_(ids),
                    )
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
                    .where(self._on_roster)
                    .group_by(status)
                ).all()
            )
            by_connector: dict[str, int] = dict(
                connection.execute(
                    sa.select(creators.c.connector, sa.func.count())
                    .where(self._on_roster)
                    .group_by(creators.c.connector)
                ).all()
            )
            tagged = connection.execute(  # each distinct set of tags once, as "#a#b#"
                sa.select(relationships.c.tags_text)
                .select_from(_WITH_RELATIONSHIPS)
                .where(self._on_roster, relationships.c.tags_text != "")
                .distinct()
            ).scalars()
            tags = sorted({tag for text in tagged for tag in text.strip("#").split("#")})
        return RosterCounts(sum(by_status.values()), by_status, by_connector, tags)

    @guarded
    def last_fetches(self, *, every_workspace: bool = False) -> list[float | None]:
        """When each Instagram creator on this roster (or, ``every_workspace``, on any)
        whose consent stands was last fetched (None: never), oldest first: what the age of
        the roster's data is read from."""
        standing = (creators.c.connector == "instagram", creators.c.consent_withdrawn_at.is_(None))
        last = sa.func.max(creators.c.last_fetched_at)  # the same on every roster of a creator
        query = (
            sa.select(last).where(*standing).group_by(creators.c.creator_id)
            if every_workspace
            else sa.select(creators.c.last_fetched_at).where(self._on_roster, *standing)
        )
        with self._engine.connect() as connection:
            found = list(connection.execute(query).scalars())
        return sorted(found, key=lambda at: -1.0 if at is None else at)

    @guarded
    def find_creators(
        self, text: str, *, connector: str | None = None, limit: int = 20
    ) -> list[Creator]:
        """Creators whose name, handle or label holds ``text``, by name: what a picker offers
        as the analyst types."""
        query = sa.select(creators).where(self._on_roster)
        needle = search_needle(text)
        if needle:
            query = query.where(creators.c.search_text.contains(needle, autoescape=True))
        if connector is not None:
            query = query.where(creators.c.connector == connector)
        query = query.order_by(creators.c.sort_name, creators.c.creator_id).limit(limit)
        return self._all(Creator, query)

    @guarded
    def creators_with_handles(self, handles: list[str]) -> list[Creator]:
        """Creators on the roster with one of these handles (any case, "@" or not)."""
        wanted = {handle.lstrip("@").lower() for handle in handles if handle}
        if not wanted:
            return []
        handle = sa.func.lower(sa.func.ltrim(creators.c.username, "@"))
        return self._all(Creator, creators.select().where(self._on_roster, handle.in_(wanted)))

    @guarded
    def get_creators(self, creator_ids: list[str]) -> list[Creator]:
        """These creators, in this order, leaving out any not on the roster."""
        if not creator_ids:
            return []
        these = creators.c.creator_id.in_(creator_ids)
        on_roster = self._all(Creator, creators.select().where(self._on_roster, these))
        found = {creator.creator_id: creator for creator in on_roster}
        return [found[c] for c in dict.fromkeys(creator_ids) if c in found]

    @guarded
    def remove_creator(self, creator_id: str) -> Creator | None:
        this_one = creators.c.creator_id == creator_id
        removed = creators.delete().where(self._on_roster, this_one).returning(*creators.c)
        return self._first(Creator, removed, write=True)

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
                statement = upsert(connection, snapshots).values(**columns_of(snapshot))
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
        return self._all(Snapshot, query)[::-1]

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
                latest.setdefault(row.creator_id, []).append(record_of(Snapshot, row))
        return latest


_WITH_RELATIONSHIPS = creators.outerjoin(
    relationships,
    (relationships.c.workspace == creators.c.workspace)
    & (relationships.c.creator_id == creators.c.creator_id),
)
_ROSTER_ORDER = {
    "date added": (creators.c.added_at.desc(),),
    "name": (creators.c.sort_name,),
    "followers": (creators.c.followers.desc().nulls_last(),),
    "engagement rate": (creators.c.engagement_rate.desc().nulls_last(),),
    "last fetched": (creators.c.last_fetched_at.desc().nulls_last(),),
    "oldest data": (creators.c.last_fetched_at.asc().nulls_first(),),
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
