"""A real WebServer on 127.0.0.1 with a free port, and signed push notifications."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from bot.service.health import Health
from bot.web.hooks import PushEvent
from bot.web.metrics import Metrics
from bot.web.server import WebServer

from .clock import ManualClock

SECRET = "s3cret-ស្លាក-秘密"
BRANCH = "main"


class Pushes:
    """An ``on_push`` that records each event; ``wait(n)`` until n have arrived."""

    def __init__(self) -> None:
        self.events: list[PushEvent] = []
        self.release = asyncio.Event()
        self.release.set()
        self._arrived = asyncio.Condition()

    async def __call__(self, event: PushEvent) -> None:
        async with self._arrived:
            self.events.append(event)
            self._arrived.notify_all()
        await self.release.wait()

    async def wait(self, count: int) -> list[PushEvent]:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.events) >= count), 10)
        return self.events


@asynccontextmanager
async def serve(**overrides: Any) -> AsyncIterator[WebServer]:
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "health": Health(),
        "metrics": Metrics(dict),
        "on_push": Pushes(),
        "webhook_secret": SECRET,
        "branch": BRANCH,
        "clock": ManualClock(),
        "version": "9.9.9",
    }
    options.update(overrides)
    server = WebServer(**options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def url(server: WebServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def push_body(ref: str = f"refs/heads/{BRANCH}", **extra: Any) -> bytes:
    payload = {
        "ref": ref,
        "before": "a" * 40,
        "after": "b" * 40,
        "pusher": {"name": "sokha", "email": "sokha@example.org"},
        "commits": [{"id": "b" * 40, "message": "ប្រកាសថ្មី: 新しいお知らせ"}],
        **extra,
    }
    return json.dumps(payload, ensure_ascii=False).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def github_headers(
    body: bytes, *, event: str = "push", delivery: str = "d-1", secret: str = SECRET
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": sign(body, secret),
    }


async def post(
    client: aiohttp.ClientSession, server: WebServer, body: bytes, headers: dict[str, str]
) -> tuple[int, str]:
    async with client.post(url(server, "/hooks/git"), data=body, headers=headers) as resp:
        return resp.status, await resp.text()


async def settle(client: aiohttp.ClientSession, server: WebServer, pushes: Pushes) -> list[str]:
    """A last valid push, then the deliveries on_push saw: whatever was scheduled before ran."""
    body = push_body()
    before = len(pushes.events)
    assert await post(client, server, body, github_headers(body, delivery="last")) == (204, "")
    events = await pushes.wait(before + 1)
    assert events[-1].delivery == "last"
    return [str(event.delivery) for event in events[:-1]]
