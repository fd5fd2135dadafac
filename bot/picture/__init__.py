"""The preview as a picture: what members will see on each platform, drawn from the requests.

`page_html` turns a preview document (what `python -m bot preview PATH --json` prints) into one
HTML page (pure); `render_png` draws that page with headless Chromium into a PNG.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .browser import Chromium, PictureError, PictureUnavailable, find_browser, unavailable
from .media import load_media, upload_paths
from .page import page_html, page_width

__all__ = [
    "Chromium",
    "PictureError",
    "PictureUnavailable",
    "find_browser",
    "page_html",
    "render_png",
]


async def render_png(
    document: dict[str, Any],
    *,
    platform: str | None = None,
    tz: ZoneInfo | None = None,
    now: datetime | None = None,
    browser: Chromium | None = None,
    scale: float = 2.0,
) -> bytes:
    """The PNG of `page_html(document, ...)`, with the uploaded photos drawn.

    Starts a Chromium for this one picture unless `browser` (already started) is given; raises
    `PictureUnavailable` when there is no browser to start.
    """
    if browser is None and find_browser() is None:
        raise unavailable()
    media = await _media(document)
    html = page_html(document, platform=platform, tz=tz, now=now, media=media)
    width = page_width(platform)
    if browser is not None:
        return await browser.png(html, width, scale)
    async with Chromium() as chromium:
        return await chromium.png(html, width, scale)


async def _media(document: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    return await asyncio.to_thread(load_media, upload_paths(document))
