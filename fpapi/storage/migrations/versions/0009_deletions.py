"""Deletion when consent ends: the receipts of forgotten creators (a code and two dates, nothing
that names them), and when a creator's consent was withdrawn.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deletions",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("connected_at", sa.Float),
        sa.Column("deleted_at", sa.Float, nullable=False),
    )
    op.add_column("creators", sa.Column("consent_withdrawn_at", sa.Float))


def downgrade() -> None:
    op.drop_column("creators", "consent_withdrawn_at")
    op.drop_table("deletions")
