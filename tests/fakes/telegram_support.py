"""Ids and images shared by the tests of the Telegram fake."""

from __future__ import annotations

import io

from PIL import Image

USER_ID = 111_111
GROUP_ID = -1_001_234_567_890


def jpeg(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (210, 40, 60)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()
