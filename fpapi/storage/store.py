"""What the app keeps besides cached insights, as one interface: the roster, verification
links, fetch history, tags and notes, shortlists, campaigns, alerts and the activity list.

Two implementations, one code: :class:`fpapi.storage.sql_store.SqlStore` on the team database
(``FPAPI_DATABASE_URL``), and its subclass :class:`fpapi.storage.data_folder.DataFolderStore`
on one analyst's data folder (SQLite, the same schema). Everything above storage is written
against this Protocol, so a third (or a fake in a test) fits without touching a caller.

Each method is one transaction. A store that cannot be read or written raises StoreError
(DatabaseUnavailable when the team database cannot be reached); nothing is half-written. The
store keeps what it is given: who may do what, and what is recorded in the activity list,
are the workspace core's (:mod:`fpapi.workspace.core`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from fpapi.links import LinkStatus, PendingLink
from fpapi.storage.records import (
    Activity,
    Campaign,
    Creator,
    Relationship,
    RosterCounts,
    RosterPage,
    RosterQuery,
    Shortlist,
    Snapshot,
    StoredAlert,
)

__all__ = ["Store"]


class Store(Protocol):
    pending_ttl_s: float
    recovered_from: Path | None  # the data folder's damaged database, moved aside

    def close(self) -> None: ...
    def check(self) -> None:
        """Read once, so that an outage or damage is told before a page draws."""

    # verification links (their life cycle: fpapi.links)
    def add_pending(
        self,
        *,
        key: str,
        connector: str,
        redirect_url: str,
        label: str = "",
        url: str = "",
        created_by: str = "",
    ) -> PendingLink: ...
    def set_link_url(self, key: str, url: str) -> None: ...
    def get_link(self, key: str) -> PendingLink | None: ...
    def links(self, *, include_finished: bool = True) -> list[PendingLink]: ...
    def prune_links(self, *, keep_s: float = ..., every_s: float = ...) -> int: ...
    def pop_pending(self, key: str) -> PendingLink:
        """Claim a pending link exactly once; a LinkProblem saying why it cannot be."""

    def finish_link(
        self, key: str, status: LinkStatus, *, detail: str = "", creator_id: str | None = None
    ) -> None: ...
    def cancel_link(self, key: str) -> PendingLink | None:
        """Cancel a link still pending; the link cancelled, or None when it was not."""

    # the roster
    def add_creator(self, creator: Creator) -> Creator: ...
    def add_new_creators(self, found: list[tuple[Creator, Relationship | None]]) -> int: ...
    def get_creator(self, creator_id: str) -> Creator | None: ...
    def get_creators(self, creator_ids: list[str]) -> list[Creator]: ...
    def creators(self) -> list[Creator]: ...
    def roster_page(self, query: RosterQuery) -> RosterPage: ...
    def roster_counts(self) -> RosterCounts: ...
    def find_creators(
        self, text: str, *, connector: str | None = None, limit: int = 20
    ) -> list[Creator]: ...
    def creators_with_handles(self, handles: list[str]) -> list[Creator]: ...
    def remove_creator(self, creator_id: str) -> Creator | None:
        """Take a creator off the roster; who was removed, or None when nobody was."""

    # fetch history
    def add_snapshot(self, snapshot: Snapshot) -> None: ...
    def add_snapshots(self, found: list[Snapshot]) -> None: ...
    def snapshots(self, creator_id: str, *, limit: int | None = None) -> list[Snapshot]: ...
    def latest_snapshots(
        self, *, per_creator: int = 2, creator_ids: list[str] | None = None
    ) -> dict[str, list[Snapshot]]: ...

    # tags, status and notes
    def relationship(self, creator_id: str) -> Relationship: ...
    def set_relationship(
        self, creator_id: str, *, tags: list[str] | None = None, status: str | None = None
    ) -> Relationship: ...
    def add_note(self, creator_id: str, text: str, *, author: str) -> Relationship: ...

    # campaigns and shortlists
    def save_campaign(self, campaign: Campaign) -> Campaign: ...
    def get_campaign(self, campaign_id: str) -> Campaign | None: ...
    def campaigns(self) -> list[Campaign]: ...
    def delete_campaign(self, campaign_id: str) -> bool: ...
    def save_shortlist(
        self,
        name: str,
        creator_ids: list[str],
        *,
        fees: dict[str, dict[str, Any]] | None = None,
        notes: dict[str, str] | None = None,
    ) -> Shortlist: ...
    def shortlists(self) -> list[Shortlist]: ...
    def get_shortlist(self, shortlist_id: str) -> Shortlist | None: ...
    def rename_shortlist(self, shortlist_id: str, new_name: str) -> Shortlist: ...
    def delete_shortlist(self, shortlist_id: str) -> bool: ...

    # sign-outs, by the ID token's subject
    def sign_out(self, subject: str, at: float) -> None: ...
    def signed_out_at(self, subject: str) -> float | None: ...

    # alerts and the activity list
    def add_alert(self, alert: StoredAlert) -> bool: ...
    def alerts(self, *, limit: int = 50) -> list[StoredAlert]: ...
    def claim_alert(self, key: str, at: float) -> bool: ...
    def add_activity(self, entry: Activity, *, keep_s: float = ...) -> None:
        """Add an entry (or count it on the same one a moment ago); entries older than
        ``keep_s`` are pruned as it goes."""

    def activity(self, *, limit: int = 200) -> list[Activity]: ...
