"""Editors draft, admins decide: an editor's /announce reaches the admin chats of both platforms
with Approve / Reject, only an admin's press counts, and the editor is told privately."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.admin.telegram import REFUSAL
from tests.admin.support import (
    ADMIN,
    ADMIN_CHAT,
    MEMBER,
    ROLE,
    StartApp,
    all_delivered,
    button,
    dc_button,
    dc_buttons,
    dc_edit_of,
    dc_message,
    dc_press,
    eventually,
    followup,
    keyboard,
    option,
    tg_command,
    tg_press,
)
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_gateway import GatewayDiscord
from tests.fakes.telegram_api import FakeTelegram

EDITOR = 5_003
EDITOR_ROLE = 1_302_146_010_203_700_002
DC_ADMIN = 777_000_000_000_000_099
DC_EDITOR = 7_003


@pytest.fixture(autouse=True)
def _text_previews(monkeypatch: pytest.MonkeyPatch, dc: GatewayDiscord) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")  # pictures: see test_drafts_*
    dc.add_role(EDITOR_ROLE, name="Editors")


def editors(**more: Any) -> dict[str, Any]:
    return {
        "admin": {"editors": [EDITOR], "editor_roles": [str(EDITOR_ROLE)]},
        "discord": {"admin_channel": str(DC_ADMIN), **more.pop("discord", {})},
        **more,
    }


async def test_a_telegram_editors_draft_is_approved_by_an_admin(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path
) -> None:
    app = await start_app(**editors())
    listed = tg.commands_for({"type": "chat", "chat_id": EDITOR})
    assert [c["command"] for c in listed] == ["announce", "preview", "help"]
    [sent] = await tg_command(tg, "/announce Charity run\nSunday 8:00 at the park.", user=EDITOR)
    assert sent.text.startswith("Your draft «Charity run» went to the admins for approval")
    assert keyboard(sent) == []
    [review] = await eventually(lambda: tg.messages_in(ADMIN_CHAT))
    assert review.text.startswith("User 5003 asks to publish «Charity run» to tg-news, dc-news.")
    assert [[label for label, _ in row] for row in keyboard(review)] == [["Approve", "Reject"]]
    [on_discord] = await eventually(lambda: dc.messages[DC_ADMIN])
    assert on_discord["content"].startswith("User 5003 asks to publish «Charity run»")
    assert [label for label, _ in dc_buttons(on_discord)] == ["Approve", "Reject"]
    approve = button(review, "Approve")

    by_editor = await tg_press(tg, review, approve, user=EDITOR)
    assert by_editor["text"] == "Only an admin can decide about a draft. Nothing was done."
    by_member = await tg_press(tg, review, approve, user=MEMBER)
    assert by_member["text"] == REFUSAL
    [status] = await tg_command(tg, "/status", user=EDITOR)
    assert status.text == REFUSAL
    [helped] = await tg_command(tg, "/help", user=EDITOR)
    assert "Commands for editors" in helped.text and "/queue" not in helped.text
    await asyncio.sleep(0.2)
    assert tg.messages_in(TG_CHAT) == [] and not (site / "content" / "announcements").exists()

    answered = await tg_press(tg, review, approve)
    assert answered["text"].startswith("Approved by User 5001.\nPublishing «Charity run»")
    [path] = (site / "content" / "announcements").glob("*charity-run.md")
    await all_delivered(app, path.stem, 2)
    told = await eventually(
        lambda: [m.text for m in tg.messages_in(EDITOR) if "approved" in m.text]
    )
    assert told == ["User 5001 approved your draft «Charity run»: it is being published now."]
    decided = await eventually(lambda: tg.messages_in(ADMIN_CHAT)[1:])
    assert decided[0].text.startswith("Approved by User 5001.") and keyboard(review) == []

    late, _ = await dc_press(dc, on_discord, dc_button(on_discord, "Approve"), permissions=1 << 5)
    assert (await followup(dc, late))["content"].startswith("«Charity run» is already published")
    await asyncio.sleep(0.2)
    assert len(app.store.deliveries(post_key=path.stem)) == 2


async def test_a_discord_editors_draft_is_rejected_and_the_editor_keeps_the_text(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path
) -> None:
    app = await start_app(**editors())
    title, text = option("title", "Bake sale"), option("text", "Cakes at the **entrance**.")
    sent = await dc_message(dc, "announce", title, text, permissions=0, roles=(EDITOR_ROLE,),
                            user_id=DC_EDITOR)  # fmt: skip
    assert sent["content"].startswith("Your draft «Bake sale» went to the admins")
    assert sent["components"] == []
    [review] = await eventually(lambda: dc.messages[DC_ADMIN])
    [on_telegram] = await eventually(lambda: tg.messages_in(ADMIN_CHAT))
    assert keyboard(on_telegram)  # Approve / Reject there too

    refused, _ = await dc_press(dc, review, dc_button(review, "Approve"), user_id=DC_EDITOR,
                                permissions=0, roles=(EDITOR_ROLE,))  # fmt: skip
    assert (await followup(dc, refused))["content"].startswith("Only an admin can decide")
    pressed, _ = await dc_press(dc, review, dc_button(review, "Reject"), permissions=0,
                                roles=(ROLE,))  # fmt: skip
    edited = await dc_edit_of(dc, pressed)
    assert "rejected «Bake sale»: it was not published" in edited["content"]
    assert edited["components"] == []
    dm = await eventually(lambda: dc.dm_channel(DC_EDITOR))
    [told] = await eventually(lambda: dc.messages[dm])
    assert "did not approve your draft «Bake sale»" in told["content"]
    assert told["content"].endswith("Bake sale\nCakes at the **entrance**.")
    await asyncio.sleep(0.2)
    assert dc.messages[DC_CHANNEL] == [] and tg.messages_in(TG_CHAT) == []
    assert app.store.deliveries() == [] and not (site / "content" / "announcements").exists()
    late = await tg_press(tg, on_telegram, button(on_telegram, "Approve"))
    assert late["text"].startswith("«Bake sale» was rejected by")


async def test_without_an_admin_chat_the_admins_get_the_draft_privately(
    start_app: StartApp, tg: FakeTelegram
) -> None:
    await start_app(**editors(telegram={"admin_chat": None}))
    await tg_command(tg, "/announce Film night\nFriday.", user=EDITOR)
    [review] = await eventually(lambda: tg.messages_in(ADMIN))
    assert review.text.startswith("User 5003 asks to publish «Film night»")
    assert keyboard(review)


async def test_an_editor_with_no_admin_chat_anywhere_is_told_and_nothing_is_kept(
    start_app: StartApp, dc: GatewayDiscord
) -> None:
    app = await start_app(admin={"editor_roles": [str(EDITOR_ROLE)]},
                          telegram={"admins": [], "admin_chat": None})  # fmt: skip
    title, text = option("title", "Bake sale"), option("text", "Cakes.")
    sent = await dc_message(dc, "announce", title, text, permissions=0, roles=(EDITOR_ROLE,))
    assert sent["content"].startswith("There is no admin chat to send your draft to")
    assert app.store.waiting_drafts() == []
