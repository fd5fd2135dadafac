"""Starts the admin command handlers of each platform that has a bot to listen with.

A platform whose handlers cannot start is logged and left out: the service keeps publishing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Protocol

from ..config import AdminCfg, DiscordCfg, TelegramCfg
from ..deliver.publisher import Publisher
from ..domain import Channel
from ..format.model import Request
from ..service.admin import AdminOps
from ..service.drafts import Drafts

log = logging.getLogger(__name__)
Send = Callable[[Channel, Request], Awaitable[object]]


class Part(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Running:
    """The handlers that started; `stop()` ends them, the last started first."""

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts

    async def stop(self) -> None:
        for part in reversed(self.parts):
            try:
                await part.stop()
            except Exception:
                log.exception("stopping the admin commands of %s failed", type(part).__name__)
        self.parts = []


async def start_all(parts: dict[str, Part]) -> Running:
    """Start each platform's handlers (by platform name); those that fail are left out."""
    running: list[Part] = []
    for name, part in parts.items():
        try:
            await part.start()
        except Exception as exc:
            log.error("admin commands: cannot start on %s: %s", name, exc)
            await Running([part]).stop()
            continue
        running.append(part)
    return Running(running)


def admin_parts(
    ops: AdminOps,
    publishers: Mapping[str, Publisher],
    telegram: TelegramCfg,
    discord: DiscordCfg,
    admin: AdminCfg,
    *,
    drafts: Drafts,
    chats: Iterable[str],
    association: str,
    send: Send,
) -> dict[str, Part]:
    """The handlers each platform can run: a bot with a token, and admins configured."""
    from ..deliver.discord import DiscordPublisher
    from ..deliver.telegram import TelegramPublisher

    parts: dict[str, Part] = {}
    tg = publishers.get("telegram")
    if isinstance(tg, TelegramPublisher) and (telegram.admins or telegram.chat_admins_are_admins):
        from .telegram import TelegramAdmin

        parts["Telegram"] = TelegramAdmin(
            ops, tg.bot, telegram, chats=chats, association=association, send=send,
            drafts=drafts, admin_cfg=admin,
        )  # fmt: skip
    elif isinstance(tg, TelegramPublisher):
        log.info("admin commands: off on Telegram, no admins in [telegram] admins")
    dc = publishers.get("discord")
    if isinstance(dc, DiscordPublisher) and dc.token:
        if not discord.guild_ids:
            log.info("admin commands: off on Discord, no guilds in [discord] guild_ids")
        elif dc.client.user is None:
            log.warning("admin commands: off on Discord, the bot is not logged in")
        else:
            from .discord import DiscordAdmin

            parts["Discord"] = DiscordAdmin(
                ops, dc.client, discord, drafts=drafts, send=send, admin_cfg=admin
            )
    return parts
