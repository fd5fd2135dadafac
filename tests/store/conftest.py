"""The state store's fixture: a store on the fresh database of `db_url` (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.store.repo import Store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()
