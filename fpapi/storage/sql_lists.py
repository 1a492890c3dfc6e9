"""Tags, pipeline status and notes, campaigns and shortlists in the SQL store (a part of
:class:`fpapi.storage.sql_store.SqlStore`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from fpapi.errors import NotInWorkspace, ShortlistError
from fpapi.storage.database import (
    campaigns,
    guarded,
    record_of,
    relationships,
    shortlists,
    upsert,
)
from fpapi.storage.records import (
    Campaign,
    Relationship,
    Shortlist,
    clean_tags,
    new_note,
    pipeline_status,
    shortlist_name,
    tags_text,
)

__all__ = ["ListTables"]


class ListTables:
    """The tags, notes, campaign and shortlist methods of :class:`SqlStore`."""

    _engine: Engine
    _clock: Callable[[], float]
    workspace: str

    # --- tags, pipeline status and notes ---------------------------------------------------

    @guarded
    def relationship(self, creator_id: str) -> Relationship:
        with self._engine.connect() as connection:
            row = connection.execute(
                relationships.select().where(
                    relationships.c.workspace == self.workspace,
                    relationships.c.creator_id == creator_id,
                )
            ).first()
        return Relationship(creator_id) if row is None else record_of(Relationship, row)

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
        this_row = (relationships.c.workspace == self.workspace) & (
            relationships.c.creator_id == creator_id
        )
        with self._engine.begin() as connection:
            connection.execute(
                upsert(connection, relationships)
                .values(
                    workspace=self.workspace,
                    creator_id=creator_id,
                    tags=[],
                    status="new",
                    notes=[],
                    updated_at=0.0,
                )
                .on_conflict_do_nothing()
            )
            row = connection.execute(relationships.select().where(this_row).with_for_update()).one()
            if note is not None:
                changes = {**changes, "notes": [*row.notes, note]}
            row = connection.execute(
                relationships.update().where(this_row).values(**changes).returning(*relationships.c)
            ).one()
        return record_of(Relationship, row)

    # --- campaigns ---------------------------------------------------------------------------

    @guarded
    def save_campaign(self, campaign: Campaign) -> Campaign:
        """Save a new campaign or update one by id (keeping who made it and when)."""
        now = self._clock()
        values = {
            "workspace": self.workspace,
            **asdict(campaign),
            "created_at": now,
            "updated_at": now,
        }
        kept = ("workspace", "campaign_id", "created_by", "created_at")
        with self._engine.begin() as connection:
            insert = upsert(connection, campaigns).values(**values)
            row = connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[campaigns.c.campaign_id],
                    set_={k: insert.excluded[k] for k in values if k not in kept},
                    where=campaigns.c.workspace == self.workspace,  # never another's campaign
                ).returning(*campaigns.c)
            ).first()
        if row is None:
            raise NotInWorkspace("That campaign is not in this workspace, so it was not saved.")
        return record_of(Campaign, row)

    @guarded
    def get_campaign(self, campaign_id: str) -> Campaign | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                campaigns.select().where(
                    campaigns.c.workspace == self.workspace, campaigns.c.campaign_id == campaign_id
                )
            ).first()
        return None if row is None else record_of(Campaign, row)

    @guarded
    def campaigns(self) -> list[Campaign]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                campaigns.select()
                .where(campaigns.c.workspace == self.workspace)
                .order_by(campaigns.c.updated_at.desc())
            )
            return [record_of(Campaign, row) for row in rows]

    @guarded
    def delete_campaign(self, campaign_id: str) -> bool:
        with self._engine.begin() as connection:
            row = connection.execute(
                campaigns.delete()
                .where(
                    campaigns.c.workspace == self.workspace, campaigns.c.campaign_id == campaign_id
                )
                .returning(campaigns.c.campaign_id)
            ).first()
        return row is not None

    # --- shortlists ----------------------------------------------------------------------

    @property
    def _shortlist_here(self) -> sa.ColumnElement[bool]:
        return shortlists.c.workspace == self.workspace

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
            "workspace": self.workspace,
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
                    index_elements=[shortlists.c.workspace, shortlists.c.name_key],
                    set_={k: insert.excluded[k] for k in changed},
                ).returning(*shortlists.c)
            ).one()
        return record_of(Shortlist, row)

    @guarded
    def shortlists(self) -> list[Shortlist]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                shortlists.select()
                .where(self._shortlist_here)
                .order_by(shortlists.c.updated_at.desc())
            )
            return [record_of(Shortlist, row) for row in rows]

    @guarded
    def get_shortlist(self, shortlist_id: str) -> Shortlist | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                shortlists.select().where(
                    self._shortlist_here, shortlists.c.shortlist_id == shortlist_id
                )
            ).first()
        return None if row is None else record_of(Shortlist, row)

    @guarded
    def rename_shortlist(self, shortlist_id: str, new_name: str) -> Shortlist:
        new_name = shortlist_name(new_name)
        try:
            with self._engine.begin() as connection:
                row = connection.execute(
                    shortlists.update()
                    .where(self._shortlist_here, shortlists.c.shortlist_id == shortlist_id)
                    .values(name=new_name, name_key=new_name.casefold(), updated_at=self._clock())
                    .returning(*shortlists.c)
                ).first()
        except IntegrityError:
            raise ShortlistError(
                f"A shortlist named “{new_name}” already exists: choose another name."
            ) from None
        if row is None:
            raise ShortlistError("That shortlist no longer exists.")
        return record_of(Shortlist, row)

    @guarded
    def delete_shortlist(self, shortlist_id: str) -> bool:
        with self._engine.begin() as connection:
            deleted = connection.execute(
                shortlists.delete().where(
                    self._shortlist_here, shortlists.c.shortlist_id == shortlist_id
                )
            )
            return bool(deleted.rowcount)
