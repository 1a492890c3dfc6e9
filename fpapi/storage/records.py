"""What the store keeps, one frozen dataclass per kind of record (a link's is in fpapi.links)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict

from fpapi.errors import ShortlistError

__all__ = [
    "ACTIVITY_ACTIONS",
    "ACTIVITY_PRUNE_EVERY",
    "DEFAULT_ACTIVITY_KEEP_S",
    "LINK_PRUNE_EVERY_S",
    "PIPELINE_STATUSES",
    "REPEATING_ACTIONS",
    "REPEAT_WITHIN_S",
    "ROSTER_SORTS",
    "Activity",
    "Campaign",
    "ClientWorkspace",
    "Creator",
    "Deletion",
    "Member",
    "Relationship",
    "RosterCounts",
    "RosterPage",
    "RosterQuery",
    "Share",
    "Shortlist",
    "ShortlistExtras",
    "Snapshot",
    "StoredAlert",
    "clean_tags",
    "iso_day",
    "new_note",
    "pipeline_status",
    "search_needle",
    "search_text",
    "shortlist_name",
    "sort_name",
    "tags_text",
]

# The store's rules, the same on the data folder and the team database.
LINK_PRUNE_EVERY_S = 60 * 60  # how often pruning may run
DEFAULT_ACTIVITY_KEEP_S = 365 * 86_400  # entries are pruned by age, never by count
ACTIVITY_PRUNE_EVERY = 100  # writes between two prunes
REPEAT_WITHIN_S = 60  # the same export by the same person this soon after is one entry
MAX_SHORTLIST_NAME_CHARS = 80

# action code -> what the activity list says the analyst did
ACTIVITY_ACTIONS = {
    "link_created": "created a verification link for",
    "link_cancelled": "cancelled a verification link",
    "creator_verified": "verified",
    "creator_removed": "removed from the roster",
    "insights_refreshed": "refreshed the insights of",
    "exported": "exported",
    "tags_changed": "changed the tags of",
    "status_changed": "changed the pipeline status of",
    "note_added": "added a note on",
    "shortlist_saved": "saved the shortlist",
    "shortlist_renamed": "renamed the shortlist",
    "shortlist_deleted": "deleted the shortlist",
    "campaign_saved": "saved the campaign",
    "campaign_deleted": "deleted the campaign",
    "workspace_created": "created the workspace",
    "member_added": "added to this workspace",
    "member_role_changed": "changed the role of",
    "member_removed": "removed from this workspace",
    "workspace_viewed_by_admin": "opened, as an admin who is not a member, the workspace",
    "consent_withdrawn": "found that the vendor reports withdrawn consent for",
    "creator_forgotten": "forgot a creator and everything about them:",
    "share_created": "shared with a client",
    "share_viewed": "opened the share",
    "share_revoked": "revoked the share",
    "share_updated": "updated to the current data the share",
}
# Actions that repeat in bursts: the same one by the same person, on the same subject, within
# REPEAT_WITHIN_S of the last is counted on that entry instead of adding one.
REPEATING_ACTIONS = frozenset({"exported", "workspace_viewed_by_admin", "share_viewed"})


def iso_day(text: str | None) -> date | None:
    """A day a record keeps as ISO text (a snapshot's processing date, a campaign's range),
    or None when it is missing or unreadable."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


PIPELINE_STATUSES = ("new", "shortlisted", "contacted", "contracted", "declined")
MAX_TAGS = 20
MAX_NOTE_CHARS = 2_000


@dataclass(frozen=True)
class Relationship:
    """What the agency keeps about a creator beyond their data: free-text tags, where they
    stand in the pipeline, and dated notes, each with its author."""

    creator_id: str
    tags: list[str] = field(default_factory=list)  # lower case, without "#"
    status: str = "new"  # one of PIPELINE_STATUSES
    notes: list[dict[str, Any]] = field(
        default_factory=list
    )  # {"at", "author", "text"}, oldest first
    updated_at: float = 0.0


def clean_tags(text: str | list[str]) -> list[str]:
    """Tags as typed (``travel, #Q3 launch``): each trimmed, without "#" (the store's tag
    search keeps them between "#"), lower case, once."""
    parts = text.split(",") if isinstance(text, str) else text
    tags: dict[str, None] = {}
    for part in parts:
        tag = " ".join(str(part).replace("#", " ").lower().split())[:40]
        if tag:
            tags[tag] = None
    return list(tags)[:MAX_TAGS]


def pipeline_status(status: str) -> str:
    """A pipeline status; ValueError naming the allowed ones for anything else."""
    if status not in PIPELINE_STATUSES:
        raise ValueError(f"A status is one of {', '.join(PIPELINE_STATUSES)}, not {status!r}.")
    return status


def new_note(text: str, author: str, at: float) -> dict[str, Any]:
    """A note as kept: trimmed, at most MAX_NOTE_CHARS; ValueError when it is empty."""
    body = text.strip()[:MAX_NOTE_CHARS]
    if not body:
        raise ValueError("A note needs some text.")
    return {"at": at, "author": author or "local", "text": body}


@dataclass(frozen=True)
class Campaign:
    """A campaign the agency ran: whose posts, matched how, over which days, at what fee."""

    campaign_id: str
    name: str
    creator_ids: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)  # without "#", lower case
    mentions: list[str] = field(default_factory=list)  # without "@", lower case
    start: str | None = None  # ISO date, inclusive (UTC)
    end: str | None = None
    fees: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {amount, currency}
    sponsored_only: bool = False
    notes: str = ""
    created_by: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True)
class Snapshot:
    """A creator's headline numbers as one fetch found them: kept for every successful fetch,
    so the app can say what changed since the previous one."""

    creator_id: str
    fetched_at: float
    processed_on: str | None = None  # the vendor's last_processed_at, ISO
    followers: float | None = None
    engagement_rate: float | None = None
    posts_per_week: float | None = None
    effective_follower_rate: float | None = None
    median_views: float | None = None
    quality_score: float | None = None
    quality_engagement_rate: float | None = None  # the four 0-5 sub-scores
    quality_effective_followers: float | None = None
    quality_consistency: float | None = None
    quality_authentic_audience: float | None = None


@dataclass(frozen=True)
class StoredAlert:
    """Something that changed in a creator's numbers, worth an analyst's attention. ``key``
    names the rule and the two fetches compared, so the same change found twice (two hosts
    refreshing at once) is one alert."""

    key: str
    creator_id: str
    rule: str
    text: str  # names the creator's handle, the metric, and before → after; never a secret
    at: float
    delivered_at: float | None = None  # posted to the webhook (None: not yet, or no webhook)


@dataclass(frozen=True)
class Creator:
    """A creator on the roster."""

    creator_id: str
    connector: str
    name: str | None = None
    username: str | None = None
    platform_user_id: str | None = None
    label: str = ""
    verified_at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    added_by: str = ""  # the analyst whose link brought them in
    added_at: float = 0.0  # first verification; verified_at moves on each re-verification
    consent_withdrawn_at: float | None = None  # the vendor said so: never fetched again


@dataclass(frozen=True)
class Activity:
    """One thing an analyst did to the shared workspace, for the activity list."""

    at: float
    actor: str
    action: str  # a key of ACTIVITY_ACTIONS
    subject: str  # whom or what it was done to, as the analyst knows them
    detail: str = ""
    count: int = 1  # how many times in a row (an export clicked again within a minute)

    @property
    def verb(self) -> str:
        return ACTIVITY_ACTIONS.get(self.action, self.action)


@dataclass(frozen=True)
class Shortlist:
    """A saved comparison: creators, with the quoted fee and a note for each."""

    shortlist_id: str
    name: str
    creator_ids: list[str]
    fees: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {amount, currency}
    notes: dict[str, str] = field(default_factory=dict)
    created_at: float = 0.0
    updated_at: float = 0.0


class ShortlistExtras(TypedDict, total=False):
    """What a shortlist is saved with besides its name and creators, by creator id (None or
    left out: nothing), passed through unchanged from the core to the store."""

    fees: dict[str, dict[str, Any]] | None  # id -> {amount, currency}
    notes: dict[str, str] | None


def shortlist_name(name: str) -> str:
    """The name a shortlist is saved under, spaces tidied; ShortlistError if unusable."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ShortlistError("Give the shortlist a name.")
    if len(cleaned) > MAX_SHORTLIST_NAME_CHARS:
        raise ShortlistError(f"Keep the name under {MAX_SHORTLIST_NAME_CHARS} characters.")
    return cleaned


# --- the roster, a page at a time --------------------------------------------------------------

# How a page of the roster can be sorted: each one indexed column, ties by creator id. Date
# added and last fetched newest first, name A to Z, followers and ER highest first; oldest data
# first (never fetched, then the longest ago): what a refresh should reach next.
ROSTER_SORTS = (
    "date added", "name", "followers", "engagement rate", "last fetched", "oldest data"
)  # fmt: skip


@dataclass(frozen=True)
class RosterQuery:
    """Which creators a page of the roster shows: every filter is optional."""

    text: str = ""  # in the name, handle, label or a tag; "@" and "#" are ignored
    status: str | None = None  # a pipeline status ("new" also matches no relationship yet)
    tags: tuple[str, ...] = ()  # every one of these
    connector: str | None = None
    verified_before: float | None = None  # consent this old or older (epoch seconds)
    verified_since: float | None = None  # consent newer than this
    sort: str = "date added"  # one of ROSTER_SORTS
    page: int = 1  # from 1
    per_page: int = 50


@dataclass(frozen=True)
class RosterPage:
    creators: list[Creator]
    relationships: dict[str, Relationship]  # of the creators shown, when they have one
    matched: int  # creators matching the query, on every page
    page: int  # the page shown: the one asked for, or the last there is
    pages: int


@dataclass(frozen=True)
class RosterCounts:
    total: int
    by_status: dict[str, int]  # every creator counted once; "new" includes no relationship
    by_connector: dict[str, int]
    tags: list[str]  # every tag a creator on the roster has, sorted


def search_text(creator: Creator) -> str:
    """What a roster search looks in: the name, handle and label, case-folded, and again
    without accents when they have any (so "lucia" finds Lucía, and "lucía" too)."""
    text = "\n".join(w for w in (creator.name, creator.username, creator.label) if w).casefold()
    plain = unaccented(text)
    return text if plain == text else f"{text}\n{plain}"


def sort_name(creator: Creator) -> str:
    """What the roster sorts by name: case-folded, without accents (Åsa among the A's)."""
    return unaccented((creator.name or creator.username or creator.label or "").casefold())


def unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def tags_text(tags: list[str]) -> str:
    """Tags as the store searches them: ``#travel#q3 launch#`` ("" for none)."""
    return "#" + "#".join(tags) + "#" if tags else ""


def search_needle(text: str) -> str:
    """A search as typed, as the store compares it: trimmed, case-folded, no "@" or "#"."""
    return text.strip().casefold().lstrip("@#").strip()


@dataclass(frozen=True)
class ClientWorkspace:
    """A client workspace: its own roster, links, lists, alerts and activity."""

    name: str
    created_at: float
    created_by: str = ""


@dataclass(frozen=True)
class Member:
    """Someone's role in one workspace: "analyst", "viewer", or "removed" (kept out of
    ``default``, where the allow-lists would otherwise put them)."""

    workspace: str
    email: str
    role: str
    added_at: float
    added_by: str = ""


@dataclass(frozen=True)
class Deletion:
    """The receipt of a forgotten creator: its code and two dates, nothing that names them."""

    code: str
    connected_at: float | None
    deleted_at: float


@dataclass(frozen=True)
class Share:
    """A comparison or campaign report shared with a client: what it shows (``content``, as
    it stood at ``as_of``), whose it is, until when, and how often it was opened."""

    key: str
    workspace: str
    kind: str  # "compare" or "campaign"
    title: str
    creator_ids: list[str]
    content: dict[str, Any]
    as_of: float
    created_by: str
    created_at: float
    expires_at: float
    revoked_at: float | None = None
    views: int = 0
    last_view_at: float | None = None
