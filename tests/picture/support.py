"""Reading the pictures back: panes, rows of photo, text pixels, bubbles (Pillow only)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

from bot.deliver.picture.page import PANE_GAP, PANE_WIDTH

SCALE = 2  # render_png's device scale factor
NOTE = (59, 50, 16)  # the strip of notes above the panes
TG_THEME = ((14, 22, 33), (24, 37, 51), (23, 33, 43), (30, 44, 58), NOTE)
DC_THEME = ((49, 51, 56), (43, 45, 49), (30, 31, 34), (56, 58, 64), (78, 80, 88), NOTE)
TG_BUBBLE = (24, 37, 51)

Box = tuple[int, int, int, int]


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def pane(image: Image.Image, index: int) -> Image.Image:
    """The index-th platform pane of a picture (0: left)."""
    left = index * (PANE_WIDTH + PANE_GAP) * SCALE
    return image.crop((left, 0, left + PANE_WIDTH * SCALE, image.height))


def foreign(
    image: Image.Image, theme: Iterable[tuple[int, int, int]], tolerance: int = 30
) -> Image.Image:
    """A mask (L): 255 where a pixel is far from every colour of the theme (photo or text)."""
    nearest: Image.Image | None = None
    for colour in theme:
        r, g, b = ImageChops.difference(image, Image.new("RGB", image.size, colour)).split()
        distance = ImageChops.lighter(r, ImageChops.lighter(g, b))
        nearest = distance if nearest is None else ImageChops.darker(nearest, distance)
    assert nearest is not None
    return nearest.point(lambda v: 255 if v > tolerance else 0)


def row_profile(mask: Image.Image, x0: int, x1: int) -> list[float]:
    """For each row, the fraction of the mask's pixels set between x0 and x1."""
    strip = mask.crop((x0, 0, x1, mask.height)).resize((1, mask.height), Image.Resampling.BOX)
    return [v / 255 for v in strip.getdata()]


def runs(flags: Sequence[bool], *, bridge: int = 0) -> list[tuple[int, int]]:
    """[start, end) of each run of True, joining runs split by at most `bridge` False rows."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            if found and start - found[-1][1] <= bridge:
                found[-1] = (found[-1][0], index)
            else:
                found.append((start, index))
            start = None
    return found


def photo_blocks(
    image: Image.Image, theme: Iterable[tuple[int, int, int]], x0: int, x1: int
) -> list[tuple[int, int]]:
    """Vertical extents of the photos drawn between x0 and x1 (rows at least 90 % foreign)."""
    profile = row_profile(foreign(image, theme), x0, x1)
    return [r for r in runs([v > 0.9 for v in profile], bridge=12) if r[1] - r[0] > 20]


def text_pixels(image: Image.Image, box: Box, threshold: int = 150) -> int:
    """How many pixels in the box are bright enough to be text on a dark theme."""
    grey = image.crop(box).convert("L").point(lambda v: 255 if v > threshold else 0)
    return grey.histogram()[255]


def colour_pixels(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 40) -> int:
    """How many pixels are close to `colour`."""
    r, g, b = ImageChops.difference(image, Image.new("RGB", image.size, colour)).split()
    distance = ImageChops.lighter(r, ImageChops.lighter(g, b))
    return distance.point(lambda v: 255 if v <= tolerance else 0).histogram()[255]


def bubbles(tg_pane: Image.Image) -> list[tuple[int, int]]:
    """Vertical extents of Telegram's text bubbles, read down a column inside them."""
    x = 15 * SCALE
    column = [tg_pane.getpixel((x, y)) for y in range(tg_pane.height)]
    near = [
        isinstance(p, tuple) and max(abs(a - b) for a, b in zip(p, TG_BUBBLE, strict=False)) <= 3
        for p in column
    ]
    return [r for r in runs(near) if r[1] - r[0] > 20]


def differing_fraction(a: Image.Image, b: Image.Image) -> float:
    """The fraction of pixels that differ between two same-sized images."""
    assert a.size == b.size
    mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 16 else 0)
    return mask.histogram()[255] / (a.width * a.height)


def photo(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    """A JPEG of one colour with a white disc, as a post's photo."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, colour)
    w, h = size
    ImageDraw.Draw(image).ellipse((w * 0.4, h * 0.4, w * 0.6, h * 0.6), fill=(255, 255, 255))
    image.save(path, "JPEG", quality=95)
    return path


def hues(count: int) -> list[tuple[int, int, int]]:
    """`count` saturated colours spread round the colour wheel."""
    out = []
    for i in range(count):
        image = Image.new("HSV", (1, 1), (round(256 * i / count) % 256, 255, 230))
        out.append(image.convert("RGB").getpixel((0, 0)))
    return [c for c in out if isinstance(c, tuple)]
