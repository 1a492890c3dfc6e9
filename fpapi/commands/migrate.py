"""Move a team into the team database: ``python -m fpapi.migrate --from-data-dir DIR``.

Copies what one analyst's app kept in its data folder (roster, verification links,
shortlists, activity, fetch history, alerts, tags and notes, campaigns and cached insights)
into the database named by ``FPAPI_DATABASE_URL``, whose schema it creates or updates first. A row already in the database is left as it is, so
running it twice changes nothing, and two folders can be merged one after the other. The
folder is only read.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fpapi.errors import StudioError
from fpapi.storage.cache import DiskShelf
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.database import (
    activity,
    alerts,
    campaigns,
    creators,
    describe,
    insert_missing,
    insights,
    links,
    members,
    new_engine,
    relationships,
    shortlists,
    snapshots,
    workspaces,
)

__all__ = ["Copied", "copy_data_dir", "main"]


KINDS = ("creators", "links", "shortlists", "activity", "snapshots", "alerts", "relationships",
         "campaigns", "insights")  # fmt: skip


@dataclass
class Copied:
    """How many rows of each kind were new to the database (the rest were there already)."""

    creators: int = 0
    links: int = 0
    shortlists: int = 0
    activity: int = 0
    snapshots: int = 0
    alerts: int = 0
    relationships: int = 0
    campaigns: int = 0
    insights: int = 0
    skipped: tuple[str, ...] = ()

    def __str__(self) -> str:
        counts = ", ".join(f"{getattr(self, kind)} {kind}" for kind in KINDS)
        return f"Copied {counts} (rows already in the database were left as they are)."


def copy_data_dir(data_dir: Path, database_url: str) -> Copied:
    """Copy ``data_dir``'s store and insight cache into the database; see the module."""
    if not (data_dir / "store").is_dir():
        raise StudioError(
            f"{data_dir} has no store folder: point --from-data-dir at the folder the app used "
            "as FPAPI_DATA_DIR (the one holding store/ and insights/)."
        )
    store = DataFolderStore(data_dir / "store")
    engine = new_engine(database_url)
    copied = Copied()
    try:
        with store.engine.connect() as source, engine.begin() as connection:
            for table in (workspaces, members):  # the data folder's own workspaces too
                rows = [dict(row) for row in source.execute(table.select()).mappings()]
                insert_missing(connection, table, rows)
            for table in (creators, links, activity, snapshots, alerts, relationships, campaigns):
                rows = [dict(row) for row in source.execute(table.select()).mappings()]
                setattr(copied, table.name, insert_missing(connection, table, rows))
            skipped = []
            for row in source.execute(shortlists.select()).mappings():
                taken = connection.execute(
                    sa.select(shortlists.c.shortlist_id).where(
                        shortlists.c.workspace == row["workspace"],
                        shortlists.c.name_key == row["name_key"],
                    )
                ).scalar()
                if taken is not None and taken != row["shortlist_id"]:
                    skipped.append(f"shortlist “{row['name']}”: the database has one so named")
                    continue
                copied.shortlists += insert_missing(connection, shortlists, [dict(row)])
            copied.insights = _copy_insights(connection, data_dir / "insights")
            copied.skipped = tuple(skipped)
    finally:
        engine.dispose()
        store.close()
    return copied


def _copy_insights(connection: Connection, folder: Path) -> int:
    if not folder.is_dir():
        return 0
    shelf = DiskShelf(folder)
    rows = []
    try:
        for key in shelf.stored_keys():
            entry, summary = shelf.read(key), shelf.summary(key)
            if entry is None:
                continue
            processed = summary.last_processed_at if summary else None
            api, connector, creator_id = key
            rows.append(
                {
                    "api": api,
                    "connector": connector,
                    "creator_id": creator_id,
                    "fetched_at": entry["fetched_at"],
                    "last_processed_at": processed.isoformat() if processed else None,
                    "body": entry["raw"],
                }
            )
    finally:
        shelf.close()
    return insert_missing(connection, insights, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fpapi.migrate",
        description="Copy a local data folder into the team database named by "
        "FPAPI_DATABASE_URL (set in the environment: a URL on the command line would show "
        "its password to every user of the machine).",
    )
    parser.add_argument(
        "--from-data-dir",
        type=Path,
        required=True,
        help="the folder the app used as FPAPI_DATA_DIR",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("FPAPI_DATABASE_URL", "").strip()
    if not url:
        print("Set FPAPI_DATABASE_URL to the team database first.", file=sys.stderr)
        return 2
    try:
        copied = copy_data_dir(args.from_data_dir.expanduser(), url)
    except StudioError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"{copied} Database: {describe(url)}")
    for what in copied.skipped:
        print(f"Not copied: {what}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
