"""Pictures of real posts, drawn by Chromium and read back with Pillow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.deliver.picture import Chromium, render_png
from bot.deliver.picture.grid import discord_mosaic, telegram_album
from bot.deliver.picture.page import page_width
from bot.deliver.picture.tgview import MEDIA_WIDTH
from tests.helpers import preview_document, write_post

from .support import (
    DC_THEME,
    SCALE,
    TG_THEME,
    colour_pixels,
    differing_fraction,
    hues,
    open_png,
    pane,
    photo,
    photo_blocks,
    text_pixels,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

ARTICLE = "content/posts/2023-01-23-70th-anniversary.md"
PRESS = "content/press/2023-10-30-japan-supports-cambodia.md"
KHMER = "សមាគមនិស្សិតកម្ពុជានៅប្រទេសជប៉ុន សូមអញ្ជើញសមាជិកទាំងអស់ ចូលរួមពិធីជប់លៀងចុងឆ្នាំ។"
JAPANESE = "在日カンボジア学生協会は、会員の皆さまを年末パーティーにご招待します。🎉"


async def draw(settings: Settings, path: Path, chromium: Chromium, **kw: Any) -> bytes:
    document = preview_document(settings, path, None)
    return await render_png(document, browser=chromium, **kw)


async def test_the_article_shows_its_album_caption_and_gallery(
    site: Path, make_settings: Callable[..., Settings], chromium: Chromium
) -> None:
    image = open_png(await draw(make_settings(), site / ARTICLE, chromium))
    assert image.width == page_width() * SCALE
    assert image.height > 1000 * SCALE  # the caption, the rest of the text, the embed

    tg = pane(image, 0)
    blocks = photo_blocks(tg, TG_THEME, 12 * SCALE, 380 * SCALE)
    assert len(blocks) == 1, blocks  # one album: the two photos, one above the other
    top, bottom = blocks[0]
    expected = telegram_album([(960, 640)] * 2, MEDIA_WIDTH).height * SCALE
    assert abs((bottom - top) - expected) <= 6
    caption = (12 * SCALE, bottom + 10, 380 * SCALE, bottom + 120 * SCALE)
    assert text_pixels(tg, caption) > 2000  # the title and the first lines

    dc = pane(image, 1)
    gallery = photo_blocks(dc, DC_THEME, 90 * SCALE, 390 * SCALE)
    assert len(gallery) == 1, gallery
    height = discord_mosaic([(960, 640)] * 2, 306).height * SCALE
    assert abs((gallery[0][1] - gallery[0][0]) - height) <= 6
    above = (90 * SCALE, 60 * SCALE, 400 * SCALE, gallery[0][0] - 10)
    assert text_pixels(dc, above) > 20_000  # the embed's title and description


async def test_the_press_text_is_text_only_and_notes_its_missing_frontmatter(
    site: Path, make_settings: Callable[..., Settings], chromium: Chromium
) -> None:
    image = open_png(await draw(make_settings(), site / PRESS, chromium))
    assert image.width == page_width() * SCALE
    note = (0, 0, image.width, 14 * SCALE)
    assert colour_pixels(image.crop(note), (59, 50, 16), 8) > image.width * 10  # the note strip
    for index, theme in ((0, TG_THEME), (1, DC_THEME)):
        side = pane(image, index)
        assert photo_blocks(side, theme, 90 * SCALE, 380 * SCALE) == []
        body = (20 * SCALE, 150 * SCALE, 400 * SCALE, 1200 * SCALE)
        assert text_pixels(side, body) > 30_000


async def test_a_change_in_the_post_changes_the_picture(
    site: Path, make_settings: Callable[..., Settings], chromium: Chromium
) -> None:
    settings = make_settings()
    before = open_png(await draw(settings, site / ARTICLE, chromium, platform="telegram"))
    again = open_png(await draw(settings, site / ARTICLE, chromium, platform="telegram"))
    assert differing_fraction(before, again) == 0  # the same requests draw the same picture
    path = site / ARTICLE
    path.write_text(path.read_text("utf-8").replace("70th Anniversary", "75th Jubilee"), "utf-8")
    after = open_png(await draw(settings, path, chromium, platform="telegram"))
    assert after.size == before.size
    assert 0 < differing_fraction(before, after) < 0.05  # only the title's words moved


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [("km", "ពិធីជប់លៀងចុងឆ្នាំ", KHMER), ("ja", "年末パーティー", JAPANESE)],
)
async def test_khmer_and_japanese_posts_are_drawn(
    site: Path,
    make_settings: Callable[..., Settings],
    chromium: Chromium,
    lang: str,
    title: str,
    text: str,
) -> None:
    photo(site / f"static/images/posts/{lang}.jpeg", (1200, 800), (200, 40, 160))
    path = write_post(
        site / f"content/posts/{lang}.md",
        title,
        text,
        extra=f"lang: {lang}\nimage:\n  - '/images/posts/{lang}.jpeg'\n",
    )
    image = open_png(await draw(make_settings(), path, chromium))
    for index, theme in ((0, TG_THEME), (1, DC_THEME)):
        side = pane(image, index)
        assert colour_pixels(side, (200, 40, 160)) > 20_000  # the photo
        blocks = photo_blocks(side, theme, 100 * SCALE, 370 * SCALE)
        assert blocks, "no photo drawn"
        below = (20 * SCALE, blocks[-1][1] + 4, 400 * SCALE, blocks[-1][1] + 90 * SCALE)
        above = (80 * SCALE, 60 * SCALE, 400 * SCALE, blocks[0][0] - 4)
        assert max(text_pixels(side, below), text_pixels(side, above)) > 1500


async def test_twelve_photos_make_two_albums_and_all_show_on_discord(
    site: Path, make_settings: Callable[..., Settings], chromium: Chromium
) -> None:
    colours = hues(12)
    for i, colour in enumerate(colours):
        photo(site / f"static/images/posts/many-{i:02}.jpeg", (900, 600), colour)
    listed = "".join(f"  - '/images/posts/many-{i:02}.jpeg'\n" for i in range(12))
    path = write_post(
        site / "content/posts/many.md", "Twelve photos", "A day out.", extra=f"image:\n{listed}"
    )
    image = open_png(await draw(make_settings(), path, chromium))
    tg, dc = pane(image, 0), pane(image, 1)
    assert len(photo_blocks(tg, TG_THEME, 12 * SCALE, 380 * SCALE)) == 2  # 6 + 6, not 10 + 2
    for colour in colours:
        assert colour_pixels(tg, colour, 30) > 2000, colour
        assert colour_pixels(dc, colour, 30) > 2000, colour
