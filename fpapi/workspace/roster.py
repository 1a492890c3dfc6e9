"""The roster as the analyst sees it: each creator with data freshness and consent age."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from fpapi.storage.cache import CacheSummary
from fpapi.storage.records import Creator, Relationship, Snapshot
from fpapi.workspace.connect import needs_reconnect

__all__ = ["RosterRow", "matches", "roster_rows"]


@dataclass(frozen=True)
class RosterRow:
    creator: Creator
    fetched_at: float | None
    last_processed_at: date | None
    needs_reconnect: bool
    latest: Snapshot | None = None  # the newest fetch on record
    previous: Snapshot | None = None  # the one before it
    relationship: Relationship | None = None  # tags, pipeline status, notes

    @property
    def status(self) -> str:
        return self.relationship.status if self.relationship else "new"

    @property
    def tags(self) -> list[str]:
        return self.relationship.tags if self.relationship else []

    @property
    def has_insights(self) -> bool:
        """Only Instagram creators have an insights call in this API."""
        return self.creator.connector == "instagram"

    @property
    def display_name(self) -> str:
        return self.creator.name or self.creator.username or self.creator.label or "Unnamed creator"


def roster_rows(
    creators: Iterable[Creator],
    summary: Callable[[str], CacheSummary | None],
    *,
    now: float,
    history: Mapping[str, list[Snapshot]] | None = None,
    relationships: Mapping[str, Relationship] | None = None,
) -> list[RosterRow]:
    """One row per creator, joined with what the insight cache knows about them and their
    last two fetches on record (``history``: newest two per creator, oldest first)."""
    rows = []
    for creator in creators:
        cached = summary(creator.creator_id) if creator.connector == "instagram" else None
        fetches = (history or {}).get(creator.creator_id, [])
        rows.append(
            RosterRow(
                creator=creator,
                fetched_at=cached.fetched_at if cached else None,
                last_processed_at=cached.last_processed_at if cached else None,
                needs_reconnect=needs_reconnect(creator, now),
                latest=fetches[-1] if fetches else None,
                previous=fetches[-2] if len(fetches) > 1 else None,
                relationship=(relationships or {}).get(creator.creator_id),
            )
        )
    return rows


def matches(
    row: RosterRow, query: str, *, status: str | None = None, tags: Iterable[str] = ()
) -> bool:
    """Whether a search by name, handle, label or tag finds this row, with this pipeline
    status (None: any) and every one of these tags."""
    if status is not None and row.status != status:
        return False
    if not set(tags) <= set(row.tags):
        return False
    needle = query.strip().lower().lstrip("@#")
    if not needle:
        return True
    creator = row.creator
    words = [creator.name, creator.username, creator.label, *row.tags]
    return needle in " ".join(filter(None, words)).lower()
