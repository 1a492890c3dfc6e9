"""The schema as the code sees it: the tables of the newest revision.

:func:`fpapi.storage.database.migrate` creates a new database from :data:`metadata`; a database
made earlier gets there through Alembic's migrations (``migrations/``), and a test compares the
two. ``database`` re-exports every name here.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

DEFAULT_WORKSPACE = "default"  # where everything made before client workspaces lives
JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
metadata = sa.MetaData()

creators = sa.Table(
    "creators",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("creator_id", sa.Text, primary_key=True, index=True),
    sa.Column("connector", sa.Text, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("username", sa.Text),
    sa.Column("platform_user_id", sa.Text),
    sa.Column("label", sa.Text, nullable=False, server_default=""),
    sa.Column("verified_at", sa.Float, nullable=False),
    sa.Column("extra", JSONB, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False, server_default=""),
    sa.Column("added_at", sa.Float, nullable=False),
    # What the roster is searched and sorted by, kept by the store (since revision 0005).
    sa.Column("search_text", sa.Text, nullable=False, server_default=""),
    sa.Column("sort_name", sa.Text, nullable=False, server_default=""),
    sa.Column("followers", sa.Float),  # of the newest fetch on record
    sa.Column("engagement_rate", sa.Float),
    sa.Column("last_fetched_at", sa.Float),
    # When the vendor said the creator's consent was withdrawn (since revision 0009): never fetched
    # again, and forgotten after FPAPI_REVOKED_PURGE_DAYS.
    sa.Column("consent_withdrawn_at", sa.Float),
)
ROSTER_SORT_COLUMNS = (
    "added_at", "verified_at", "sort_name", "followers", "engagement_rate", "last_fetched_at"
)  # fmt: skip
for _column in ROSTER_SORT_COLUMNS:  # each sort in a workspace, ties by id, in index order
    sa.Index(
        f"ix_creators_{_column}", creators.c.workspace, creators.c[_column], creators.c.creator_id
    )

links = sa.Table(
    "links",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),  # SHA-256 of the state, never the state
    sa.Column("workspace", sa.Text, nullable=False, index=True, server_default=DEFAULT_WORKSPACE),
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

shortlists = sa.Table(
    "shortlists",
    metadata,
    sa.Column("shortlist_id", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False, server_default=DEFAULT_WORKSPACE),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.Text, nullable=False),  # casefolded: one per name and workspace
    sa.Column("creator_ids", JSONB, nullable=False),
    sa.Column("fees", JSONB, nullable=False),
    sa.Column("notes", JSONB, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("workspace", "name_key", name="uq_shortlists_name"),
)

activity = sa.Table(
    "activity",
    metadata,
    sa.Column("entry_id", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False, index=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.Column("count", sa.Integer, nullable=False, server_default="1"),
)

# When each signed-in person (their ID token's subject) last signed out: a sign-in cookie
# issued before that is refused, on every replica.
sign_outs = sa.Table(
    "sign_outs",
    metadata,
    sa.Column("subject", sa.Text, primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
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

relationships = sa.Table(
    "relationships",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("creator_id", sa.Text, primary_key=True),
    sa.Column("tags", JSONB, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("notes", JSONB, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("tags_text", sa.Text, nullable=False, server_default=""),  # "#tag#tag#"
)
sa.Index("ix_relationships_status", relationships.c.workspace, relationships.c.status)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("campaign_id", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False, index=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("creator_ids", JSONB, nullable=False),
    sa.Column("hashtags", JSONB, nullable=False),
    sa.Column("mentions", JSONB, nullable=False),
    sa.Column("start", sa.Text),
    sa.Column("end", sa.Text),
    sa.Column("fees", JSONB, nullable=False),
    sa.Column("sponsored_only", sa.Boolean, nullable=False),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("created_by", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True, server_default=DEFAULT_WORKSPACE),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("creator_id", sa.Text, nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("delivered_at", sa.Float),
)
sa.Index("ix_alerts_at", alerts.c.workspace, alerts.c.at)

# Client workspaces (since revision 0008): every row above but snapshots, insights and sign-outs
# belongs to one. A member's role is "analyst" or "viewer"; "removed" keeps someone whom the
# allow-lists let in out of ``default``.
workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False, server_default=""),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True),
    sa.Column("email", sa.Text, primary_key=True, index=True),  # casefolded
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("added_at", sa.Float, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False, server_default=""),
)

# The receipt of each forgotten creator (since revision 0009): a random code and two dates, nothing
# that names them; /deletion?code= reads it.
deletions = sa.Table(
    "deletions",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("connected_at", sa.Float),
    sa.Column("deleted_at", sa.Float, nullable=False),
)

# Shares (since revision 0010): a comparison or campaign report for a client without an account,
# found by the SHA-256 of its token's random part; ``content`` is what it shows, as shared.
shares = sa.Table(
    "shares",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),  # "compare" or "campaign"
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

last_workspaces = sa.Table(  # where each person lands without ``ws`` in the address
    "last_workspaces",
    metadata,
    sa.Column("email", sa.Text, primary_key=True),
    sa.Column("workspace", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

insights = sa.Table(
    "insights",
    metadata,
    sa.Column("api", sa.Text, primary_key=True),  # the API base URL it came from
    sa.Column("connector", sa.Text, primary_key=True),
    sa.Column("creator_id", sa.Text, primary_key=True),
    sa.Column("fetched_at", sa.Float, nullable=False),
    sa.Column("last_processed_at", sa.Text),  # the vendor's processing date, ISO
    # The vendor's JSON as received. Kept as JSON text (json, not jsonb: the app reads it whole,
    # never inside it), which PostgreSQL stores for a fifth of jsonb's CPU, compressed with lz4
    # where the server has it (revision 0012): a 150 KB body is written in 0.3-0.8 ms of the
    # server's CPU instead of 3.7, 10,000 of them in a refresh.
    sa.Column("body", sa.JSON, nullable=False),
)


def lz4_available(connection: sa.Connection) -> bool:
    """Whether this PostgreSQL server can compress with lz4 (built with it, version 14 on)."""
    return bool(
        connection.execute(
            sa.text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        ).scalar()
    )


def compress_insight_bodies(connection: sa.Connection) -> None:
    """lz4 for the insight bodies on a PostgreSQL server built with it (the default pglz takes
    three times the CPU); elsewhere nothing."""
    if connection.dialect.name == "postgresql" and lz4_available(connection):
        connection.execute(sa.text("ALTER TABLE insights ALTER COLUMN body SET COMPRESSION lz4"))


sa.event.listen(
    insights, "after_create", lambda _table, connection, **_: compress_insight_bodies(connection)
)

# The vendor budget (revision 0011): one row, shared by every process (fpapi.storage.budget).
vendor_budget = sa.Table(
    "vendor_budget",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("next_at", sa.Float, nullable=False),  # when the next call may go (epoch s)
    sa.Column("paused_until", sa.Float, nullable=False),  # held by a 429 until then
)
