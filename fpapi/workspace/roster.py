"""The roster as the analyst sees it: each creator with data freshness and consent age."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from fpapi.storage.cache import CacheSummary
from fpapi.storage.records import Creator, Relationship, Snapshot
from fpapi.workspace.connect import RECONNECT_AFTER_DAYS, needs_reconnect

__all__ = ["CONSENT_FILTERS", "RosterRow", "consent_window", "roster_rows"]

# The roster's consent-age filter: any, still fresh, or old enough to need a fresh link.
CONSENT_FILTERS = ("any", f"under {RECONNECT_AFTER_DAYS} days", f"{RECONNECT_AFTER_DAYS}+ days")


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


def consent_window(choice: str, now: float) -> tuple[float | None, float | None]:
    """The roster query's (verified_before, verified_since) for one of CONSENT_FILTERS: a
    creator needs a fresh link from RECONNECT_AFTER_DAYS after their verification."""
    cutoff = now - RECONNECT_AFTER_DAYS * 86_400
    if choice == CONSENT_FILTERS[2]:
        return cutoff, None
    if choice == CONSENT_FILTERS[1]:
        return None, cutoff
    return None, None
