"""Fixtures of the fakes' own tests: each fake started fresh, with a client aimed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import discord
import pytest
from discord.http import Route
from telegram import Bot

from .discord_api import FakeDiscord
from .discord_support import CHANNEL_ID, OTHER_CHANNEL_ID, WINDOW
from .telegram_api import ApiSpec, FakeTelegram, ManualClock

# -- Telegram -------------------------------------------------------------------------------


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def tg(clock: ManualClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=clock) as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as client:
        yield client


@pytest.fixture
def spec() -> ApiSpec:
    loaded = ApiSpec.load()
    if loaded is None:
        pytest.skip("shared/specs/telegram-bot-api.json is not available")
    return loaded


# -- Discord --------------------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(
        known_channels={CHANNEL_ID, OTHER_CHANNEL_ID},
        message_rate=(5, WINDOW),
        webhook_rate=(5, WINDOW),
    ) as dc:
        yield dc


@pytest.fixture
def discord_base(fake: FakeDiscord) -> Iterator[str]:
    previous = Route.BASE
    Route.BASE = fake.api_url
    try:
        yield fake.api_url
    finally:
        Route.BASE = previous


@pytest.fixture
async def client(fake: FakeDiscord, discord_base: str) -> AsyncIterator[discord.Client]:
    bot = discord.Client(intents=discord.Intents.none())
    try:
        await bot.login(fake.token)
        yield bot
    finally:
        await bot.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http
