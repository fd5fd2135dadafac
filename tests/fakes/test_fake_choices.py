"""The fakes know what per-channel choices send, with the documented limits, driven by the real
libraries: Telegram pins (and the right they need) and inline keyboards; Discord forum threads
with tags, link buttons, flags, mention rules, pins and the crosspost limit."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord.http import Route, handle_message_parameters
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from .discord_api import FakeDiscord
from .discord_support import CHANNEL_ID, bot_headers
from .telegram_api import FakeTelegram
from .telegram_support import GROUP_ID

# -- Telegram ------------------------------------------------------------------------------------


async def test_pinning_needs_the_right(tg: FakeTelegram, bot: Bot) -> None:
    tg.register_chat(GROUP_ID, type="supergroup")
    sent = await bot.send_message(GROUP_ID, "Party on Saturday")
    assert await bot.pin_chat_message(GROUP_ID, sent.message_id, disable_notification=True)
    assert tg.pinned_in(GROUP_ID) == [sent.message_id]
    [call] = tg.calls_to("pinChatMessage")
    assert call.params["disable_notification"] is True and not call.unknown_params
    assert await bot.unpin_chat_message(GROUP_ID, sent.message_id)
    assert tg.pinned_in(GROUP_ID) == []
    with pytest.raises(BadRequest, match="(?i)message to pin not found"):
        await bot.pin_chat_message(GROUP_ID, 999)
    tg.register_chat(GROUP_ID, type="supergroup", bot_can_pin=False)
    with pytest.raises(BadRequest, match="(?i)not enough rights to manage pinned messages"):
        await bot.pin_chat_message(GROUP_ID, sent.message_id)
    member = await bot.get_chat_member(GROUP_ID, tg.bot_id)
    assert member.can_pin_messages is False  # type: ignore[attr-defined]


async def test_a_deleted_message_is_no_longer_pinned(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(GROUP_ID, "x")
    await bot.pin_chat_message(GROUP_ID, sent.message_id)
    await bot.delete_message(GROUP_ID, sent.message_id)
    assert tg.pinned_in(GROUP_ID) == []


async def test_inline_keyboards_follow_the_bot_api_rules(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_rate_limits = False
    good = InlineKeyboardMarkup([[InlineKeyboardButton("Read", url="https://example.org/a")]])
    sent = await bot.send_message(GROUP_ID, "x", reply_markup=good)
    assert tg.messages_in(GROUP_ID)[-1].reply_markup == {
        "inline_keyboard": [[{"text": "Read", "url": "https://example.org/a"}]]
    }
    cases: list[tuple[Any, str]] = [
        ([[{"text": "Read", "url": "javascript:alert(1)"}]], "BUTTON_URL_INVALID"),
        ([[{"text": "Only text"}]], "Text buttons are unallowed"),
        ([[{"text": "x", "callback_data": "d" * 65}]], "BUTTON_DATA_INVALID"),
        ([[{"text": "", "url": "https://example.org"}]], "text must be non-empty"),
        ([[{"text": "x", "url": "https://example.org", "callback_data": "a"}]], "only one"),
    ]
    for rows, error in cases:
        with pytest.raises(BadRequest, match="(?i)" + error):
            await bot.send_message(GROUP_ID, "x", reply_markup={"inline_keyboard": rows})  # type: ignore[arg-type]
    await bot.edit_message_text("y", GROUP_ID, sent.message_id)  # without it: removed
    assert tg.messages_in(GROUP_ID)[0].message.get("reply_markup") is None


# -- Discord -------------------------------------------------------------------------------------


async def thread(client: discord.Client, forum: int, **channel: Any) -> dict[str, Any]:
    message: dict[str, Any] = channel.pop("message", {"content": "Hello"})
    with handle_message_parameters(**message, channel_payload=channel) as params:
        return dict(await client.http.start_thread_in_forum(forum, params=params))


async def test_a_forum_post_is_a_thread_with_tags(
    fake: FakeDiscord, client: discord.Client
) -> None:
    forum = fake.add_forum(tags=("events", "news"))
    events = fake.forum_tag_id(forum, "events")
    data = await thread(client, forum, name="Year-end party", applied_tags=[events])
    assert data["parent_id"] == str(forum) and data["applied_tags"] == [events]
    assert data["message"]["id"] == data["id"]  # the starter message has the thread's id
    info = await client.http.get_channel(forum)
    assert info["type"] == 15 and [t["name"] for t in info["available_tags"]] == ["events", "news"]
    await client.http.send_message(int(data["id"]), params=handle_message_parameters("In it"))
    assert [m["content"] for m in fake.thread_messages(data["id"])] == ["Hello", "In it"]
    for bad, code in (
        ({"name": "x" * 101}, 50035),
        ({"name": "t", "applied_tags": [events] * 6}, 50035),
        ({"name": "t", "applied_tags": ["123"]}, 50035),
    ):
        with pytest.raises(discord.HTTPException) as info_:
            await thread(client, forum, **bad)
        assert info_.value.code == code
    strict = fake.add_forum(tags=("events",), require_tag=True)
    with pytest.raises(discord.HTTPException) as needed:
        await thread(client, strict, name="untagged")
    assert needed.value.code == 40067
    with pytest.raises(discord.HTTPException):  # a text channel is no forum
        await thread(client, CHANNEL_ID, name="t")
    await client.http.request(Route("DELETE", "/channels/{channel_id}", channel_id=int(data["id"])))
    assert not fake.thread_messages(data["id"])


def buttons(n: int, **extra: Any) -> dict[str, Any]:
    return {"type": 1, "components": [
        {"type": 2, "style": 5, "label": f"b{i}", "url": "https://example.org", **extra}
        for i in range(n)]}  # fmt: skip


async def post(fake: FakeDiscord, session: Any, body: dict[str, Any], path: str = "") -> Any:
    url = f"{fake.api_url}{path or f'/channels/{CHANNEL_ID}/messages'}"
    async with session.post(url, json=body, headers=bot_headers(fake)) as response:
        return response.status, await response.json(content_type=None)


async def test_link_buttons_flags_and_mentions(fake: FakeDiscord, session: Any) -> None:
    fake.enforce_rate_limits = False
    role = "1300000000000000999"
    ok = {"content": f"<@&{role}> party", "components": [buttons(5)], "flags": 4096,
          "allowed_mentions": {"parse": [], "roles": [role]}}  # fmt: skip
    status, message = await post(fake, session, ok)
    assert status == 200 and message["flags"] & 4096 and message["mention_roles"] == [role]
    status, quiet = await post(fake, session, {"content": f"<@&{role}>", "allowed_mentions":
                                               {"parse": []}})  # fmt: skip
    assert quiet["mention_roles"] == []
    for bad in (
        {"content": "x", "components": [buttons(6)]},  # six in a row
        {"content": "x", "components": [buttons(1)] * 6},  # six rows
        {
            "content": "x",
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 5, "label": "x" * 81, "url": "https://e.org"}
                    ],
                }
            ],
        },  # a label over 80 characters
        {"content": "x", "components": [buttons(1, custom_id="c")]},  # a link with an id
        {"content": "x", "flags": 2},  # not a flag a message is created with
        {"content": "x", "allowed_mentions": {"parse": ["roles"], "roles": [role]}},
    ):
        status, error = await post(fake, session, bad)
        assert (status, error.get("code")) == (400, 50035), (bad, error)


async def test_webhooks_send_link_buttons_only_when_asked(fake: FakeDiscord, session: Any) -> None:
    hook = fake.create_webhook(channel_id=CHANNEL_ID)
    path = f"/webhooks/{hook.id}/{hook.token}?wait=true"
    status, plain = await post(fake, session, {"content": "x", "components": [buttons(1)]}, path)
    assert status == 200 and plain["components"] == []
    status, shown = await post(fake, session, {"content": "x", "components": [buttons(1)]},
                               path + "&with_components=true")  # fmt: skip
    assert status == 200 and shown["components"][0]["components"][0]["style"] == 5
    interactive = {"type": 1, "components": [{"type": 2, "style": 1, "label": "Go",
                                              "custom_id": "go"}]}  # fmt: skip
    status, _ = await post(fake, session, {"content": "x", "components": [interactive]},
                           path + "&with_components=true")  # fmt: skip
    assert status == 400


async def test_pins_need_the_permission_and_leave_a_notice(
    fake: FakeDiscord, client: discord.Client
) -> None:
    message = await client.http.send_message(CHANNEL_ID, params=handle_message_parameters("Hi"))
    await client.http.pin_message(CHANNEL_ID, message["id"])
    assert fake.pins[CHANNEL_ID] == [int(message["id"])]
    assert fake.message(message["id"])["pinned"] is True
    assert fake.messages[CHANNEL_ID][-1]["type"] == 6  # "pinned a message"
    await client.http.unpin_message(CHANNEL_ID, message["id"])
    assert fake.pins[CHANNEL_ID] == [] and fake.message(message["id"])["pinned"] is False
    old = Route("PUT", "/channels/{channel_id}/pins/{message_id}", channel_id=CHANNEL_ID,
                message_id=message["id"])  # fmt: skip
    await client.http.request(old)  # the older route works too
    assert fake.pins[CHANNEL_ID] == [int(message["id"])]
    fake.forbid_pins(CHANNEL_ID)
    with pytest.raises(discord.Forbidden):
        await client.http.pin_message(CHANNEL_ID, message["id"])


async def test_crossposts_are_limited_per_channel(fake: FakeDiscord, session: Any) -> None:
    fake.crosspost_rate = (2, 3600.0)
    news = fake.add_channel(channel_type=5)
    answers = []
    for i in range(3):
        status, message = await post(
            fake, session, {"content": str(i)}, f"/channels/{news}/messages"
        )
        answers.append(await post(fake, session, {}, f"/channels/{news}/messages/{message['id']}"
                                  "/crosspost"))  # fmt: skip
    assert [status for status, _ in answers] == [200, 200, 429]
    assert answers[0][1]["flags"] & 1  # CROSSPOSTED
    assert answers[2][1]["retry_after"] > 3000
    status, again = await post(fake, session, {}, f"/channels/{news}/messages/{message['id']}"
                               "/crosspost")  # fmt: skip
    assert status == 429
    text = fake.add_channel()
    status, message = await post(fake, session, {"content": "x"}, f"/channels/{text}/messages")
    status, error = await post(fake, session, {}, f"/channels/{text}/messages/{message['id']}"
                               "/crosspost")  # fmt: skip
    assert (status, error["code"]) == (400, 50024)  # only announcement channels
