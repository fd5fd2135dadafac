"""From a text or caption parameter to what the recipient sees: explicit entities or parsed
HTML, trimmed, with the entities Telegram detects by itself (URLs, commands, mentions...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

from .common import ApiError, JsonObject
from .entities import _HTML_SPACE, parse_html, utf16_len

_AUTO_ENTITY_PATTERNS: Final = (
    ("url", re.compile(r"\b(?:https?|ftp)://[^\s<>\"]+", re.IGNORECASE)),
    (
        "email",
        re.compile(r"(?<![\w.+@-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    ),
    (
        "bot_command",
        re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])"),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
)
_EXCLUSIVE_ENTITIES: Final = frozenset(
    {
        "url",
        "email",
        "bot_command",
        "mention",
        "hashtag",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
    }
)
_URL_TRAILING: Final = ".,;:!?'\""


def _utf16_offsets(text: str) -> list[int]:
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    return offsets


def _autodetect_entities(text: str, entities: list[JsonObject]) -> list[JsonObject]:
    """Add the entities Telegram finds by itself: URLs, e-mails, commands, mentions, hashtags."""
    offsets = _utf16_offsets(text)
    taken = [
        (entity["offset"], entity["offset"] + entity["length"])
        for entity in entities
        if entity["type"] in _EXCLUSIVE_ENTITIES
    ]
    found: list[JsonObject] = []
    for kind, pattern in _AUTO_ENTITY_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "url":
                while end > start and (
                    text[end - 1] in _URL_TRAILING
                    or (text[end - 1] == ")" and "(" not in text[start:end])
                ):
                    end -= 1
            begin16, end16 = offsets[start], offsets[end]
            if any(begin16 < stop and other < end16 for other, stop in taken):
                continue
            taken.append((begin16, end16))
            found.append({"type": kind, "offset": begin16, "length": end16 - begin16})
    merged = entities + found
    merged.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return merged


def _trim(text: str, entities: list[JsonObject]) -> tuple[str, list[JsonObject]]:
    """Strip leading and trailing whitespace and clip the entities, as the server does."""
    start, end = 0, len(text)
    while start < end and text[start] in _HTML_SPACE:
        start += 1
    while end > start and text[end - 1] in _HTML_SPACE:
        end -= 1
    if (start, end) == (0, len(text)):
        return text, entities
    shift = utf16_len(text[:start])
    trimmed = text[start:end]
    limit = utf16_len(trimmed)
    clipped: list[JsonObject] = []
    for entity in entities:
        begin = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, limit)
        if stop > begin:
            clipped.append({**entity, "offset": begin, "length": stop - begin})
    return trimmed, clipped


def _explicit_entities(text: str, value: object) -> list[JsonObject]:
    if not isinstance(value, list):
        raise ApiError.bad_request("can't parse entities JSON object")
    limit = utf16_len(text)
    entities: list[JsonObject] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise ApiError.bad_request('can\'t parse MessageEntity: field "type" must be a String')
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise ApiError.bad_request(
                "can't parse MessageEntity: offset and length must be Integer"
            )
        stop = min(offset + length, limit)
        if offset >= 0 and stop > offset:
            entities.append({**item, "offset": offset, "length": stop - offset})
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return entities


@dataclass
class FormattedText:
    """Visible text after entity parsing and trimming, with entities in UTF-16 units."""

    text: str
    entities: list[JsonObject]

    @property
    def length(self) -> int:
        return utf16_len(self.text)


def format_text(
    raw: str | None,
    *,
    parse_mode: str | None = None,
    entities: object = None,
    strict_html: bool = False,
) -> FormattedText:
    """Turn a text or caption parameter into what the recipient sees.

    Explicit ``entities`` win over ``parse_mode``, as on the real server.
    """
    source = raw or ""
    mode = (parse_mode or "").strip().lower()
    if entities is not None:
        text, parsed = source, _explicit_entities(source, entities)
    elif mode == "html":
        text, parsed = parse_html(source, strict=strict_html)
    elif mode == "":
        text, parsed = source, []
    elif mode in ("markdown", "markdownv2"):
        raise ApiError(
            HTTPStatus.NOT_IMPLEMENTED,
            f"Not Implemented: this server parses HTML only, not parse_mode {parse_mode}",
        )
    else:
        raise ApiError.bad_request("unsupported parse_mode")
    text, parsed = _trim(text, parsed)
    return FormattedText(text, _autodetect_entities(text, parsed))
