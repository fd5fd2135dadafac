"""One connection to Chromium's DevTools protocol: numbered calls, and events to handlers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp

from ...errors import BotError


class PictureError(BotError):
    """Drawing the preview failed."""


Handler = Callable[[dict[str, Any], str | None], Coroutine[Any, Any, None]]


class DevTools:
    """One DevTools websocket: numbered calls answered by id, events to handlers."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.handlers: dict[str, Handler] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.reader = asyncio.create_task(self._read())

    async def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.ws.send_str(json.dumps(message))
        return await future

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(frame.data)
                if "id" in data and (future := self.pending.pop(data["id"], None)):
                    if future.done():
                        continue
                    if "error" in data:
                        error = data["error"].get("message", "error")
                        future.set_exception(PictureError(f"Chromium: {error}"))
                    else:
                        future.set_result(data.get("result", {}))
                elif (handler := self.handlers.get(data.get("method", ""))) is not None:
                    event = handler(data.get("params", {}), data.get("sessionId"))
                    task = asyncio.ensure_future(event)
                    self.tasks.add(task)
                    task.add_done_callback(self.tasks.discard)
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(PictureError("Chromium closed the DevTools connection"))
            self.pending.clear()
