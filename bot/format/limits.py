"""Platform limits as data, UTF-16 counting, and the one splitter every renderer uses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

Measure = Callable[[str], int]


@dataclass(frozen=True)
class TelegramLimits:
    text: int = 4096  # UTF-16 code units after entity parsing
    caption: int = 1024
    album_min: int = 2
    album_max: int = 10
    photo_bytes: int = 10 * 1000 * 1000
    photo_dim_sum: int = 10_000
    photo_ratio: float = 20.0


@dataclass(frozen=True)
class DiscordLimits:
    content: int = 2000
    embeds: int = 10
    title: int = 256
    description: int = 4096
    fields: int = 25
    field_name: int = 256
    field_value: int = 1024
    footer: int = 2048
    author: int = 256
    total: int = 6000  # across every embed of one message
    files: int = 10
    file_bytes: int = 10 * 1024 * 1024
    gallery: int = 4  # embeds sharing one url show as one gallery


TELEGRAM = TelegramLimits()
DISCORD = DiscordLimits()


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def char_len(text: str) -> int:
    return len(text)


_SENTENCE_END = re.compile(r"(?<=[.!?。！？។៕…])[\"'”’)\]]*\s+|(?<=[。！？។៕])")


def _is_joiner(ch: str) -> bool:
    """True where a cut would split a grapheme (combining marks, joiners, variation selectors,
    emoji skin tones and tag characters)."""
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch in "\u200d\u17d2"
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
        or "\U000e0020" <= ch <= "\U000e007f"
    )


def _is_regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _splits_grapheme(text: str, i: int) -> bool:
    """True when a cut before `text[i]` would split a user-perceived character."""
    if _is_joiner(text[i]) or text[i - 1] in "\u200d\u17d2":  # after ZWJ or Khmer coeng
        return True
    run = 0  # regional indicators pair up into flags
    while run < i and _is_regional(text[i - 1 - run]):
        run += 1
    return run % 2 == 1 and _is_regional(text[i])


def _candidates(text: str) -> list[list[int]]:
    """Cut points by preference: blank line, line break, sentence end, space."""
    paras = [m.end() for m in re.finditer(r"\n\s*\n", text)]
    lines = [m.end() for m in re.finditer(r"\n", text)]
    sentences = [m.end() for m in _SENTENCE_END.finditer(text)]
    spaces = [m.end() for m in re.finditer(r"[ \t\u3000\u200b]+", text)]
    return [paras, lines, sentences, spaces]


def _hard_cut(text: str, limit: int, measure: Measure) -> int:
    """Largest prefix that fits, never inside a surrogate pair or grapheme."""
    lo, hi = 1, len(text)
    while lo < hi:  # binary search on code points
        mid = (lo + hi + 1) // 2
        if measure(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    cut = lo
    while 1 < cut < len(text) and _splits_grapheme(text, cut):
        cut -= 1
    return cut if cut > 0 else lo


def _last_fitting(points: list[int], text: str, limit: int, measure: Measure) -> int | None:
    """The last of the ascending `points` whose head fits: a head only grows, so bisect."""
    lo, hi = 0, len(points)
    while lo < hi:
        mid = (lo + hi) // 2
        if points[mid] < len(text) and measure(text[: points[mid]]) <= limit:
            lo = mid + 1
        else:
            hi = mid
    return points[lo - 1] if lo else None


def cut_point(
    text: str, limit: int, measure: Measure = utf16_len, *, sentences_only: bool = False
) -> int:
    """Index where `text` should be cut so the head fits in `limit`, at the best boundary.

    With `sentences_only`, returns 0 when no paragraph, line or sentence bound fits.
    """
    if measure(text) <= limit:
        return len(text)
    floor = max(1, limit // 4) if limit > 40 and not sentences_only else 1
    levels = _candidates(text)
    for points in levels[:3] if sentences_only else levels:
        best = _last_fitting(points, text, limit, measure)
        if best is not None and measure(text[:best]) >= floor:
            return best
    if sentences_only:
        return 0
    return _hard_cut(text, limit, measure)


def fit(text: str, limit: int, measure: Measure = utf16_len) -> str:
    """`text` cut at a line or sentence bound so it fits `limit`, marked with … when cut."""
    if measure(text) <= limit:
        return text
    return text[: cut_point(text, limit - 2, measure)].rstrip() + "\n…"


def split_text(text: str, limit: int, measure: Measure = utf16_len) -> list[str]:
    """Split into pieces that each fit; joining the pieces gives back `text` exactly."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while rest:
        cut = cut_point(rest, limit, measure)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces
