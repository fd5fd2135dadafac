"""Confirm before publishing, on Discord: the draft as an ephemeral picture with buttons,
component interactions deciding it, a form for the time; refusals change nothing."""

from __future__ import annotations

import asyncio
import copy
import io
from pathlib import Path

import pytest
from PIL import Image

from bot.deliver.picture import find_browser
from bot.deliver.picture.page import page_width
from tests.admin.support import (
    StartApp,
    all_delivered,
    dc_button,
    dc_buttons,
    dc_command,
    dc_edit_of,
    dc_message,
    dc_press,
    eventually,
    followup,
    option,
    reply_to,
)
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_gateway import GatewayDiscord
from tests.fakes.telegram_api import FakeTelegram

EPHEMERAL = 1 << 6
needs_chromium = pytest.mark.skipif(
    find_browser() is None, reason="no Chromium to draw with: `make system-deps` installs it"
)
TITLE, TEXT = option("title", "Sports day"), option("text", "Football and volleyball on Sunday.")


@needs_chromium
async def test_announce_shows_an_ephemeral_picture_and_waits_for_publish(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path
) -> None:
    app = await start_app()
    data = await dc_message(dc, "announce", TITLE, TEXT)
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("Draft: «Sports day» for tg-news, dc-news.")
    assert [label for label, _ in dc_buttons(data)] == ["Publish now", "Schedule…", "Cancel"]
    [attachment] = data["attachments"]
    assert attachment["filename"] == "preview.png"
    picture = Image.open(io.BytesIO(dc.attachment_bytes(attachment["id"])))
    assert picture.format == "PNG" and picture.width == 2 * page_width()
    await asyncio.sleep(0.3)
    assert dc.messages[DC_CHANNEL] == [] and tg.messages_in(TG_CHAT) == []

    message, publish = copy.deepcopy(data), dc_button(data, "Publish now")
    payload, body = await dc_press(dc, message, publish)
    assert body["type"] == 6  # acknowledged at once, then the message is edited
    edited = await dc_edit_of(dc, payload)
    assert edited["content"].startswith("Publishing «Sports day» to tg-news, dc-news.")
    assert edited["components"] == [] and len(edited["attachments"]) == 1
    [path] = (site / "content" / "announcements").glob("*sports-day.md")
    await all_delivered(app, path.stem, 2)

    again, _ = await dc_press(dc, message, publish)  # pressed twice, before the edit came
    told = await followup(dc, again)
    assert told["content"].startswith("«Sports day» is already published")
    await asyncio.sleep(0.2)
    assert len(app.store.deliveries(post_key=path.stem)) == 2


async def test_schedule_opens_a_form_for_the_time(
    start_app: StartApp, dc: GatewayDiscord, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")  # the text preview instead
    app = await start_app()
    data = await dc_message(dc, "announce", TITLE, TEXT)
    assert "Preview of «Sports day»" in data["content"] and data["attachments"] == []
    message = data
    payload, form = await dc_press(dc, message, dc_button(data, "Schedule…"))
    assert form["type"] == 9
    [field] = [row["components"][0] for row in form["data"]["components"]]

    async def submit(value: str) -> dict[str, object]:
        submitted = dc.new_modal_submit(
            form["data"]["custom_id"], {field["custom_id"]: value}, user_id=7001,
            channel_id=int(message["channel_id"]), message=message, permissions=1 << 5,
        )  # fmt: skip
        await dc.dispatch_interaction(submitted)
        return submitted

    wrong = await submit("someday")
    body = await reply_to(dc, wrong)
    assert body["type"] == 4 and "'someday' is not a time of day" in body["data"]["content"]
    assert app.scheduler.jobs() == []
    # a form lives until submitted; a wrong time closes it, so press Schedule… again
    payload, form = await dc_press(dc, message, dc_button(data, "Schedule…"))
    [field] = [row["components"][0] for row in form["data"]["components"]]
    done = await submit("in 3h")
    edited = await dc_edit_of(dc, done)
    assert edited["content"].startswith("«Sports day» will be published")
    assert edited["components"] == []
    [path] = (site / "content" / "announcements").glob("*sports-day.md")
    assert f"post:{path.stem}:publish" in {j.id for j in app.scheduler.jobs()}


async def test_only_admins_decide_and_forged_buttons_do_nothing(
    start_app: StartApp, dc: GatewayDiscord, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")
    app = await start_app()
    message = data = await dc_message(dc, "announce", TITLE, TEXT)
    publish = dc_button(data, "Publish now")
    member, body = await dc_press(dc, message, publish, user_id=7002, permissions=0)
    assert body["type"] == 4 and body["data"]["content"] == (
        "Sorry, these commands are for the association's admins."
    )
    made_up = {"type": 2, "style": 2, "label": "Publish now", "custom_id": "dr:AAAAAAAAAAAA:p"}
    forged = {**message, "components": [{"type": 1, "components": [made_up]}]}  # a client's
    payload, _ = await dc_press(dc, forged, "dr:AAAAAAAAAAAA:p")
    told = await followup(dc, payload)
    assert told["content"].startswith("I do not know this draft") and told["flags"] & EPHEMERAL
    await asyncio.sleep(0.2)
    assert dc.messages[DC_CHANNEL] == [] and app.store.deliveries() == []
    assert not (site / "content" / "announcements").exists()
    assert [d.state for d in app.store.waiting_drafts()] == ["open"]


async def test_japanese_locale_gets_japanese_words(
    start_app: StartApp, dc: GatewayDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")
    await start_app()
    data = await dc_message(dc, "announce", TITLE, TEXT, locale="ja")
    labels = [label for label, _ in dc_buttons(data)]
    assert labels == ["今すぐ公開", "予約…", "取り消す"]
    assert data["content"].startswith("下書き")
    status = await dc_command(dc, "status", locale="ja")
    assert "まだ何も送っていません" in status["content"]


async def test_schedule_with_a_new_text_is_a_draft_with_its_time(
    start_app: StartApp, dc: GatewayDiscord, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")
    app = await start_app()
    data = await dc_message(dc, "schedule", option("when", "in 3h"), TITLE, TEXT)
    labels = [label for label, _ in dc_buttons(data)]
    assert labels[0].startswith("Schedule for ") and labels[1:] == [
        "Publish now", "Schedule…", "Cancel"
    ]  # fmt: skip
    assert not any(j.kind == "publish" for j in app.scheduler.jobs())
    payload, _ = await dc_press(dc, data, dc_buttons(data)[0][1])
    edited = await dc_edit_of(dc, payload)
    assert edited["content"].startswith("«Sports day» will be published")
    [path] = (site / "content" / "announcements").glob("*sports-day.md")
    assert f"post:{path.stem}:publish" in {j.id for j in app.scheduler.jobs()}


@needs_chromium
async def test_preview_is_an_ephemeral_picture(start_app: StartApp, dc: GatewayDiscord) -> None:
    await start_app()
    data = await dc_message(dc, "preview", option("post", "2023-01-23-70th-anniversary"))
    assert data["flags"] & EPHEMERAL and data["content"].startswith("Preview of «70th")
    [attachment] = data["attachments"]
    picture = Image.open(io.BytesIO(dc.attachment_bytes(attachment["id"])))
    assert attachment["filename"] == "preview.png" and picture.width == 2 * page_width()
    assert dc.messages[DC_CHANNEL] == []


@needs_chromium
async def test_an_editors_draft_reaches_the_admin_channel_as_a_picture(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord
) -> None:
    editors = 1_302_146_010_203_700_002
    dc.add_role(editors, name="Editors")
    admin_channel = 777_000_000_000_000_099
    await start_app(admin={"editor_roles": [str(editors)]},
                    discord={"admin_channel": str(admin_channel)})  # fmt: skip
    sent = await dc_message(dc, "announce", TITLE, TEXT, permissions=0, roles=(editors,))
    assert sent["content"].startswith("Your draft «Sports day» went to the admins")
    [review] = await eventually(lambda: dc.messages[admin_channel])
    [attachment] = review["attachments"]
    assert attachment["filename"] == "preview.png" and attachment["width"] == 2 * page_width()
    assert [label for label, _ in dc_buttons(review)] == ["Approve", "Reject"]
    [on_telegram] = await eventually(lambda: tg.messages_in("-1009876543210"))
    assert on_telegram.media_type == "photo" and on_telegram.width == 2 * page_width()
