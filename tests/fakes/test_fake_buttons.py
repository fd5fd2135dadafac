"""Buttons on the fakes, driven by the unmodified libraries: Telegram's inline keyboards and
callback answers within their limits; Discord's components within theirs, the interactions a
press makes and the message its answer updates, and direct-message channels."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from .discord_api import FakeDiscord
from .discord_support import CHANNEL_ID
from .telegram_api import FakeTelegram, ManualClock
from .telegram_support import USER_ID

# -- Telegram -----------------------------------------------------------------------------------


async def test_callback_data_over_64_bytes_is_refused(
    tg: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("ផ្សាយ", callback_data="d" * 64)]])
    await bot.send_message(USER_ID, "ok", reply_markup=fits)
    clock.advance(1.1)  # the chat's flood limit
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("ផ្សាយ", callback_data="ផ" * 22)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):  # 66 bytes in UTF-8
        await bot.send_message(USER_ID, "too long", reply_markup=too_long)
    assert [m.text for m in tg.messages_in(USER_ID)] == ["ok"]


async def test_a_callback_answer_is_at_most_200_characters(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER_ID, "draft")
    tg.push_update(tg.make_callback_update(data="x", user_id=USER_ID, message=sent.to_dict()))
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.from_user.language_code == "en"
    with pytest.raises(BadRequest, match="(?i)message_too_long"):
        await query.answer("x" * 201)
    assert await query.answer("y" * 200) is True


async def test_the_buttons_come_off_a_message(tg: FakeTelegram, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Publish", callback_data="p")]])
    sent = await bot.send_message(USER_ID, "draft", reply_markup=keyboard)
    await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=None)
    [stored] = tg.messages_in(USER_ID)
    assert stored.reply_markup is None and stored.edit_count == 1
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=None)


# -- Discord ------------------------------------------------------------------------------------


def row(*buttons: dict[str, object]) -> dict[str, object]:
    return {"type": 1, "components": list(buttons)}


def button(custom_id: str, label: str = "Publish") -> dict[str, object]:
    return {"type": 2, "style": 2, "label": label, "custom_id": custom_id}


async def post(client: discord.Client, route: str, body: dict[str, object], **ids: object) -> Any:
    """A raw request through discord.py's HTTP client (its rate limits and headers)."""
    return await client.http.request(discord.http.Route("POST", route, **ids), json=body)


MESSAGES = "/channels/{channel_id}/messages"


async def test_components_within_discords_limits(fake: FakeDiscord, client: discord.Client) -> None:
    ok = await post(client, MESSAGES, {"content": "draft", "components": [row(button("a"))]},
                    channel_id=CHANNEL_ID)  # fmt: skip
    assert ok["components"] == [row(button("a"))]
    bad = {
        "custom_id": [row(button("x" * 101))],
        "label": [row(button("a", "L" * 81))],
        "rows": [row(button(str(i))) for i in range(6)],
        "per row": [row(*(button(str(i)) for i in range(6)))],
        "a link with an id": [row({**button("a"), "style": 5, "url": "https://example.org"})],
    }
    for what, components in bad.items():
        with pytest.raises(discord.HTTPException) as caught:
            await post(client, MESSAGES, {"content": "draft", "components": components},
                       channel_id=CHANNEL_ID)  # fmt: skip
        assert caught.value.status == 400, what


async def test_a_press_updates_its_message_and_a_dm_channel_opens(
    fake: FakeDiscord, client: discord.Client
) -> None:
    sent = await post(client, MESSAGES, {"content": "draft", "components": [
        row(button("dr:abcdefgh:p"))]}, channel_id=CHANNEL_ID)  # fmt: skip
    message = fake.message(sent["id"])
    press = fake.new_component_interaction(message, "dr:abcdefgh:p", user_id=42, locale="ja")
    assert press["type"] == 3 and press["locale"] == "ja"
    assert press["data"] == {"custom_id": "dr:abcdefgh:p", "component_type": 2}
    assert press["message"]["components"] == message["components"]
    callback = "/interactions/{interaction_id}/{interaction_token}/callback"
    update = {"type": 7, "data": {"content": "Published", "components": []}}
    await post(client, callback, update, interaction_id=press["id"],
               interaction_token=press["token"])  # fmt: skip
    updated = fake.message(message["id"])
    assert updated["content"] == "Published" and updated["components"] == []
    with pytest.raises(discord.HTTPException):  # answered once only
        await post(client, callback, update, interaction_id=press["id"],
                   interaction_token=press["token"])  # fmt: skip

    dm = await client.create_dm(discord.Object(id=7003))
    assert fake.dm_channel(7003) == dm.id
    await dm.send("Approved")
    assert [m["content"] for m in fake.messages[dm.id]] == ["Approved"]
