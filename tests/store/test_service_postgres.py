"""The whole service on PostgreSQL: publish, edit in place, restart without re-sending."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App
from tests.conftest import DC_CHANNEL, TG_CHAT, postgres_schema_url
from tests.helpers import wait_for, write_post

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from postgres_schema_url()


async def test_service_on_postgres(site: Path, make_settings, tg, dc, pg_url: str) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False, database_url=pg_url)
    assert settings.database_url.startswith("postgresql+psycopg://")
    app = App(settings, with_admin=False)
    await app.start()
    try:
        post = write_post(site / "content/n/pg.md", "On PostgreSQL", "First version.")
        await wait_for(lambda: any("First version." in m.text for m in tg.messages_in(TG_CHAT)))
        await wait_for(lambda: dc.messages.get(DC_CHANNEL))
        write_post(post, "On PostgreSQL", "Second version.")
        await wait_for(lambda: any("Second version." in m.text for m in tg.messages_in(TG_CHAT)))
        assert len(tg.messages_in(TG_CHAT)) == 1
    finally:
        await app.stop()
    app = App(settings, with_admin=False)
    await app.start()
    try:
        assert app.summary is not None and not app.summary.published and not app.summary.edited
        await asyncio.sleep(0.3)
        assert len(tg.calls_to("sendMessage")) == 1 and len(dc.messages[DC_CHANNEL]) == 1
    finally:
        await app.stop()
