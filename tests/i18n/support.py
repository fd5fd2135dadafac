"""Checks of written Khmer and Japanese: normalization and well-formed Khmer clusters."""

from __future__ import annotations

import unicodedata

COENG = "\u17d2"
DOTTED_CIRCLE = "\u25cc"
REGISTER_SHIFTERS = frozenset("\u17c9\u17ca")
ROBAT = "\u17cc"


def _kind(ch: str) -> str:
    code = ord(ch)
    if 0x1780 <= code <= 0x17A2:
        return "consonant"
    if 0x17A3 <= code <= 0x17B3:
        return "independent"
    if 0x17B6 <= code <= 0x17C5:
        return "vowel"
    if ch == COENG:
        return "coeng"
    if ch in REGISTER_SHIFTERS:
        return "register"
    if ch == ROBAT:
        return "robat"
    if 0x17C6 <= code <= 0x17D3 or code == 0x17DD:
        return "sign"
    return "other"


MARKS = frozenset({"vowel", "coeng", "register", "robat", "sign"})
# What may not follow each kind of mark, in Unicode's Khmer order:
# base [robat] (coeng consonant)* [register shifter] [dependent vowel] [signs].
NOT_AFTER = {
    "vowel": {"vowel", "coeng", "register", "robat"},
    "register": {"coeng", "register", "robat"},
    "sign": {"vowel", "coeng", "register", "robat"},
}


def khmer_problems(text: str) -> list[str]:
    """Why `text` would render with broken Khmer clusters; empty when it is well formed."""
    problems: list[str] = []
    if DOTTED_CIRCLE in text:
        problems.append("contains a dotted circle (U+25CC)")
    if unicodedata.normalize("NFC", text) != text:
        problems.append("not NFC")
    previous = "start"
    for i, ch in enumerate(text):
        kind = _kind(ch)
        where = f"{ch!r} (U+{ord(ch):04X}) at {i}"
        if kind in MARKS and previous in ("start", "other"):
            problems.append(f"{where} has no base letter before it")
        if previous == "coeng" and kind != "consonant":
            problems.append(f"{where} follows a coeng instead of a consonant")
        if kind in NOT_AFTER.get(previous, ()):
            problems.append(f"{where} is out of order after a {previous}")
        previous = kind
    if previous == "coeng":
        problems.append("ends with a coeng")
    return problems


def is_japanese(text: str) -> bool:
    """Written at least partly in kana or kanji."""
    return any(unicodedata.name(ch, "").startswith(("HIRAGANA", "KATAKANA", "CJK")) for ch in text)


def halfwidth_kana(text: str) -> list[str]:
    return [ch for ch in text if 0xFF61 <= ord(ch) <= 0xFF9F]
