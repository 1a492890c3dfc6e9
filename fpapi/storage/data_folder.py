"""The data folder's store: the roster, verification links, shortlists, campaigns, fetch history,
alerts and activity in one SQLite file, ``roster.db``, on the team database's schema and code.

One implementation (:class:`fpapi.storage.sql_store.SqlStore`) serves both ways the app runs,
so a page of the roster, a search and the counts are the same indexed SQL queries on one
analyst's machine as on the team's PostgreSQL, and a behaviour tested on one holds on the other.
What is the data folder's own:

- the folder is its owner's alone (0700; the database 0600, and SQLite gives its journal files
  the database's mode);
- a file SQLite cannot read, found at start or while the app runs, is moved aside with its
  folder (kept, never deleted) and a fresh one started, once however many sessions find it;
  ``recovered_from`` says where it went;
- a folder an older version wrote (a diskcache database, :mod:`fpapi.storage.disk_store`) is
  copied in the first time it is opened, then kept in a ``before-roster-db`` folder inside;
- a folder that cannot be read or written (a full disk, its permissions) is a StoreError
  saying so, not "the team database cannot be reached".
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fpapi.errors import DatabaseUnavailable, StoreError
from fpapi.links import DEFAULT_PENDING_TTL_S
from fpapi.storage.database import insert_missing, new_engine
from fpapi.storage.datadir import ensure_private_dir
from fpapi.storage.disk_store import older_rows
from fpapi.storage.jsondisk import (
    CACHE_DB_NAME,
    PRIVATE_FILE_MODE,
    move_aside,
    remove_kept_copies,
)
from fpapi.storage.records import Deletion
from fpapi.storage.sql_store import SqlStore

__all__ = ["ROSTER_DB", "DataFolderStore"]

log = logging.getLogger(__name__)

T = TypeVar("T")

ROSTER_DB = "roster.db"
OLDER_FOLDER = "before-roster-db"  # inside the store folder: what an older version wrote


class DataFolderStore(SqlStore):
    """The data folder's store; see the module."""

    def __init__(
        self,
        directory: Path,
        *,
        pending_ttl_s: float = DEFAULT_PENDING_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = Path(directory)
        self._recovery = threading.Lock()
        engine, recovered_from = _open(self.directory)
        super().__init__(engine, pending_ttl_s=pending_ttl_s, clock=clock)
        self.recovered_from = recovered_from
        self._copy_older_folder()

    def close(self) -> None:
        self._engine.dispose()

    def forget_creator(self, creator_id: str, *, code: str) -> Deletion | None:
        """SqlStore's, then the copies this folder keeps aside (an older version's folder, a
        damaged database moved aside): they may hold the creator and cannot be searched, so
        they go too."""
        deletion = SqlStore.forget_creator(self, creator_id, code=code)
        if deletion is not None:
            remove_kept_copies(self.directory, [self.directory / OLDER_FOLDER])
        return deletion

    def _recover(self, err: Exception, *, failed: Engine) -> None:
        """Move the damaged database aside and open a fresh one, once: sessions share this
        store, and one that failed on the old database must not move the new one aside."""
        with self._recovery:
            if self._engine is not failed:
                return  # another session recovered already
            failed.dispose()
            self.recovered_from = move_aside(self.directory, err)
            self._engine, _ = _open(self.directory)

    def _copy_older_folder(self) -> None:
        older_db = self.directory / CACHE_DB_NAME
        if not older_db.exists():
            return
        copied: dict[str, int] | str = "nothing: it could not be read"
        if _readable(older_db):  # else opening it would move the whole folder aside
            found = older_rows(self.directory)
            with self._engine.begin() as connection:
                copied = {
                    table.name: insert_missing(connection, table, rows) for table, rows in found
                }
        kept = self.directory / OLDER_FOLDER
        kept.mkdir(mode=0o700, exist_ok=True)
        for entry in list(self.directory.iterdir()):
            if entry != kept and not entry.name.startswith(ROSTER_DB):
                entry.rename(kept / entry.name)
        log.warning(
            "Copied the data folder an older version wrote into %s (%s); it is kept in %s",
            ROSTER_DB, copied, kept,
        )  # fmt: skip


def _open(directory: Path) -> tuple[Engine, Path | None]:
    """The engine on ``directory``'s database, schema up to date, and where an unreadable
    database was moved aside first (or None)."""
    ensure_private_dir(directory)
    try:
        return _engine(directory), None
    except sa.exc.DatabaseError as err:
        if not _unreadable(err):
            raise
        aside = move_aside(directory, err)
        return _engine(directory), aside


def _readable(path: Path) -> bool:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return False
    return True


def _engine(directory: Path) -> Engine:
    path = directory / ROSTER_DB
    try:
        engine = new_engine(f"sqlite:///{path}")
    except DatabaseUnavailable as err:  # SQLite could not open or write the file: say that,
        found = getattr(err.__cause__, "orig", None)  # not "the team database is unreachable"
        raise (
            found
            if isinstance(found, sqlite3.Error)
            else sqlite3.OperationalError("the database file cannot be opened")
        ) from None
    for file in directory.glob(f"{ROSTER_DB}*"):
        file.chmod(PRIVATE_FILE_MODE)
    return engine


def _unreadable(err: BaseException) -> bool:
    """A file that is not (or no longer) a database: "file is not a database", "malformed",
    which SQLite raises as its DatabaseError itself. Its subclasses say the file is fine: locked,
    read-only or full (OperationalError), a broken rule (IntegrityError), a bad query
    (ProgrammingError): never move the file for those."""
    return isinstance(err, sa.exc.DatabaseError) and type(err.orig) is sqlite3.DatabaseError


def _folder_problem(directory: Path, err: DatabaseUnavailable) -> StoreError:
    cause = str(err.__cause__ or "").lower()
    reason = (
        "the disk is full" if "full" in cause else
        "the folder cannot be written to" if "readonly" in cause or "read-only" in cause else
        "another session held it too long" if "locked" in cause else
        ""
    )  # fmt: skip
    if not reason:
        return StoreError(
            f"The app could not read its data folder {directory.parent}. Check that the folder "
            "is there and readable, then reload the page."
        )
    return StoreError(
        f"The app could not save to its data folder {directory.parent} ({reason}). Nothing was "
        "changed. Free some space or fix the folder's permissions, then try again."
    )


def _local(method: Callable[..., T]) -> Callable[..., T]:
    """A SqlStore method on the data folder: recovers from a damaged file (see the module) and
    says what is wrong with the folder when SQLite cannot use it."""

    @functools.wraps(method)
    def wrapper(self: DataFolderStore, *args: Any, **kwargs: Any) -> T:
        engine = self._engine
        try:
            return method(self, *args, **kwargs)
        except sa.exc.DatabaseError as err:
            if not _unreadable(err):
                raise
            self._recover(err, failed=engine)
        except DatabaseUnavailable as err:
            with self._recovery:  # another session's recovery: its new file was not ready
                recovered = self._engine is not engine
            if not recovered:
                raise _folder_problem(self.directory, err) from err.__cause__
        try:
            return method(self, *args, **kwargs)
        except DatabaseUnavailable as err:
            raise _folder_problem(self.directory, err) from err.__cause__

    return wrapper


# Every public method of SqlStore and of its parts (RosterTables, ListTables), the data folder's
# own (close) aside.
for _part in SqlStore.__mro__[:-1]:
    for _name, _method in list(vars(_part).items()):
        if callable(_method) and not _name.startswith("_") and _name not in vars(DataFolderStore):
            setattr(DataFolderStore, _name, _local(_method))
DataFolderStore.forget_creator = _local(DataFolderStore.forget_creator)  # type: ignore[method-assign]
