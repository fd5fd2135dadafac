"""The local Discord API fake, driven by real discord.py over HTTP: webhooks and rate
limits."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import discord
import pytest

from .discord_api import FakeDiscord
from .discord_support import CHANNEL_ID, MESSAGE_ROUTE, OTHER_CHANNEL_ID, WINDOW, bot_headers

# ------------------------------------------------------------------------------ webhooks


async def test_webhook_send_wait_and_edit(
    fake: FakeDiscord, discord_base: str, session: aiohttp.ClientSession
) -> None:
    url = fake.webhook_url(channel_id=CHANNEL_ID)
    webhook_id, token = url.rsplit("/", 2)[-2:]
    assert 17 <= len(webhook_id) <= 20 and len(token) == 68
    webhook = discord.Webhook.partial(int(webhook_id), token, session=session)

    sent = await webhook.send("From the board", username="Board", wait=True)
    assert isinstance(sent, discord.WebhookMessage)
    assert sent.author.name == "Board"
    [stored] = fake.messages[CHANNEL_ID]
    assert stored["webhook_id"] == webhook_id
    assert stored["author"]["username"] == "Board"
    assert fake.calls[-1].query["wait"] == "1"

    edited = await sent.edit(content="From the board (updated)")
    assert edited.content == "From the board (updated)"
    assert fake.message(sent.id)["edited_timestamp"] is not None

    await webhook.send("No wait")
    assert fake.calls[-1].status == 204
    assert len(fake.messages[CHANNEL_ID]) == 2

    await webhook.send("In a thread", thread=discord.Object(OTHER_CHANNEL_ID))
    assert fake.messages[OTHER_CHANNEL_ID][0]["content"] == "In a thread"

    fetched = await webhook.fetch()
    assert fetched.channel_id == CHANNEL_ID

    wrong = discord.Webhook.partial(int(webhook_id), "x" * 68, session=session)
    with pytest.raises(discord.HTTPException) as refused:
        await wrong.send("nope", wait=True)
    assert (refused.value.status, refused.value.code) == (401, 50027)


async def test_webhook_posting_with_plain_http(
    fake: FakeDiscord, session: aiohttp.ClientSession
) -> None:
    url = fake.webhook_url()
    async with session.post(f"{url}?wait=true", json={"content": "plain"}) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body["content"] == "plain"
    channel_id = fake.webhooks[int(body["webhook_id"])].channel_id
    assert fake.messages[channel_id][0]["id"] == body["id"]


# ------------------------------------------------------------------------------ rate limits


async def test_scripted_429_is_retried(fake: FakeDiscord, client: discord.Client) -> None:
    fake.fail_next(MESSAGE_ROUTE, status=429, retry_after=0.05)
    message = await client.get_partial_messageable(CHANNEL_ID).send("Eventually")

    statuses = [c.status for c in fake.calls_to(MESSAGE_ROUTE)]
    assert statuses == [429, 200]
    limited = fake.calls_to(MESSAGE_ROUTE)[0]
    assert limited.scripted
    assert limited.response == {
        "message": "You are being rate limited.",
        "retry_after": 0.05,
        "global": False,
    }
    assert limited.response_headers["Via"] == "1.1 google"
    assert limited.response_headers["X-RateLimit-Scope"] == "user"
    assert limited.response_headers["Retry-After"] == "1"
    assert fake.rate_limit_hits == 0
    assert fake.message(message.id)["content"] == "Eventually"


async def test_scripted_faults(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    fake.fail_next(MESSAGE_ROUTE, status=503)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("down")

    fake.fail_next(
        f"POST /channels/{CHANNEL_ID}/messages",
        status=403,
        code=50013,
        message="Missing Permissions",
    )
    with pytest.raises(discord.Forbidden) as forbidden:
        await channel.send("no perms")
    assert forbidden.value.code == 50013

    fake.fail_next(status=200, delay=0.2)
    started = time.monotonic()
    await channel.send("slow")
    assert time.monotonic() - started >= 0.2
    assert [m["content"] for m in fake.messages[CHANNEL_ID]] == ["slow"]


async def test_burst_honours_headers_without_429(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    started = time.monotonic()
    await asyncio.gather(*(channel.send(f"burst {i}") for i in range(12)))
    elapsed = time.monotonic() - started

    assert fake.rate_limit_hits == 0
    assert len(fake.messages[CHANNEL_ID]) == 12
    creates = fake.calls_to(MESSAGE_ROUTE)
    assert [c.status for c in creates] == [200] * 12
    assert {c.response_headers["X-RateLimit-Limit"] for c in creates} == {"5"}
    assert sum(c.response_headers["X-RateLimit-Remaining"] == "0" for c in creates) >= 2
    assert elapsed >= 2 * WINDOW * 0.9


async def test_webhook_burst_honours_headers(
    fake: FakeDiscord, discord_base: str, session: aiohttp.ClientSession
) -> None:
    hook = fake.create_webhook(channel_id=CHANNEL_ID)
    webhook = discord.Webhook.partial(hook.id, hook.token, session=session)
    await asyncio.gather(*(webhook.send(f"hook {i}", wait=True) for i in range(7)))

    assert fake.rate_limit_hits == 0
    assert len(fake.messages[CHANNEL_ID]) == 7
    executes = fake.calls_to("POST /webhooks/{webhook_id}/{webhook_token}")
    assert [c.status for c in executes] == [200] * 7
    assert not any(c.authenticated for c in executes)


async def test_real_limits_answer_429(fake: FakeDiscord, session: aiohttp.ClientSession) -> None:
    url = f"{fake.api_url}/channels/{CHANNEL_ID}/messages"
    statuses: list[int] = []
    last: Any = None
    for i in range(6):
        async with session.post(url, json={"content": f"{i}"}, headers=bot_headers(fake)) as r:
            statuses.append(r.status)
            if r.status == 429:
                last = (dict(r.headers), await r.json())
    assert statuses == [200] * 5 + [429]
    headers, body = last
    assert body["global"] is False and 0 < body["retry_after"] <= WINDOW
    assert headers["Content-Type"] == "application/json"
    assert headers["X-RateLimit-Remaining"] == "0"
    assert headers["X-RateLimit-Scope"] == "user"
    assert headers["Via"]
    assert fake.rate_limit_hits == 1


async def test_global_limit(session: aiohttp.ClientSession) -> None:
    async with FakeDiscord(global_rate=(3, 1.0)) as dc:
        statuses = []
        for path in ("/users/@me", "/gateway/bot", "/oauth2/applications/@me", "/users/@me"):
            async with session.get(dc.api_url + path, headers=bot_headers(dc)) as resp:
                statuses.append(resp.status)
                body = await resp.json()
        assert statuses == [200, 200, 200, 429]
        assert body["global"] is True
        assert dc.calls[-1].response_headers["X-RateLimit-Scope"] == "global"
        assert dc.rate_limit_hits == 1
