"""`python -m bot doctor`, run as an operator runs it, against the local fakes."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord.http import Route

from bot.store.repo import Store
from tests.conftest import DC_CHANNEL, ROOT, TG_CHAT
from tests.fakes.discord_api import DEFAULT_GUILD_ID, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeDiscord]]:
    base = Route.BASE
    async with FakeTelegram(known_chats=[]) as tg, FakeDiscord(known_channels={DC_CHANNEL}) as dc:
        tg.register_chat(TG_CHAT, type="channel", title="ចំណេះដឹង · ニュース")
        tg.register_chat(111_111, type="private", first_name="Sokha")
        yield tg, dc
    Route.BASE = base


def project(root: Path, tg: FakeTelegram, dc: FakeDiscord) -> Path:
    (root / "content").mkdir()
    path = root / "bot.toml"
    path.write_text(
        f"""
data_dir = "{root / "data"}"
[content]
dir = "{root / "content"}"
[telegram]
api_url = "{tg.base_url}"
admins = [111111]
[discord]
api_url = "{dc.api_url}"
guild_ids = ["{DEFAULT_GUILD_ID}"]
[[channels]]
name = "tg-news"
platform = "telegram"
chat_id = "{TG_CHAT}"
[[channels]]
name = "dc-news"
platform = "discord"
channel_id = "{DC_CHANNEL}"
[[channels]]
name = "dc-hook"
platform = "discord-webhook"
webhook_url_env = "DISCORD_WEBHOOK_NEWS"
""",
        encoding="utf-8",
    )
    Store(f"sqlite:///{root / 'data' / 'bot.sqlite3'}").close()
    return path


async def run_doctor(config: Path, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "doctor", "--config", str(config),
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", **env},
        cwd=config.parent, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_doctor_names_the_chat_the_bot_may_not_post_in_and_sends_nothing(
    tmp_path: Path, fakes: tuple[FakeTelegram, FakeDiscord]
) -> None:
    tg, dc = fakes
    config = project(tmp_path, tg, dc)
    env = {
        "TELEGRAM_BOT_TOKEN": tg.token,
        "DISCORD_BOT_TOKEN": dc.token,
        "DISCORD_WEBHOOK_NEWS": dc.webhook_url(channel_id=DC_CHANNEL),
    }
    code, out = await run_doctor(config, env)
    assert code == 0, out
    assert out.splitlines()[-1] == "8 checks: nothing to fix, 0 warnings; nothing was sent"
    assert "✓ tg-news: channel “ចំណេះដឹង · ニュース”" in out

    tg.register_chat(TG_CHAT, type="channel", title="ចំណេះដឹង · ニュース", bot_is_admin=False)
    code, out = await run_doctor(config, {**env, "DISCORD_WEBHOOK_NEWS": ""})
    assert code == 1, out
    lines = out.splitlines()
    [news] = [line for line in lines if line.startswith("✗ tg-news: ")]
    assert news.endswith("→ add the bot to the channel as an admin with 'Post messages'")
    [hook] = [line for line in lines if line.startswith("✗ dc-hook: ")]
    assert "$DISCORD_WEBHOOK_NEWS is not set → set DISCORD_WEBHOOK_NEWS" in hook
    assert lines[-1] == "8 checks: 2 to fix, 0 warnings; nothing was sent"
    assert tg.token not in out and dc.token not in out

    assert {c.method for c in tg.calls} == {"getMe", "getChat", "getChatMember"}
    assert tg.sent == [] and dc.all_messages == []
    assert {c.method for c in dc.calls} == {"GET"}
