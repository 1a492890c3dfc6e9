"""The roster, and what an agency writes about its creators (tags, status and notes,
shortlists and campaigns): the workspace core's use cases for them (a part of
:class:`fpapi.workspace.core.Workspace`). Every change checks the actor's role and the
creators' place on this workspace's roster, and is recorded in the activity list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Unpack

from fpapi.storage.records import (
    Campaign,
    Creator,
    Relationship,
    RosterCounts,
    RosterPage,
    RosterQuery,
    Shortlist,
    ShortlistExtras,
)

if TYPE_CHECKING:
    from fpapi.storage.store import Store
    from fpapi.workspace.members import Actor

__all__ = ["Lists"]


def _storable(key: str) -> bool:
    """Whether a key from an address can be in the store at all: PostgreSQL's text holds no
    NUL character (it refuses the query), so a key with one names nothing."""
    return "\x00" not in key


def _storable_text(text: str) -> str:
    """Search text from an address, without the NUL characters no stored text can hold."""
    return text.replace("\x00", "")


class Lists:
    """The roster, relationships, shortlists and campaigns, for the workspace core."""

    if TYPE_CHECKING:  # what the core it is part of provides
        store: Store
        actor: Actor

        def _require_change(self, what: str) -> None: ...
        def _require_on_roster(self, creator_id: str) -> Any: ...
        def _on_roster(self, creator_ids: list[str]) -> list[str]: ...
        def _record(self, action: str, subject: str, detail: str = "") -> None: ...

    # --- tags, status and notes -----------------------------------------------------------

    def relationship(self, creator_id: str) -> Relationship:
        self._require_on_roster(creator_id)
        return self.store.relationship(creator_id)

    def set_relationship(
        self, creator_id: str, *, tags: list[str] | None = None, status: str | None = None
    ) -> Relationship:
        """Set a creator's tags or pipeline status; each change that took is recorded."""
        self._require_change("tag creators or set their status")
        self._require_on_roster(creator_id)
        before = self.store.relationship(creator_id)
        after = self.store.set_relationship(creator_id, tags=tags, status=status)
        subject = self._creator_subject(creator_id)
        if after.tags != before.tags:
            self._record("tags_changed", subject, ", ".join(after.tags) or "no tags")
        if after.status != before.status:
            self._record("status_changed", subject, f"{before.status} → {after.status}")
        return after

    def add_note(self, creator_id: str, text: str) -> Relationship:
        self._require_change("add notes")
        self._require_on_roster(creator_id)
        kept = self.store.add_note(creator_id, text, author=self.actor.name)
        self._record("note_added", self._creator_subject(creator_id))
        return kept

    def _creator_subject(self, creator_id: str) -> str:
        """What the activity list calls a creator: their name, handle, or else their id."""
        creator = self.store.get_creator(creator_id)
        return (creator and (creator.name or creator.username)) or creator_id

    # --- shortlists and campaigns ---------------------------------------------------------

    def shortlists(self) -> list[Shortlist]:
        return self.store.shortlists()

    def shortlist(self, shortlist_id: str) -> Shortlist | None:
        return self.store.get_shortlist(shortlist_id) if _storable(shortlist_id) else None

    def save_shortlist(
        self, name: str, creator_ids: list[str], **extras: Unpack[ShortlistExtras]
    ) -> Shortlist:
        self._require_change("save shortlists")
        creator_ids = self._on_roster(creator_ids)
        saved = self.store.save_shortlist(name, creator_ids, **extras)
        self._record("shortlist_saved", saved.name, f"{len(saved.creator_ids)} creators")
        return saved

    def rename_shortlist(self, shortlist_id: str, new_name: str) -> Shortlist:
        self._require_change("rename shortlists")
        before = self.store.get_shortlist(shortlist_id)
        renamed = self.store.rename_shortlist(shortlist_id, new_name)
        self._record("shortlist_renamed", renamed.name, f"was {before.name}" if before else "")
        return renamed

    def delete_shortlist(self, shortlist_id: str) -> bool:
        return self._delete(
            "shortlist", shortlist_id, self.store.get_shortlist, self.store.delete_shortlist
        )

    def campaigns(self) -> list[Campaign]:
        return self.store.campaigns()

    def campaign(self, campaign_id: str) -> Campaign | None:
        return self.store.get_campaign(campaign_id) if _storable(campaign_id) else None

    def save_campaign(self, campaign: Campaign) -> Campaign:
        self._require_change("save campaigns")
        campaign = replace(campaign, creator_ids=self._on_roster(campaign.creator_ids))
        saved = self.store.save_campaign(campaign)
        self._record("campaign_saved", saved.name)
        return saved

    def delete_campaign(self, campaign_id: str) -> bool:
        return self._delete(
            "campaign", campaign_id, self.store.get_campaign, self.store.delete_campaign
        )

    def _delete(
        self,
        kind: str,
        list_id: str,
        get: Callable[[str], Shortlist | Campaign | None],
        delete: Callable[[str], bool],
    ) -> bool:
        """Delete a shortlist or a campaign (``kind``) by id; a deletion that took is recorded
        under the name it had."""
        self._require_change(f"delete {kind}s")
        found = get(list_id)
        deleted = delete(list_id)
        if deleted and found is not None:
            self._record(f"{kind}_deleted", found.name)
        return deleted

    # --- the roster -----------------------------------------------------------------------

    def creator(self, creator_id: str) -> Creator | None:
        return self.store.get_creator(creator_id) if _storable(creator_id) else None

    def creators(self, creator_ids: list[str] | None = None) -> list[Creator]:
        """These creators in this order (those on the roster), or the whole roster."""
        if creator_ids is None:
            return self.store.creators()
        return self.store.get_creators([cid for cid in creator_ids if _storable(cid)])

    def roster_page(self, query: RosterQuery) -> RosterPage:
        clean = replace(
            query, text=_storable_text(query.text), tags=tuple(map(_storable_text, query.tags))
        )
        return self.store.roster_page(clean)

    def roster_counts(self) -> RosterCounts:
        return self.store.roster_counts()

    def find_creators(
        self, text: str, *, connector: str | None = None, limit: int = 20
    ) -> list[Creator]:
        return self.store.find_creators(_storable_text(text), connector=connector, limit=limit)

    def creators_with_handles(self, handles: list[str]) -> list[Creator]:
        return self.store.creators_with_handles(handles)

    def remove_creator(self, creator_id: str) -> bool:
        self._require_change("remove creators")
        removed = self.store.remove_creator(creator_id)
        if removed is None:
            return False
        self._record("creator_removed", removed.name or removed.username or creator_id)
        return True

    def add_new_creators(self, found: list[tuple[Creator, Relationship | None]]) -> int:
        """Creators who are not on the roster yet (the seed command); how many were new."""
        self._require_change("add creators")
        return self.store.add_new_creators(found)
