"""`python -m bot run` while another process leads: HTTP answers, and says it stands by."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from bot.app import open_store, run_service


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_process_standing_by_says_so_on_healthz_and_metrics(make_settings: Any) -> None:
    port = free_port()
    settings = make_settings(http={"listen": f"127.0.0.1:{port}"})
    store = open_store(settings)
    now = datetime.now(UTC)
    assert store.take_lease("elsewhere:1:leader", now, now + timedelta(minutes=5))
    service = asyncio.create_task(run_service(settings))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                        health = await answer.json()
                    break
                await asyncio.sleep(0.05)
            async with http.get(f"http://127.0.0.1:{port}/metrics") as answer:
                metrics = await answer.text()
        assert health["role"] == "standby"
        assert "bot_leader 0.0" in metrics.splitlines()
    finally:
        service.cancel()
        await asyncio.gather(service, return_exceptions=True)
        store.close()
