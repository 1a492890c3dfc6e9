"""Alembic's entry point: always called by fpapi.storage.database.migrate, with its connection."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
