"""Relationships: each creator's tags, pipeline status and dated notes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "relationships",
        sa.Column("creator_id", sa.Text, primary_key=True),
        sa.Column("tags", JSONB, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("notes", JSONB, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("relationships")
