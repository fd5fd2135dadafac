"""The Chromium edge: nothing is fetched from the network, pictures are sized to the page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web

from bot.deliver.picture import Chromium

from .support import SCALE, open_png

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module")
async def server() -> AsyncIterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []

    async def anything(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(body=b"", content_type="image/png")

    app = web.Application()
    app.router.add_get("/{tail:.*}", anything)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", hits
    finally:
        await runner.cleanup()


async def test_nothing_is_fetched_from_the_network(
    chromium: Chromium, server: tuple[str, list[str]]
) -> None:
    base, hits = server
    html = (
        f'<html><head><link rel="stylesheet" href="{base}/style.css"></head>'
        f'<body style="margin:0;background:#123"><img src="{base}/photo.png">'
        f'<img src="http://example.invalid/remote.png"><iframe src="{base}/frame"></iframe>'
        f'<script src="{base}/app.js"></script><div style="height:300px"></div></body></html>'
    )
    image = open_png(await chromium.png(html, 200))
    assert hits == []
    assert image.size == (200 * SCALE, image.height) and image.height >= 300 * SCALE


async def test_the_picture_is_as_tall_as_the_page(chromium: Chromium) -> None:
    html = '<body style="margin:0"><div style="height:1234px;background:#f00"></div></body>'
    image = open_png(await chromium.png(html, 300))
    assert image.size == (300 * SCALE, 1234 * SCALE)
    assert image.getpixel((10, image.height - 2)) == (255, 0, 0)
    short = open_png(await chromium.png('<body style="margin:0"><p>hi</p></body>', 300, scale=1))
    assert short.width == 300 and short.height < 100
