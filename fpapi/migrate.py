"""Move a team into the team database: ``python -m fpapi.migrate --from-data-dir DIR``.

Copies what one analyst's app kept in its data folder (roster, verification links,
shortlists, activity, fetch history, alerts and cached insights) into the database named by ``FPAPI_DATABASE_URL``,
whose schema it creates or updates first. A row already in the database is left as it is, so
running it twice changes nothing, and two folders can be merged one after the other. The
folder is only read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fpapi.errors import StudioError
from fpapi.storage.cache import DiskShelf
from fpapi.storage.database import (
    activity,
    alerts,
    creators,
    describe,
    insights,
    links,
    new_engine,
    shortlists,
    snapshots,
    upsert,
)
from fpapi.storage.records import Activity
from fpapi.storage.store import Store

__all__ = ["Copied", "copy_data_dir", "main"]


@dataclass
class Copied:
    """How many rows of each kind were new to the database (the rest were there already)."""

    creators: int = 0
    links: int = 0
    shortlists: int = 0
    activity: int = 0
    snapshots: int = 0
    alerts: int = 0
    insights: int = 0
    skipped: tuple[str, ...] = ()

    def __str__(self) -> str:
        kinds = ("creators", "links", "shortlists", "activity", "snapshots", "alerts", "insights")
        counts = ", ".join(f"{getattr(self, kind)} {kind}" for kind in kinds)
        return f"Copied {counts} (rows already in the database were left as they are)."


def _activity_id(entry: Activity) -> str:
    """The same id for the same entry on every run, so a second run adds nothing."""
    digest = hashlib.sha256(json.dumps(asdict(entry), sort_keys=True).encode()).hexdigest()
    return f"{entry.at:017.6f}|{digest[:8]}"


def _add(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> int:
    added = 0
    for row in rows:
        statement = upsert(connection, table).values(**row).on_conflict_do_nothing()
        # A row comes back only when it was inserted (rowcount is not reliable here).
        added += connection.execute(statement.returning(sa.literal(1))).first() is not None
    return added


def copy_data_dir(data_dir: Path, database_url: str) -> Copied:
    """Copy ``data_dir``'s store and insight cache into the database; see the module."""
    if not (data_dir / "store").is_dir():
        raise StudioError(
            f"{data_dir} has no store folder: point --from-data-dir at the folder the app used "
            "as FPAPI_DATA_DIR (the one holding store/ and insights/)."
        )
    store = Store(data_dir / "store")
    engine = new_engine(database_url)
    copied = Copied()
    try:
        with engine.begin() as connection:
            copied.creators = _add(connection, creators, [asdict(c) for c in store.creators()])
            copied.links = _add(connection, links, [asdict(link) for link in store.links()])
            copied.activity = _add(
                connection,
                activity,
                [
                    {"entry_id": _activity_id(e), **asdict(e)}
                    for e in store.activity(limit=sys.maxsize)
                ],
            )
            history = store.latest_snapshots(per_creator=sys.maxsize)
            copied.snapshots = _add(
                connection, snapshots, [asdict(s) for fetches in history.values() for s in fetches]
            )
            copied.alerts = _add(
                connection, alerts, [asdict(a) for a in store.alerts(limit=sys.maxsize)]
            )
            skipped = []
            for shortlist in store.shortlists():
                row = {**asdict(shortlist), "name_key": shortlist.name.casefold()}
                taken = connection.execute(
                    sa.select(shortlists.c.shortlist_id).where(
                        shortlists.c.name_key == row["name_key"]
                    )
                ).scalar()
                if taken is not None and taken != shortlist.shortlist_id:
                    skipped.append(f"shortlist “{shortlist.name}”: the database has one so named")
                    continue
                copied.shortlists += _add(connection, shortlists, [row])
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
    return _add(connection, insights, rows)


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
