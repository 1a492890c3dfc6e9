"""Tags, pipeline status and notes, campaigns and shortlists in the SQL store (a part of
:class:`fpapi.storage.sql_store.SqlStore`)."""

from __future__ import annotations

import secrets
from typing import Any, Unpack

import sqlalchemy as sa
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
    ShortlistExtras,
    clean_tags,
    new_note,
    pipeline_status,
    shortlist_name,
    tags_text,
)
from fpapi.storage.sql_helpers import SqlPart, columns_of

__all__ = ["ListTables"]


class ListTables(SqlPart):
    """The tags, notes, campaign and shortlist methods of :class:`SqlStore`."""

    # --- tags, pipeline status and notes ---------------------------------------------------

    @guarded
    def relationship(self, creator_id: str) -> Relationship:
        found = self._first(Relationship, relationships.select().where(self._related(creator_id)))
        return found or Relationship(creator_id)

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
        this_row = self._related(creator_id)
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

    def _related(self, creator_id: str) -> sa.ColumnElement[bool]:
        """This workspace's row of tags, status and notes for ``creator_id``."""
        return (relationships.c.workspace == self.workspace) & (
            relationships.c.creator_id == creator_id
        )

    # --- campaigns ---------------------------------------------------------------------------

    @guarded
    def save_campaign(self, campaign: Campaign) -> Campaign:
        """Save a new campaign or update one by id (keeping who made it and when)."""
        now = self._clock()
        values = {
            "workspace": self.workspace,
            **columns_of(campaign),
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
        this_one = campaigns.c.campaign_id == campaign_id
        here = campaigns.c.workspace == self.workspace
        return self._first(Campaign, campaigns.select().where(here, this_one))

    @guarded
    def campaigns(self) -> list[Campaign]:
        return self._newest_here(Campaign, campaigns.c.updated_at)

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
        self, name: str, creator_ids: list[str], **extras: Unpack[ShortlistExtras]
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
            "fees": dict(extras.get("fees") or {}),
            "notes": {k: v for k, v in (extras.get("notes") or {}).items() if v},
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
        return self._newest_here(Shortlist, shortlists.c.updated_at)

    @guarded
    def get_shortlist(self, shortlist_id: str) -> Shortlist | None:
        this_one = shortlists.c.shortlist_id == shortlist_id
        return self._first(Shortlist, shortlists.select().where(self._shortlist_here, this_one))

    @guarded
    def rename_shortlist(self, shortlist_id: str, new_name: str) -> Shortlist:
        new_name = shortlist_name(new_name)
        rename = (
            shortlists.update()
            .where(self._shortlist_here, shortlists.c.shortlist_id == shortlist_id)
            .values(name=new_name, name_key=new_name.casefold(), updated_at=self._clock())
            .returning(*shortlists.c)
        )
        try:
            renamed = self._first(Shortlist, rename, write=True)
        except IntegrityError:
            raise ShortlistError(
                f"A shortlist named “{new_name}” already exists: choose another name."
            ) from None
        if renamed is None:
            raise ShortlistError("That shortlist no longer exists.")
        return renamed

    @guarded
    def delete_shortlist(self, shortlist_id: str) -> bool:
        with self._engine.begin() as connection:
            deleted = connection.execute(
                shortlists.delete().where(
                    self._shortlist_here, shortlists.c.shortlist_id == shortlist_id
                )
            )
            return bool(deleted.rowcount)
