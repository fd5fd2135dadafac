"""Where each photo of a group goes: Telegram's album grid and Discord's mosaics (pure).

Telegram lays an album out from the photos' proportions: two side by side or, when both are
wide, one above the other; three or four as one photo above the others or, when the first is
upright, beside a column of them; five and more in rows of up to three, each as high as its
photos allow at the full width, keeping the rows whose height comes closest to 4:3 upright
without thin rows or small photos on top.
Discord uses fixed arrangements by count.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Tile:
    index: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Grid:
    tiles: tuple[Tile, ...]
    width: float
    height: float


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _compositions(n: int, most: int) -> Iterator[tuple[int, ...]]:
    if n == 0:
        yield ()
        return
    for first in range(1, min(most, n) + 1):
        for rest in _compositions(n - first, most):
            yield (first, *rest)


def _rows(ratios: Sequence[float], counts: tuple[int, ...], width: float, gap: float) -> Grid:
    tiles: list[Tile] = []
    y, start = 0.0, 0
    for count in counts:
        row = ratios[start : start + count]
        h = (width - gap * (count - 1)) / sum(row)
        x = 0.0
        for offset, ratio in enumerate(row):
            w = width - x if offset == count - 1 else h * ratio
            tiles.append(Tile(start + offset, x, y, w, h))
            x += w + gap
        y += h + gap
        start += count
    return Grid(tuple(tiles), width, y - gap)


def _column(ratios: Sequence[float], width: float, gap: float) -> Grid | None:
    """The first photo tall on the left, the others stacked on the right."""
    first, rest = ratios[0], ratios[1:]
    inverse = sum(1 / r for r in rest)
    right = (width - gap - first * gap * (len(rest) - 1)) / (1 + first * inverse)
    left = width - gap - right
    if left < width * 0.4 or right < width * 0.25:
        return None
    height = left / first
    tiles = [Tile(0, 0, 0, left, height)]
    y = 0.0
    for offset, ratio in enumerate(rest, start=1):
        h = height - y if offset == len(rest) else right / ratio
        tiles.append(Tile(offset, left + gap, y, right, h))
        y += h + gap
    return Grid(tuple(tiles), width, height)


def _score(grid: Grid, counts: Sequence[int], target: float, thinnest: float) -> float:
    score = abs(grid.height - target)
    if min(t.h for t in grid.tiles) < thinnest:
        score *= 1.5
    if any(a > b for a, b in pairwise(counts)):
        score *= 1.5  # the larger photos go on top
    return score


def _crop(ratios: Sequence[float]) -> list[float]:
    """Big albums crop every photo towards the album's overall orientation."""
    average = sum(ratios) / len(ratios)
    return [_clamp(r, 1.0, 2.75) if average > 1.1 else _clamp(r, 0.6667, 1.0) for r in ratios]


def telegram_album(sizes: Sequence[tuple[int, int] | None], width: float, gap: float = 2) -> Grid:
    """A Telegram album of photos with these pixel sizes (None: unknown, taken as 4:3)."""
    ratios = [_clamp(s[0] / s[1], 0.4, 2.75) if s and s[1] else 4 / 3 for s in sizes]
    if len(ratios) == 1:
        h = _clamp(width / ratios[0], width * 0.5, width * 1.25)
        return Grid((Tile(0, 0, 0, width, h),), width, h)
    big = len(ratios) >= 5
    if big:
        ratios = _crop(ratios)
    target = width * 4 / 3 if big else width  # small albums aim at a square
    if len(ratios) in (3, 4):  # one photo first: beside the others if upright, else above
        column = _column(ratios, width, gap) if ratios[0] < 0.8 else None
        return _fit(column or _rows(ratios, (1, len(ratios) - 1), width, gap), target)
    thinnest = width / 5
    best: tuple[float, Grid] | None = None
    for counts in _compositions(len(ratios), 3 if big else 2):
        if len(counts) > 4:
            continue
        grid = _rows(ratios, counts, width, gap)
        score = _score(grid, counts, target, thinnest)
        if best is None or score < best[0]:
            best = (score, grid)
    assert best is not None
    return _fit(best[1], target)


def _fit(grid: Grid, most: float) -> Grid:
    """No taller than `most`: rows are cropped in height, as the apps crop photos."""
    if grid.height <= most:
        return grid
    k = most / grid.height
    tiles = tuple(Tile(t.index, t.x, t.y * k, t.w, t.h * k) for t in grid.tiles)
    return Grid(tiles, grid.width, most)


# Discord: photos per row for each count of attachments
_MOSAIC = {
    2: (2,),
    4: (2, 2),
    5: (2, 3),
    6: (3, 3),
    7: (1, 3, 3),
    8: (2, 3, 3),
    9: (3, 3, 3),
    10: (1, 3, 3, 3),
}


def discord_mosaic(sizes: Sequence[tuple[int, int] | None], width: float, gap: float = 4) -> Grid:
    """Discord's grid for 1–10 images (attachments, or embeds that form one gallery)."""
    n = len(sizes)
    if n == 1:
        size = sizes[0]
        ratio = _clamp(size[0] / size[1], 0.5, 3.0) if size and size[1] else 4 / 3
        w = min(width, 350 * ratio)
        return Grid((Tile(0, 0, 0, w, w / ratio),), w, w / ratio)
    if n == 3:
        half = (width - gap) / 2
        tall = half * 1.3
        small = (tall - gap) / 2
        three = (
            Tile(0, 0, 0, half, tall),
            Tile(1, half + gap, 0, half, small),
            Tile(2, half + gap, small + gap, half, small),
        )
        return Grid(three, width, tall)
    tiles: list[Tile] = []
    y, start = 0.0, 0
    for count in _MOSAIC[min(n, 10)]:
        w = (width - gap * (count - 1)) / count
        h = width * 0.56 if count == 1 else w * (0.8 if count == 2 else 1.0)
        tiles.extend(Tile(start + i, i * (w + gap), y, w, h) for i in range(count))
        y += h + gap
        start += count
    return Grid(tuple(tiles), width, y - gap)
