"""Fetch history (one row of headline numbers per creator per successful fetch) and alerts.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("creator_id", sa.Text, primary_key=True),
        sa.Column("fetched_at", sa.Float, primary_key=True),
        sa.Column("processed_on", sa.Text),
        sa.Column("followers", sa.Float),
        sa.Column("engagement_rate", sa.Float),
        sa.Column("posts_per_week", sa.Float),
        sa.Column("effective_follower_rate", sa.Float),
        sa.Column("median_views", sa.Float),
        sa.Column("quality_score", sa.Float),
        sa.Column("quality_engagement_rate", sa.Float),
        sa.Column("quality_effective_followers", sa.Float),
        sa.Column("quality_consistency", sa.Float),
        sa.Column("quality_authentic_audience", sa.Float),
    )

    op.create_table(
        "alerts",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("creator_id", sa.Text, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False, index=True),
        sa.Column("delivered_at", sa.Float),
    )


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("snapshots")
