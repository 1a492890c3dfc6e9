"""The team schema: roster, verification links, shortlists, activity and the insight cache.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "creators",
        sa.Column("creator_id", sa.Text, primary_key=True),
        sa.Column("connector", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("username", sa.Text),
        sa.Column("platform_user_id", sa.Text),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("verified_at", sa.Float, nullable=False),
        sa.Column("extra", JSONB, nullable=False),
        sa.Column("added_by", sa.Text, nullable=False, server_default=""),
        sa.Column("added_at", sa.Float, nullable=False),
    )
    op.create_table(
        "links",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("connector", sa.Text, nullable=False),
        sa.Column("redirect_url", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("url", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("status_at", sa.Float),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("creator_id", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "shortlists",
        sa.Column("shortlist_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.Text, nullable=False, unique=True),
        sa.Column("creator_ids", JSONB, nullable=False),
        sa.Column("fees", JSONB, nullable=False),
        sa.Column("notes", JSONB, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "activity",
        sa.Column("entry_id", sa.Text, primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_activity_at", "activity", ["at"])
    op.create_table(
        "insights",
        sa.Column("api", sa.Text, primary_key=True),
        sa.Column("connector", sa.Text, primary_key=True),
        sa.Column("creator_id", sa.Text, primary_key=True),
        sa.Column("fetched_at", sa.Float, nullable=False),
        sa.Column("last_processed_at", sa.Text),
        sa.Column("body", JSONB, nullable=False),
    )
