"""Admin commands on Discord, end to end: interactions over the gateway, answers over REST."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.admin.commands import NAMES
from bot.admin.discord import REFUSAL
from bot.ingest.writer import read_frontmatter
from tests.admin.support import (
    KEY,
    ROLE,
    JsonObject,
    StartApp,
    all_delivered,
    dc_command,
    interaction,
    jpeg,
    option,
    reply_to,
    snapshot,
)
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_gateway import GatewayDiscord
from tests.fakes.telegram_api import FakeTelegram

EPHEMERAL = 1 << 6


async def test_commands_are_registered_in_the_guild_for_managers(
    start_app: StartApp, dc: GatewayDiscord
) -> None:
    await start_app()
    commands = dc.commands[(dc.application_id, dc.guild_id)]
    assert {c["name"] for c in commands} == NAMES
    assert {c["default_member_permissions"] for c in commands} == {"32"}  # Manage Server
    assert (dc.application_id, None) not in dc.commands  # nothing global
    [identify] = dc.identifies
    assert identify["intents"] == 1 and identify["token"] == "[REDACTED]"  # guilds only
    assert dc.heartbeats >= 1
    announce = next(c for c in commands if c["name"] == "announce")
    assert [(o["name"], o["type"], o["required"]) for o in announce["options"]] == [
        ("title", 3, False), ("text", 3, False), ("channels", 3, False),
        ("image1", 11, False), ("image2", 11, False), ("image3", 11, False),
    ]  # fmt: skip


async def test_announce_from_discord_reaches_every_channel_once(
    start_app: StartApp, tg: FakeTelegram, dc: GatewayDiscord, site: Path
) -> None:
    app = await start_app(admin={"confirm": False})
    poster = dc.add_attachment(jpeg("green"), "poster.jpg")
    text = option("text", "Football and volleyball on Sunday.")
    image = option("image1", poster["id"], 11)
    resolved = {"attachments": {poster["id"]: poster}}
    data = await dc_command(
        dc, "announce", option("title", "Sports day"), text, image, resolved=resolved
    )
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("Publishing «Sports day» with 1 photo to tg-news, dc-news.")
    [path] = (site / "content" / "announcements").glob("*sports-day.md")
    assert read_frontmatter(path.read_text(encoding="utf-8"))["images"] == [
        f"/images/posts/{path.stem}-1.jpg"
    ]
    await all_delivered(app, path.stem, 2)
    assert [m.media_type for m in tg.messages_in(TG_CHAT) if "Sports day" in m.text] == ["photo"]
    embeds = [m["embeds"][0] for m in dc.messages[DC_CHANNEL] if m["embeds"]]
    assert [e["title"] for e in embeds] == ["Sports day"]

    status = await dc_command(dc, "status")
    assert status["flags"] & EPHEMERAL
    assert "tg-news (telegram): last delivery " in status["content"]
    assert "dc-news (discord): last delivery " in status["content"]
    assert status["content"].count("0 pending, 0 failed, 1 sent") == 2


async def test_announce_without_text_opens_a_form_for_line_breaks(
    start_app: StartApp, dc: GatewayDiscord, site: Path
) -> None:
    await start_app(admin={"confirm": False})
    opener = interaction(dc, "announce", option("title", "Film night"), user_id=7001)
    await dc.dispatch_interaction(opener)
    form = await reply_to(dc, opener)
    assert form["type"] == 9 and form["data"]["title"] == "New announcement"
    title, text = (row["components"][0] for row in form["data"]["components"])
    assert title["value"] == "Film night" and text["style"] == 2  # a paragraph field

    def submission(user_id: int, body: str) -> JsonObject:
        payload = interaction(dc, "announce", user_id=user_id)
        rows = [(title["custom_id"], "Film night"), (text["custom_id"], body)]
        components = [
            {"type": 1, "components": [{"type": 4, "custom_id": c, "value": v}]} for c, v in rows
        ]
        payload.update(
            type=5, data={"custom_id": form["data"]["custom_id"], "components": components}
        )
        return payload

    forged = submission(7002, "Someone else's text")
    await dc.dispatch_interaction(forged)
    genuine = submission(7001, "Friday at 19:00.\n\nPopcorn included.")
    await dc.dispatch_interaction(genuine)
    body = await reply_to(dc, genuine)
    assert body["type"] == 4 and body["data"]["content"].startswith("Publishing «Film night» to")
    [path] = (site / "content" / "announcements").glob("*film-night.md")
    assert path.read_text(encoding="utf-8").endswith("\n\nFriday at 19:00.\n\nPopcorn included.\n")
    assert not any(c.path.startswith(f"/interactions/{forged['id']}/") for c in dc.calls)


async def test_members_without_manage_server_or_the_role_are_refused(
    start_app: StartApp, dc: GatewayDiscord, site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await start_app()
    before = snapshot(site)
    refused = await dc_command(
        dc, "announce", option("title", "Free pizza"), option("text", "For all"), permissions=0
    )
    assert refused == {"tts": False, "content": REFUSAL, "flags": EPHEMERAL}
    assert "refused /announce from user" in caplog.text
    allowed = await dc_command(dc, "status", permissions=0, roles=(ROLE,))
    assert allowed["content"].startswith("tg-news (telegram): nothing sent yet")
    other = await dc_command(dc, "status", permissions=0, roles=(ROLE + 1,))
    assert other["content"] == REFUSAL
    assert snapshot(site) == before


async def test_autocomplete_and_preview_without_a_renderer(
    start_app: StartApp, dc: GatewayDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CHROMIUM", "/nonexistent/chromium")  # no picture: embeds instead
    await start_app()
    typing = interaction(
        dc, "preview", {"name": "post", "type": 3, "value": "70th", "focused": True}
    )
    typing["type"] = 4
    await dc.dispatch_interaction(typing)
    body = await reply_to(dc, typing)
    assert body["type"] == 8
    [choice] = body["data"]["choices"]
    assert choice["value"] == KEY and len(choice["name"]) == 100
    assert (
        choice["name"]
        == "70th Anniversary of the Diplomatic Relations between Cambodia and Jap… · " + KEY
    )
    shown = await dc_command(dc, "preview", option("post", KEY))
    assert shown["flags"] & EPHEMERAL
    assert shown["content"].startswith("Preview of «70th Anniversary")
    embed = shown["embeds"][0]
    assert (
        embed["title"].startswith("70th Anniversary")
        and embed["image"]["url"] == "attachment://230123-1-1.jpeg"
    )
    assert [e["image"]["url"] for e in shown["embeds"][1:]] == ["attachment://230123-1-2.jpeg"]
    followups = f"/webhooks/{dc.application_id}/"
    call = next(c for c in dc.calls if c.path.startswith(followups) and c.json == shown)
    assert sorted(f.filename for f in call.files) == ["230123-1-1.jpeg", "230123-1-2.jpeg"]
    assert dc.messages[DC_CHANNEL] == []


async def test_schedule_an_existing_post(start_app: StartApp, dc: GatewayDiscord) -> None:
    app = await start_app()
    data = await dc_command(dc, "schedule", option("when", "in 3h"), option("post", KEY))
    assert (
        data["content"].startswith("«70th Anniversary") and f"post:{KEY}:publish" in data["content"]
    )
    assert {j.id for j in app.scheduler.jobs()} == {f"post:{KEY}:publish"}
    queue = await dc_command(dc, "queue")
    assert queue["content"].startswith("1 scheduled job:")


async def test_mistakes_get_a_clear_answer_and_change_nothing(
    start_app: StartApp, dc: GatewayDiscord, site: Path
) -> None:
    app = await start_app()
    before, jobs = snapshot(site), app.scheduler.jobs()
    text = option("text", "Body")
    cases = [
        (
            ("announce", option("title", "Long"), option("text", "x" * 20_001)),
            "The text has 20,001 characters",
        ),
        (("announce", option("title", "T" * 257), text), "The title has 257 characters"),
        (
            ("announce", option("title", "Where"), text, option("channels", "dc-news,nowhere")),
            "Unknown channel nowhere",
        ),
        (
            ("schedule", option("when", "someday"), option("post", KEY)),
            "'someday' is not a time of day",
        ),
        (
            ("schedule", option("when", "2020-01-01 10:00"), option("post", KEY)),
            "has already passed",
        ),
        (("schedule", option("when", "in 2h"), option("post", KEY), text), "either a post or"),
        (("schedule", option("when", "in 2h"), option("title", "A" * 300), text), "has 300 char"),
        (("preview", option("post", "no-such-post")), "No post matches 'no-such-post'"),
        (("remind", option("post", KEY), option("offsets", "1d")), "is not an event"),
        (("resend", option("post", KEY), option("channel", "nowhere")), "Unknown channel nowhere"),
    ]
    for (command, *options), expected in cases:
        data = await dc_command(dc, str(command), *(o for o in options if isinstance(o, dict)))
        assert expected in data["content"] and data["flags"] & EPHEMERAL, (command, data)
    assert snapshot(site) == before
    assert app.scheduler.jobs() == jobs and app.store.deliveries() == []
