"""Alembic environment: runs on the connection `bot.store.schema` hands over."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    version_table="alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
