"""Discord requests beyond plain messages: forum threads, pins, crossposts, thread deletion,
and what a channel is (text, announcement or forum, and a forum's tags).

Threads are built with discord.py's own message parameters, so uploads, flags and mentions
travel exactly as for any message; pins and deletions go through its HTTP client, which follows
each route's rate-limit bucket; crossposts, limited per hour, are answered to the outbox.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import aiohttp
import discord
from discord.http import Route, handle_message_parameters

from ..errors import DeliveryError

_CHANNEL = re.compile(r"^/channels/(\d+)")
CHANNEL_KINDS = {0: "text", 5: "announcement", 15: "forum", 16: "forum"}  # 16: media channel
ALREADY_CROSSPOSTED = 40033


def channel_of(path: str, fallback: str | None) -> int:
    """The channel (or thread) a route addresses."""
    match = _CHANNEL.match(path)
    return int(match.group(1) if match else fallback or 0)


async def create_thread(
    client: discord.Client, request_path: str, payload: Mapping[str, Any], message: dict[str, Any]
) -> list[str]:
    """A forum post: a thread with its first message; the thread's id (the message's too).

    `message` holds the first message as discord.py keyword arguments (content, embeds,
    files, allowed_mentions, view, flags).
    """
    channel: dict[str, Any] = {"name": payload["name"]}
    if payload.get("applied_tags"):
        channel["applied_tags"] = [str(t) for t in payload["applied_tags"]]
    with handle_message_parameters(**message, channel_payload=channel) as params:
        data = await client.http.start_thread_in_forum(
            channel_of(request_path, None), params=params
        )
    return [str(data["id"])]


async def call(client: discord.Client, method: str, path: str) -> list[str]:
    """A route without a body: pin, unpin, deleting a thread."""
    route = Route(method, path.split("?", 1)[0])
    route.channel_id = channel_of(path, None)
    try:
        await client.http.request(route)
    except discord.HTTPException as exc:
        if method == "DELETE" and exc.status == 404:
            return []  # done before (a repeat after a lost answer): nothing left to do
        raise
    return []


async def crosspost(session: aiohttp.ClientSession, token: str, path: str) -> list[str]:
    """Publish a message to the servers following its announcement channel.

    Sent outside discord.py's route buckets: this route's limit resets hourly, and a request
    must not sleep on it. A 429 is a `DeliveryError` carrying `retry_after`, for the outbox to
    wait on persistently.
    """
    headers = {"Authorization": f"Bot {token}", "User-Agent": "DiscordBot (announcement-bot)"}
    async with session.post(Route.BASE + path, headers=headers) as response:
        body = await response.json(content_type=None) if response.content_length != 0 else {}
        if response.status < 300:
            return []
    code = body.get("code") if isinstance(body, dict) else None
    if response.status == 429:
        wait = float(body.get("retry_after", 60)) if isinstance(body, dict) else 60.0
        raise DeliveryError("Discord crosspost limit", retryable=True, retry_after=wait,
                            platform="discord")  # fmt: skip
    if code == ALREADY_CROSSPOSTED:
        return []  # done before (a repeat after a lost answer)
    raise DeliveryError(f"Discord: {response.status} {body}", retryable=response.status >= 500,
                        platform="discord")  # fmt: skip


async def channel_info(client: discord.Client, channel_id: str) -> dict[str, Any]:
    """What the channel is: ``{"kind": "forum", "tags": [[id, name], ...]}``."""
    data: dict[str, Any] = dict(await client.http.get_channel(int(channel_id)))
    kind = CHANNEL_KINDS.get(int(data.get("type", 0)), "text")
    tags = [[str(t["id"]), str(t["name"])] for t in data.get("available_tags") or []]
    return {"kind": kind, "tags": tags}
