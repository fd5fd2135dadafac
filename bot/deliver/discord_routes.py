"""Discord requests beyond plain messages: link buttons, forum threads, pins, crossposts, thread
deletion, and what a channel is (text, announcement or forum, and a forum's tags).

Messages and threads are built with discord.py's own message parameters, so uploads, flags
and mentions travel exactly as for any message; the other routes go through its HTTP client,
which follows each route's rate-limit bucket.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import discord
from discord.http import Route, handle_message_parameters

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
    """A route without a body: pin, unpin, crosspost, deleting a thread."""
    route = Route(method, path.split("?", 1)[0])
    route.channel_id = channel_of(path, None)
    try:
        await client.http.request(route)
    except discord.HTTPException as exc:
        if exc.code == ALREADY_CROSSPOSTED or (method == "DELETE" and exc.status == 404):
            return []  # done before (a repeat after a lost answer): nothing left to do
        raise
    return []


async def channel_info(client: discord.Client, channel_id: str) -> dict[str, Any]:
    """What the channel is: ``{"kind": "forum", "tags": [[id, name], ...]}``."""
    data: dict[str, Any] = dict(await client.http.get_channel(int(channel_id)))
    kind = CHANNEL_KINDS.get(int(data.get("type", 0)), "text")
    tags = [[str(t["id"]), str(t["name"])] for t in data.get("available_tags") or []]
    return {"kind": kind, "tags": tags}
