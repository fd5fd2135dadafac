"""An association with both platforms live: Telegram polling and a Discord gateway, on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.app import App
from bot.config import Settings
from tests.admin.support import ADMIN, ADMIN_CHAT, ROLE, StartApp
from tests.conftest import DC_CHANNEL
from tests.fakes.discord_gateway import GatewayDiscord
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """Answers to one admin follow each other quickly here: a short per-chat interval."""
    async with FakeTelegram(per_chat_interval=0.005) as fake:
        fake.register_chat(ADMIN_CHAT, type="supergroup", title="Committee")
        yield fake


@pytest.fixture
async def dc() -> AsyncIterator[GatewayDiscord]:
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    async with GatewayDiscord() as fake:
        fake.add_channel(DC_CHANNEL)
        fake.add_role(ROLE)
        yield fake
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
def admin_settings(
    make_settings: Callable[..., Settings], tg: FakeTelegram, dc: GatewayDiscord
) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        telegram = {"admins": [ADMIN], "admin_chat": ADMIN_CHAT, **overrides.pop("telegram", {})}
        discord = {
            "guild_ids": [str(dc.guild_id)], "admin_roles": [str(ROLE)],
            "gateway_url": dc.gateway_url, **overrides.pop("discord", {}),
        }  # fmt: skip
        return make_settings(
            tg=tg, dc=dc, webhook=False, telegram=telegram, discord=discord, **overrides
        )

    return make


@pytest.fixture
async def start_app(
    admin_settings: Callable[..., Settings], dc: GatewayDiscord
) -> AsyncIterator[StartApp]:
    """Starts the whole service; every app started is stopped at the end of the test."""
    apps: list[App] = []

    async def start(**overrides: Any) -> App:
        app = App(admin_settings(**overrides))
        apps.append(app)
        await app.start()
        await dc.wait_ready()
        return app

    yield start
    for app in apps:
        await app.stop(grace=2)
