"""Admin commands on Telegram, end to end: updates by getUpdates polling, answers by the Bot API."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.admin.commands import NAMES
from bot.admin.telegram import REFUSAL
from bot.ingest.writer import read_frontmatter
from tests.admin.support import (
    ADMIN,
    ADMIN_CHAT,
    ARTICLE,
    KEY,
    MEMBER,
    StartApp,
    all_delivered,
    eventually,
    jpeg,
    snapshot,
    tg_command,
    watch_batches,
)
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_gateway import GatewayDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import preview_document


async def test_members_see_help_only_and_admins_every_command(
    start_app: StartApp, tg: FakeTelegram
) -> None:
    await start_app()
    assert [c["command"] for c in tg.commands_for()] == ["help"]
    listed = tg.commands_for({"type": "chat", "chat_id": ADMIN})
    assert {c["command"] for c in listed} == NAMES | {"help"}
    assert tg.commands_for({"type": "chat", "chat_id": int(ADMIN_CHAT)}) == listed
    assert tg.commands_for({"type": "chat", "chat_id": MEMBER}) == []
    assert tg.commands_for({"type": "chat", "chat_id": ADMIN}, language_code="ja") == []
    await tg_command(tg, "/status", language_code="ja")  # the first command from a Japanese app
    in_japanese = await eventually(
        lambda: tg.commands_for({"type": "chat", "chat_id": ADMIN}, language_code="ja")
    )
    assert [c["command"] for c in in_japanese] == [c["command"] for c in listed]
    assert in_japanese[-1]["description"] == "このボットの役割と使い方"
    assert tg.commands_for(language_code="ja")[0]["description"] == "このボットの役割と使い方"
    assert tg.commands_for(language_code="km") == []
    assert tg.calls_to("getUpdates")


async def test_announcement_chat_admins_may_be_admins(
    start_app: StartApp, tg: FakeTelegram
) -> None:
    tg.register_chat(TG_CHAT, type="supergroup", owner_id=7_000, admin_ids=(7_001,))
    await start_app(telegram={"admins": [], "chat_admins_are_admins": True})
    assert {c["command"] for c in tg.commands_for({"type": "chat", "chat_id": 7_001})} >= NAMES
    [status] = await tg_command(tg, "/status", user=7_001)
    assert status.text.startswith("tg-news (telegram): nothing sent yet")
    [refused] = await tg_command(tg, "/status", user=MEMBER)
    assert refused.text == REFUSAL
    assert len(tg.calls_to("getChatAdministrators")) == 1  # cached


async def test_announce_from_telegram_reaches_every_channel_once(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path
) -> None:
    app = await start_app(admin={"confirm": False})
    batches = watch_batches(app)
    first = tg.make_command_update(
        text="/announce Khmer New Year party\nJoin us on **14 April** at the community hall.",
        user_id=ADMIN, chat_id=ADMIN, photo=jpeg("red"),
    )  # fmt: skip
    second = tg.make_command_update(text="", user_id=ADMIN, chat_id=ADMIN, photo=jpeg("blue"))
    for update in (first, second):
        update["message"]["media_group_id"] = "album-1"
        tg.push_update(update)
    [answer] = await eventually(lambda: tg.messages_in(ADMIN))
    assert answer.text.startswith(
        "Publishing «Khmer New Year party» with 2 photos to tg-news, dc-news."
    )

    [path] = (site / "content" / "announcements").glob("*.md")
    key = path.stem
    meta = read_frontmatter(path.read_text(encoding="utf-8"))
    assert meta["title"] == "Khmer New Year party"
    assert datetime.fromisoformat(meta["date"]).utcoffset() == timedelta(hours=9)
    assert meta["images"] == [f"/images/posts/{key}-1.jpg", f"/images/posts/{key}-2.jpg"]
    assert (site / "static" / "images" / "posts" / f"{key}-2.jpg").read_bytes() == jpeg("blue")
    assert path.read_text(encoding="utf-8").endswith(
        "\n\nJoin us on **14 April** at the community hall.\n"
    )

    await all_delivered(app, key, 2)
    await eventually(
        lambda: any(path.resolve() in batch for batch in batches)
    )  # the watcher saw it
    await asyncio.sleep(0.2)
    in_chat = [m for m in tg.messages_in(TG_CHAT) if "Khmer New Year party" in m.text]
    assert len(in_chat) == 1 and in_chat[0].media_group_id  # one album, captioned once
    assert sum(1 for m in tg.messages_in(TG_CHAT) if m.media_type == "photo") == 2
    on_discord = [
        m
        for m in dc.messages[DC_CHANNEL]
        if m["embeds"] and m["embeds"][0]["title"] == "Khmer New Year party"
    ]
    assert len(on_discord) == 1 and len(on_discord[0]["attachments"]) == 2
    assert "**" not in on_discord[0]["embeds"][0]["description"].replace("**14 April**", "")
    assert len(app.store.deliveries(post_key=key)) == 2


async def test_only_admins_are_answered(
    start_app: StartApp, tg: FakeTelegram, site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await start_app()
    before = snapshot(site)
    [refused] = await tg_command(tg, "/announce Free pizza\nFor everyone!", user=MEMBER)
    assert refused.text == REFUSAL
    assert "refused /announce from user 5002" in caplog.text
    [help_text] = await tg_command(tg, "/help", user=MEMBER)
    assert "commands are for the association's admins" in help_text.text
    tg.push_update(
        tg.make_command_update(
            text="/status", user_id=ADMIN, chat_id=-100777, chat_type="supergroup"
        )
    )
    [status] = await tg_command(tg, "/status@assoc_test_bot", chat=ADMIN_CHAT)
    assert status.text.startswith("tg-news (telegram): nothing sent yet")
    await asyncio.sleep(0.2)
    assert tg.messages_in(-100777) == [] and tg.messages_in(ADMIN_CHAT) == []
    assert len(tg.messages_in(ADMIN)) == 1  # nothing for the command in an unknown group
    assert snapshot(site) == before


async def test_preview_without_a_renderer_shows_the_telegram_html(
    start_app: StartApp, tg: FakeTelegram, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")  # no picture: text instead
    app = await start_app()
    summary, html = await tg_command(tg, "/preview 70th anniversary", answers=2)
    assert summary.text.startswith("Preview of «70th Anniversary of the Diplomatic Relations")
    assert "Telegram (tg-news): " in summary.text and "album of 2 photos" in summary.text
    assert "Discord (dc-news): " in summary.text
    first = preview_document(app.settings, site / ARTICLE, "telegram")["requests"][0]
    assert html.parse_mode == "HTML" and html.html == first["params"]["media"][0]["caption"]
    assert tg.messages_in(TG_CHAT) == []


async def test_status_and_resend(start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord) -> None:
    app = await start_app()
    [answer] = await tg_command(tg, "/resend 70th anniversary dc-news")
    assert (
        answer.text.startswith("Sending «70th Anniversary")
        and "again to dc-news (1 delivery queued)" in answer.text
    )
    await all_delivered(app, KEY, 1)
    [status] = await tg_command(tg, "/status")
    assert (
        "dc-news (discord): last delivery " in status.text
        and "0 pending, 0 failed, 1 sent" in status.text
    )
    assert "tg-news (telegram): nothing sent yet" in status.text
    assert len(dc.messages[DC_CHANNEL]) == 1 and tg.messages_in(TG_CHAT) == []


async def test_mistakes_get_a_clear_answer_and_change_nothing(
    start_app: StartApp, tg: FakeTelegram, site: Path
) -> None:
    app = await start_app()
    before, jobs = snapshot(site), app.scheduler.jobs()
    cases = {
        f"/schedule {KEY} 2020-01-01 10:00": "Wed 2020-01-01 10:00 JST has already passed",
        f"/schedule {KEY} someday": "no time found at the end",
        "/preview nothing like this": "No post matches 'nothing like this'",
        "/resend no-such-post": "No post matches 'no-such-post'",
        "/announce " + "x" * 300 + "\nThe text.": "The title has 300 characters; the limit is 256.",
        "/announce A title but no text": "The announcement needs a text below its title.",
        "/announce to:tg-news,nowhere Title\nText": "Unknown channel nowhere",
        f"/remind {KEY} 1d": "is not an event",
        "/cancel post:nothing:publish": "No scheduled job 'post:nothing:publish'",
        "/frobnicate": "/frobnicate is not a command I know",
    }
    for command, expected in cases.items():
        [answer] = await tg_command(tg, command)
        assert expected in answer.text, (command, answer.text)
    late = tg.make_command_update(
        text="/announce Old news\nFrom an hour ago", user_id=ADMIN, chat_id=ADMIN
    )
    late["message"]["date"] -= 3600
    tg.push_update(late)
    [answer] = await eventually(lambda: tg.messages_in(ADMIN)[len(cases) :])
    assert "reached me late" in answer.text
    assert snapshot(site) == before
    assert app.scheduler.jobs() == jobs and app.store.deliveries() == []
