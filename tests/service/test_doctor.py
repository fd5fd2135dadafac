"""`doctor` against the local fakes: each check's line, the fix it names, and nothing sent."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from discord.http import Route
from pydantic import SecretStr
from sqlalchemy import text

from bot.app import doctor
from bot.config import ChannelCfg, Secrets, Settings
from bot.deliver import discord_permissions as perm
from bot.deliver.probe import Check
from bot.store.base import make_engine
from bot.store.repo import Store
from bot.store.schema import HEAD
from tests.conftest import DC_CHANNEL, TG_CHAT, build_settings
from tests.fakes.discord_api import DEFAULT_GUILD_ID, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

ADMIN, STRANGER = 111_111, 222_222
ADMIN_CHAT = -1_009_000_000_001
DC_ADMIN = 777_000_000_000_000_009


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """Only the chats registered exist, as on Telegram."""
    async with FakeTelegram(known_chats=[]) as fake:
        fake.register_chat(TG_CHAT, type="channel", title="CSAJ News")
        fake.register_chat(ADMIN_CHAT, type="supergroup", title="CSAJ Admins")
        fake.register_chat(ADMIN, type="private", first_name="Sokha")  # has pressed Start
        yield fake


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    base = Route.BASE
    async with FakeDiscord(known_channels={DC_CHANNEL, DC_ADMIN}) as fake:
        yield fake
    Route.BASE = base


@pytest.fixture
def settings_for(site: Path, tg: FakeTelegram, dc: FakeDiscord) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        telegram = {"admins": [ADMIN], "admin_chat": str(ADMIN_CHAT), **overrides.pop("tg", {})}
        discord = {
            "guild_ids": [str(DEFAULT_GUILD_ID)],
            "admin_channel": str(DC_ADMIN),
            **overrides.pop("discord", {}),
        }
        return build_settings(site, tg=tg, dc=dc, telegram=telegram, discord=discord, **overrides)

    return make


def migrated(settings: Settings) -> Settings:
    Store(settings.live_database_url).close()
    return settings


def lines(checks: list[Check], name: str) -> list[Check]:
    found = [c for c in checks if c.name == name]
    assert found, f"no line for {name}: {[c.name for c in checks]}"
    return found


def failures(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks if not c.ok}


def assert_nothing_sent(tg: FakeTelegram, dc: FakeDiscord) -> None:
    assert {c.method for c in tg.calls} <= {"getMe", "getChat", "getChatMember"}
    assert tg.sent == []
    assert {c.method for c in dc.calls} == {"GET"}, [c.route for c in dc.calls]
    assert dc.all_messages == []


async def test_all_good(
    settings_for: Callable[..., Settings], tg: FakeTelegram, dc: FakeDiscord
) -> None:
    checks = await doctor(migrated(settings_for()))

    assert failures(checks) == {}
    names = [c.name for c in checks]
    assert names == [
        "telegram", "discord", "tg-news", "dc-news", "dc-hook", "telegram admin chat",
        "discord admin chat", f"admin {ADMIN}", f"server {DEFAULT_GUILD_ID}", "database",
    ]  # fmt: skip
    assert "@assoc_test_bot" in lines(checks, "telegram")[0].detail
    assert "channel “CSAJ News”" in lines(checks, "tg-news")[0].detail
    assert "text channel #channel-" in lines(checks, "dc-news")[0].detail
    assert "Sokha has a private chat" in lines(checks, f"admin {ADMIN}")[0].detail
    assert "at the latest revision" in lines(checks, "database")[0].detail
    assert not any(c.warn for c in checks)
    assert_nothing_sent(tg, dc)


async def test_a_chat_the_bot_may_not_post_in(
    settings_for: Callable[..., Settings], tg: FakeTelegram, dc: FakeDiscord
) -> None:
    tg.register_chat(TG_CHAT, type="channel", title="CSAJ News", bot_is_admin=False)
    tg.register_chat(
        ADMIN_CHAT, type="supergroup", title="CSAJ Admins", bot_status="restricted",
        bot_rights={"can_send_messages": False},
    )  # fmt: skip
    checks = await doctor(migrated(settings_for()))

    wrong = failures(checks)
    assert set(wrong) == {"tg-news", "telegram admin chat"}
    assert "not an administrator of channel “CSAJ News”" in wrong["tg-news"].detail
    assert wrong["tg-news"].fix == "add the bot to the channel as an admin with 'Post messages'"
    assert "may not send 'Send messages'" in wrong["telegram admin chat"].detail
    assert "the bot's restrictions" in wrong["telegram admin chat"].fix
    assert_nothing_sent(tg, dc)


async def test_a_group_that_forbids_photos_and_an_admin_without_post_rights(
    settings_for: Callable[..., Settings], tg: FakeTelegram
) -> None:
    group = -1_009_000_000_002
    no_media = {"can_send_photos": False, "can_send_documents": False}
    tg.register_chat(group, type="supergroup", title="Members", bot_is_admin=False,
                     permissions=no_media)  # fmt: skip
    tg.register_chat(TG_CHAT, type="channel", title="CSAJ News",
                     bot_rights={"can_post_messages": False})  # fmt: skip
    channels = [
        ChannelCfg(name="tg-news", platform="telegram", chat_id=TG_CHAT),
        ChannelCfg(name="tg-members", platform="telegram", chat_id=str(group)),
    ]
    checks = await doctor(migrated(settings_for(channels=channels)))

    wrong = failures(checks)
    assert "may not send 'Photos' and 'Files'" in wrong["tg-members"].detail
    assert "the group's permissions for members" in wrong["tg-members"].fix
    assert (
        wrong["tg-news"].fix == "give the bot 'Post messages' in the channel's administrator rights"
    )


async def test_missing_channels_and_an_admin_who_never_started_the_bot(
    settings_for: Callable[..., Settings], tg: FakeTelegram, dc: FakeDiscord
) -> None:
    channels = [
        ChannelCfg(name="tg-gone", platform="telegram", chat_id="-1009999999999"),
        ChannelCfg(name="dc-gone", platform="discord", channel_id="123456789012345678"),
    ]
    settings = migrated(settings_for(channels=channels, tg={"admins": [ADMIN, STRANGER]}))
    checks = await doctor(settings)

    wrong = failures(checks)
    assert set(wrong) == {"tg-gone", "dc-gone"}
    assert "knows no chat -1009999999999" in wrong["tg-gone"].detail
    assert "check chat_id" in wrong["tg-gone"].fix
    assert "Discord knows no channel 123456789012345678" in wrong["dc-gone"].detail
    assert "check channel_id" in wrong["dc-gone"].fix
    [stranger] = lines(checks, f"admin {STRANGER}")
    assert stranger.ok and stranger.warn
    assert "has not started a private chat" in stranger.detail
    assert stranger.fix == "ask them to open https://t.me/assoc_test_bot and press Start"
    assert_nothing_sent(tg, dc)


async def test_a_discord_channel_without_attach_files(
    settings_for: Callable[..., Settings], tg: FakeTelegram, dc: FakeDiscord
) -> None:
    dc.set_overwrites(DC_CHANNEL, [{"id": DEFAULT_GUILD_ID, "type": 0, "deny": perm.ATTACH_FILES}])
    checks = await doctor(migrated(settings_for()))

    wrong = failures(checks)
    assert set(wrong) == {"dc-news"}
    title = f"#channel-{DC_CHANNEL}"
    assert wrong["dc-news"].detail == f"the bot lacks 'Attach Files' in {title}"
    assert wrong["dc-news"].fix.startswith(f"give the bot's role 'Attach Files' in {title}")
    assert_nothing_sent(tg, dc)


async def test_permissions_missing_server_wide_name_the_roles(
    settings_for: Callable[..., Settings], dc: FakeDiscord
) -> None:
    dc.set_everyone_permissions(perm.VIEW_CHANNEL | perm.SEND_MESSAGES)
    dc.add_role(perm.EMBED_LINKS, name="Announcer")
    checks = await doctor(migrated(settings_for()))

    wrong = failures(checks)
    assert "lacks 'Attach Files' and 'Read Message History'" in wrong["dc-news"].detail
    assert "(Server Settings → Roles" in wrong["dc-news"].fix
    assert "discord admin chat" not in wrong  # reports need only view and send


async def test_an_unset_webhook_variable_and_a_deleted_webhook(
    settings_for: Callable[..., Settings], dc: FakeDiscord
) -> None:
    hook = dc.create_webhook(channel_id=DC_CHANNEL)
    os.environ["DOCTOR_DELETED_HOOK"] = hook.url
    dc.delete_webhook(hook.id)
    channels = [
        ChannelCfg(name="dc-unset", platform="discord-webhook", webhook_url_env="DOCTOR_UNSET"),
        ChannelCfg(
            name="dc-old", platform="discord-webhook", webhook_url_env="DOCTOR_DELETED_HOOK"
        ),
    ]
    try:
        checks = await doctor(migrated(settings_for(channels=channels)))
    finally:
        del os.environ["DOCTOR_DELETED_HOOK"]

    wrong = failures(checks)
    assert wrong["dc-unset"].detail == "$DOCTOR_UNSET is not set"
    assert wrong["dc-unset"].fix.startswith("set DOCTOR_UNSET to the webhook's URL")
    assert "the webhook in $DOCTOR_DELETED_HOOK no longer exists" in wrong["dc-old"].detail
    assert hook.token not in repr(checks)


async def test_wrong_tokens(
    settings_for: Callable[..., Settings], tg: FakeTelegram, dc: FakeDiscord
) -> None:
    settings = settings_for()
    settings.secrets = Secrets(
        telegram_bot_token=SecretStr("123456:wrong-token-wrong-token-wrong-token"),
        discord_bot_token=SecretStr("wrong.discord.token"),
        _env_file=None,  # type: ignore[call-arg]
    )
    checks = await doctor(migrated(settings))

    wrong = failures(checks)
    assert wrong["telegram"].detail == "Telegram refused the bot token"
    assert "TELEGRAM_BOT_TOKEN" in wrong["telegram"].fix
    assert wrong["discord"].detail == "Discord refused the bot token"
    assert "DISCORD_BOT_TOKEN" in wrong["discord"].fix
    skipped = lines(checks, "tg-news") + lines(checks, "dc-news")
    assert all(c.warn and "not checked" in c.detail for c in skipped)
    assert "wrong-token" not in repr(checks) and "wrong.discord" not in repr(checks)


async def test_tokens_not_set(settings_for: Callable[..., Settings]) -> None:
    settings = settings_for()
    settings.secrets = Secrets(_env_file=None)  # type: ignore[call-arg]
    wrong = failures(await doctor(settings))
    assert wrong["telegram"].fix.startswith("set TELEGRAM_BOT_TOKEN")
    assert wrong["discord"].fix.startswith("set DISCORD_BOT_TOKEN")


async def test_a_database_behind_ahead_missing_and_unreachable(
    settings_for: Callable[..., Settings],
) -> None:
    settings = settings_for()
    [missing] = lines(await doctor(settings), "database")
    assert missing.warn and "does not exist yet: the first start creates it" in missing.detail
    assert not Path(settings.live_database_url.removeprefix("sqlite:///")).exists()

    migrated(settings)
    engine = make_engine(settings.live_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    [behind] = lines(await doctor(settings), "database")
    assert not behind.ok
    assert f"is at revision 0002; this release needs {HEAD}" in behind.detail
    assert behind.fix.startswith("run python -m bot migrate")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    [ahead] = lines(await doctor(settings), "database")
    assert not ahead.ok and "newer than this release knows" in ahead.detail

    settings.secrets.database_url = SecretStr("postgresql://bot:hunter2secret@127.0.0.1:9/bot")
    [down] = lines(await doctor(settings), "database")
    assert not down.ok and "cannot connect" in down.detail and "hunter2secret" not in down.detail
    assert "check DATABASE_URL" in down.fix


async def test_servers_commands_and_events(
    settings_for: Callable[..., Settings], dc: FakeDiscord
) -> None:
    other = DEFAULT_GUILD_ID + 100
    dc.deny_commands(DEFAULT_GUILD_ID)
    dc.set_everyone_permissions(int(dc.guilds[DEFAULT_GUILD_ID]["roles"][0]["permissions"]) & ~(
        perm.CREATE_EVENTS
    ))  # fmt: skip
    settings = settings_for(discord={"guild_ids": [str(DEFAULT_GUILD_ID), str(other)]})
    checks = await doctor(migrated(settings))

    wrong = failures(checks)
    assert "may not see the command list" in wrong[f"server {DEFAULT_GUILD_ID}"].detail
    assert "applications.commands scope" in wrong[f"server {DEFAULT_GUILD_ID}"].fix
    assert "Discord knows no server" in wrong[f"server {other}"].detail
    assert "oauth2/authorize?client_id=" in wrong[f"server {other}"].fix

    dc.commands_denied.clear()
    settings = settings_for(discord={"scheduled_events": True})
    wrong = failures(await doctor(migrated(settings)))
    assert "may not create events" in wrong[f"server {DEFAULT_GUILD_ID}"].detail
    assert "'Create Events'" in wrong[f"server {DEFAULT_GUILD_ID}"].fix
