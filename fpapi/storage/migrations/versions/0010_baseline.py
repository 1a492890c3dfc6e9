"""The schema as of revision 0010, squashed: what later migrations build on.

Revisions 0001 to 0010 (the team schema, snapshots, campaigns, relationships, roster queries,
activity counts, sign-outs, client workspaces, deletions, shares) were folded into this one.
A new database is not made by running migrations: ``fpapi.storage.database.migrate`` creates
it from the tables the code declares (``tables.metadata``, with the ``default`` workspace in
it) and stamps it at the newest revision, as Alembic's cookbook advises. A database at 0010
carries on from here; one at an older revision is refused with a sentence saying how to bring
it to 0010 first. The frozen 0010 schema is ``tests/fixtures/schema_0010.sql``, and a test
migrates it to the newest and compares that with the tables in ``tables.py``.

Constraint names may differ between a database made new and one that 0008 migrated
(PostgreSQL's ``creators_pkey`` against ``pk_creators``): a later migration that drops a
constraint finds its name by reflection.

Revision ID: 0010
Revises:
"""

revision = "0010"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    raise RuntimeError(
        "The 0010 baseline is never run: fpapi.storage.database.migrate creates a new database "
        "from tables.metadata and stamps it."
    )


def downgrade() -> None:
    raise RuntimeError("The 0010 baseline cannot be downgraded.")
