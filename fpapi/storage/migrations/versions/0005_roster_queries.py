"""Roster queries in the database: what a page of the roster is searched, filtered and sorted by.

Each creator row carries its case-folded search text and name (SQLite's lower() folds ASCII
only) and its newest fetch's followers, ER and time; each relationship its tags as
``#tag#tag#`` text (the JSON column's text escapes non-ASCII). Indexes for every sort.
Existing rows are filled in here, with this revision's own copy of the rules.

Revision ID: 0005
Revises: 0004
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SORTS = ("sort_name", "followers", "engagement_rate", "last_fetched_at", "added_at", "verified_at")


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def upgrade() -> None:
    with op.batch_alter_table("creators") as batch:
        batch.add_column(sa.Column("search_text", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("sort_name", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("followers", sa.Float))
        batch.add_column(sa.Column("engagement_rate", sa.Float))
        batch.add_column(sa.Column("last_fetched_at", sa.Float))
    with op.batch_alter_table("relationships") as batch:
        batch.add_column(sa.Column("tags_text", sa.Text, nullable=False, server_default=""))
    for column in SORTS:  # each sort, ties by id, read in index order
        op.create_index(f"ix_creators_{column}", "creators", [column, "creator_id"])
    op.create_index("ix_relationships_status", "relationships", ["status"])

    connection = op.get_bind()
    creators = sa.table(
        "creators", *(sa.column(c) for c in ("creator_id", "name", "username", "label",
                                             "search_text", "sort_name", "followers",
                                             "engagement_rate", "last_fetched_at"))
    )  # fmt: skip
    snapshots = sa.table(
        "snapshots", *(sa.column(c) for c in ("creator_id", "fetched_at", "followers",
                                              "engagement_rate"))
    )  # fmt: skip
    relationships = sa.table("relationships", sa.column("creator_id"), sa.column("tags"),
                             sa.column("tags_text"))  # fmt: skip
    for row in connection.execute(sa.select(creators)).all():
        words = [w for w in (row.name, row.username, row.label) if w]
        text = "\n".join(words).casefold()
        latest = connection.execute(
            sa.select(snapshots)
            .where(snapshots.c.creator_id == row.creator_id)
            .order_by(snapshots.c.fetched_at.desc())
            .limit(1)
        ).first()
        connection.execute(
            creators.update()
            .where(creators.c.creator_id == row.creator_id)
            .values(
                search_text=text if _plain(text) == text else f"{text}\n{_plain(text)}",
                sort_name=_plain((words[0] if words else "").casefold()),
                followers=latest.followers if latest else None,
                engagement_rate=latest.engagement_rate if latest else None,
                last_fetched_at=latest.fetched_at if latest else None,
            )
        )
    for row in connection.execute(sa.select(relationships.c.creator_id, relationships.c.tags)):
        tags = row.tags if isinstance(row.tags, list) else []
        if tags:
            connection.execute(
                relationships.update()
                .where(relationships.c.creator_id == row.creator_id)
                .values(tags_text="#" + "#".join(tags) + "#")
            )


def downgrade() -> None:
    op.drop_index("ix_relationships_status", "relationships")
    for column in SORTS:
        op.drop_index(f"ix_creators_{column}", "creators")
    with op.batch_alter_table("relationships") as batch:
        batch.drop_column("tags_text")
    with op.batch_alter_table("creators") as batch:
        for column in ("search_text", "sort_name", "followers", "engagement_rate",
                       "last_fetched_at"):  # fmt: skip
            batch.drop_column(column)
