"""POST /hooks/git with bodies too big: refused with 413 before they are read, never buffered."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.web.metrics import Metrics
from bot.web.server import WebServer

from .support import Pushes, github_headers, post, push_body, serve, settle, sign


async def test_ten_megabytes_is_413(client: aiohttp.ClientSession) -> None:
    pushes, metrics = Pushes(), Metrics(dict)
    async with serve(on_push=pushes, metrics=metrics) as server:
        body = push_body(padding="x" * (10 << 20))
        status, _ = await post(client, server, body, github_headers(body))
        assert status == 413
        assert await settle(client, server, pushes) == []
    assert b'bot_webhook_requests_total{outcome="too_large"} 1.0' in metrics.render()


async def raw_exchange(server: WebServer, head: str, body: bytes = b"") -> bytes:
    """Send a request head and part of a body, never the rest; read the answer's head."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        await writer.drain()
        return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    finally:
        writer.close()


def raw_head(length_line: str, *extra: str) -> str:
    lines = [
        "POST /hooks/git HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        "X-GitHub-Event: push",
        f"X-Hub-Signature-256: {sign(b'')}",
        length_line,
        *extra,
    ]
    return "\n".join(lines) + "\n"


async def test_declared_ten_megabytes_is_refused_before_the_body_is_sent() -> None:
    async with serve() as server:
        answer = await raw_exchange(server, raw_head(f"Content-Length: {10 << 20}"), b"{")
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"Connection: close" in answer  # the rest of the body is not awaited


async def test_expect_continue_is_refused_before_the_body_is_sent() -> None:
    async with serve() as server:
        head = raw_head(f"Content-Length: {10 << 20}", "Expect: 100-continue")
        answer = await raw_exchange(server, head)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"100 Continue" not in answer


async def test_expect_continue_within_the_limit_continues() -> None:
    body = push_body()
    async with serve() as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        head = raw_head(f"Content-Length: {len(body)}", "Expect: 100-continue")
        head = head.replace(sign(b""), sign(body))
        writer.write(head.replace("\n", "\r\n").encode() + b"\r\n")
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        writer.write(body)
        final = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        writer.close()
    assert interim.startswith(b"HTTP/1.1 100 Continue")
    assert final.startswith(b"HTTP/1.1 204 ")


async def test_chunked_body_is_refused_once_past_the_limit() -> None:
    chunk = b"x" * 70_000
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3))
    async with serve(max_body=100_000) as server:
        # more than the limit in chunks, and the body never ends
        answer = await raw_exchange(server, raw_head("Transfer-Encoding: chunked"), chunks)
    assert answer.startswith(b"HTTP/1.1 413 ")
