"""Shared fixtures: local fakes of both platforms and a throw-away association on disk."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from discord.http import Route
from pydantic import SecretStr

from bot.config import ChannelCfg, Secrets, Settings
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CONTENT = ROOT / "content"
SAMPLE_STATIC = ROOT / "static"
TG_CHAT = "-1001234567890"
DC_CHANNEL = 777000000000000001
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    base = Route.BASE
    async with FakeDiscord() as fake:
        fake.add_channel(DC_CHANNEL)
        yield fake
    Route.BASE = base


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the sample content and images."""
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    shutil.copytree(SAMPLE_STATIC, tmp_path / "static")
    return tmp_path


def build_settings(
    root: Path,
    *,
    tg: FakeTelegram | None = None,
    dc: FakeDiscord | None = None,
    webhook: bool = True,
    database_url: str | None = None,
    **overrides: Any,
) -> Settings:
    channels = []
    if tg is not None:
        channels.append(ChannelCfg(name="tg-news", platform="telegram", chat_id=TG_CHAT))
    if dc is not None:
        channels.append(ChannelCfg(name="dc-news", platform="discord", channel_id=str(DC_CHANNEL)))
        if webhook:
            os.environ["TEST_WEBHOOK_NEWS"] = dc.webhook_url(channel_id=DC_CHANNEL)
            channels.append(
                ChannelCfg(
                    name="dc-hook", platform="discord-webhook", webhook_url_env="TEST_WEBHOOK_NEWS"
                )
            )
    secrets = Secrets(
        telegram_bot_token=SecretStr(tg.token) if tg else None,
        discord_bot_token=SecretStr(dc.token) if dc else None,
        database_url=SecretStr(database_url) if database_url else None,
        _env_file=None,  # type: ignore[call-arg]
    )
    data: dict[str, Any] = {
        "association": {
            "name": "Cambodian Students Association in Japan",
            "site_url": "https://example.org",
        },
        "content": {"dir": root / "content", "static_dir": root / "static", "debounce_ms": 50},
        "telegram": {"api_url": tg.base_url if tg else "https://api.telegram.org/bot"},
        "discord": {"api_url": dc.api_url if dc else "https://discord.com/api/v10"},
        "delivery": {"backoff_base": 0.05, "backoff_max": 0.5, "report_interval": 0},
        "channels": channels,
        "data_dir": root / "data",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return Settings(**data, secrets=secrets)


@pytest.fixture
def make_settings(site: Path) -> Callable[..., Settings]:
    def make(**kwargs: Any) -> Settings:
        return build_settings(site, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _no_env_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "DATABASE_URL", "BOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def postgres_schema_url() -> Iterator[str]:
    """A schema of its own on the test server, dropped afterwards; a skip when none answers."""
    try:
        engine = sqlalchemy.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
    except Exception as exc:  # no server: say so and skip
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"create schema {schema}"))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"drop schema {schema} cascade"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'bot.sqlite3'}"
    else:
        yield from postgres_schema_url()
