"""Press texts (no frontmatter): the repairs their layout needs, and the date they carry.

Pure functions over the cleaned body. A press release pasted from a PDF repeats its headline,
breaks paragraphs at page ends, and says its own date in a dateline ("Phnom Penh, 30 October
2023") — which is a better date than the file's modification time, since a fresh clone makes
every file new.
"""

from __future__ import annotations

import re
import time
from datetime import date
from functools import cache

_SEPARATOR = re.compile(r"(\n(?:[ \t]*\n)+)")
_NOT_PROSE = re.compile(r"^(?:#|>|\||```|~~~|[-*+][ \t]|\d+[.)][ \t]|<|[ \t]{4}|\t)")
_SENTENCE_END = frozenset(".!?…:;。！？।៕។")
_CLOSERS = "\"'”’»)]}*_」』）"


def drop_line(body: str, line: str) -> str:
    """`body` without the first line that reads `line` (the title taken from it)."""
    lines = body.split("\n")
    for i, current in enumerate(lines):
        if current.strip() == line:
            del lines[i]
            while i < len(lines) and not lines[i].strip() and (i == 0 or not lines[i - 1].strip()):
                del lines[i]
            break
    return "\n".join(lines).strip("\n")


def _is_prose(block: str) -> bool:
    return not any(_NOT_PROSE.match(line) for line in block.split("\n"))


def _ends_a_sentence(block: str) -> bool:
    tail = block.rstrip().rstrip(_CLOSERS)
    return not tail or tail[-1] in _SENTENCE_END


def _continues(previous: str, block: str) -> bool:
    """A paragraph cut mid-sentence: no closing punctuation, then a lowercase letter.

    Scripts without case (Khmer, Japanese) never start with a lowercase letter, so their
    paragraphs are left as they are.
    """
    if "```" in previous or "~~~" in previous or not block[:1].islower():
        return False
    return _is_prose(previous) and _is_prose(block) and not _ends_a_sentence(previous)


def join_broken_paragraphs(body: str) -> str:
    """Join the paragraphs a page break cut in two (`…Minister KAMIKAWA` / `reaffirmed …`)."""
    parts = _SEPARATOR.split(body)
    out = [parts[0]]
    for separator, block in zip(parts[1::2], parts[2::2], strict=True):
        if _continues(out[-1], block):
            out[-1] = f"{out[-1].rstrip()} {block.lstrip()}"
        else:
            out += [separator, block]
    return "".join(out)


# --- the date in the text ----------------------------------------------------------------------


# Month names come from the C library's English names (Python reads dates in the "C" locale
# unless the program changes it, which this one never does) and from CLDR for Khmer, loaded on
# the first date that names its month.
def _english_month(name: str) -> int | None:
    """ "October", "Oct", "Sept" → 10, 10, 9: English month names, whole or abbreviated."""
    word = name.strip(".").title()
    if word == "Sept":
        word = "Sep"
    try:
        return time.strptime(word, "%b" if len(word) == 3 else "%B").tm_mon
    except ValueError:
        return None


@cache
def _khmer_months() -> dict[str, int]:
    """CLDR's Khmer month names (Babel)."""
    from babel import Locale

    months = Locale.parse("km").months
    return {
        name: number
        for context in ("format", "stand-alone")
        for width in ("wide", "abbreviated")
        for number, name in months[context][width].items()
    }


_D = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_Y = r"(?P<y>\d{4})"
_MON = r"(?P<mon>[^\W\d_]{3,})\.?"
_KHMER_MON = r"(?P<kmon>[\u1780-\u17d3]+)"  # Khmer words include vowel signs, which \w is not
_DATES = (
    rf"{_D}\s+{_MON},?\s+{_Y}",  # 30 October 2023
    rf"{_MON}\s+{_D},?\s+{_Y}",  # October 30, 2023
    rf"{_Y}-(?P<m>\d{{1,2}})-{_D}",  # 2023-10-30
    rf"{_Y}\s*年\s*(?P<m>\d{{1,2}})\s*月\s*{_D}\s*日(?:\s*[(（]\S{{1,3}}[)）])?",  # 2023年10月30日
    rf"(?:ថ្ងៃ\S*\s*)?ទី\s*{_D}\s*ខែ\s*{_KHMER_MON}\s*ឆ្នាំ\s*{_Y}",  # ថ្ងៃទី៣០ ខែតុលា ឆ្នាំ២០២៣
)
_PLACE = r"(?:[^\W\d_][^\d,，、\n]{0,40}[,，、]\s*|[\u1780-\u17ff\s]{2,40}\s)?"
_DATELINE = [re.compile(rf"^{_PLACE}(?:{pattern})\s*[.。]?$") for pattern in _DATES]
# A news dateline opening the first paragraph: "TOKYO, 30 October 2023 — The association …"
_LEADING = [re.compile(rf"^{_PLACE}(?:{pattern})\s*[—–-]+\s") for pattern in _DATES]


def _to_date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    if groups.get("mon") is not None:
        month = _english_month(groups["mon"])
    elif groups.get("kmon") is not None:
        month = _khmer_months().get(groups["kmon"])
    else:
        month = int(groups["m"])
    try:
        return date(int(groups["y"]), month, int(groups["d"])) if month else None
    except ValueError:
        return None


def find_dateline(body: str, *, tail: int = 5, head: int = 12) -> tuple[date, str] | None:
    """The date a press text gives itself, with the line it came from.

    A line that is only a date, or a place and a date, among the last `tail` lines (where a
    signed release ends), then among the first `head` (a letterhead's date), then a news
    dateline opening one of those first lines. A date inside a sentence is not one.
    """
    lines = [line.strip().strip("*_ ") for line in body.split("\n")]
    lines = [line for line in lines if line]
    candidates = [*reversed(lines[-tail:]), *lines[:head]]
    for patterns in (_DATELINE, _LEADING):
        for line in candidates if patterns is _DATELINE else lines[:head]:
            for pattern in patterns:
                if (match := pattern.match(line)) and (found := _to_date(match)):
                    return found, match.group(0).rstrip(" —–-.。")
    return None
