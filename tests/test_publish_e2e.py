"""`publish` delivers both samples to a Telegram chat, a Discord channel and a webhook."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import preview_document, publish_now

ARTICLE = "content/posts/2023-01-23-70th-anniversary.md"
PRESS = "content/press/2023-10-30-japan-supports-cambodia.md"


def quiet() -> Console:
    return Console(file=io.StringIO())


async def test_publish_both_samples_everywhere(
    site: Path, make_settings, tg: FakeTelegram, dc: FakeDiscord
) -> None:
    settings = make_settings(tg=tg, dc=dc)
    for rel in (ARTICLE, PRESS):
        failures = await publish_now(settings, site / rel, None, quiet())
        assert failures == 0

    chat = tg.messages_in(TG_CHAT)
    photos = [m for m in chat if m.kind == "photo" or m.media_type == "photo"]
    assert len(photos) == 2, [m.kind for m in chat]
    assert photos[0].media_group_id and photos[0].media_group_id == photos[1].media_group_id
    assert photos[0].text.startswith("70th Anniversary")
    texts = " ".join(m.text for m in chat)
    assert "for an endless end" in texts
    assert "Japan to continue supporting" in texts and "Phnom Penh, 30 October 2023" in texts
    # two separate `publish` runs do not share pacing: a 429 may occur and is honoured
    assert tg.rate_limit_hits <= 1

    channel = dc.messages[DC_CHANNEL]
    bot_msgs = [m for m in channel if not m.get("webhook_id")]
    hook_msgs = [m for m in channel if m.get("webhook_id")]
    assert bot_msgs and hook_msgs
    first = bot_msgs[0]
    assert first["embeds"][0]["title"].startswith("70th Anniversary")
    assert first["embeds"][0]["image"]["url"].endswith("230123-1-1.jpeg")
    assert {a["filename"] for a in first["attachments"]} == {"230123-1-1.jpeg", "230123-1-2.jpeg"}
    assert any("Japan to continue" in json.dumps(m["embeds"], ensure_ascii=False) for m in bot_msgs)
    assert any(
        "Japan to continue" in json.dumps(m["embeds"], ensure_ascii=False) for m in hook_msgs
    )
    assert dc.rate_limit_hits == 0


async def test_preview_json_is_what_publish_sends(
    site: Path, make_settings, tg: FakeTelegram, dc: FakeDiscord
) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False)
    document = preview_document(settings, site / ARTICLE, None)
    await publish_now(settings, site / ARTICLE, None, quiet())

    tg_planned = [r for r in document["requests"] if r["platform"] == "telegram"]
    tg_made = [c for c in tg.calls if c.method.startswith("send")]
    assert [r["method"] for r in tg_planned] == [c.method for c in tg_made]
    for planned, made in zip(tg_planned, tg_made, strict=True):
        if planned["method"] == "sendMessage":
            assert made.params["text"] == planned["params"]["text"]
        if planned["method"] == "sendMediaGroup":
            captions = [m.get("caption") for m in made.params["media"]]
            assert captions[0] == planned["params"]["media"][0]["caption"]
            assert captions[1:] == [None] * (len(captions) - 1)

    dc_planned = [r for r in document["requests"] if r["platform"] == "discord"]
    dc_made = [c for c in dc.calls if c.method == "POST" and "/messages" in c.path]
    assert [r["path"] for r in dc_planned] == [c.path.removeprefix("/api/v10") for c in dc_made]
    for planned, made in zip(dc_planned, dc_made, strict=True):
        for sent, want in zip(made.json["embeds"], planned["params"]["embeds"], strict=True):
            for key, value in want.items():
                assert sent[key] == value, key
        # a manual publication is a delivery of its own, with nonces of its own
        assert 0 < len(made.json["nonce"]) <= 25 and made.json["enforce_nonce"] is True
        assert made.json["nonce"] != planned["params"]["nonce"]
