"""Starts the admin command handlers of each platform that has a bot to listen with.

A platform whose handlers cannot start is logged and left out: the service keeps publishing.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class Part(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Running:
    """The handlers that started; `stop()` ends them, the last started first."""

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts

    async def stop(self) -> None:
        for part in reversed(self.parts):
            try:
                await part.stop()
            except Exception:
                log.exception("stopping the admin commands of %s failed", type(part).__name__)
        self.parts = []


async def start_all(parts: dict[str, Part]) -> Running:
    """Start each platform's handlers (by platform name); those that fail are left out."""
    running: list[Part] = []
    for name, part in parts.items():
        try:
            await part.start()
        except Exception as exc:
            log.error("admin commands: cannot start on %s: %s", name, exc)
            await Running([part]).stop()
            continue
        running.append(part)
    return Running(running)
