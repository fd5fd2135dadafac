"""A publisher that prints what it would send: the dry run used when no token is set."""

from __future__ import annotations

import itertools

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from ..domain import Channel
from ..format.describe import summary
from ..format.model import Request


class ConsolePublisher:
    """Prints each request; hands out increasing fake message ids."""

    def __init__(self, platform: str, console: Console | None = None) -> None:
        self.platform = platform
        self.console = console or Console(highlight=False)
        self._ids = itertools.count(1)
        self.sent: list[tuple[str, Request]] = []

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def send(self, channel: Channel, request: Request) -> list[str]:
        self.sent.append((channel.name, request))
        title = f"{channel.name} · {request.method} {request.path}".strip()
        self.console.print(Panel(Text(summary(request)), title=Text(title), title_align="left"))
        count = len(request.params.get("media", [])) or 1
        return [str(next(self._ids)) for _ in range(count)]
