"""A publisher that prints what it would send: the dry run used when no token is set."""

from __future__ import annotations

import itertools
import json
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from ..domain import Channel
from ..format.model import Request


def summary(request: Request) -> str:
    params: dict[str, Any] = request.params
    lines: list[str] = []
    if request.platform == "telegram":
        if "media" in params and isinstance(params["media"], list):
            lines.append(f"album of {len(params['media'])} photos")
            caption = params["media"][0].get("caption")
            if caption:
                lines.append(caption)
        for key in ("text", "caption"):
            if key in params:
                lines.append(str(params[key]))
        if "photo" in params:
            lines.insert(0, f"photo {params['photo']}")
        if "document" in params:
            lines.append(f"document {params['document']}")
        if "message_id" in params:
            lines.insert(0, f"message {params['message_id']}")
    else:
        for embed in params.get("embeds", []):
            for key in ("title", "url", "description"):
                if key in embed:
                    lines.append(str(embed[key]))
            if "image" in embed:
                lines.append(f"image {embed['image'].get('url')}")
        if params.get("content"):
            lines.append(str(params["content"]))
    if request.uploads:
        lines.append("files: " + ", ".join(u.filename for u in request.uploads))
    return "\n".join(lines) or json.dumps(params, ensure_ascii=False)


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
