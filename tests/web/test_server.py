"""/healthz, /metrics and unknown routes, through aiohttp's client against the real server."""

from __future__ import annotations

import aiohttp
import pytest
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from bot.service.health import Health
from bot.web.metrics import Metrics
from bot.web.server import WebServer

from .support import serve, url


async def test_healthz_ok(client: aiohttp.ClientSession) -> None:
    async with serve() as server, client.get(url(server, "/healthz")) as resp:
        assert resp.status == 200
        assert resp.content_type == "application/json"
        body = await resp.json()
    assert body["status"] == "ok"
    assert body["role"] == "leader"
    assert body["problems"] == []
    assert body["version"] == "9.9.9"
    assert isinstance(body["uptime_seconds"], int)


async def test_healthz_unhealthy_lists_the_problems(client: aiohttp.ClientSession) -> None:
    health = Health()
    async with serve(health=health) as server:
        healthz = url(server, "/healthz")
        health.set("telegram", "Telegram unreachable: ការតភ្ជាប់បរាជ័យ")
        health.ended("dc-news", "RuntimeError")
        async with client.get(healthz) as resp:
            assert resp.status == 503
            body = await resp.json()
        health.set("telegram", None)
        health.idle("dc-news")
        async with client.get(healthz) as resp:
            assert resp.status == 200
    assert body["status"] == "unhealthy"
    assert body["problems"] == [
        "outbox worker dc-news ended: RuntimeError",
        "Telegram unreachable: ការតភ្ជាប់បរាជ័យ",
    ]


async def test_healthz_standby_is_healthy(client: aiohttp.ClientSession) -> None:
    health = Health(role="standby")
    async with serve(health=health) as server, client.get(url(server, "/healthz")) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body == body | {"status": "ok", "role": "standby"}


async def test_metrics_text_format(client: aiohttp.ClientSession) -> None:
    metrics = Metrics(lambda: {"tg-news": 2})
    metrics.delivered("tg-news", "sent")
    metrics.rate_limited("discord")
    metrics.detect_to_send(0.2)
    async with serve(metrics=metrics) as server, client.get(url(server, "/metrics")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == CONTENT_TYPE_LATEST
        text = await resp.text()
    assert 'bot_deliveries_total{channel="tg-news",state="sent"} 1.0' in text
    assert 'bot_outbox_pending{channel="tg-news"} 2.0' in text
    assert 'bot_rate_limited_total{platform="discord"} 1.0' in text
    assert 'bot_detect_to_send_seconds_bucket{le="0.25"} 1.0' in text
    assert "bot_detect_to_send_seconds_count 1.0" in text
    families = {family.name for family in text_string_to_metric_families(text)}
    assert {"bot_deliveries", "bot_outbox_pending", "bot_rate_limited"} <= families


@pytest.mark.parametrize(("method", "path"), [("GET", "/"), ("GET", "/nope"), ("POST", "/x")])
async def test_anything_else_is_404(client: aiohttp.ClientSession, method: str, path: str) -> None:
    async with serve() as server, client.request(method, url(server, path)) as resp:
        assert resp.status == 404


async def test_port_zero_picks_a_free_port() -> None:
    async with serve() as first, serve() as second:
        assert first.port > 0
        assert second.port > 0
        assert first.port != second.port


async def test_port_before_start_is_an_error() -> None:
    server = WebServer(
        host="127.0.0.1", port=0, health=Health(), metrics=Metrics(dict),
        on_push=None, webhook_secret=None,
    )  # fmt: skip
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.port
