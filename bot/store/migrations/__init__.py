"""Alembic migrations of the state database (run by `bot.store.schema`, not by the alembic CLI)."""
