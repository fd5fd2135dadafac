"""Album and gallery grids: every photo placed once, inside the frame, without overlaps."""

from __future__ import annotations

from itertools import combinations

import pytest

from bot.deliver.picture.grid import Grid, discord_mosaic, telegram_album

LANDSCAPE, PORTRAIT, SQUARE = (1200, 800), (800, 1200), (1000, 1000)


def check(grid: Grid, count: int) -> None:
    assert sorted(t.index for t in grid.tiles) == list(range(count))
    for t in grid.tiles:
        assert t.w > 20 and t.h > 20
        assert t.x >= -0.01 and t.x + t.w <= grid.width + 0.01
        assert t.y >= -0.01 and t.y + t.h <= grid.height + 0.01
    for a, b in combinations(grid.tiles, 2):
        apart = a.x + a.w <= b.x + 0.01 or b.x + b.w <= a.x + 0.01
        apart = apart or a.y + a.h <= b.y + 0.01 or b.y + b.h <= a.y + 0.01
        assert apart, (a, b)


@pytest.mark.parametrize("count", range(1, 11))
@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT, SQUARE, None])
def test_telegram_albums_place_every_photo(count: int, size: tuple[int, int] | None) -> None:
    grid = telegram_album([size] * count, 376)
    check(grid, count)
    assert grid.width == 376
    assert grid.height <= 376 * 4 / 3 + 0.01


def test_telegram_album_shapes() -> None:
    two_wide = telegram_album([LANDSCAPE, LANDSCAPE], 376)
    assert [t.x for t in two_wide.tiles] == [0, 0]  # one above the other
    two_square = telegram_album([SQUARE, SQUARE], 376)
    assert two_square.tiles[0].y == two_square.tiles[1].y == 0  # side by side
    tall_first = telegram_album([PORTRAIT, LANDSCAPE, LANDSCAPE], 376)
    left, *right = tall_first.tiles
    assert left.h == pytest.approx(tall_first.height) and all(t.x > left.w for t in right)
    mixed = telegram_album([LANDSCAPE] * 3, 376)
    assert mixed.tiles[0].w == 376 and mixed.tiles[1].y > 0  # one wide on top of two


@pytest.mark.parametrize("count", range(1, 11))
def test_discord_mosaics_place_every_image(count: int) -> None:
    check(discord_mosaic([LANDSCAPE] * count, 340), count)


def test_a_lone_discord_image_keeps_its_shape() -> None:
    grid = discord_mosaic([PORTRAIT], 340)
    assert grid.tiles[0].w / grid.tiles[0].h == pytest.approx(800 / 1200)
