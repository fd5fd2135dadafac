"""What the bot may do where: the fakes answer its rights in the documented shapes and refuse
what the platforms refuse."""

from __future__ import annotations

import io

import discord
import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden

from .discord_api import DEFAULT_GUILD_ID, FakeDiscord
from .discord_support import CHANNEL_ID, jpeg
from .telegram_api import ApiSpec, FakeTelegram
from .telegram_support import GROUP_ID, USER_ID
from .test_fake_discord_commands_and_events import SPEC_PATH, _spec_validator_factory

CHANNEL = -1_001_777_000_000_001
VIEW, SEND, ATTACH, ADMINISTRATOR = 1 << 10, 1 << 11, 1 << 15, 1 << 3

# -- Telegram -------------------------------------------------------------------------------


async def test_the_bots_membership_in_every_status_matches_the_bot_api(
    tg: FakeTelegram, bot: Bot, spec: ApiSpec
) -> None:
    tg.register_chat(CHANNEL, type="channel", bot_rights={"can_post_messages": False})
    tg.register_chat(GROUP_ID, type="supergroup", bot_status="restricted",
                     bot_rights={"can_send_photos": False})  # fmt: skip
    tg.register_chat(GROUP_ID - 1, type="supergroup", bot_is_admin=False)
    tg.register_chat(GROUP_ID - 2, type="group", bot_status="left")

    admin = await bot.get_chat_member(CHANNEL, bot.id)
    restricted = await bot.get_chat_member(GROUP_ID, bot.id)
    member = await bot.get_chat_member(GROUP_ID - 1, bot.id)
    left = await bot.get_chat_member(GROUP_ID - 2, bot.id)

    assert (admin.status, admin.can_post_messages) == ("administrator", False)  # type: ignore[attr-defined]
    assert restricted.status == "restricted" and restricted.can_send_photos is False  # type: ignore[attr-defined]
    assert restricted.can_send_messages is True  # type: ignore[attr-defined]
    assert (member.status, left.status) == ("member", "left")
    for call in tg.calls_to("getChatMember"):
        assert spec.result_problems("getChatMember", call.result) == []


async def test_a_groups_permissions_are_in_get_chat(
    tg: FakeTelegram, bot: Bot, spec: ApiSpec
) -> None:
    tg.register_chat(GROUP_ID, type="supergroup", permissions={"can_send_photos": False})
    chat = await bot.get_chat(GROUP_ID)
    assert chat.permissions is not None
    assert chat.permissions.can_send_photos is False and chat.permissions.can_send_messages
    assert spec.result_problems("getChat", tg.calls_to("getChat")[0].result) == []


async def test_only_users_who_talked_to_the_bot_have_a_private_chat(
    tg: FakeTelegram, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(USER_ID)
    tg.register_chat(USER_ID, type="private", first_name="Sokha")
    assert (await bot.get_chat(USER_ID)).first_name == "Sokha"


async def test_sending_where_the_bot_may_not_is_refused(tg: FakeTelegram, bot: Bot) -> None:
    tg.register_chat(CHANNEL, type="channel", bot_is_admin=False)
    tg.register_chat(GROUP_ID, type="supergroup", bot_is_admin=False,
                     permissions={"can_send_photos": False})  # fmt: skip
    tg.register_chat(GROUP_ID - 1, type="supergroup", bot_status="restricted",
                     bot_rights={"can_send_messages": False})  # fmt: skip
    tg.register_chat(GROUP_ID - 2, type="supergroup", bot_status="left")

    with pytest.raises(BadRequest, match="Need administrator rights in the channel chat"):
        await bot.send_message(CHANNEL, "hello")
    await bot.send_message(GROUP_ID, "text is allowed")
    with pytest.raises(BadRequest, match="Not enough rights to send photos to the chat"):
        await bot.send_photo(GROUP_ID, photo=io.BytesIO(jpeg()))
    with pytest.raises(BadRequest, match="Not enough rights to send text messages"):
        await bot.send_message(GROUP_ID - 1, "muted")
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await bot.send_message(GROUP_ID - 2, "gone")
    assert [m.text for m in tg.sent] == ["text is allowed"]


# -- Discord --------------------------------------------------------------------------------


@pytest.mark.skipif(not SPEC_PATH.exists(), reason="Discord OpenAPI description not available")
async def test_roles_member_and_overwrites_match_the_openapi_shapes(
    fake: FakeDiscord, client: discord.Client
) -> None:
    validate = _spec_validator_factory()
    role = fake.add_role(ATTACH, name="Announcer", mentionable=True)
    fake.set_overwrites(CHANNEL_ID, [{"id": role, "type": 0, "allow": SEND, "deny": ATTACH}])

    roles = await client.http.get_roles(DEFAULT_GUILD_ID)
    member = await client.http.get_member(DEFAULT_GUILD_ID, fake.bot_user_id)
    channel = await client.http.get_channel(CHANNEL_ID)

    assert [r["name"] for r in roles] == ["@everyone", "Announcer"]
    assert member["roles"] == [str(role)]
    assert channel["permission_overwrites"] == [
        {"id": str(role), "type": 0, "allow": str(SEND), "deny": str(ATTACH)}
    ]
    for item in roles:
        validate("GuildRoleResponse", item)
    validate("GuildMemberResponse", member)
    validate("GuildChannelResponse", channel)
    with pytest.raises(discord.NotFound):
        await client.http.get_member(DEFAULT_GUILD_ID, 42)


async def test_posting_without_the_permissions_is_refused(
    fake: FakeDiscord, client: discord.Client
) -> None:
    channel = client.get_partial_messageable(CHANNEL_ID)
    everyone = DEFAULT_GUILD_ID
    fake.set_overwrites(CHANNEL_ID, [{"id": everyone, "type": 0, "deny": ATTACH}])
    await channel.send("text still goes")
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send(file=discord.File(io.BytesIO(jpeg()), "a.jpg"))
    assert refused.value.code == 50013

    fake.set_overwrites(CHANNEL_ID, [{"id": everyone, "type": 0, "deny": VIEW}])
    with pytest.raises(discord.Forbidden) as hidden:
        await channel.send("unseen")
    assert hidden.value.code == 50001

    admin = fake.add_role(ADMINISTRATOR, name="Admin")  # administrators pass every overwrite
    await channel.send("as an administrator")
    fake.bot_roles[DEFAULT_GUILD_ID].remove(admin)
    bot = fake.bot_user_id
    fake.set_overwrites(CHANNEL_ID, [
        {"id": everyone, "type": 0, "deny": VIEW},
        {"id": bot, "type": 1, "allow": VIEW | SEND},
    ])  # fmt: skip
    await channel.send("the member's own overwrite comes last")
    assert [m["content"] for m in fake.messages[CHANNEL_ID]] == [
        "text still goes", "as an administrator", "the member's own overwrite comes last",
    ]  # fmt: skip


async def test_a_server_the_bot_left_and_one_without_the_commands_scope(
    fake: FakeDiscord, client: discord.Client
) -> None:
    fake.deny_commands(DEFAULT_GUILD_ID)
    with pytest.raises(discord.Forbidden):
        await client.http.get_guild_commands(fake.application_id, DEFAULT_GUILD_ID)
    fake.leave_guild(DEFAULT_GUILD_ID)
    with pytest.raises(discord.Forbidden):
        await client.http.get_guild(DEFAULT_GUILD_ID)
    with pytest.raises(discord.NotFound):
        await client.http.get_member(DEFAULT_GUILD_ID, fake.bot_user_id)
