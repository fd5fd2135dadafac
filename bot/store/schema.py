"""The state database's schema: Alembic migrations, applied at start-up or by `migrate`.

A database already at this release's revision costs one query, and Alembic is not even
imported; an empty one is created from the models and stamped (what the migrations would make:
a test holds the two together); only a database behind is upgraded by Alembic. A database made
by the first release (tables, no version) is carried forward from the baseline. On PostgreSQL
an advisory lock keeps two processes that start together from upgrading at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    create_engine,
    inspect,
    make_url,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ConfigError
from .models import Base

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
HEAD = "0004"  # the newest file in migrations/versions (a test checks it)
_LOCK = 726_193_401  # pg_advisory_xact_lock key of the bot's migrations
_IN_PROCESS = threading.Lock()  # Alembic's environment is module state: one upgrade at a time
_VERSION = Table("alembic_version", MetaData(), Column("version_num", String(32), primary_key=True))


class SchemaError(ConfigError):
    """The database is not at the schema this release needs, and may not be upgraded here."""


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _recorded(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(select(_VERSION.c.version_num)).scalar()


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
    with engine.connect() as connection:
        if _recorded(connection) == HEAD:
            return HEAD, HEAD
    with _IN_PROCESS, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        before = _current(connection)
        if before is None:  # empty: the models are the schema the migrations make
            Base.metadata.create_all(connection)
            _VERSION.create(connection)
            connection.execute(_VERSION.insert().values(version_num=HEAD))
            return None, HEAD
        if before != HEAD:
            from alembic import command

            config = _config(connection)
            if before == BASELINE and _recorded(connection) is None:
                command.stamp(config, BASELINE)
            command.upgrade(config, "head")
        return before, HEAD


def require_current(engine: Engine) -> None:
    """Refuse a database that is not at the latest revision, naming the command that fixes it."""
    found = current(engine)
    if found != HEAD:
        at = f"at revision {found}" if found else "empty"
        raise SchemaError(
            f"the database is {at}; this release needs revision {HEAD}. "
            "Run `python -m bot migrate` (or set [database] auto_migrate = true)."
        )


@dataclass(frozen=True)
class DatabaseState:
    """What `doctor` learns of the state database, without creating or changing it."""

    where: str  # the URL without its password
    revision: str | None = None  # None: empty, or not created yet
    created: bool = True  # false: a SQLite file that does not exist yet
    error: str | None = None  # why it could not be reached


def database_state(url: str) -> DatabaseState:
    parsed = make_url(url)
    where = parsed.render_as_string(hide_password=True)
    file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if file and file != ":memory:" and not Path(file).is_file():
        return DatabaseState(where, created=False)
    engine = create_engine(url)
    try:
        return DatabaseState(where, current(engine))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return DatabaseState(where, error=reason)
    finally:
        engine.dispose()
