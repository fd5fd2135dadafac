"""One headless Chromium for each test module that draws pictures (skipped without one)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.deliver.picture import Chromium, find_browser

NO_BROWSER = "no Chromium to draw with: `make system-deps` installs it (or set BOT_CHROMIUM)"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def chromium() -> AsyncIterator[Chromium]:
    if find_browser() is None:
        pytest.skip(NO_BROWSER)
    async with Chromium() as browser:
        yield browser
