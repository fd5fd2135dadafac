"""The service's painter: pictures asked in a row share one Chromium, which closes once idle;
without a browser every picture is None (the answers fall back to text), said once."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.deliver.painter import Painter
from bot.deliver.picture import find_browser
from tests.conftest import build_settings
from tests.helpers import preview_document

from .conftest import NO_BROWSER
from .support import open_png

TZ = ZoneInfo("Asia/Tokyo")
ARTICLE = "content/posts/2023-01-23-70th-anniversary.md"


def document(site: Path) -> dict[str, object]:
    return preview_document(build_settings(site), site / ARTICLE, None)


async def test_pictures_in_a_row_share_a_chromium_that_closes_when_idle(site: Path) -> None:
    if find_browser() is None:
        pytest.skip(NO_BROWSER)
    painter = Painter(tz=TZ, clock=lambda: datetime.now(TZ), linger=0.2)
    try:
        first, second = await painter(document(site)), await painter(document(site))
        assert first is not None and second is not None
        assert open_png(first).size == open_png(second).size
        assert painter.started == 1 and painter.browser is not None
        for _ in range(200):  # the linger runs out
            if painter.browser is None:
                break
            await asyncio.sleep(0.05)
        assert painter.browser is None
        assert await painter(document(site)) is not None and painter.started == 2
    finally:
        await painter.close()
    assert painter.browser is None


async def test_without_a_browser_pictures_are_none_and_said_once(
    site: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")
    painter = Painter(tz=TZ, clock=lambda: datetime.now(TZ))
    assert await painter(document(site)) is None
    assert await painter(document(site)) is None
    assert caplog.text.count("preview pictures:") == 1 and "BOT_CHROMIUM" in caplog.text
    assert painter.started == 0
    await painter.close()
