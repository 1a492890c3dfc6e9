"""The data folder's store as versions before ``roster.db`` kept it: a JSON-only diskcache.

Only read now, once, when :class:`fpapi.storage.store.Store` finds such a folder and copies
it into ``roster.db``: :func:`older_rows` gives its records as rows of the database's tables.
What such a folder holds: records as JSON under key prefixes (``creator|<id>``, ``link|<key>``,
...), a link under a hash of its ``state`` (:func:`state_key`) and no creator's e-mail
address, except in records a still older version wrote. Records are read tolerantly: unknown
keys go to ``extra`` (or are dropped), a record that cannot be read is skipped and logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, TypeVar

import diskcache
import sqlalchemy as sa

from fpapi.links import PendingLink, state_key
from fpapi.storage.database import (
    activity,
    alerts,
    campaigns,
    creators,
    links,
    relationships,
    shortlists,
    snapshots,
)
from fpapi.storage.jsondisk import open_json_cache
from fpapi.storage.records import (
    Activity,
    Campaign,
    Creator,
    Relationship,
    Shortlist,
    Snapshot,
    StoredAlert,
)

__all__ = ["older_rows"]

log = logging.getLogger(__name__)

R = TypeVar("R")

DROPPED_KEYS = frozenset({"email", "state"})  # never kept, even from an older record
SECRETS_FORGOTTEN_KEY = "meta|secrets-forgotten"
LINK_PREFIX = "link|"
RECORDS: tuple[tuple[sa.Table, str, type[Any]], ...] = (  # parents first
    (creators, "creator|", Creator),
    (links, LINK_PREFIX, PendingLink),
    (activity, "activity|", Activity),
    (snapshots, "snapshot|", Snapshot),
    (alerts, "alert|", StoredAlert),
    (relationships, "relationship|", Relationship),
    (campaigns, "campaign|", Campaign),
    (shortlists, "shortlist|", Shortlist),
)


def older_rows(directory: Path) -> list[tuple[sa.Table, list[dict[str, Any]]]]:
    """Every record of the older store in ``directory``, as rows of the database's tables.

    Records an older version kept with a link's raw state or a creator's e-mail are first
    rewritten in place without them (the folder is kept after the copy); a folder that cannot
    be written to is still read."""
    db, _ = open_json_cache(directory)
    try:
        try:
            _forget_secrets(db)
        except (OSError, sqlite3.Error, diskcache.Timeout) as err:
            log.warning("Could not rewrite older records without secrets: %s", err)
        found = []
        for table, prefix, cls in RECORDS:
            rows = [asdict(record) for record in _records(db, prefix, cls)]
            if table is activity:
                rows = [{"entry_id": _activity_id(row), **row} for row in rows]
            if table is shortlists:
                rows = [{**row, "name_key": row["name"].casefold()} for row in rows]
            found.append((table, rows))
        return found
    finally:
        db.close()


def _activity_id(entry: dict[str, Any]) -> str:
    """The same id for the same entry on every copy, so copying twice adds nothing."""
    digest = hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()
    return f"{entry['at']:017.6f}|{digest[:8]}"


def _records(db: diskcache.Cache, prefix: str, cls: type[R]) -> list[R]:
    found = []
    for key in list(db.iterkeys()):
        if isinstance(key, str) and key.startswith(prefix):
            record = _load(cls, db.get(key), prefix.rstrip("|"))
            if record is not None:
                found.append(record)
    return found


def _load(cls: type[R], data: Any, what: str) -> R | None:
    """A record from its stored dict, tolerantly: unknown keys go to ``extra`` when the record
    has one (else they are dropped), and a record that still cannot be read is skipped and
    logged, never fatal."""
    if not isinstance(data, dict):
        return None
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    known = {k: v for k, v in data.items() if k in names and k not in DROPPED_KEYS}
    unknown = {k: v for k, v in data.items() if k not in names and k not in DROPPED_KEYS}
    if unknown and "extra" in names:
        known["extra"] = {**(known.get("extra") or {}), **unknown}
    elif unknown:
        log.info("Ignoring unknown fields %s of a stored %s", sorted(unknown), what)
    try:
        return cls(**known)
    except TypeError as err:
        log.warning("Skipping a stored %s that cannot be read: %s", what, err)
        return None


def _forget_secrets(db: diskcache.Cache) -> None:
    """Rewrite records kept with a link's raw state or a creator's e-mail, once per folder (a
    marker records that it was done)."""
    if db.get(SECRETS_FORGOTTEN_KEY):
        return
    for key in list(db.iterkeys()):
        data = db.get(key) if isinstance(key, str) else None
        if not isinstance(data, dict) or not DROPPED_KEYS & data.keys():
            continue
        if key.startswith(LINK_PREFIX) and isinstance(data.get("state"), str):
            link_key = state_key(data["state"])
            kept = {k: v for k, v in data.items() if k not in DROPPED_KEYS}
            with db.transact():
                db.set(LINK_PREFIX + link_key, {**kept, "key": link_key})
                db.delete(key)
        else:
            db.set(key, {k: v for k, v in data.items() if k not in DROPPED_KEYS})
    db.set(SECRETS_FORGOTTEN_KEY, True)
