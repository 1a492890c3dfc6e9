"""The vendor budget: one row saying when the next call may go, shared by every process.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendor_budget",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.Column("paused_until", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("vendor_budget")
