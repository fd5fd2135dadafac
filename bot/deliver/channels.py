"""What each channel is on its platform, and the lanes the outbox sends from.

A Discord bot channel may be a text, an announcement or a forum channel (with its tags): the
formatter shapes its messages accordingly. The kind is asked at start and remembered in the
state, so a start while Discord cannot be asked still knows it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from ..domain import Channel, crosspost_lane
from ..errors import DeliveryError
from ..store.repo import Store
from .sender import Sender

log = logging.getLogger("bot.deliver")
KIND_META = "discord-channel:"  # what a Discord channel was found to be, by its id


def with_kind(channel: Channel, info: Mapping[str, Any]) -> Channel:
    tags = tuple((str(t[0]), str(t[1])) for t in info.get("tags", []))
    return replace(channel, kind=info.get("kind", "text"), forum_tags=tags)


def _meta_key(channel: Channel) -> str | None:
    """Where what a Discord bot channel is gets remembered; None for other channels."""
    if channel.platform != "discord" or not channel.channel_id:
        return None
    return KIND_META + channel.channel_id


def known_kinds(store: Store, channels: Iterable[Channel]) -> list[Channel]:
    """The channels, as the last start found them on Discord (forum, announcement)."""
    out = []
    for channel in channels:
        key = _meta_key(channel)
        cached = store.get_meta(key) if key is not None else None
        out.append(with_kind(channel, json.loads(cached)) if cached else channel)
    return out


def lanes(channels: Mapping[str, Channel]) -> dict[str, Channel]:
    """Where the outbox sends from: each channel, and the crosspost lane of each channel that
    crossposts (paced at Discord's hourly limit without holding the channel's posts up)."""
    found = dict(channels)
    for name, channel in channels.items():
        if channel.crosspost and channel.platform == "discord":
            found[crosspost_lane(name)] = channel
    return found


async def learn_kinds(sender: Sender, store: Store, channels: dict[str, Channel]) -> None:
    """Ask Discord what each bot channel is, update `channels` in place and remember it. The
    questions go out together (paced), so an unreachable Discord costs one timeout, not one
    per channel."""

    async def learn(name: str, channel: Channel, key: str) -> None:
        ask = getattr(sender.publisher_for(channel), "channel_info", None)
        if ask is None:
            return
        try:
            info = await sender.ask(channel, partial(ask, channel.channel_id))
        except DeliveryError as exc:
            log.warning("channel %s: cannot tell what it is (%s)", name, exc)
            return
        store.set_meta(key, json.dumps(info))
        channels[name] = learned = with_kind(channel, info)
        if channel.crosspost and learned.kind != "announcement":
            log.warning("channel %s: crosspost needs an announcement channel", name)

    await asyncio.gather(*(
        learn(name, channel, key) for name, channel in list(channels.items())
        if (key := _meta_key(channel)) is not None
    ))  # fmt: skip
