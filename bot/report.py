"""Problem reports for the admins: logged always, sent to the admin chats at a bounded rate."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable

log = logging.getLogger("bot.report")
Sender = Callable[[str], Awaitable[None]]


class Redactor(logging.Filter):
    """Removes secrets from every log record and report (httpx logs URLs with the bot token)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg = self.clean(record.getMessage())
            record.args = None
        return True


class Reporter:
    def __init__(
        self,
        senders: list[Sender],
        *,
        interval: float = 60.0,
        redactor: Redactor | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.senders = senders
        self.interval = interval
        self.redactor = redactor or Redactor(())
        self.monotonic = monotonic
        self._last: dict[str, float] = {}
        self.suppressed = 0
        self.history: list[str] = []

    async def report(self, kind: str, text: str) -> None:
        text = self.redactor.clean(text)
        log.warning("%s", text)
        self.history.append(text)
        now = self.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < self.interval:
            self.suppressed += 1
            return
        self._last[kind] = now
        for send in self.senders:
            try:
                await send(f"⚠️ {text}")
            except Exception as exc:  # reporting must never take the service down
                log.error("could not send a report: %s", self.redactor.clean(str(exc)))
