"""Khmer and Japanese are drawn with real glyphs, not the boxes of missing ones.

A missing glyph is drawn as the same box whatever the character, so a line of distinct
characters without a font looks exactly like a line of characters no font has (U+10FFFD).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.deliver.picture import Chromium, render_png

from .support import bubbles, differing_fraction, open_png, pane

pytestmark = pytest.mark.asyncio(loop_scope="module")

NO_GLYPH = "\U0010fffd"  # a private-use code point: no font draws it
SAMPLES = {
    "khmer": "កខគឃងចឆជឈញដឋឌឍណតថទធន",
    "japanese": "日本語のテキストを表示します",
    "emoji": "🎉📅🇰🇭🇯🇵",
}


def message(text: str) -> dict[str, Any]:
    request = {"chat_id": "-100", "text": text, "parse_mode": "HTML"}
    return {
        "post": {"title": "glyphs", "due_at": "2026-12-05T18:00:00+09:00"},
        "warnings": [],
        "problems": [],
        "requests": [
            {"channel": "tg", "platform": "telegram", "method": "sendMessage", "params": request}
        ],
    }


async def bubble(text: str, chromium: Chromium) -> Any:
    image = pane(
        open_png(await render_png(message(text), platform="telegram", browser=chromium)), 0
    )
    found = bubbles(image)
    assert len(found) == 1, found
    top, bottom = found[0]
    return image.crop((0, top, image.width, bottom))


@pytest.mark.parametrize("script", sorted(SAMPLES))
async def test_the_script_is_not_drawn_as_missing_glyph_boxes(
    script: str, chromium: Chromium
) -> None:
    text = SAMPLES[script]
    drawn = await bubble(text, chromium)
    boxes = await bubble(NO_GLYPH * len(text), chromium)
    if drawn.size == boxes.size:
        assert differing_fraction(drawn, boxes) > 0.01
    reversed_ = await bubble(text[::-1], chromium)  # the same glyphs in another order
    assert reversed_.size == drawn.size and differing_fraction(drawn, reversed_) > 0.005


async def test_a_missing_glyph_test_can_tell(chromium: Chromium) -> None:
    """Characters no font has all look alike: what the tests above rely on."""
    one = await bubble(NO_GLYPH * 8, chromium)
    two = await bubble("\U0010fffc" * 8, chromium)
    assert one.size == two.size and differing_fraction(one, two) == 0
