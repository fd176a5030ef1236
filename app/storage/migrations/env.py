"""Alembic environment: always given an open connection by ``app.storage.migrate``."""

from alembic import context

from app.storage.models import Base

connection = context.config.attributes["connection"]
# Batch mode lets ALTER-style changes run on SQLite by copying the table, keeping its rows.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
