"""The preview as a picture: what members will see on each platform, drawn from the requests.

`page_html` turns a preview document (what `python -m bot preview PATH --json` prints) into one
HTML page (pure); `render_png` draws that page with headless Chromium into a PNG.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .browser import Chromium, PictureUnavailable, find_browser, missing_fonts, unavailable
from .devtools import PictureError
from .media import load_media, upload_paths
from .page import page_html, page_width

log = logging.getLogger(__name__)

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

    Starts a Chromium for this one picture (while the photos are read) unless `browser`, one
    already started, is given. Raises `PictureUnavailable` when there is no browser to start.
    """
    if browser is None and find_browser() is None:
        raise unavailable()
    if missing := await asyncio.to_thread(missing_fonts):
        log.warning("fonts missing, some scripts may show as boxes: apt-get install %s",
                    " ".join(missing))  # fmt: skip
    reading = asyncio.to_thread(load_media, upload_paths(document))
    width = page_width(platform)
    if browser is not None:
        html = page_html(document, platform=platform, tz=tz, now=now, media=await reading)
        return await browser.png(html, width, scale)
    chromium = Chromium()
    try:
        media, _ = await asyncio.gather(reading, chromium.start())
        html = page_html(document, platform=platform, tz=tz, now=now, media=media)
        return await chromium.png(html, width, scale)
    finally:
        await chromium.close()
