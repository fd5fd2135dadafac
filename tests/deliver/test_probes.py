"""The platform probes against the fakes: pins, topics, forums, mentions and crossposts, as the
configuration asks them of a channel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from discord.http import Route

from bot.deliver import discord_permissions as perm
from bot.deliver.discord import point_at
from bot.deliver.discord_probe import DiscordProbe
from bot.deliver.probe import Check, Needs
from bot.deliver.telegram import make_bot
from bot.deliver.telegram_probe import TelegramProbe
from bot.domain import Channel
from tests.fakes.discord_api import DEFAULT_GUILD_ID, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

NEWS, GROUP, FORUM = -1_001_000_000_100, -1_001_000_000_200, -1_001_000_000_300
TEXT_ID, FORUM_ID, NEWS_ID, VOICE_ID = 9001, 9002, 9003, 9004


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[FakeTelegram, TelegramProbe]]:
    async with FakeTelegram(known_chats=[]) as tg:
        tg.register_chat(NEWS, type="channel", title="News")
        tg.register_chat(GROUP, type="supergroup", title="Members")
        tg.register_chat(FORUM, type="supergroup", title="Forum", is_forum=True)
        probe = TelegramProbe(make_bot(tg.token, tg.base_url))
        assert [c.ok for c in await probe.open([Channel("x", "telegram", chat_id=str(NEWS))])]
        yield tg, probe
        await probe.close()


@pytest.fixture
async def discord_probe() -> AsyncIterator[tuple[FakeDiscord, DiscordProbe]]:
    base = Route.BASE
    async with FakeDiscord(known_channels=set()) as dc:
        dc.add_channel(TEXT_ID, name="news")
        dc.add_channel(FORUM_ID, name="events", channel_type=perm.FORUM)
        dc.add_channel(NEWS_ID, name="bulletin", channel_type=perm.ANNOUNCEMENT)
        dc.add_channel(VOICE_ID, name="lounge", channel_type=2)
        point_at(dc.api_url)
        probe = DiscordProbe(dc.token, {})
        assert [c.ok for c in await probe.open([dc_channel(TEXT_ID)])] == [True]
        yield dc, probe
        await probe.close()
    Route.BASE = base


def tg_channel(chat: int, thread_id: int | None = None) -> Channel:
    return Channel("tg", "telegram", chat_id=str(chat), thread_id=thread_id)


def dc_channel(channel_id: int) -> Channel:
    return Channel("dc", "discord", channel_id=str(channel_id))


def verdict(checks: list[Check]) -> list[str]:
    return [f"{c.mark} {c.detail} → {c.fix}" if c.fix else f"{c.mark} {c.detail}" for c in checks]


async def test_telegram_pins_need_the_right_of_each_kind_of_chat(
    telegram: tuple[FakeTelegram, TelegramProbe],
) -> None:
    tg, probe = telegram
    pin = Needs(pin=True)
    assert verdict(await probe.channel(tg_channel(NEWS), pin)) == [
        f"✓ channel “News” ({NEWS}): the bot may post announcements and pin them"
    ]
    tg.register_chat(NEWS, type="channel", title="News", bot_rights={"can_edit_messages": False})
    [channel] = await probe.channel(tg_channel(NEWS), pin)
    assert not channel.ok and "'Edit messages of others'" in channel.fix
    tg.register_chat(GROUP, type="supergroup", title="Members", bot_is_admin=False)
    [group] = await probe.channel(tg_channel(GROUP), pin)
    assert not group.ok
    assert group.fix == "make the bot an admin of the group with 'Pin messages', or set pin = false"
    assert [c.ok for c in await probe.channel(tg_channel(GROUP), Needs())] == [True]
    tg.register_chat(GROUP, type="supergroup", title="Members", bot_status="left")
    [gone] = await probe.channel(tg_channel(GROUP), Needs())
    assert gone.detail == f"the bot is not a member of group “Members” ({GROUP})"
    assert gone.fix == "add the bot to the group again"


async def test_telegram_topics_need_a_forum_and_cannot_be_looked_up(
    telegram: tuple[FakeTelegram, TelegramProbe],
) -> None:
    tg, probe = telegram
    [plain] = await probe.channel(tg_channel(GROUP, thread_id=7), Needs())
    assert (
        not plain.ok
        and plain.detail == f"thread_id = 7, but group “Members” ({GROUP}) has no topics"
    )
    ready, topic = await probe.channel(tg_channel(FORUM, thread_id=7), Needs())
    assert ready.ok and not ready.warn
    assert topic.warn and "cannot look a topic up without posting" in topic.detail
    tg.register_chat(FORUM, type="supergroup", is_forum=True,
                     bot_rights={"can_manage_topics": False})  # fmt: skip
    _, closed = await probe.channel(tg_channel(FORUM, thread_id=7), Needs())
    assert closed.warn and closed.fix == "give the bot 'Manage topics' to post in closed topics too"


async def test_discord_pins_forums_and_channel_kinds(
    discord_probe: tuple[FakeDiscord, DiscordProbe],
) -> None:
    dc, probe = discord_probe
    [pin] = await probe.channel(dc_channel(TEXT_ID), Needs(pin=True))
    assert not pin.ok and pin.detail == "the bot lacks 'Pin Messages' in #news"
    dc.add_role(perm.PIN_MESSAGES, name="Pinner")
    assert [c.ok for c in await fresh(dc, Needs(pin=True))] == [True]

    posting = perm.SEND_MESSAGES_IN_THREADS | perm.SEND_MESSAGES
    dc.set_overwrites(FORUM_ID, [{"id": DEFAULT_GUILD_ID, "type": 0, "deny": posting}])
    [forum] = await probe.channel(dc_channel(FORUM_ID), Needs())
    assert forum.detail == (
        "the bot lacks 'Create Posts' and 'Send Messages in Threads' in #events"
    )
    [voice] = await probe.channel(dc_channel(VOICE_ID), Needs())
    assert not voice.ok and "not a text, announcement or forum channel (type 2)" in voice.detail


async def test_discord_crossposts_need_an_announcement_channel(
    discord_probe: tuple[FakeDiscord, DiscordProbe],
) -> None:
    _, probe = discord_probe
    [text] = await probe.channel(dc_channel(TEXT_ID), Needs(crosspost=True))
    assert not text.ok and "#news is not an announcement channel" in text.detail
    [bulletin] = await probe.channel(dc_channel(NEWS_ID), Needs(crosspost=True))
    assert bulletin.ok and "announcement channel #bulletin" in bulletin.detail


async def test_discord_mentions_a_role_that_exists_and_may_be_pinged(
    discord_probe: tuple[FakeDiscord, DiscordProbe],
) -> None:
    dc, probe = discord_probe
    members = dc.add_role(0, name="Members", to_bot=False)
    loud = dc.add_role(0, name="Everyone-ish", mentionable=True, to_bot=False)
    dc.set_overwrites(TEXT_ID, [{"id": DEFAULT_GUILD_ID, "type": 0, "deny": perm.MENTION_EVERYONE}])
    [unmentionable] = await probe.channel(dc_channel(TEXT_ID), Needs(mention=str(members)))
    assert "lacks 'Mention @everyone, @here, and All Roles'" in unmentionable.detail
    [mentionable] = await probe.channel(dc_channel(TEXT_ID), Needs(mention=str(loud)))
    assert mentionable.ok and "ping the role" in mentionable.detail
    [unknown] = await probe.channel(dc_channel(TEXT_ID), Needs(mention="12345"))
    assert not unknown.ok and "mention = 12345: no such role" in unknown.detail


async def test_discord_guild_owner_and_a_timed_out_bot(
    discord_probe: tuple[FakeDiscord, DiscordProbe],
) -> None:
    dc, probe = discord_probe
    dc.set_overwrites(TEXT_ID, [{"id": DEFAULT_GUILD_ID, "type": 0, "deny": perm.VIEW_CHANNEL}])
    [hidden] = await probe.channel(dc_channel(TEXT_ID), Needs())
    assert not hidden.ok and "'View Channel'" in hidden.detail
    dc.guilds[DEFAULT_GUILD_ID]["owner_id"] = str(dc.bot_user_id)
    assert [c.ok for c in await fresh(dc, Needs(pin=True))] == [True]

    dc.guilds[DEFAULT_GUILD_ID]["owner_id"] = str(DEFAULT_GUILD_ID + 1)
    dc.set_overwrites(TEXT_ID, [])
    dc.time_out_bot("2099-01-01T00:00:00+00:00")
    [muted] = await fresh(dc, Needs())
    assert not muted.ok and muted.detail == (
        "the bot lacks 'Send Messages', 'Embed Links' and 'Attach Files' in #news "
        "(the bot is timed out in the server)"
    )
    dc.time_out_bot("2001-01-01T00:00:00+00:00")  # a timeout that ended
    assert [c.ok for c in await fresh(dc, Needs())] == [True]


async def fresh(dc: FakeDiscord, needs: Needs) -> list[Check]:
    """A new probe, as each doctor run is: servers are read once per run."""
    probe = DiscordProbe(dc.token, {})
    await probe.open([dc_channel(TEXT_ID)])
    try:
        return await probe.channel(dc_channel(TEXT_ID), needs)
    finally:
        await probe.close()


async def test_discord_ids_that_are_not_ids(
    discord_probe: tuple[FakeDiscord, DiscordProbe],
) -> None:
    _, probe = discord_probe
    [bad] = await probe.channel(Channel("dc", "discord", channel_id="#news"), Needs())
    assert not bad.ok and bad.detail == "channel_id '#news' is not a Discord id"
    [admin] = await probe.channel(Channel("admin", "discord", channel_id="x"), Needs(reports=True))
    assert admin.fix == "set [discord] admin_channel to digits"
