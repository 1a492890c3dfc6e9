"""The cached insight bodies as JSON text (json, not jsonb), lz4-compressed where the server has
it: a fifth of the database's CPU per body written (fpapi.storage.tables, ``insights``).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from fpapi.storage.tables import lz4_available

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite keeps JSON as text already
    # One statement, so the table is rewritten once, its rows compressed the new way. It holds
    # the table while it rewrites it (1.5 GB at 10,000 cached bodies); replicas starting
    # meanwhile wait for it.
    compression = ", ALTER COLUMN body SET COMPRESSION lz4" if lz4_available(bind) else ""
    op.execute(
        sa.text(f"ALTER TABLE insights ALTER COLUMN body TYPE json USING body::json{compression}")
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from sqlalchemy.dialects import postgresql

    op.alter_column(
        "insights",
        "body",
        type_=postgresql.JSONB(),
        existing_nullable=False,
        postgresql_using="body::jsonb",
    )
