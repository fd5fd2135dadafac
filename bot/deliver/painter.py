"""Preview pictures for a running service: one Chromium, started when a picture is asked for
and closed once no picture was asked for `linger` seconds.

The drawing code (`bot.deliver.picture`: Jinja2, the page, the DevTools client) is imported
with the first picture, not at start: a service whose admins never preview stays lighter.

A Chromium holds about 300–400 MB while it runs, three to four times the whole service at
rest, so it is not kept while drafts wait (a day); pictures asked in a row (a /preview, then
the /announce, then an editor's draft reaching two admin chats) share one, and each after the
first takes about half the time. Pictures are drawn one at a time. A missing browser or a
failed drawing is logged and answered with None: the caller falls back to the text preview.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from .picture import Chromium

log = logging.getLogger(__name__)
LINGER = 60.0  # seconds a Chromium outlives its last picture


class Painter:
    def __init__(
        self, *, tz: ZoneInfo, clock: Callable[[], datetime], linger: float = LINGER,
        scale: float = 2.0,
    ) -> None:  # fmt: skip
        self.tz, self.clock, self.linger, self.scale = tz, clock, linger, scale
        self.browser: Chromium | None = None
        self.started = 0  # browsers started, for the record
        self._lock = asyncio.Lock()
        self._closer: asyncio.Task[None] | None = None
        self._warned = False

    async def __call__(self, document: dict[str, Any]) -> bytes | None:
        from .picture import Chromium, PictureError, PictureUnavailable, render_png

        async with self._lock:
            if self._closer is not None:
                self._closer.cancel()
            try:
                if self.browser is None:
                    browser = Chromium()
                    await browser.start()
                    self.browser, self.started = browser, self.started + 1
                return await render_png(
                    document, tz=self.tz, now=self.clock(), browser=self.browser, scale=self.scale
                )
            except PictureUnavailable as exc:
                if not self._warned:
                    log.warning("preview pictures: %s; answers show the text preview", exc)
                    self._warned = True
                return None
            except PictureError as exc:
                log.warning("preview picture failed: %s; the text preview is shown", exc)
                await self._close()
                return None
            finally:
                if self.browser is not None:
                    self._closer = asyncio.create_task(self._close_later(), name="picture-linger")

    async def _close_later(self) -> None:
        await asyncio.sleep(self.linger)
        async with self._lock:
            await self._close()

    async def _close(self) -> None:
        browser, self.browser = self.browser, None
        if browser is not None:
            with contextlib.suppress(Exception):
                await browser.close()

    async def close(self) -> None:
        if self._closer is not None:
            self._closer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._closer
        async with self._lock:
            await self._close()
