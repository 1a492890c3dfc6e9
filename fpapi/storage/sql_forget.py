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
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

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
    record_of,
    relationships,
    shares,
    shortlists,
    snapshots,
)
from fpapi.storage.records import Deletion

__all__ = ["FORGOTTEN_NAME", "ForgetTables", "forgotten_subject"]

log = logging.getLogger(__name__)

CHECKPOINT_TRIES = 25  # five seconds of readers, then the next checkpoint empties it


FORGOTTEN_NAME = "[a forgotten creator]"


def forgotten_subject(code: str) -> str:
    """What the activity list says instead of a forgotten creator's name."""
    return f"a forgotten creator (deletion {code})"


class ForgetTables:
    """The forgetting, consent and retention methods of :class:`SqlStore`."""

    _engine: Engine
    _clock: Callable[[], float]

    @guarded
    def forget_creator(self, creator_id: str, *, code: str) -> Deletion | None:
        """Delete everything this database holds about ``creator_id``, in every workspace, in
        one transaction, and keep the receipt under ``code``; None when nothing named them."""
        now = self._clock()
        with self._engine.begin() as connection:
            rows = connection.execute(
                creators.select().where(creators.c.creator_id == creator_id)
            ).all()
            link_rows = connection.execute(
                sa.select(links.c.key, links.c.label).where(links.c.creator_id == creator_id)
            ).all()
            if not rows and not link_rows:
                return None
            words = _identifiers(creator_id, rows)
            subjects = _link_subjects([row.label for row in link_rows])
            for table in (creators, relationships, snapshots, alerts, links, insights):
                connection.execute(table.delete().where(table.c.creator_id == creator_id))
            # Links never finished that name her (refused, expired, a reconnect link).
            connection.execute(links.delete().where(_names(links.c.label, words)))
            _drop_from_lists(connection, creator_id)
            _drop_from_shares(connection, creator_id, words)
            _redact_activity(connection, words, subjects, forgotten_subject(code))
            _scrub_free_text(connection, words)
            connected = [row.added_at for row in rows if row.added_at]
            deletion = Deletion(code, min(connected) if connected else None, now)
            connection.execute(deletions.insert().values(**asdict(deletion)))
        self._truncate_log()
        return deletion

    @guarded
    def workspaces_of(self, creator_id: str) -> list[str]:
        """Every workspace whose roster has the creator, by name."""
        with self._engine.connect() as connection:
            return list(
                connection.execute(
                    sa.select(creators.c.workspace)
                    .where(creators.c.creator_id == creator_id)
                    .order_by(creators.c.workspace)
                ).scalars()
            )

    @guarded
    def deletion(self, code: str) -> Deletion | None:
        with self._engine.connect() as connection:
            row = connection.execute(deletions.select().where(deletions.c.code == code)).first()
        return None if row is None else record_of(Deletion, row)

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
        with self._engine.connect() as connection:
            return list(
                connection.execute(
                    sa.select(creators.c.creator_id)
                    .where(creators.c.consent_withdrawn_at <= cutoff)
                    .distinct()
                ).scalars()
            )

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


def _identifiers(creator_id: str, rows: Sequence[Any]) -> list[str]:
    """Every text that names the creator: their id, Instagram id, handle (with and without
    "@") and name, lower-cased, longest first (shorter than 3 characters names nobody)."""
    words = {creator_id}
    for row in rows:
        words.update(w for w in (row.name, row.username, row.platform_user_id) if w)
        if row.username:
            words.add("@" + row.username.lstrip("@"))
    return sorted({w.lower() for w in words if len(w) >= 3}, key=len, reverse=True)


def _link_subjects(labels: list[str]) -> list[str]:
    """How the activity list begins its entries about her own links: "LABEL (Platform)"
    (a label names her only there: "spring launch" elsewhere is another thing)."""
    return [f"{label} (" for label in labels if label]


def _names(column: Any, words: list[str]) -> Any:
    """``column`` holds one of ``words``, whatever its case (alike on SQLite and PostgreSQL)."""
    lowered = sa.func.lower(column)
    return sa.or_(sa.false(), *(lowered.contains(word, autoescape=True) for word in words))


def _drop_from_shares(connection: Connection, creator_id: str, words: list[str]) -> None:
    """A share showing the creator stops showing them: out of its list, its content, its
    settings (a fee quoted for them) and its title (which may name them)."""
    rows = connection.execute(
        sa.select(shares.c.key, shares.c.title, shares.c.creator_ids, shares.c.content)
    ).all()
    for row in rows:
        if creator_id not in (row.creator_ids or []):
            continue
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
        content["spec"] = _scrubbed(spec, words)
        connection.execute(
            shares.update()
            .where(shares.c.key == row.key)
            .values(
                title=_scrubbed(row.title, words),
                creator_ids=[c for c in row.creator_ids if c != creator_id],
                content=content,
            )
        )


def _drop_from_lists(connection: Connection, creator_id: str) -> None:
    """Take the creator out of every shortlist and campaign (and their fees and notes)."""
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


def _redact_activity(
    connection: Connection, words: list[str], subjects: list[str], replacement: str
) -> None:
    """Entries that name the creator keep who did what and when; the name becomes the code."""
    named = (
        _names(activity.c.subject, words)
        | _names(activity.c.detail, words)
        | sa.or_(
            sa.false(),
            *(activity.c.subject.startswith(start, autoescape=True) for start in subjects),
        )
    )
    connection.execute(activity.update().where(named).values(subject=replacement, detail=""))


def _scrubbed(value: Any, words: list[str]) -> Any:
    """``value`` (text, or lists and maps of it) with every one of ``words`` replaced by
    FORGOTTEN_NAME, whatever its case."""
    if not words:
        return value
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)

    def scrub(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(FORGOTTEN_NAME, item)
        if isinstance(item, list):
            return [scrub(inner) for inner in item]
        if isinstance(item, dict):
            return {key: scrub(inner) for key, inner in item.items()}
        return item

    return scrub(value)


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


def _scrub_free_text(connection: Connection, words: list[str]) -> None:
    """What the agency wrote that names her (notes on other creators, a shortlist's or a
    campaign's name and notes) keeps its sense, with her name replaced."""
    for table, key, columns in (
        (relationships, (relationships.c.workspace, relationships.c.creator_id), ("notes",)),
        (shortlists, (shortlists.c.shortlist_id,), ("name", "notes")),
        (campaigns, (campaigns.c.campaign_id,), ("name", "notes", "mentions")),
    ):
        for row in connection.execute(sa.select(table)).mappings():
            changes = {
                column: _scrubbed(row[column], words)
                for column in columns
                if _scrubbed(row[column], words) != row[column]
            }
            if not changes:
                continue
            if "name" in changes and table is shortlists:  # still one shortlist per name
                changes["name"] = _free_name(connection, row["workspace"], changes["name"])
                changes["name_key"] = changes["name"].casefold()
            where = [column == row[column.name] for column in key]
            connection.execute(table.update().where(*where).values(**changes))


def _iso_day(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).date().isoformat()
