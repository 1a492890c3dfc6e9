"""Open a diskcache.Cache that stores JSON only, and survives a corrupt database.

diskcache pickles by default, and a pickle in a cache directory runs code when read. JSONDisk
stores keys and values as JSON instead. A database that SQLite cannot read is moved aside
(kept for inspection, never deleted) and a fresh one is started.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

import diskcache

from fpapi.datadir import ensure_private_dir

log = logging.getLogger(__name__)

CACHE_DB_NAME = "cache.db"
# Small values stay inside SQLite; larger ones go to JSON files beside it.
MIN_FILE_SIZE_BYTES = 256 * 1024
SQLITE_TIMEOUT_S = 30
PRIVATE_FILE_MODE = 0o600


def open_json_cache(directory: Path) -> diskcache.Cache:
    """A JSON-only ``diskcache.Cache`` in ``directory``, rebuilt if its database is corrupt."""
    ensure_private_dir(directory)
    try:
        return _open(directory)
    except sqlite3.DatabaseError as err:
        aside = directory.with_name(f"{directory.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        log.warning("Cache at %s is unreadable (%s); moved aside to %s", directory, err, aside)
        directory.rename(aside)
        ensure_private_dir(directory)
        return _open(directory)


def _open(directory: Path) -> diskcache.Cache:
    cache = diskcache.Cache(
        str(directory),
        disk=diskcache.JSONDisk,
        disk_min_file_size=MIN_FILE_SIZE_BYTES,
        timeout=SQLITE_TIMEOUT_S,
        eviction_policy="none",
    )
    # Reading one row proves the file is a database, not just a file named like one.
    cache.get("__probe__")
    for path in directory.glob(f"{CACHE_DB_NAME}*"):
        path.chmod(PRIVATE_FILE_MODE)
    return cache
