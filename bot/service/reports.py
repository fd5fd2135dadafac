"""Problem reports for the admins: logged at once, sent to the admin chats in batches.

Reports raised close together (a folder of broken files) go out as one message; the same kind
of report is not repeated within `interval` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from ..domain import Channel
from ..format.model import Request
from ..format.profiles import profile_for
from ..logs import Redactor

log = logging.getLogger("bot.report")
Sink = Callable[[str], Awaitable[None]]  # delivers one report message
Send = Callable[[Channel, Request], Awaitable[object]]
MESSAGE_LIMIT = 3500
ITEM_LIMIT = 700


def _shorten(text: str) -> str:
    return text if len(text) <= ITEM_LIMIT else text[: ITEM_LIMIT - 1] + "…"


def batches(items: list[str]) -> list[str]:
    """Group report lines into messages that fit a chat message."""
    out: list[str] = []
    current = ""
    for item in items:
        line = f"• {item}"
        if current and len(current) + len(line) + 1 > MESSAGE_LIMIT:
            out.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        out.append(current)
    return out


class Reporter:
    def __init__(
        self,
        senders: list[Sink],
        *,
        interval: float = 60.0,
        gather: float = 1.0,
        redactor: Redactor | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.senders = senders
        self.interval = interval
        self.gather = gather
        self.redactor = redactor or Redactor(())
        self.monotonic = monotonic
        self._last: dict[str, float] = {}
        self._pending: list[str] = []
        self._flush: asyncio.Task[None] | None = None
        self.suppressed = 0
        self.history: list[str] = []

    async def report(self, kind: str, text: str) -> None:
        text = _shorten(self.redactor.clean(text))
        log.warning("%s", text)
        self.history.append(text)
        now = self.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < self.interval:
            self.suppressed += 1
            return
        self._last[kind] = now
        if not self.senders:
            return
        self._pending.append(text)
        if self._flush is None or self._flush.done():
            self._flush = asyncio.get_running_loop().create_task(self._send_later())

    async def _send_later(self) -> None:
        await asyncio.sleep(self.gather)
        await self.flush()

    async def flush(self) -> None:
        items, self._pending = self._pending, []
        for message in batches(items):
            for send in self.senders:
                try:
                    await send(f"⚠️ {message}")
                except Exception as exc:  # reporting must never take the service down
                    log.error("could not send a report: %s", self.redactor.clean(str(exc)))

    async def close(self) -> None:
        if self._flush is not None and not self._flush.done():
            self._flush.cancel()
        await self.flush()


def to_chat(channel: Channel, send: Send) -> Sink:
    """A sink that sends each report as a plain message to an admin chat."""

    async def deliver(text: str) -> None:
        await send(channel, profile_for(channel).text(channel, text, purpose="report"))

    return deliver
