"""The state store's fixtures: a fresh database on SQLite and, when a server answers, PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from bot.store.repo import Store
from tests.conftest import POSTGRES_URL


def postgres_schema_url() -> Iterator[str]:
    try:
        engine = sqlalchemy.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
    except Exception as exc:  # no server: say so and skip
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"create schema {schema}"))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"drop schema {schema} cascade"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.sqlite3'}"
    else:
        yield from postgres_schema_url()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()
