"""Ids, routes and helpers shared by the tests of the Discord fake."""

from __future__ import annotations

import io

from PIL import Image

from .discord_api import FakeDiscord

CHANNEL_ID = 1_302_150_000_000_000_001
OTHER_CHANNEL_ID = 1_302_150_000_000_000_002
MESSAGE_ROUTE = "POST /channels/{channel_id}/messages"
WINDOW = 0.4


def jpeg(width: int = 64, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def bot_headers(fake: FakeDiscord) -> dict[str, str]:
    return {"Authorization": f"Bot {fake.token}"}
