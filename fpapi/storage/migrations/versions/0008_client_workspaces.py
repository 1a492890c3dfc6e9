"""Client workspaces: every roster entry, link, shortlist, campaign, relationship, alert and
activity entry belongs to one workspace; what was there before belongs to ``default``.

The roster, relationships and alerts are keyed by (workspace, id) now, so one creator can be
on several workspaces' rosters with their own label, tags and notes; a shortlist's name is
unique within its workspace. Those tables are rebuilt (a new table, the rows copied, the old
one dropped), the same way on SQLite and PostgreSQL. Snapshots and cached insights stay
shared: the vendor's numbers are the same whichever workspace asked.

Revision ID: 0008
Revises: 0007
"""

import time

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
DEFAULT = "default"
ROSTER_SORTS = (
    "added_at", "verified_at", "sort_name", "followers", "engagement_rate", "last_fetched_at"
)  # fmt: skip


def _workspace() -> sa.Column:
    return sa.Column("workspace", sa.Text, nullable=False, server_default=DEFAULT)


def _rebuild(name: str, *columns: sa.Column, constraints: tuple = ()) -> None:
    """Replace table ``name`` by one with ``columns`` (``workspace`` first), its rows copied
    into ``default``."""
    copied = ", ".join(f'"{c.name}"' for c in columns if c.name != "workspace")
    op.create_table(f"{name}_new", *columns, *constraints)
    copy = f"INSERT INTO \"{name}_new\" (workspace, {copied}) SELECT '{DEFAULT}', {copied} "
    op.execute(copy + f'FROM "{name}"')
    op.drop_table(name)
    op.rename_table(f"{name}_new", name)


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False, server_default=""),
    )
    op.execute(
        sa.text(
            "INSERT INTO workspaces (name, created_at, created_by) VALUES (:n, :at, '')"
        ).bindparams(n=DEFAULT, at=time.time())
    )
    # A member's role in a workspace ("analyst" or "viewer"); "removed" keeps someone whom the
    # allow-lists let in out of ``default``.
    op.create_table(
        "members",
        sa.Column("workspace", sa.Text, primary_key=True),
        sa.Column("email", sa.Text, primary_key=True),  # casefolded
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("added_at", sa.Float, nullable=False),
        sa.Column("added_by", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_members_email", "members", ["email"])
    op.create_table(  # the workspace each person used last, to land there without ``ws``
        "last_workspaces",
        sa.Column("email", sa.Text, primary_key=True),
        sa.Column("workspace", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )

    for table in ("links", "activity", "campaigns"):
        op.add_column(table, _workspace())
        op.create_index(f"ix_{table}_workspace", table, ["workspace"])

    _rebuild(
        "creators",
        _workspace(),
        sa.Column("creator_id", sa.Text, nullable=False),
        sa.Column("connector", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("username", sa.Text),
        sa.Column("platform_user_id", sa.Text),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("verified_at", sa.Float, nullable=False),
        sa.Column("extra", JSONB, nullable=False),
        sa.Column("added_by", sa.Text, nullable=False, server_default=""),
        sa.Column("added_at", sa.Float, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False, server_default=""),
        sa.Column("sort_name", sa.Text, nullable=False, server_default=""),
        sa.Column("followers", sa.Float),
        sa.Column("engagement_rate", sa.Float),
        sa.Column("last_fetched_at", sa.Float),
        constraints=(sa.PrimaryKeyConstraint("workspace", "creator_id", name="pk_creators"),),
    )
    for column in ROSTER_SORTS:  # each sort within a workspace, ties by id, in index order
        op.create_index(f"ix_creators_{column}", "creators", ["workspace", column, "creator_id"])
    op.create_index("ix_creators_creator_id", "creators", ["creator_id"])

    _rebuild(
        "relationships",
        _workspace(),
        sa.Column("creator_id", sa.Text, nullable=False),
        sa.Column("tags", JSONB, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("notes", JSONB, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("tags_text", sa.Text, nullable=False, server_default=""),
        constraints=(sa.PrimaryKeyConstraint("workspace", "creator_id", name="pk_relationships"),),
    )
    op.create_index("ix_relationships_status", "relationships", ["workspace", "status"])

    _rebuild(
        "shortlists",
        _workspace(),
        sa.Column("shortlist_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.Text, nullable=False),
        sa.Column("creator_ids", JSONB, nullable=False),
        sa.Column("fees", JSONB, nullable=False),
        sa.Column("notes", JSONB, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        constraints=(
            sa.PrimaryKeyConstraint("shortlist_id", name="pk_shortlists"),
            sa.UniqueConstraint("workspace", "name_key", name="uq_shortlists_name"),
        ),
    )

    _rebuild(
        "alerts",
        _workspace(),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("creator_id", sa.Text, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("delivered_at", sa.Float),
        constraints=(sa.PrimaryKeyConstraint("workspace", "key", name="pk_alerts"),),
    )
    op.create_index("ix_alerts_at", "alerts", ["workspace", "at"])


def downgrade() -> None:
    raise NotImplementedError("Client workspaces cannot be merged back into one roster.")
