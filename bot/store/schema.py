"""The state database's schema: Alembic migrations, applied at start-up or by `migrate`.

A database made by the first release (tables, no version) is recognised and carried forward
from the baseline. On PostgreSQL an advisory lock keeps two processes that start together from
upgrading at once; each migration runs in one transaction there.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

from ..errors import ConfigError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
_LOCK = 726_193_401  # pg_advisory_xact_lock key of the bot's migrations
_IN_PROCESS = threading.Lock()  # Alembic's environment is module state: one upgrade at a time


class SchemaError(ConfigError):
    """The database is not at the schema this release needs, and may not be upgraded here."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def _recorded(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _current(connection: Connection) -> str | None:
    version = _recorded(connection)
    if version is None and inspect(connection).has_table("deliveries"):
        return BASELINE  # made by the first release, before migrations existed
    return version


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: empty)."""
    with engine.connect() as connection:
        return _current(connection)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the latest revision; returns (before, after)."""
    with _IN_PROCESS, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        before = _current(connection)
        config = _config(connection)
        if (
            before == BASELINE
            and MigrationContext.configure(connection).get_current_revision() is None
        ):
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
        return before, head()


def require_current(engine: Engine) -> None:
    """Refuse a database that is not at the latest revision, naming the command that fixes it."""
    found, wanted = current(engine), head()
    if found != wanted:
        at = f"at revision {found}" if found else "empty"
        raise SchemaError(
            f"the database is {at}; this release needs revision {wanted}. "
            "Run `python -m bot migrate` (or set [database] auto_migrate = true)."
        )
