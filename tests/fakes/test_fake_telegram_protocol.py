"""The Telegram fake, driven by an unmodified python-telegram-bot over real HTTP: faults,
flood control, the HTTP protocol and updates."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import socket

import aiohttp
import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat, InputMediaPhoto, Update
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from .telegram_api import FakeTelegram, ManualClock
from .telegram_support import GROUP_ID, USER_ID, jpeg

# -- faults and flood control ---------------------------------------------------------------


async def test_scripted_429_surfaces_as_retry_after(
    tg: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    tg.fail_next("sendMessage", retry_after=7)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER_ID, "hello")
    message = await bot.send_message(USER_ID, "hello")

    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert tg.calls_to("sendMessage")[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert message.message_id == 1
    assert tg.rate_limit_hits == 0


async def test_scripted_500_surfaces_as_network_error(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next(status=500)

    with pytest.raises(NetworkError) as caught:
        await bot.send_message(USER_ID, "hello")

    assert type(caught.value) is NetworkError
    assert "Internal Server Error" in caught.value.message
    assert tg.sent == []


async def test_slow_answer_times_out_although_the_message_was_sent(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.fail_next("sendMessage", status=200, delay=5.0)

    with pytest.raises(TimedOut):
        await bot.send_message(USER_ID, "sent twice?", read_timeout=0.5)

    assert [m.text for m in tg.messages_in(USER_ID)] == ["sent twice?"]


async def test_flood_limit_per_chat(
    tg: FakeTelegram, bot: Bot, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    await bot.send_message(USER_ID, "first")

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER_ID, "second, too soon")
    await bot.send_message(USER_ID + 1, "another chat is fine")
    clock.advance(0.96)
    await bot.send_message(USER_ID, "second, within the tolerance")

    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert tg.rate_limit_hits == 1
    assert [m.text for m in tg.messages_in(USER_ID)] == ["first", "second, within the tolerance"]


async def test_an_album_counts_as_one_message_per_item(
    tg: FakeTelegram, bot: Bot, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    await bot.send_media_group(USER_ID, [InputMediaPhoto(jpeg()) for _ in range(3)])
    clock.advance(1)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER_ID, "right after the album")
    clock.advance(2)
    await bot.send_message(USER_ID, "after three seconds")

    assert caught.value.retry_after == dtm.timedelta(seconds=2)


async def test_flood_limit_per_group_and_overall(
    tg: FakeTelegram, bot: Bot, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    for index in range(20):
        await bot.send_message(GROUP_ID, f"announcement {index}")
        clock.advance(1)
    with pytest.raises(RetryAfter) as per_group:
        await bot.send_message(GROUP_ID, "the 21st within a minute")

    clock.advance(60)
    for user in range(30):
        await bot.send_message(200 + user, "broadcast")
    with pytest.raises(RetryAfter) as overall:
        await bot.send_message(300, "the 31st within a second")

    assert per_group.value.retry_after == dtm.timedelta(seconds=40)
    assert overall.value.retry_after == dtm.timedelta(seconds=1)
    assert tg.rate_limit_hits == 2


# -- protocol -------------------------------------------------------------------------------


async def test_wrong_token_and_unknown_method(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("654321:WRONG", base_url=tg.base_url):
            pass
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendPigeon", api_kwargs={"chat_id": USER_ID})

    async with aiohttp.ClientSession() as session:
        async with session.post(f"{tg.base_url}{tg.token}/sendPigeon") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with session.get(f"{tg.base_url}654321:WRONG/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"
        async with session.get(f"{tg.base_url}not-a-token/getMe") as response:
            assert response.status == 404


async def test_json_bodies_query_strings_and_typed_form_fields(tg: FakeTelegram) -> None:
    url = f"{tg.base_url}{tg.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"chat_id": USER_ID, "text": "via JSON"}) as response:
            assert (await response.json())["result"]["text"] == "via JSON"
        async with session.get(url, params={"chat_id": "-100200", "text": "true"}) as response:
            assert (await response.json())["result"]["text"] == "true"
        form = {"chat_id": "300", "text": "123", "disable_notification": "true"}
        async with session.post(url, data=form) as response:
            assert response.headers["Content-Type"].startswith("application/json")
            assert (await response.json())["result"]["text"] == "123"

    assert [call.params for call in tg.calls] == [
        {"chat_id": USER_ID, "text": "via JSON"},
        {"chat_id": -100200, "text": "true"},
        {"chat_id": 300, "text": "123", "disable_notification": True},
    ]


async def test_a_second_poller_terminates_the_first(tg: FakeTelegram) -> None:
    url = f"{tg.base_url}{tg.token}/getUpdates"
    async with aiohttp.ClientSession() as session:

        async def poll(seconds: int) -> tuple[int, str]:
            async with session.post(url, json={"timeout": seconds}) as response:
                return response.status, (await response.json()).get("description", "")

        first = asyncio.create_task(poll(10))
        await asyncio.sleep(0.05)
        assert await poll(0) == (200, "")
        status, description = await asyncio.wait_for(first, 2)

    assert status == 409
    assert description.startswith("Conflict: terminated by other getUpdates request")
    assert tg.poll_conflicts == 1


async def test_a_poller_that_went_away_is_not_told_of_a_conflict(tg: FakeTelegram) -> None:
    url = f"{tg.base_url}{tg.token}/getUpdates"
    async with aiohttp.ClientSession() as gone:
        first = asyncio.create_task(gone.post(url, json={"timeout": 10}))
        await asyncio.sleep(0.05)
        first.cancel()  # a stopped or killed process: its connection closes
        await asyncio.gather(first, return_exceptions=True)
    await asyncio.sleep(0.05)
    async with aiohttp.ClientSession() as session, session.post(url, json={"timeout": 0}) as r:
        assert r.status == 200
    await asyncio.sleep(0.05)
    assert tg.poll_conflicts == 0


async def test_commands_are_kept_per_scope_and_language(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("post", "Publish an announcement")])
    await bot.set_my_commands([BotCommand("post", "Publier une annonce")], language_code="fr")
    admins_chat = BotCommandScopeChat(GROUP_ID)
    await bot.set_my_commands(
        [BotCommand("queue", "Scheduled posts"), BotCommand("status", "Deliveries")],
        scope=admins_chat,
    )

    assert [c.command for c in await bot.get_my_commands(scope=admins_chat)] == [
        "queue",
        "status",
    ]
    assert (await bot.get_my_commands(language_code="fr"))[0].description == "Publier une annonce"
    assert set(tg.commands) == {
        ("default", None, None, ""),
        ("default", None, None, "fr"),
        ("chat", GROUP_ID, None, ""),
    }
    await bot.delete_my_commands(language_code="fr")
    assert tg.commands_for(language_code="fr") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Post", "Upper case is not allowed")])


# -- updates --------------------------------------------------------------------------------


async def test_long_poll_returns_as_soon_as_an_update_is_pushed(tg: FakeTelegram, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    update_id = tg.push_update(
        tg.make_command_update(text="/status", user_id=USER_ID, chat_id=USER_ID)
    )

    updates = await asyncio.wait_for(poll, 2)

    assert loop.time() - started < 2
    assert [u.update_id for u in updates] == [update_id]
    assert updates[0].message is not None and updates[0].message.text == "/status"
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert tg.pending_updates == []


async def test_application_polls_and_a_command_handler_answers(tg: FakeTelegram) -> None:
    seen: list[list[str]] = []
    answered = asyncio.Event()

    async def post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(list(context.args or []))
        await update.effective_message.reply_text("Queued for Friday")
        answered.set()

    app = (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("post", post))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        tg.push_update(
            tg.make_command_update(text="/post spring-gala", user_id=USER_ID, chat_id=USER_ID)
        )
        await asyncio.wait_for(answered.wait(), 5)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    assert seen == [["spring-gala"]]
    assert [m.text for m in tg.messages_in(USER_ID)] == ["Queued for Friday"]
    assert tg.pending_updates == []
    polls = tg.calls_to("getUpdates")
    assert polls and all(call.status in (200, None) for call in polls)


async def test_command_update_with_photo_can_be_downloaded(tg: FakeTelegram, bot: Bot) -> None:
    photo = jpeg(120, 90)
    tg.push_update(
        tg.make_command_update(
            text="/post", caption="/post with a poster", photo=photo, user_id=7, chat_id=7
        )
    )

    [update] = await bot.get_updates(timeout=0)

    assert update.message is not None and update.message.caption == "/post with a poster"
    assert update.message.caption_entities[0].type == "bot_command"
    file = await update.message.photo[-1].get_file()
    assert bytes(await file.download_as_bytearray()) == photo


async def test_server_leaves_nothing_behind() -> None:
    tasks_before = asyncio.all_tasks()
    fake = FakeTelegram()
    await fake.start()
    port = fake.port
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0.05)
        await fake.stop()
        assert await asyncio.wait_for(poll, 2) == ()

    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    assert asyncio.all_tasks() == tasks_before
    assert json.dumps(fake.calls[-1].response) == '{"ok": true, "result": []}'
