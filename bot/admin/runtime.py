"""Starts the admin command handlers of each platform that has a bot token.

A platform whose handlers cannot start is logged and left out: the service keeps publishing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from .service import AdminService

if TYPE_CHECKING:
    from ..app import App

log = logging.getLogger(__name__)


class AdminHandle(Protocol):
    async def stop(self) -> None: ...


class _Part(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class _Running:
    def __init__(self, parts: list[_Part]) -> None:
        self.parts = parts

    async def stop(self) -> None:
        for part in reversed(self.parts):
            try:
                await part.stop()
            except Exception:
                log.exception("stopping the admin commands of %s failed", type(part).__name__)
        self.parts = []


def _telegram(app: App, admin: AdminService) -> _Part | None:
    from ..deliver.telegram import TelegramPublisher

    publisher = app.publishers.get("telegram")
    if not isinstance(publisher, TelegramPublisher):
        return None
    cfg = app.settings.telegram
    if not cfg.admins and not cfg.chat_admins_are_admins:
        log.info("admin commands: off on Telegram, no admins in [telegram] admins")
        return None
    from .telegram import TelegramAdmin

    return TelegramAdmin(app, admin, publisher.bot)


def _discord(app: App, admin: AdminService) -> _Part | None:
    from ..deliver.discord import DiscordPublisher

    publisher = app.publishers.get("discord")
    if not isinstance(publisher, DiscordPublisher) or not publisher.token:
        return None
    if not app.settings.discord.guild_ids:
        log.info("admin commands: off on Discord, no guilds in [discord] guild_ids")
        return None
    if publisher.client.user is None:
        log.warning("admin commands: off on Discord, the bot is not logged in")
        return None
    from .discord import DiscordAdmin

    return DiscordAdmin(app, admin, publisher.client)


async def start_admin(app: App) -> AdminHandle:
    """The command handlers of both platforms, running; ``stop()`` ends them."""
    admin = AdminService(app)
    running: list[_Part] = []
    for name, make in (("Telegram", _telegram), ("Discord", _discord)):
        part: _Part | None = None
        try:
            part = make(app, admin)
            if part is None:
                continue
            await part.start()
        except Exception as exc:
            log.error("admin commands: cannot start on %s: %s", name, exc)
            if part is not None:
                await _Running([part]).stop()
            continue
        running.append(part)
    return _Running(running)
