"""Shares: a comparison or a campaign report as it stood, for a client with no account.

A share is found by the SHA-256 of its token's random part (the token itself is never stored),
belongs to the workspace it was made in, and holds what it shows (the vendor's bodies as they
were when shared), so a client sees that and nothing else.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("workspace", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("creator_ids", JSONB, nullable=False),
        sa.Column("content", JSONB, nullable=False),
        sa.Column("as_of", sa.Float, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float),
        sa.Column("views", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_view_at", sa.Float),
    )
    op.create_index("ix_shares_workspace", "shares", ["workspace"])


def downgrade() -> None:
    op.drop_table("shares")
