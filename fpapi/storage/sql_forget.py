"""Forgetting a creator, withdrawn consent and retention in the SQL store (a part of
:class:`fpapi.storage.sql_store.SqlStore`). These reach across every client workspace: a
creator's consent is theirs, not one client's.

Forgetting is one transaction: every row that names the creator goes (the roster in every
workspace, relationships, fetch history, alerts, links, the cached vendor body when the cache
is in this database), shortlists and campaigns lose them, and the activity list keeps its
entries with the identifying text replaced by the deletion code; a share showing them stops
showing them. On SQLite, deleted content is
overwritten (``secure_delete``, set on every connection) and the write-ahead log truncated, so
no file of the folder still holds it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fpapi.storage.database import (
    activity,
    alerts,
    campaigns,
    creators,
    deletions,
    guarded,
    insights,
    is_postgres,
    links,
    relationships,
    shares,
    shortlists,
    snapshots,
)
from fpapi.storage.records import Deletion
from fpapi.storage.sql_helpers import SqlPart, columns_of

__all__ = ["FORGOTTEN_NAME", "ForgetTables", "forgotten_subject"]

log = logging.getLogger(__name__)

CHECKPOINT_TRIES = 25  # five seconds of readers, then the next checkpoint empties it


FORGOTTEN_NAME = "[a forgotten creator]"


def forgotten_subject(code: str) -> str:
    """What the activity list says instead of a forgotten creator's name."""
    return f"a forgotten creator (deletion {code})"


class ForgetTables(SqlPart):
    """The forgetting, consent and retention methods of :class:`SqlStore`."""

    @guarded
    def forget_creator(self, creator_id: str, *, code: str) -> Deletion | None:
        """Delete everything this database holds about ``creator_id``, in every workspace, in
        one transaction, and keep the receipt under ``code``; None when nothing held them.

        Rows keyed by their id go wherever they are. Text that names them (activity entries,
        notes, list names, a share's title) is found by whole words, and only in the
        workspaces that had them: a name like "the" must not rewrite another client's notes.
        """
        now = self._clock()
        with self._engine.begin() as connection:
            rows = connection.execute(
                creators.select().where(creators.c.creator_id == creator_id)
            ).all()
            link_rows = connection.execute(
                sa.select(links.c.workspace, links.c.label).where(links.c.creator_id == creator_id)
            ).all()
            naming = _Naming.of(connection, creator_id, rows, link_rows)
            removed = sum(
                connection.execute(table.delete().where(table.c.creator_id == creator_id)).rowcount
                or 0
                for table in (creators, relationships, snapshots, alerts, links, insights)
            )
            removed += _drop_from_lists(connection, creator_id)
            removed += _drop_from_shares(connection, creator_id, naming)
            if not removed:
                return None
            _delete_named_links(connection, naming)  # refused, expired, a reconnect link
            _redact_activity(connection, naming, forgotten_subject(code))
            _scrub_free_text(connection, naming)
            connected = [row.added_at for row in rows if row.added_at]
            deletion = Deletion(code, min(connected) if connected else None, now)
            connection.execute(deletions.insert().values(**columns_of(deletion)))
        self._truncate_log()
        return deletion

    @guarded
    def workspaces_of(self, creator_id: str) -> list[str]:
        """Every workspace whose roster has the creator, by name."""
        found = sa.select(creators.c.workspace).where(creators.c.creator_id == creator_id)
        return self._scalars(found.order_by(creators.c.workspace))

    @guarded
    def deletion(self, code: str) -> Deletion | None:
        return self._first(Deletion, deletions.select().where(deletions.c.code == code))

    @guarded
    def mark_consent_withdrawn(self, creator_id: str, at: float) -> bool:
        """Mark the creator's consent withdrawn in every workspace (once: the first date
        stays); whether this call marked them."""
        with self._engine.begin() as connection:
            marked = connection.execute(
                creators.update()
                .where(
                    creators.c.creator_id == creator_id, creators.c.consent_withdrawn_at.is_(None)
                )
                .values(consent_withdrawn_at=at)
            )
            return bool(marked.rowcount)

    @guarded
    def withdrawn_before(self, cutoff: float) -> list[str]:
        """Creators whose consent was withdrawn at or before ``cutoff``, in any workspace."""
        withdrawn = creators.c.consent_withdrawn_at <= cutoff
        return self._scalars(sa.select(creators.c.creator_id).where(withdrawn).distinct())

    @guarded
    def apply_retention(self, cutoff: float) -> dict[str, int]:
        """Delete fetch history and activity entries from before ``cutoff``, and campaigns
        that ended (or, without an end, last changed) before it; how many of each."""
        day = _iso_day(cutoff)
        ended = sa.func.coalesce(campaigns.c.end, "") < day
        old_campaign = sa.case(
            (campaigns.c.end.is_(None), campaigns.c.updated_at < cutoff), else_=ended
        )
        with self._engine.begin() as connection:
            counts = {
                "snapshots": connection.execute(
                    snapshots.delete().where(snapshots.c.fetched_at < cutoff)
                ).rowcount,
                "activity": connection.execute(
                    activity.delete().where(activity.c.at < cutoff)
                ).rowcount,
                "campaigns": connection.execute(campaigns.delete().where(old_campaign)).rowcount,
            }
        if any(counts.values()):
            self._truncate_log()
        return counts

    def _truncate_log(self) -> None:
        """SQLite: copy the write-ahead log into the database and empty it, so what was just
        deleted is in no file (the database's own pages were overwritten on delete)."""
        if is_postgres(self._engine):
            return
        for _ in range(CHECKPOINT_TRIES):
            with self._engine.connect() as connection:
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
            if busy is None or not busy[0]:
                return
            time.sleep(0.2)  # a reader holds the log: it lets go within a page's run
        log.warning("The database's log could not be emptied now; it is at its next checkpoint")


@dataclass(frozen=True)
class _Naming:
    """How text names the forgotten creator: ``anywhere`` (their ids, unique strings) may be
    matched in every workspace; ``here`` (their name, @handle, their own links' labels) only
    in the workspaces that had them. Both as whole words, whatever the case."""

    anywhere: tuple[str, ...]
    here: tuple[str, ...]
    workspaces: tuple[str, ...]

    @classmethod
    def of(
        cls, connection: Connection, creator_id: str, rows: Sequence[Any], link_rows: Sequence[Any]
    ) -> _Naming:
        anywhere = {creator_id, *(row.platform_user_id for row in rows if row.platform_user_id)}
        here: set[str] = set()
        for row in rows:
            if row.name and len(row.name) >= 4:
                here.add(row.name)
            if row.username:
                handle = row.username.lstrip("@")
                here.add("@" + handle)
                if re.search(r"[\d._]", handle):  # "lucia.fit2" names her; "the" names nobody
                    here.add(handle)
        workspaces = {row.workspace for row in rows} | {row.workspace for row in link_rows}
        for row in link_rows:  # a label of her links alone (not "demo", shared by many)
            if row.label and len(row.label) >= 4 and not _label_shared(connection, row, creator_id):
                here.add(row.label)
        return cls(
            tuple(sorted(anywhere, key=len, reverse=True)),
            tuple(sorted(here, key=len, reverse=True)),
            tuple(sorted(workspaces)),
        )

    def pattern(self, workspace: str | None) -> re.Pattern[str] | None:
        """The whole-word pattern for text of ``workspace`` (None: any workspace)."""
        words = [*self.anywhere, *(self.here if workspace in self.workspaces else ())]
        if not words:
            return None
        alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
        return re.compile(rf"(?<![\w@.])(?:{alternatives})(?![\w])", re.IGNORECASE)

    def candidates(self, column: Any) -> Any:
        """An SQL filter that keeps every row whose ``column`` might name them (the pattern
        then decides, in Python)."""
        lowered = sa.func.lower(column)
        words = [*self.anywhere, *self.here]
        return sa.or_(sa.false(), *(lowered.contains(w.lower(), autoescape=True) for w in words))

    def scrubbed(self, value: Any, workspace: str | None) -> Any:
        pattern = self.pattern(workspace)
        if pattern is None:
            return value

        def scrub(item: Any) -> Any:
            if isinstance(item, str):
                return pattern.sub(FORGOTTEN_NAME, item)
            if isinstance(item, list):
                return [scrub(inner) for inner in item]
            if isinstance(item, dict):
                return {key: scrub(inner) for key, inner in item.items()}
            return item

        return scrub(value)


def _label_shared(connection: Connection, link: Any, creator_id: str) -> bool:
    other = connection.execute(
        sa.select(links.c.key)
        .where(
            links.c.workspace == link.workspace,
            links.c.label == link.label,
            sa.or_(links.c.creator_id.is_(None), links.c.creator_id != creator_id),
        )
        .limit(1)
    ).first()
    return other is not None


def _delete_named_links(connection: Connection, naming: _Naming) -> None:
    """Links never finished whose label names them, in the workspaces that had them."""
    found = connection.execute(
        sa.select(links.c.key, links.c.workspace, links.c.label).where(
            links.c.workspace.in_(naming.workspaces), naming.candidates(links.c.label)
        )
    ).all()
    for link in found:
        pattern = naming.pattern(link.workspace)
        if pattern is not None and pattern.search(link.label):
            connection.execute(links.delete().where(links.c.key == link.key))


def _drop_from_shares(connection: Connection, creator_id: str, naming: _Naming) -> int:
    """A share showing the creator stops showing them: out of its list, its content, its
    settings (a fee quoted for them) and its title; how many shares changed."""
    changed = 0
    rows = connection.execute(
        sa.select(
            shares.c.key, shares.c.workspace, shares.c.title, shares.c.creator_ids, shares.c.content
        )
    ).all()
    for row in rows:
        content = dict(row.content or {})
        content["creators"] = {
            k: v for k, v in (content.get("creators") or {}).items() if k != creator_id
        }
        spec = dict(content.get("spec") or {})
        fees = spec.get("fees")
        if isinstance(fees, dict):
            spec["fees"] = {k: v for k, v in fees.items() if k != creator_id}
        elif isinstance(fees, str):  # a campaign's "id:amount,id:amount"
            spec["fees"] = ",".join(
                part for part in fees.split(",") if not part.startswith(f"{creator_id}:")
            )
        content["spec"] = naming.scrubbed(spec, row.workspace)
        values = {
            "title": naming.scrubbed(row.title, row.workspace),
            "creator_ids": [c for c in row.creator_ids or [] if c != creator_id],
            "content": content,
        }
        if values == {"title": row.title, "creator_ids": row.creator_ids, "content": row.content}:
            continue
        connection.execute(shares.update().where(shares.c.key == row.key).values(**values))
        changed += 1
    return changed


def _drop_from_lists(connection: Connection, creator_id: str) -> int:
    """Take the creator out of every shortlist and campaign (and their fees and notes); how
    many lists changed."""
    changed = 0
    for table, key, maps in (
        (shortlists, shortlists.c.shortlist_id, ("fees", "notes")),
        (campaigns, campaigns.c.campaign_id, ("fees",)),
    ):
        for row in connection.execute(sa.select(table)).mappings():
            if creator_id not in (row["creator_ids"] or []):
                continue
            changes: dict[str, Any] = {
                "creator_ids": [c for c in row["creator_ids"] if c != creator_id]
            }
            for name in maps:
                changes[name] = {k: v for k, v in (row[name] or {}).items() if k != creator_id}
            connection.execute(table.update().where(key == row[key.name]).values(**changes))
            changed += 1
    return changed


def _redact_activity(connection: Connection, naming: _Naming, replacement: str) -> None:
    """Entries that name the creator keep who did what and when; the name becomes the code."""
    found = connection.execute(
        sa.select(
            activity.c.entry_id, activity.c.workspace, activity.c.subject, activity.c.detail
        ).where(naming.candidates(activity.c.subject) | naming.candidates(activity.c.detail))
    ).all()
    for entry in found:
        pattern = naming.pattern(entry.workspace)
        if pattern is not None and (pattern.search(entry.subject) or pattern.search(entry.detail)):
            connection.execute(
                activity.update()
                .where(activity.c.entry_id == entry.entry_id)
                .values(subject=replacement, detail="")
            )


def _free_name(connection: Connection, workspace: str, name: str) -> str:
    """``name``, numbered if the workspace has a shortlist so named already."""
    taken = set(
        connection.execute(
            sa.select(shortlists.c.name_key).where(shortlists.c.workspace == workspace)
        ).scalars()
    )
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def _scrub_free_text(connection: Connection, naming: _Naming) -> None:
    """What the agency wrote that names them (notes on other creators, a shortlist's or a
    campaign's name and notes) keeps its sense, with their name replaced."""
    for table, key, columns in (
        (relationships, (relationships.c.workspace, relationships.c.creator_id), ("notes",)),
        (shortlists, (shortlists.c.shortlist_id,), ("name", "notes")),
        (campaigns, (campaigns.c.campaign_id,), ("name", "notes", "mentions")),
    ):
        for row in connection.execute(sa.select(table)).mappings():
            changes = {}
            for column in columns:
                after = naming.scrubbed(row[column], row["workspace"])
                if after != row[column]:
                    changes[column] = after
            if not changes:
                continue
            if "name" in changes and table is shortlists:  # still one shortlist per name
                changes["name"] = _free_name(connection, row["workspace"], changes["name"])
                changes["name_key"] = changes["name"].casefold()
            where = [column == row[column.name] for column in key]
            connection.execute(table.update().where(*where).values(**changes))


def _iso_day(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).date().isoformat()
