"""The storage backends the store and cache suites run on: the local data folder, and the team
database on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from fpapi.storage.cache import DiskShelf, Shelf
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.database import new_engine
from fpapi.storage.sql_cache import SqlShelf
from fpapi.storage.sql_store import SqlStore
from fpapi.storage.store import Store
from fpapi.workspace.headlines import settle
from tests.postgres import Postgres

NAMES = ["local", "sqlite", "postgresql"]


@functools.cache
def _migrated_sqlite() -> Path:
    """An SQLite team database at the newest schema, made once per test process to be copied."""
    folder = Path(tempfile.mkdtemp(prefix="studio-sqlite-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "team.db"
    new_engine(f"sqlite:///{path}").dispose()
    return path


@dataclass
class Backend:
    """Each ``store()`` or ``shelf()`` opens the same storage anew: for the team database, on
    an engine of its own, as another replica would."""

    name: str
    folder: Path
    url: str | None = None
    postgres: Postgres | None = None
    engines: list[Engine] = field(default_factory=list)

    @classmethod
    def make(cls, name: str, folder: Path, postgres: Postgres | None) -> Backend:
        if name == "local":
            return cls(name, folder)
        if name == "sqlite":  # both as the app would have made them, copied from a template
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(_migrated_sqlite(), folder / "team.db")
            return cls(name, folder, f"sqlite:///{folder / 'team.db'}")
        assert postgres is not None
        return cls(name, folder, postgres.migrated_database(), postgres)

    def engine(self) -> Engine:
        assert self.url is not None
        engine = new_engine(self.url)
        self.engines.append(engine)
        return engine

    def store(self, **kwargs: Any) -> Store:
        if self.url is None:
            return DataFolderStore(self.folder / "store", **kwargs)
        return SqlStore(self.engine(), **kwargs)

    def shelf(self) -> Shelf:
        if self.url is None:
            return DiskShelf(self.folder / "insights")
        return SqlShelf(self.engine())

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()
        if self.postgres is not None and self.url is not None:
            # A first fetch the test started may still write to it: let it end first.
            assert settle(timeout_s=60), "a background first fetch still ran 60 s after the test"
            self.postgres.drop_database(self.url)
