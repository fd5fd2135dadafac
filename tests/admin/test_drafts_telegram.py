"""Confirm before publishing, on Telegram: the draft as a picture with buttons, callback queries
deciding it, the time given by a reply; refusals change nothing."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.admin.telegram import REFUSAL
from bot.deliver.picture import find_browser
from bot.deliver.picture.page import page_width
from bot.store.models import DraftRow
from tests.admin.support import (
    ADMIN,
    ADMIN_CHAT,
    KEY,
    MEMBER,
    StartApp,
    all_delivered,
    button,
    eventually,
    jpeg,
    keyboard,
    snapshot,
    tg_command,
    tg_press,
)
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_gateway import GatewayDiscord
from tests.fakes.telegram_api import FakeTelegram, SentMessage

needs_chromium = pytest.mark.skipif(
    find_browser() is None, reason="no Chromium to draw with: `make system-deps` installs it"
)
ANNOUNCE = "/announce Khmer New Year party\nJoin us on **14 April** at the community hall."


def nothing_sent(tg: FakeTelegram, dc: GatewayDiscord, site: Path) -> bool:
    return (
        tg.messages_in(TG_CHAT) == []
        and dc.messages[DC_CHANNEL] == []
        and not (site / "content" / "announcements").exists()
    )


@needs_chromium
async def test_announce_shows_the_picture_and_waits_for_publish(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path
) -> None:
    app = await start_app()
    [draft] = await tg_command(tg, ANNOUNCE, photo=jpeg("red", (640, 480)))
    assert draft.media_type == "photo" and draft.chat_id == ADMIN
    assert draft.text.startswith("Draft: «Khmer New Year party» for tg-news, dc-news.")
    assert "Nothing goes out before you press Publish now." in draft.text
    assert [[label for label, _ in row] for row in keyboard(draft)] == [
        ["Publish now", "Schedule…"], ["Cancel"]
    ]  # fmt: skip
    assert draft.width == 2 * page_width() and draft.height and draft.height > 600
    await asyncio.sleep(0.3)
    assert nothing_sent(tg, dc, site)
    [waiting] = app.store.waiting_drafts()
    assert waiting.state == "open" and waiting.author_id == str(ADMIN)
    assert (site / "data" / "drafts" / waiting.token / "1.jpg").read_bytes() == jpeg(
        "red", (640, 480)
    )

    publish = button(draft, "Publish now")
    answered = await tg_press(tg, draft, publish)
    assert answered["text"].startswith("Publishing «Khmer New Year party» with 1 photo")
    [path] = (site / "content" / "announcements").glob("*.md")
    await all_delivered(app, path.stem, 2)
    outcome = await eventually(lambda: tg.messages_in(ADMIN)[1:])
    assert outcome[0].text.startswith("Publishing «Khmer New Year party» with 1 photo to")
    assert outcome[0].reply_to == draft.message_id
    assert keyboard(tg.messages_in(ADMIN)[0]) == []  # the buttons are gone
    assert not (site / "data" / "drafts" / waiting.token).exists()

    again = await tg_press(tg, draft, publish)  # a second press
    assert again["text"].startswith("«Khmer New Year party» is already published")
    await asyncio.sleep(0.3)
    assert len(app.store.deliveries(post_key=path.stem)) == 2
    assert len(list((site / "content" / "announcements").glob("*.md"))) == 1
    in_chat = [m for m in tg.messages_in(TG_CHAT) if "Khmer New Year party" in m.text]
    assert len(in_chat) == 1


async def test_schedule_asks_for_a_time_by_reply(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")  # the text preview instead
    app = await start_app()
    [draft] = await tg_command(tg, ANNOUNCE)
    assert draft.media_type is None and "Preview of «Khmer New Year party»" in draft.text
    token = draft_token(draft)
    answered = await tg_press(tg, draft, button(draft, "Schedule…"))
    assert answered["text"] == "Reply to my question with the time."
    [question] = await eventually(lambda: tg.messages_in(ADMIN)[1:])
    assert question.text.startswith("When should «Khmer New Year party» go out?")

    [wrong] = await tg_command(tg, "someday", reply_to=question.message)
    assert "no time" in wrong.text or "is not" in wrong.text
    [done] = await tg_command(tg, "in 3h", reply_to=question.message)
    assert done.text.startswith("«Khmer New Year party» will be published")
    [path] = (site / "content" / "announcements").glob("*.md")
    assert f"post:{path.stem}:publish" in {j.id for j in app.scheduler.jobs()}
    await eventually(lambda: keyboard(tg.messages_in(ADMIN)[0]) == [])
    assert tg.messages_in(TG_CHAT) == []
    decided = app.store.draft(token)
    assert decided is not None and decided.state == "scheduled" and decided.post_key == path.stem


def draft_token(message: SentMessage) -> str:
    return keyboard(message)[0][0][1].split(":")[1]


async def test_refusals_publish_nothing_and_lose_nothing(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")
    app = await start_app()
    [draft] = await tg_command(tg, ANNOUNCE, photo=jpeg("blue"))
    token, publish = draft_token(draft), button(draft, "Publish now")
    answers = {
        "member": await tg_press(tg, draft, publish, user=MEMBER),
        "forged token": await tg_press(tg, draft, "dr:AAAAAAAAAAAAAAAA:p"),
        "forged action": await tg_press(tg, draft, f"dr:{token}:z"),
        "garbage": await tg_press(tg, draft, "publish everything"),
        "approve on an own draft": await tg_press(tg, draft, f"dr:{token}:y"),
    }
    assert answers["member"]["text"] == REFUSAL and answers["member"]["show_alert"]
    assert answers["forged token"]["text"].startswith("I do not know this draft")
    assert answers["forged action"]["text"] == "This button is not one of mine; nothing was done."
    assert answers["garbage"]["text"] == answers["forged action"]["text"]
    assert answers["approve on an own draft"]["text"].startswith("This button does not belong")
    assert "refused a button press from user 5002" in caplog.text

    shutil.rmtree(site / "data" / "drafts" / token)  # the photos deleted meanwhile
    gone = await tg_press(tg, draft, publish)
    assert gone["text"].startswith("Photo 1 of this draft (message ") and gone["show_alert"]
    assert app.store.draft(token).state == "open"  # type: ignore[union-attr]

    with app.store.session() as s:  # a day passes
        s.execute(update(DraftRow).values(expires_at=app.clock() - timedelta(minutes=1)))
    expired = await tg_press(tg, draft, publish)
    assert expired["text"].startswith("The draft «Khmer New Year party» expired")
    await eventually(lambda: keyboard(tg.messages_in(ADMIN)[0]) == [])
    await asyncio.sleep(0.2)
    assert nothing_sent(tg, dc, site)
    assert app.store.draft(token).body.startswith("Join us on **14 April**")  # type: ignore[union-attr]


async def test_cancel_and_a_draft_that_survives_a_restart(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")
    first = await start_app()
    [kept] = await tg_command(tg, "/announce Film night\nFriday at 19:00.")
    [dropped] = await tg_command(tg, "/announce Old plan\nNot any more.")
    publish_dropped = button(dropped, "Publish now")
    cancelled = await tg_press(tg, dropped, button(dropped, "Cancel"))
    assert cancelled["text"] == "Cancelled: «Old plan» was not published."
    await first.stop(grace=2)

    second = await start_app()
    answered = await tg_press(tg, kept, button(kept, "Publish now"))
    assert answered["text"].startswith("Publishing «Film night» to tg-news, dc-news.")
    [path] = (site / "content" / "announcements").glob("*.md")
    assert path.stem.endswith("film-night")
    await all_delivered(second, path.stem, 2)
    again = await tg_press(tg, dropped, publish_dropped)
    assert again["text"] == "«Old plan» was cancelled; nothing was published."


async def test_confirm_false_publishes_at_once(
    start_app: StartApp, tg: FakeTelegram, site: Path
) -> None:
    app = await start_app(admin={"confirm": False})
    [answer] = await tg_command(tg, "/announce Film night\nFriday at 19:00.")
    assert answer.text.startswith("Publishing «Film night» to") and keyboard(answer) == []
    assert app.store.waiting_drafts() == []


@needs_chromium
async def test_preview_sends_the_picture_privately(
    start_app: StartApp, tg: FakeTelegram, site: Path
) -> None:
    await start_app()
    before = snapshot(site)
    [shown] = await tg_command(tg, f"/preview {KEY}", chat=ADMIN_CHAT)
    assert shown.chat_id == ADMIN and shown.media_type == "photo"
    assert shown.text.startswith("Preview of «70th Anniversary")
    assert shown.width == 2 * page_width()
    assert tg.messages_in(ADMIN_CHAT) == [] and tg.messages_in(TG_CHAT) == []
    assert snapshot(site) == before


async def test_schedule_with_a_new_text_waits_for_its_own_time(
    start_app: StartApp, tg: FakeTelegram, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")
    app = await start_app()
    [draft] = await tg_command(tg, "/schedule in 3h\nGeneral meeting\nAll members are welcome.")
    assert "Planned for " in draft.text
    labels = [label for row in keyboard(draft) for label, _ in row]
    assert labels[0].startswith("Schedule for ") and labels[1:] == [
        "Publish now", "Schedule…", "Cancel"
    ]  # fmt: skip
    assert not any(j.kind == "publish" for j in app.scheduler.jobs())
    answered = await tg_press(tg, draft, keyboard(draft)[0][0][1])
    assert answered["text"].startswith("«General meeting» will be published")
    [path] = (site / "content" / "announcements").glob("*general-meeting.md")
    assert f"post:{path.stem}:publish" in {j.id for j in app.scheduler.jobs()}
    assert tg.messages_in(TG_CHAT) == []


async def test_khmer_admins_get_khmer_answers_and_buttons(
    start_app: StartApp, tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")
    app = await start_app()
    [draft] = await tg_command(tg, ANNOUNCE, language_code="km")
    assert draft.text.startswith("សេចក្តីព្រាង៖ «Khmer New Year party» សម្រាប់ tg-news, dc-news។")
    assert [[label for label, _ in row] for row in keyboard(draft)] == [
        ["ផ្សាយឥឡូវនេះ", "កំណត់ពេល"], ["បោះបង់"]
    ]  # fmt: skip
    answered = await tg_press(tg, draft, button(draft, "ផ្សាយឥឡូវនេះ"), language_code="km")
    assert answered["text"].startswith("កំពុងផ្សាយ «Khmer New Year party» ទៅ tg-news, dc-news។")
    [path] = (app.content.dir / "announcements").glob("*.md")
    await all_delivered(app, path.stem, 2)
    [outcome] = await eventually(lambda: tg.messages_in(ADMIN)[1:])  # before /status asks
    assert outcome.text.startswith("កំពុងផ្សាយ «Khmer New Year party»")
    [status] = await tg_command(tg, "/status", language_code="ja")
    assert "最終配信" in status.text and "送信済み1件" in status.text
