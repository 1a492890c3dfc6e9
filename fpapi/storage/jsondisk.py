"""Open a diskcache.Cache that stores JSON only, and survives a corrupt database.

diskcache pickles by default, and a pickle in a cache directory runs code when read. JSONDisk
stores keys and values as JSON instead. A database that SQLite cannot read is moved aside
(kept for inspection, never deleted) and a fresh one is started.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path

import diskcache

from fpapi.storage.datadir import PRIVATE_DIR_MODE, ensure_private_dir

log = logging.getLogger(__name__)

CACHE_DB_NAME = "cache.db"
# Small values stay inside SQLite; larger ones go to JSON files beside it.
MIN_FILE_SIZE_BYTES = 256 * 1024
SQLITE_TIMEOUT_S = 30
PRIVATE_FILE_MODE = 0o600


class PrivateJSONDisk(diskcache.JSONDisk):
    """JSONDisk whose value files and their folders are readable by the owner only."""

    def _write(self, full_path, iterator, mode, encoding=None):
        size = super()._write(full_path, iterator, mode, encoding)
        path = Path(full_path)
        os.chmod(path, PRIVATE_FILE_MODE)
        for folder in (path.parent, path.parent.parent):
            if folder != Path(self._directory):
                os.chmod(folder, PRIVATE_DIR_MODE)
        return size


def open_json_cache(directory: Path) -> tuple[diskcache.Cache, Path | None]:
    """A JSON-only ``diskcache.Cache`` in ``directory``, and where a corrupt database was
    moved aside (kept, never deleted) before a fresh one was started, or None."""
    ensure_private_dir(directory)
    try:
        return _open(directory), None
    except sqlite3.OperationalError:
        raise  # locked, read-only or full: the file is fine, so never move it
    except sqlite3.DatabaseError as err:  # "file is not a database", "malformed"
        aside = move_aside(directory, err)
        return _open(directory), aside


def move_aside(directory: Path, err: Exception) -> Path:
    """Rename an unreadable database folder (kept, never deleted) and make a fresh, empty one
    in its place; returns where the old one went."""
    aside = directory.with_name(f"{directory.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    suffix = 1
    while aside.exists():
        aside = aside.with_name(f"{aside.name.split('~')[0]}~{suffix}")
        suffix += 1
    log.warning("Database at %s is unreadable (%s); moved aside to %s", directory, err, aside)
    directory.rename(aside)
    ensure_private_dir(directory)
    return aside


def remove_kept_copies(directory: Path, also: list[Path] | None = None) -> None:
    """Delete the copies of ``directory`` moved aside when unreadable (and ``also``): after a
    creator is forgotten, no copy may still hold them."""
    kept = [*directory.parent.glob(f"{directory.name}.corrupt-*"), *(also or [])]
    for path in kept:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
            log.warning(
                "Deleted %s, kept aside earlier: it may have held a forgotten creator", path
            )


def checkpoint(directory: Path) -> None:
    """Copy the cache's write-ahead log into its database and empty it: after a deletion, what
    was deleted is then in no file (secure_delete overwrote it in the database's pages)."""
    try:
        with contextlib.closing(sqlite3.connect(directory / CACHE_DB_NAME, timeout=30)) as db:
            for _ in range(25):  # a reader holding the log lets go within a page's run
                busy, *_ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy:
                    return
                time.sleep(0.2)
        log.warning("The insight cache's log in %s is emptied at its next checkpoint", directory)
    except sqlite3.Error as err:
        log.warning("Could not empty the insight cache's log in %s: %s", directory, err)


def _open(directory: Path) -> diskcache.Cache:
    cache = diskcache.Cache(
        str(directory),
        disk=PrivateJSONDisk,
        disk_min_file_size=MIN_FILE_SIZE_BYTES,
        timeout=SQLITE_TIMEOUT_S,
        eviction_policy="none",
        sqlite_secure_delete=1,  # a deleted response is overwritten, not left in free pages
    )
    # Reading one row proves the file is a database, not just a file named like one.
    cache.get("__probe__")
    for path in directory.glob(f"{CACHE_DB_NAME}*"):
        path.chmod(PRIVATE_FILE_MODE)
    return cache
