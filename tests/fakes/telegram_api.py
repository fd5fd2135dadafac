"""A local stand-in for the Telegram Bot API that unmodified python-telegram-bot can talk to.

Point PTB at it with ``telegram.Bot(fake.token, base_url=fake.base_url,
base_file_url=fake.base_file_url)``. The server listens on 127.0.0.1 on a free port, answers
with the same envelopes, status codes and error descriptions as ``api.telegram.org`` and keeps
what it receives so tests can assert on it:

* ``calls`` — every request (method, decoded parameters, uploaded files, status, response);
* ``sent`` — every message the bot created, with its visible text after entity parsing;
* ``commands`` — bot command lists by scope and language.

Enforced like the real server: HTML entity parsing (allowed tags and entities, byte offsets
in the error descriptions), text and caption lengths counted in UTF-16 code units after
parsing and trimming, album rules, photo size and dimension rules, unknown and kicked chats,
edit rules, and flood control (per chat, per group, overall) answered with 429 and
``parameters.retry_after``. ``getUpdates`` long-polls over updates queued with
:meth:`FakeTelegram.push_update`; :meth:`FakeTelegram.fail_next` scripts faults.

When ``shared/specs/telegram-bot-api.json`` is present, form fields are decoded by their
documented types (a text ``"123"`` stays a string) and :class:`ApiSpec` can check responses
against the documented objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import math
import mimetypes
import re
import socket
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, Self
from urllib.parse import urlsplit, urlunsplit

from aiohttp import web
from PIL import Image, UnidentifiedImageError

__all__ = [
    "DEFAULT_TOKEN",
    "SPEC_PATH",
    "ApiError",
    "ApiSpec",
    "Call",
    "FakeChat",
    "FakeTelegram",
    "FormattedText",
    "ManualClock",
    "ScopeKey",
    "SentMessage",
    "format_text",
    "parse_html",
    "utf16_len",
]

JsonObject = dict[str, Any]
ChatType = Literal["private", "group", "supergroup", "channel"]
MessageKind = Literal["text", "photo", "document", "media_group_item"]
MediaType = Literal["photo", "video", "document", "audio"]
ScopeKey = tuple[str, int | None, int | None, str]
"""``(scope type, chat id, user id, language code)``; ``("default", None, None, "")`` by default."""

DEFAULT_TOKEN: Final = "123456:TEST-token-for-the-fake-server-000000"
SPEC_PATH: Final = (
    Path(__file__).resolve().parents[3] / "shared" / "specs" / "telegram-bot-api.json"
)

MIB: Final = 1024 * 1024
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MIN_ALBUM_ITEMS: Final = 2
MAX_ALBUM_ITEMS: Final = 10
MAX_PHOTO_BYTES: Final = 10 * MIB
MAX_UPLOAD_BYTES: Final = 50 * MIB
MAX_DOWNLOAD_BYTES: Final = 20 * MIB
MAX_PHOTO_DIMENSION_SUM: Final = 10_000
MAX_PHOTO_ASPECT_RATIO: Final = 20
MAX_COMMANDS: Final = 100
URL_PHOTO_SIZE: Final = (1280, 720)
PHOTO_SIZE_STEPS: Final = (90, 320, 800, 1280, 2560)

CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES: Final = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
UPDATES_OFF_BY_DEFAULT: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
FILE_ID_PREFIXES: Final[Mapping[str, str]] = {
    "photo": "AgACAgIAAxkBAAI",
    "video": "BAACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "audio": "CQACAgIAAxkBAAI",
}
FILE_FOLDERS: Final[Mapping[str, str]] = {
    "photo": "photos",
    "video": "videos",
    "document": "documents",
    "audio": "music",
}

_INTEGER = re.compile(r"-?\d+")
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_USERNAME = re.compile(r"@[A-Za-z0-9_]{1,32}")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


# --------------------------------------------------------------------------------------------
# Errors


class ApiError(Exception):
    """An answer with ``"ok": false``, as the Bot API sends it."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def bad_request(cls, detail: str) -> ApiError:
        return cls(HTTPStatus.BAD_REQUEST, f"Bad Request: {detail}")

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        return cls(
            HTTPStatus.TOO_MANY_REQUESTS,
            f"Too Many Requests: retry after {retry_after}",
            retry_after=retry_after,
        )

    def payload(self) -> JsonObject:
        body: JsonObject = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


# --------------------------------------------------------------------------------------------
# Text: UTF-16 lengths, HTML entity parsing, trimming and automatic entities


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class _EntityParseError(Exception):
    pass


_HTML_TAGS: Final = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TAG_ENTITIES: Final[Mapping[str, str]] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_HTML_ENTITIES: Final[Mapping[str, str]] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_SPACE: Final = " \t\r\n\v\0"
_UNKNOWN_NAMED_ENTITY = re.compile(r"&[A-Za-z][A-Za-z0-9]*;")
_MAX_CUSTOM_EMOJI_ID: Final = 2**63 - 1


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference starting at ``text[pos] == "&"`` like Telegram does.

    Returns the character and the position after the reference, or ``None`` when the
    ampersand does not start a supported reference (it is then kept literally).
    """
    end = pos + 1
    size = len(text)
    if end < size and text[end] == "#":
        end += 1
        code = 0
        if end < size and text[end] == "x":
            end += 1
            while end < size and text[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(text[end], 16)
                end += 1
                if code >= 0x10FFFF:
                    return None
        else:
            while end < size and "0" <= text[end] <= "9":
                code = code * 10 + int(text[end])
                end += 1
                if code >= 0x10FFFF:
                    return None
        if code == 0 or end - pos >= 10 or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < size and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_HTML_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < size and text[end] == ";":
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    has_href: bool
    expandable: bool
    offset: int
    out_index: int


class _HtmlParser:
    """A port of the Bot API's HTML entity parser, including its error descriptions."""

    def __init__(self, source: str, *, strict: bool) -> None:
        self.src = source
        self.size = len(source)
        self.strict = strict
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[JsonObject] = []

    def run(self) -> tuple[str, list[JsonObject]]:
        pos = 0
        while pos < self.size:
            char = self.src[pos]
            if char == "&":
                pos = self._reference(pos)
            elif char == "<":
                pos = self._end_tag(pos) if self._at(pos + 1) == "/" else self._start_tag(pos)
            else:
                self._emit(char)
                pos += 1
        if self.stack:
            raise _EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.out), self.entities

    def _at(self, pos: int) -> str:
        return self.src[pos] if pos < self.size else ""

    def _byte_offset(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8", "surrogatepass"))

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_len(text)

    def _skip_spaces(self, pos: int) -> int:
        while pos < self.size and self.src[pos] in _HTML_SPACE:
            pos += 1
        return pos

    def _reference(self, pos: int) -> int:
        decoded = _decode_html_entity(self.src, pos)
        if decoded is not None:
            self._emit(decoded[0])
            return decoded[1]
        if self.strict and (unknown := _UNKNOWN_NAMED_ENTITY.match(self.src, pos)):
            raise _EntityParseError(
                f'Unsupported HTML entity "{unknown.group()}" at byte offset '
                f"{self._byte_offset(pos)}"
            )
        self._emit("&")
        return pos + 1

    def _start_tag(self, begin: int) -> int:
        at = self._byte_offset(begin)
        pos = begin + 1
        while pos < self.size and self.src[pos] not in _HTML_SPACE and self.src[pos] != ">":
            pos += 1
        if pos >= self.size:
            raise _EntityParseError(f"Unclosed start tag at byte offset {at}")
        name = self.src[begin + 1 : pos].lower()
        if name not in _HTML_TAGS:
            raise _EntityParseError(f'Unsupported start tag "{name}" at byte offset {at}')

        argument, has_href, expandable = "", False, False
        while True:
            pos = self._skip_spaces(pos)
            if pos >= self.size:
                raise _EntityParseError(f'Unclosed start tag "{name}" at byte offset {at}')
            if self.src[pos] == ">":
                break
            attribute_begin = pos
            while (
                pos < self.size and self.src[pos] not in _HTML_SPACE and self.src[pos] not in "=>"
            ):
                pos += 1
            attribute = self.src[attribute_begin:pos]
            if not attribute:
                raise _EntityParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {at}'
                )
            pos = self._skip_spaces(pos)
            if self._at(pos) != "=":
                if name == "blockquote" and attribute == "expandable":
                    expandable = True
                    continue
                raise _EntityParseError(
                    f"Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {at}'
                )
            pos = self._skip_spaces(pos + 1)
            if pos >= self.size:
                raise _EntityParseError(f'Unclosed start tag "{name}" at byte offset {at}')
            value, pos = self._attribute_value(pos)
            if pos >= self.size:
                raise _EntityParseError(f"Unclosed start tag at byte offset {at}")
            if name == "a" and attribute == "href":
                argument, has_href = value, True
            elif name == "code" and attribute == "class" and value.startswith("language-"):
                argument = value.removeprefix("language-")
            elif name == "span" and attribute == "class" and value.startswith("tg-"):
                argument = value.removeprefix("tg-")
            elif name == "tg-emoji" and attribute == "emoji-id":
                argument = value

        if name == "span" and argument != "spoiler":
            raise _EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        if self.strict and name == "a" and not has_href:
            raise _EntityParseError(f'Tag "a" must have attribute "href" at byte offset {at}')
        self.stack.append(
            _OpenTag(name, argument, has_href, expandable, self.offset, len(self.out))
        )
        return pos + 1

    def _attribute_value(self, pos: int) -> tuple[str, int]:
        quote = self.src[pos]
        if quote not in "'\"":
            token_begin = pos
            while pos < self.size and (
                (self.src[pos].isascii() and self.src[pos].isalnum()) or self.src[pos] in ".-"
            ):
                pos += 1
            if pos < self.size and self.src[pos] not in _HTML_SPACE and self.src[pos] != ">":
                raise _EntityParseError(
                    f"Unexpected end of name token at byte offset {self._byte_offset(token_begin)}"
                )
            return self.src[token_begin:pos].lower(), pos
        pos += 1
        parts: list[str] = []
        while pos < self.size and self.src[pos] != quote:
            if self.src[pos] == "&" and (decoded := _decode_html_entity(self.src, pos)):
                parts.append(decoded[0])
                pos = decoded[1]
                continue
            parts.append(self.src[pos])
            pos += 1
        if pos < self.size:
            pos += 1
        return "".join(parts), pos

    def _end_tag(self, begin: int) -> int:
        at = self._byte_offset(begin)
        if not self.stack:
            raise _EntityParseError(f"Unexpected end tag at byte offset {at}")
        pos = begin + 2
        while pos < self.size and self.src[pos] not in _HTML_SPACE and self.src[pos] != ">":
            pos += 1
        end_name = self.src[begin + 2 : pos].lower()
        pos = self._skip_spaces(pos)
        if self._at(pos) != ">":
            raise _EntityParseError(f"Unclosed end tag at byte offset {at}")
        tag = self.stack[-1]
        if end_name and end_name != tag.name:
            raise _EntityParseError(
                f'Unmatched end tag at byte offset {at}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        self.stack.pop()
        if self.offset > tag.offset:
            self._close(tag)
        return pos + 1

    def _close(self, tag: _OpenTag) -> None:
        span: JsonObject = {"offset": tag.offset, "length": self.offset - tag.offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (
            span["offset"],
            span["length"],
        )
        if tag.name in _SIMPLE_TAG_ENTITIES:
            self.entities.append({"type": _SIMPLE_TAG_ENTITIES[tag.name], **span})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or not 0 < int(tag.argument) <= _MAX_CUSTOM_EMOJI_ID:
                raise _EntityParseError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            target = tag.argument if tag.has_href else "".join(self.out[tag.out_index :])
            url = _normalize_link(target)
            if url is not None:
                self.entities.append({"type": "text_link", **span, "url": url})
        elif tag.name == "pre":
            if last is not None and same_span and last["type"] == "code":
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif tag.name == "code":
            if last is not None and same_span and last["type"] == "pre":
                if tag.argument:
                    last["language"] = tag.argument
            elif tag.argument:
                self.entities.append({"type": "code", **span, "language": tag.argument})
            else:
                self.entities.append({"type": "code", **span})
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.expandable else "blockquote"
            self.entities.append({"type": kind, **span})


def _normalize_link(url: str) -> str | None:
    """The URL of a ``text_link`` as Telegram stores it, or ``None`` if it is not a link."""
    url = url.strip()
    if not url:
        return None
    if url.startswith("tg://") or url.lower().startswith(("mailto:", "ton://")):
        return url
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https", "ftp") or not host:
        return None
    if "." not in host and host != "localhost":
        return None
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, parts.fragment))


def parse_html(source: str, *, strict: bool = False) -> tuple[str, list[JsonObject]]:
    """Parse Bot API HTML into the visible text and its entities (UTF-16 offsets).

    Raises :class:`ApiError` with the real "can't parse entities" description. With
    ``strict``, ``&name;`` references other than the four supported ones and ``<a>`` without
    ``href`` are rejected too (Telegram keeps the former literally and drops the latter).
    """
    try:
        return _HtmlParser(source, strict=strict).run()
    except _EntityParseError as exc:
        raise ApiError.bad_request(f"can't parse entities: {exc}") from None


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


# --------------------------------------------------------------------------------------------
# The machine-readable Bot API description


class ApiSpec:
    """The methods and types of ``telegram-bot-api.json`` (one entry per method and type)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version = str(data.get("version", ""))
        self._methods: dict[str, JsonObject] = {
            name.lower(): method for name, method in data.get("methods", {}).items()
        }
        self._types: dict[str, JsonObject] = dict(data.get("types", {}))

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> ApiSpec | None:
        """The spec at ``path``, or ``None`` when the file is not there."""
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except OSError:
            return None

    def has_method(self, method: str) -> bool:
        return method.lower() in self._methods

    def method_fields(self, method: str) -> dict[str, tuple[str, ...]] | None:
        """Parameter name → documented types, or ``None`` for an unknown method."""
        entry = self._methods.get(method.lower())
        if entry is None:
            return None
        return {item["name"]: tuple(item["types"]) for item in entry.get("fields", [])}

    def result_problems(self, method: str, result: Any) -> list[str]:
        """How ``result`` departs from what ``method`` is documented to return."""
        entry = self._methods.get(method.lower())
        if entry is None:
            return [f"{method}: not a Bot API method"]
        attempts = [self.problems(result, returned, "result") for returned in entry["returns"]]
        return _fewest(attempts)

    def problems(self, value: Any, type_name: str, where: str = "$") -> list[str]:
        """Missing required fields, unknown fields and wrong primitive types, recursively."""
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{where}: expected {type_name}"]
            item_type = type_name.removeprefix("Array of ")
            return [
                problem
                for index, item in enumerate(value)
                for problem in self.problems(item, item_type, f"{where}[{index}]")
            ]
        primitive = _primitive_problem(value, type_name, where)
        if primitive is not None:
            return [primitive] if primitive else []
        spec = self._types.get(type_name)
        if spec is None:
            return []
        if spec.get("subtypes") and not spec.get("fields"):
            attempts = [self.problems(value, subtype, where) for subtype in spec["subtypes"]]
            return _fewest(attempts)
        if not isinstance(value, dict):
            return [f"{where}: expected a {type_name} object"]
        fields = {item["name"]: item for item in spec.get("fields", [])}
        problems: list[str] = []
        for name, item in fields.items():
            if name not in value:
                if item["required"]:
                    problems.append(f"{where}.{name}: required by {type_name} but missing")
                continue
            attempts = [
                self.problems(value[name], kind, f"{where}.{name}") for kind in item["types"]
            ]
            problems.extend(_fewest(attempts))
        problems.extend(
            f"{where}.{name}: not a field of {type_name}" for name in value if name not in fields
        )
        return problems


def _fewest(attempts: list[list[str]]) -> list[str]:
    """No problems if any alternative fits, else those of the closest alternative."""
    best: list[str] = []
    for attempt in attempts:
        if not attempt:
            return []
        if not best or len(attempt) < len(best):
            best = attempt
    return best


_PRIMITIVE_CHECKS: Final[Mapping[str, Callable[[Any], bool]]] = {
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
    "InputFile": lambda v: True,
}


def _primitive_problem(value: Any, type_name: str, where: str) -> str | None:
    """``None`` if ``type_name`` is not primitive, ``""`` if ``value`` fits, else the problem."""
    check = _PRIMITIVE_CHECKS.get(type_name)
    if check is None:
        return None
    return "" if check(value) else f"{where}: expected {type_name}, got {value!r}"


_FALLBACK_FIELD_TYPES: Final[Mapping[str, tuple[str, ...]]] = {
    "chat_id": ("Integer", "String"),
    "text": ("String",),
    "caption": ("String",),
    "parse_mode": ("String",),
    "action": ("String",),
    "language_code": ("String",),
    "callback_query_id": ("String",),
    "file_id": ("String",),
    "url": ("String",),
    "inline_message_id": ("String",),
    "business_connection_id": ("String",),
    "message_effect_id": ("String",),
    "secret_token": ("String",),
    "ip_address": ("String",),
    "photo": ("InputFile", "String"),
    "document": ("InputFile", "String"),
    "thumbnail": ("InputFile", "String"),
}


def _loose_json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _decode_form_value(types: tuple[str, ...] | None, raw: str) -> Any:
    """Decode one form field the way the server reads it: by its documented type."""
    if types is None:
        return _loose_json(raw)
    if "String" in types or "InputFile" in types:
        return int(raw) if "Integer" in types and _INTEGER.fullmatch(raw) else raw
    if "Integer" in types:
        return int(raw) if _INTEGER.fullmatch(raw.strip()) else raw
    if "Float" in types:
        try:
            return float(raw)
        except ValueError:
            return raw
    if "Boolean" in types or "True" in types:
        return {"true": True, "1": True, "false": False, "0": False}.get(raw.strip().lower(), raw)
    return _loose_json(raw)


# --------------------------------------------------------------------------------------------
# Flood control


class ManualClock:
    """A monotonic clock that only moves when told to; pass it as ``clock=``."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _window_wait(sends: deque[float], cost: int, limit: int, window: float, now: float) -> float:
    while sends and sends[0] <= now - window:
        sends.popleft()
    excess = len(sends) + cost - limit
    if excess <= 0:
        return 0.0
    if cost > limit:
        return window
    return sends[excess - 1] + window - now


class _FloodControl:
    """Per chat: one message per interval with a small burst tolerance (a virtual schedule,
    so an album of N items books N intervals). Per group and overall: rolling windows."""

    def __init__(
        self,
        *,
        per_chat_interval: float,
        per_chat_tolerance: float,
        group_limit: int,
        group_window: float,
        global_limit: int,
        global_window: float,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self.per_chat_tolerance = per_chat_tolerance
        self.group_limit = group_limit
        self.group_window = group_window
        self.global_limit = global_limit
        self.global_window = global_window
        self._next_free: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self._all_sends: deque[float] = deque()

    def admit(self, chat_id: int, cost: int, now: float) -> float:
        """Book ``cost`` messages and return 0, or return the seconds to wait (nothing booked)."""
        next_free = self._next_free.get(chat_id)
        waits = [0.0 if next_free is None else next_free - self.per_chat_tolerance - now]
        group = self._group_sends.setdefault(chat_id, deque()) if chat_id < 0 else None
        if group is not None:
            waits.append(_window_wait(group, cost, self.group_limit, self.group_window, now))
        waits.append(
            _window_wait(self._all_sends, cost, self.global_limit, self.global_window, now)
        )
        wait = max(waits)
        if wait > 0:
            return wait
        start = now if next_free is None else max(next_free, now)
        self._next_free[chat_id] = start + cost * self.per_chat_interval
        if group is not None:
            group.extend([now] * cost)
        self._all_sends.extend([now] * cost)
        return 0.0

    def reset(self) -> None:
        self._next_free.clear()
        self._group_sends.clear()
        self._all_sends.clear()


# --------------------------------------------------------------------------------------------
# What the server records


@dataclass
class Call:
    """One HTTP request to the Bot API."""

    method: str
    params: JsonObject
    files: dict[str, bytes]
    chat_id: int | str | None
    time: float
    http_method: str = "POST"
    status: int | None = None
    response: JsonObject | None = None
    unknown_params: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK

    @property
    def result(self) -> Any:
        return (self.response or {}).get("result")

    @property
    def description(self) -> str | None:
        return (self.response or {}).get("description")


@dataclass
class SentMessage:
    """A message the bot created, as it currently stands.

    ``text`` is the visible text (or caption) after entity parsing and trimming; ``html`` is
    the parameter as sent, markup included.
    """

    chat_id: int
    message_id: int
    kind: MessageKind
    text: str
    html: str | None
    parse_mode: str | None
    entities: list[JsonObject]
    date: int
    message: JsonObject
    thread_id: int | None = None
    reply_to: int | None = None
    media_type: MediaType | None = None
    media_group_id: str | None = None
    file_id: str | None = None
    file_size: int | None = None
    width: int | None = None
    height: int | None = None
    file_name: str | None = None
    media_url: str | None = None
    reply_markup: JsonObject | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else self.text

    @property
    def photo_size(self) -> int | None:
        """Size in bytes of the uploaded photo."""
        return self.file_size if self.media_type == "photo" else None


@dataclass
class FakeChat:
    """A chat the server knows about."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False
    owner_id: int | None = None
    admin_ids: tuple[int, ...] = ()
    bot_is_admin: bool = True
    kicked: bool = False
    next_message_id: int = 1

    def as_chat(self) -> JsonObject:
        chat: JsonObject = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name or f"User {self.id}"
        else:
            chat["title"] = self.title or f"Chat {self.id}"
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class _Upload:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    kind: MediaType
    data: bytes | None
    file_size: int | None
    file_path: str
    width: int | None = None
    height: int | None = None
    file_name: str | None = None
    mime_type: str | None = None
    payload: Any = None


@dataclass
class _Media:
    kind: MediaType
    payload: Any
    file_id: str
    file_size: int | None = None
    width: int | None = None
    height: int | None = None
    file_name: str | None = None
    url: str | None = None


@dataclass
class _Fault:
    method: str | None
    status: int
    retry_after: int | None
    description: str | None
    times: int
    delay: float

    def matches(self, method: str) -> bool:
        if self.method is None:
            return method.lower() != "getupdates"
        return self.method.lower() == method.lower()

    def error(self) -> ApiError:
        if self.status == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = self.retry_after or 1
            return ApiError(
                self.status,
                self.description or f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
            )
        try:
            default = HTTPStatus(self.status).phrase
        except ValueError:
            default = "Error"
        if self.status == HTTPStatus.BAD_REQUEST:
            default = "Bad Request: scripted failure"
        elif self.status == HTTPStatus.FORBIDDEN:
            default = "Forbidden: scripted failure"
        return ApiError(self.status, self.description or default, retry_after=self.retry_after)


@dataclass
class _Request:
    method: str
    params: JsonObject
    files: dict[str, _Upload]


Handler = Callable[[_Request], Awaitable[Any]]


def _image_size(data: bytes) -> tuple[int, int] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                return image.size
        except Image.DecompressionBombError:
            return (MAX_PHOTO_DIMENSION_SUM, MAX_PHOTO_DIMENSION_SUM)
        except (UnidentifiedImageError, OSError, ValueError):
            return None


def _strip_reply(message: JsonObject) -> JsonObject:
    return {key: value for key, value in message.items() if key != "reply_to_message"}


# --------------------------------------------------------------------------------------------
# The server


class FakeTelegram:
    """The Bot API on 127.0.0.1; use ``async with FakeTelegram() as tg:``.

    Flood limits (all constructor parameters): per chat one message per
    ``per_chat_interval`` seconds with ``per_chat_tolerance`` of slack, per group, supergroup
    or channel (negative chat id) ``group_limit`` messages per rolling ``group_window``
    seconds, and ``global_limit`` messages per rolling ``global_window`` seconds overall. An
    album of N items counts as N messages. ``clock`` drives these limits and ``Call.time``.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        enforce_rate_limits: bool = True,
        known_chats: Iterable[str | int] | None = None,
        bot_username: str = "assoc_test_bot",
        bot_name: str = "Association Bot",
        per_chat_interval: float = 1.0,
        per_chat_tolerance: float = 0.05,
        group_limit: int = 20,
        group_window: float = 60.0,
        global_limit: int = 30,
        global_window: float = 1.0,
        strict_html: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        spec_path: Path = SPEC_PATH,
    ) -> None:
        self.token = token
        self.enforce_rate_limits = enforce_rate_limits
        self.strict_html = strict_html
        self.bot_username = bot_username
        self.bot_name = bot_name
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456
        self.spec = ApiSpec.load(spec_path)

        self.calls: list[Call] = []
        self.sent: list[SentMessage] = []
        self.commands: dict[ScopeKey, list[JsonObject]] = {}
        self.rate_limit_hits = 0
        self.answered_callbacks: list[JsonObject] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.webhook_url = ""

        self._clock = clock
        self._wall_clock = wall_clock
        self._flood = _FloodControl(
            per_chat_interval=per_chat_interval,
            per_chat_tolerance=per_chat_tolerance,
            group_limit=group_limit,
            group_window=group_window,
            global_limit=global_limit,
            global_window=global_window,
        )
        self._faults: list[_Fault] = []
        self._chats: dict[int, FakeChat] = {}
        self._usernames: dict[str, int] = {}
        self._next_channel_id = -1_001_000_000_001
        self._restrict_chats = known_chats is not None
        self._messages: dict[tuple[int, int], JsonObject] = {}
        self._sent_index: dict[tuple[int, int], SentMessage] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._file_counter = 0
        self._media_group_counter = 0
        self._callback_ids: set[str] = set()
        self._callback_counter = 0

        self._updates: list[JsonObject] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._updates_event = asyncio.Event()

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = asyncio.Event()
        self._handlers = self._build_handlers()

        for chat in known_chats or ():
            self.register_chat(chat)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._closing = asyncio.Event()
        self._updates_event = asyncio.Event()
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 4 * MIB)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unrouted)
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0
        )
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", 0))
            await web.SockSite(runner, sock).start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._port = sock.getsockname()[1]
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._closing.set()
        self._wake_pollers()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None or self._runner is None:
            raise RuntimeError("FakeTelegram is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: it appends ``{token}/{method}``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's ``base_file_url``: it appends ``{token}/{file_path}``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- configuration and inspection --------------------------------------------------------

    def register_chat(
        self,
        chat_id: int | str,
        *,
        type: ChatType | None = None,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        is_forum: bool = False,
        owner_id: int | None = None,
        admin_ids: Iterable[int] = (),
        bot_is_admin: bool = True,
    ) -> FakeChat:
        """Make a chat known (and so reachable when ``known_chats`` restricts chats).

        ``chat_id`` may be ``"@username"``: the chat then gets a channel-style id.
        """
        key = _chat_key(chat_id)
        if key is None:
            raise ValueError(f"not a chat id: {chat_id!r}")
        if isinstance(key, str):
            username = username or key[1:]
            existing_id = self._usernames.get(key.lower())
            if existing_id is None:
                existing_id = self._next_channel_id
                self._next_channel_id -= 1
            numeric = existing_id
            kind: ChatType = type or "channel"
        else:
            numeric = key
            kind = type or _infer_chat_type(key)
        previous = self._chats.get(numeric)
        chat = FakeChat(
            id=numeric,
            type=kind,
            title=title,
            username=username,
            first_name=first_name,
            is_forum=is_forum,
            owner_id=owner_id,
            admin_ids=tuple(admin_ids),
            bot_is_admin=bot_is_admin,
            kicked=previous.kicked if previous else False,
            next_message_id=previous.next_message_id if previous else 1,
        )
        self._chats[numeric] = chat
        if username:
            self._usernames["@" + username.lower()] = numeric
        return chat

    def chat(self, chat_id: int | str) -> FakeChat | None:
        key = _chat_key(chat_id)
        if isinstance(key, str):
            numeric = self._usernames.get(key.lower())
            return None if numeric is None else self._chats.get(numeric)
        return None if key is None else self._chats.get(key)

    def kick_bot(self, chat_id: int | str) -> None:
        """From now on the chat answers 403, as when the bot was kicked (or blocked)."""
        chat = self.chat(chat_id) or self.register_chat(chat_id)
        chat.kicked = True

    def readmit_bot(self, chat_id: int | str) -> None:
        chat = self.chat(chat_id)
        if chat is not None:
            chat.kicked = False

    def messages_in(self, chat_id: int | str) -> list[SentMessage]:
        """Messages the bot sent to the chat and has not deleted, oldest first."""
        chat = self.chat(chat_id)
        if chat is None:
            return []
        return [sent for sent in self.sent if sent.chat_id == chat.id and not sent.deleted]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def commands_for(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[JsonObject]:
        """The command list set for exactly this scope and language."""
        return list(self.commands.get(self._scope_key(scope, language_code), []))

    def reset_rate_limits(self) -> None:
        self._flood.reset()

    def fail_next(
        self,
        method: str | None = None,
        *,
        status: int = 500,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Script the next ``times`` answers to ``method`` (any method but getUpdates if None).

        ``retry_after`` makes it a 429 with ``parameters.retry_after``. ``delay`` holds the
        answer back (to run into client timeouts); with ``status=200`` the request is carried
        out normally first, so the message exists even if the client gave up waiting.
        """
        if retry_after is not None:
            status = HTTPStatus.TOO_MANY_REQUESTS
        self._faults.append(_Fault(method, status, retry_after, description, times, delay))

    def push_update(self, update: Mapping[str, Any]) -> int:
        """Queue an update for getUpdates and return its ``update_id``."""
        queued = dict(update)
        if "update_id" in queued:
            self._next_update_id = max(self._next_update_id, int(queued["update_id"]) + 1)
        else:
            queued["update_id"] = self._next_update_id
            self._next_update_id += 1
        kinds = set(queued) - {"update_id"}
        allowed = self._allowed_updates
        if allowed is None or not allowed:
            if not kinds & UPDATES_OFF_BY_DEFAULT:
                self._updates.append(queued)
        elif kinds & allowed:
            self._updates.append(queued)
        callback = queued.get("callback_query")
        if isinstance(callback, dict) and "id" in callback:
            self._callback_ids.add(str(callback["id"]))
        self._wake_pollers()
        return int(queued["update_id"])

    @property
    def pending_updates(self) -> list[JsonObject]:
        return list(self._updates)

    def make_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JsonObject:
        user: JsonObject = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User {user_id}",
        }
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def make_command_update(
        self,
        *,
        text: str,
        user_id: int,
        chat_id: int,
        chat_type: ChatType = "private",
        photo: bytes | None = None,
        reply_to: Mapping[str, Any] | None = None,
        caption: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
    ) -> JsonObject:
        """An update with a message from a user, ``bot_command`` and other entities marked.

        With ``photo`` the message is a photo whose caption is ``caption`` if given, else
        ``text``. ``reply_to`` is a Message object (for instance ``SentMessage.message``).
        The message takes the chat's next message id, so the bot can reply to it.
        """
        chat = self.chat(chat_id)
        if chat is None:
            kind = chat_type if (chat_type == "private") == (chat_id > 0) else None
            chat = self.register_chat(chat_id, type=kind, first_name=first_name)
        message: JsonObject = {"message_id": chat.take_message_id()}
        user = self.make_user(user_id, first_name=first_name, username=username)
        if chat.type == "channel":
            message["sender_chat"] = chat.as_chat()
        else:
            message["from"] = user
        message["chat"] = chat.as_chat()
        message["date"] = int(self._wall_clock())
        if reply_to is not None:
            message["reply_to_message"] = _strip_reply(dict(reply_to))
        if photo is not None:
            media = self._store_upload("photo", _Upload("photo.jpg", "image/jpeg", photo), {})
            body = caption if caption is not None else text
            message["photo"] = media.payload
            if body:
                message["caption"] = body
                entities = _autodetect_entities(body, [])
                if entities:
                    message["caption_entities"] = entities
        else:
            message["text"] = text
            entities = _autodetect_entities(text, [])
            if entities:
                message["entities"] = entities
        self._messages[(chat.id, message["message_id"])] = message
        return {"channel_post" if chat.type == "channel" else "message": message}

    def make_callback_update(
        self,
        *,
        data: str,
        user_id: int,
        message: Mapping[str, Any],
        query_id: str | None = None,
    ) -> JsonObject:
        """An update with a callback query from an inline button under ``message``."""
        self._callback_counter += 1
        query: JsonObject = {
            "id": query_id or f"{4_000_000_000_000_000_000 + self._callback_counter}",
            "from": self.make_user(user_id),
            "message": _strip_reply(dict(message)),
            "chat_instance": str(-7_000_000_000_000_000_000 - self._callback_counter),
            "data": data,
        }
        return {"callback_query": query}

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_unrouted(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(HTTPStatus.NOT_FOUND, "Not Found").payload(), status=404)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._file_paths.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None or stored.data is None:
            error = ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            return web.json_response(error.payload(), status=error.status)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(
            method=method,
            params={},
            files={},
            chat_id=None,
            time=self._clock(),
            http_method=request.method,
        )
        self.calls.append(call)
        fault: _Fault | None = None
        try:
            params, uploads = await self._read_request(request, method)
            call.params = params
            call.files = {name: upload.data for name, upload in uploads.items()}
            call.chat_id = _chat_key(params.get("chat_id"))
            fields = self.spec.method_fields(method) if self.spec else None
            if fields is not None:
                call.unknown_params = [name for name in params if name not in fields]
            token = request.match_info["token"]
            if not _TOKEN.fullmatch(token):
                raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            if token != self.token:
                raise ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized")
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            fault = self._take_fault(method)
            if fault is not None and fault.status != HTTPStatus.OK:
                await self._pause(fault.delay)
                raise fault.error()
            result = await handler(_Request(method, params, uploads))
            payload: JsonObject = {"ok": True, "result": result}
            status = 200
        except ApiError as error:
            payload, status = error.payload(), int(error.status)
        call.status = status
        call.response = payload
        if fault is not None and fault.status == HTTPStatus.OK:
            await self._pause(fault.delay)
        return web.json_response(payload, status=status)

    async def _read_request(
        self, request: web.Request, method: str
    ) -> tuple[JsonObject, dict[str, _Upload]]:
        """Parameters from the query string and a JSON, urlencoded or multipart body."""
        raw: dict[str, str] = dict(request.query)
        typed: JsonObject = {}
        uploads: dict[str, _Upload] = {}
        if request.body_exists:
            content_type = request.content_type
            if content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError.bad_request("can't parse JSON encoded request body") from None
                if not isinstance(body, dict):
                    raise ApiError.bad_request("JSON encoded request body must be an Object")
                typed.update(body)
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    form = await request.post()
                except web.HTTPRequestEntityTooLarge:
                    raise ApiError(
                        HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large"
                    ) from None
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        uploads[name] = _Upload(
                            value.filename, value.content_type, value.file.read()
                        )
                    elif isinstance(value, str):
                        raw[name] = value
                    else:
                        raw[name] = bytes(value).decode("utf-8", "replace")
        fields = self.spec.method_fields(method) if self.spec else None
        params: JsonObject = {}
        for name, value in raw.items():
            types = fields.get(name) if fields is not None else _FALLBACK_FIELD_TYPES.get(name)
            params[name] = _decode_form_value(types, value)
        params.update(typed)
        if any(len(upload.data) > MAX_UPLOAD_BYTES for upload in uploads.values()):
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
        return params, uploads

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), seconds)

    def _build_handlers(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageMedia": self._edit_message_media,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMember": self._get_chat_member,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
        }
        return {name.lower(): handler for name, handler in handlers.items()}

    # -- shared building blocks --------------------------------------------------------------

    def _bot_user(self) -> JsonObject:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def _resolve_chat(self, ref: Any) -> FakeChat:
        key = _chat_key(ref)
        if key is None:
            raise ApiError.bad_request("chat not found")
        chat = self.chat(key)
        if chat is not None:
            return chat
        if self._restrict_chats:
            raise ApiError.bad_request("chat not found")
        return self.register_chat(key)

    def _target_chat(self, params: Mapping[str, Any]) -> FakeChat:
        ref = params.get("chat_id")
        if ref is None or ref == "":
            raise ApiError.bad_request("chat_id is empty")
        chat = self._resolve_chat(ref)
        if chat.kicked:
            raise ApiError(HTTPStatus.FORBIDDEN, _kicked_description(chat))
        return chat

    def _thread_id(self, chat: FakeChat, params: Mapping[str, Any]) -> int | None:
        thread_id = params.get("message_thread_id")
        if thread_id in (None, "", 0):
            return None
        if not isinstance(thread_id, int) or chat.type in ("group", "channel"):
            raise ApiError.bad_request("message thread not found")
        return thread_id

    def _reply_target(self, chat: FakeChat, params: Mapping[str, Any]) -> JsonObject | None:
        reply = params.get("reply_parameters")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        target_chat = chat
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, ""):
                target_chat = self._resolve_chat(reply["chat_id"])
        else:
            message_id = params.get("reply_to_message_id")
        if message_id in (None, "", 0):
            return None
        found = self._messages.get((target_chat.id, _as_int(message_id)))
        if found is None:
            if allow_missing:
                return None
            raise ApiError.bad_request("message to be replied not found")
        return _strip_reply(found)

    def _format(self, raw: Any, parse_mode: Any, entities: Any) -> FormattedText:
        text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
        mode = parse_mode if isinstance(parse_mode, str) else None
        return format_text(text, parse_mode=mode, entities=entities, strict_html=self.strict_html)

    def _caption(self, params: Mapping[str, Any]) -> FormattedText:
        caption = self._format(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        if caption.length > MAX_CAPTION_LENGTH:
            raise ApiError.bad_request("message caption is too long")
        return caption

    def _admit(self, chat: FakeChat, cost: int) -> None:
        if not self.enforce_rate_limits:
            return
        wait = self._flood.admit(chat.id, cost, self._clock())
        if wait > 0:
            self.rate_limit_hits += 1
            raise ApiError.too_many_requests(max(1, math.ceil(wait - 1e-9)))

    def _new_message(
        self,
        chat: FakeChat,
        params: Mapping[str, Any],
        *,
        thread_id: int | None,
        reply_to: JsonObject | None,
    ) -> JsonObject:
        message: JsonObject = {"message_id": chat.take_message_id()}
        if chat.type == "channel":
            message["sender_chat"] = chat.as_chat()
        else:
            message["from"] = self._bot_user()
        message["chat"] = chat.as_chat()
        message["date"] = int(self._wall_clock())
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.is_forum:
                message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if params.get("protect_content") is True:
            message["has_protected_content"] = True
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    def _record(
        self,
        chat: FakeChat,
        message: JsonObject,
        *,
        kind: MessageKind,
        raw: Any,
        parse_mode: Any,
        formatted: FormattedText,
        media: _Media | None = None,
    ) -> SentMessage:
        sent = SentMessage(
            chat_id=chat.id,
            message_id=message["message_id"],
            kind=kind,
            text=formatted.text,
            html=raw if isinstance(raw, str) else None,
            parse_mode=parse_mode if isinstance(parse_mode, str) else None,
            entities=formatted.entities,
            date=message["date"],
            message=message,
            thread_id=message.get("message_thread_id"),
            reply_to=(message.get("reply_to_message") or {}).get("message_id"),
            media_group_id=message.get("media_group_id"),
            reply_markup=message.get("reply_markup"),
        )
        if media is not None:
            _apply_media(sent, media)
        self.sent.append(sent)
        self._sent_index[(chat.id, sent.message_id)] = sent
        self._messages[(chat.id, sent.message_id)] = message
        return sent

    # -- files -------------------------------------------------------------------------------

    def _new_file_id(self, kind: MediaType, key: bytes) -> tuple[str, str]:
        self._file_counter += 1
        digest = hashlib.sha256(key).hexdigest()
        file_id = f"{FILE_ID_PREFIXES[kind]}{self._file_counter:06d}{digest[:24]}"
        return file_id, f"AQAD{digest[:12]}"

    def _register_file(self, stored: _StoredFile) -> None:
        self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored

    def _file_path(self, kind: MediaType, file_name: str | None, default_ext: str) -> str:
        ext = Path(file_name).suffix if file_name and Path(file_name).suffix else default_ext
        return f"{FILE_FOLDERS[kind]}/file_{self._file_counter}{ext}"

    def _store_upload(self, kind: MediaType, upload: _Upload, item: Mapping[str, Any]) -> _Media:
        data = upload.data
        if len(data) > MAX_UPLOAD_BYTES:
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
        if not data:
            raise ApiError.bad_request("file must be non-empty")
        if kind == "photo":
            return self._store_photo(data)
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename or "")[0] or mime
        file_id, unique_id = self._new_file_id(kind, data)
        payload: JsonObject = {"file_id": file_id, "file_unique_id": unique_id}
        if kind == "video":
            payload["width"] = _as_int(item.get("width"), 0)
            payload["height"] = _as_int(item.get("height"), 0)
        if kind in ("video", "audio"):
            payload["duration"] = _as_int(item.get("duration"), 0)
        if upload.filename:
            payload["file_name"] = upload.filename
        if mime:
            payload["mime_type"] = mime
        payload["file_size"] = len(data)
        stored = _StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            kind=kind,
            data=data,
            file_size=len(data),
            file_path=self._file_path(kind, upload.filename, ".bin"),
            file_name=upload.filename,
            mime_type=mime,
            payload=payload,
        )
        self._register_file(stored)
        return _Media(kind, payload, file_id, len(data), file_name=upload.filename)

    def _store_photo(self, data: bytes) -> _Media:
        if len(data) > MAX_PHOTO_BYTES:
            raise ApiError.bad_request("PHOTO_SAVE_FILE_INVALID")
        size = _image_size(data)
        if size is None:
            raise ApiError.bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if (
            width <= 0
            or height <= 0
            or width + height > MAX_PHOTO_DIMENSION_SUM
            or max(width, height) > MAX_PHOTO_ASPECT_RATIO * min(width, height)
        ):
            raise ApiError.bad_request("PHOTO_INVALID_DIMENSIONS")
        sizes = self._photo_sizes(data, width, height)
        largest = sizes[-1]
        return _Media("photo", sizes, largest["file_id"], len(data), width=width, height=height)

    def _photo_sizes(self, data: bytes | None, width: int, height: int) -> list[JsonObject]:
        """The PhotoSize variants Telegram makes of a photo, smallest first."""
        longest = max(width, height)
        dims: list[tuple[int, int]] = []
        for step in PHOTO_SIZE_STEPS:
            scale = min(1.0, step / longest)
            variant = (max(1, round(width * scale)), max(1, round(height * scale)))
            if not dims or variant != dims[-1]:
                dims.append(variant)
            if scale >= 1.0:
                break
        sizes: list[JsonObject] = []
        stored_files: list[_StoredFile] = []
        for index, (w, h) in enumerate(dims):
            key = (data or b"") + f"{w}x{h}:{index}".encode()
            file_id, unique_id = self._new_file_id("photo", key)
            photo: JsonObject = {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "width": w,
                "height": h,
            }
            if data is not None:
                photo["file_size"] = max(1, round(len(data) * (w * h) / (width * height)))
            sizes.append(photo)
            stored_files.append(
                _StoredFile(
                    file_id=file_id,
                    file_unique_id=unique_id,
                    kind="photo",
                    data=data,
                    file_size=photo.get("file_size"),
                    file_path=self._file_path("photo", None, ".jpg"),
                    width=w,
                    height=h,
                    mime_type="image/jpeg",
                    payload=sizes,
                )
            )
        for stored in stored_files:
            self._register_file(stored)
        return sizes

    def _media_from_url(self, kind: MediaType, url: str, item: Mapping[str, Any]) -> _Media:
        if kind == "photo":
            width, height = URL_PHOTO_SIZE
            sizes = self._photo_sizes(None, width, height)
            return _Media("photo", sizes, sizes[-1]["file_id"], width=width, height=height, url=url)
        file_name = Path(urlsplit(url).path).name or None
        file_id, unique_id = self._new_file_id(kind, url.encode())
        payload: JsonObject = {"file_id": file_id, "file_unique_id": unique_id}
        if kind == "video":
            payload.update(
                width=_as_int(item.get("width"), 0), height=_as_int(item.get("height"), 0)
            )
        if kind in ("video", "audio"):
            payload["duration"] = _as_int(item.get("duration"), 0)
        if file_name:
            payload["file_name"] = file_name
            mime = mimetypes.guess_type(file_name)[0]
            if mime:
                payload["mime_type"] = mime
        self._register_file(
            _StoredFile(
                file_id=file_id,
                file_unique_id=unique_id,
                kind=kind,
                data=None,
                file_size=None,
                file_path=self._file_path(kind, file_name, ".bin"),
                file_name=file_name,
                payload=payload,
            )
        )
        return _Media(kind, payload, file_id, file_name=file_name, url=url)

    def _media_from_file_id(self, kind: MediaType, file_id: str) -> _Media:
        stored = self._files.get(file_id)
        if stored is None:
            raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise ApiError.bad_request("type of file mismatch")
        if kind == "photo":
            sizes: list[JsonObject] = stored.payload
            largest = sizes[-1]
            return _Media(
                kind,
                sizes,
                largest["file_id"],
                largest.get("file_size"),
                width=largest["width"],
                height=largest["height"],
            )
        return _Media(
            kind, stored.payload, stored.file_id, stored.file_size, file_name=stored.file_name
        )

    def _resolve_media(
        self,
        kind: MediaType,
        ref: Any,
        upload: _Upload | None,
        item: Mapping[str, Any],
        *,
        missing: str,
    ) -> _Media:
        if upload is not None:
            return self._store_upload(kind, upload, item)
        if not isinstance(ref, str) or not ref or ref.startswith("attach://"):
            raise ApiError.bad_request(missing)
        if ref.startswith(("http://", "https://")):
            return self._media_from_url(kind, ref, item)
        return self._media_from_file_id(kind, ref)

    @staticmethod
    def _upload_for(req: _Request, field_name: str, ref: Any) -> _Upload | None:
        if isinstance(ref, str) and ref.startswith("attach://"):
            return req.files.get(ref.removeprefix("attach://"))
        if ref is None or ref == "":
            return req.files.get(field_name)
        return None

    # -- methods: bot and updates ------------------------------------------------------------

    async def _ok(self, req: _Request) -> bool:
        return True

    async def _get_me(self, req: _Request) -> JsonObject:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _wake_pollers(self) -> None:
        self._updates_event.set()
        self._updates_event = asyncio.Event()

    async def _get_updates(self, req: _Request) -> list[JsonObject]:
        params = req.params
        if self.webhook_url:
            raise ApiError(
                HTTPStatus.CONFLICT,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset"), 0)
        limit = min(max(_as_int(params.get("limit"), 100), 1), 100)
        wait = max(0.0, float(_as_number(params.get("timeout"), 0)))
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed)
        if offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            if self._updates or self._closing.is_set():
                return self._updates[:limit]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                await asyncio.wait_for(self._updates_event.wait(), remaining)
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                raise ApiError(
                    HTTPStatus.CONFLICT,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    async def _set_webhook(self, req: _Request) -> bool:
        url = req.params.get("url")
        if not isinstance(url, str):
            raise ApiError.bad_request('parameter "url" is required')
        if url and not url.startswith("https://"):
            raise ApiError.bad_request("bad webhook: HTTPS url must be provided for webhook")
        self.webhook_url = url
        if req.params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    async def _delete_webhook(self, req: _Request) -> bool:
        self.webhook_url = ""
        if req.params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    async def _get_webhook_info(self, req: _Request) -> JsonObject:
        info: JsonObject = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self._allowed_updates:
                info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    # -- methods: sending --------------------------------------------------------------------

    async def _send_message(self, req: _Request) -> JsonObject:
        params = req.params
        chat = self._target_chat(params)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_target(chat, params)
        text = self._format(params.get("text"), params.get("parse_mode"), params.get("entities"))
        if not text.text:
            raise ApiError.bad_request("message text is empty")
        if text.length > MAX_TEXT_LENGTH:
            raise ApiError.bad_request("message is too long")
        self._admit(chat, 1)
        message = self._new_message(chat, params, thread_id=thread_id, reply_to=reply_to)
        message["text"] = text.text
        if text.entities:
            message["entities"] = text.entities
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        self._record(
            chat,
            message,
            kind="text",
            raw=params.get("text"),
            parse_mode=params.get("parse_mode"),
            formatted=text,
        )
        return message

    async def _send_photo(self, req: _Request) -> JsonObject:
        return self._send_single_media(req, "photo")

    async def _send_document(self, req: _Request) -> JsonObject:
        return self._send_single_media(req, "document")

    def _send_single_media(self, req: _Request, kind: MediaType) -> JsonObject:
        params = req.params
        chat = self._target_chat(params)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_target(chat, params)
        caption = self._caption(params)
        ref = params.get(kind)
        media = self._resolve_media(
            kind,
            ref,
            self._upload_for(req, kind, ref),
            params,
            missing=f"there is no {kind} in the request",
        )
        self._admit(chat, 1)
        message = self._new_message(chat, params, thread_id=thread_id, reply_to=reply_to)
        _put_media(message, media, caption, params)
        self._record(
            chat,
            message,
            kind="photo" if kind == "photo" else "document",
            raw=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            formatted=caption,
            media=media,
        )
        return message

    async def _send_media_group(self, req: _Request) -> list[JsonObject]:
        params = req.params
        chat = self._target_chat(params)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_target(chat, params)
        items = params.get("media")
        if items is None or items == "":
            raise ApiError.bad_request('parameter "media" is required')
        if not isinstance(items, list):
            raise ApiError.bad_request("can't parse media JSON object")
        if len(items) > MAX_ALBUM_ITEMS:
            raise ApiError.bad_request("too many messages to send as an album")
        if len(items) < MIN_ALBUM_ITEMS:
            raise ApiError.bad_request(
                "wrong number of messages to send as an album: must include 2-10 items"
            )
        kinds: list[MediaType] = []
        for item in items:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video", "document", "audio"):
                raise ApiError.bad_request(
                    f"can't parse InputMedia: media type \"{kind}\" can't be sent in an album"
                )
            kinds.append(kind)
        if len(set(kinds)) > 1 and {"document", "audio"} & set(kinds):
            raise ApiError.bad_request(
                "documents and audio files can be only grouped in an album with messages of "
                "the same type"
            )
        prepared: list[tuple[JsonObject, FormattedText, _Media]] = []
        for item, kind in zip(items, kinds, strict=True):
            caption = self._format(
                item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
            )
            if caption.length > MAX_CAPTION_LENGTH:
                raise ApiError.bad_request("message caption is too long")
            ref = item.get("media")
            upload = self._upload_for(req, "", ref) if ref else None
            media = self._resolve_media(
                kind, ref, upload, item, missing="can't parse InputMedia: media not found"
            )
            prepared.append((item, caption, media))
        self._admit(chat, len(prepared))
        self._media_group_counter += 1
        group_id = str(13_900_000_000_000_000 + self._media_group_counter)
        messages: list[JsonObject] = []
        for item, caption, media in prepared:
            message = self._new_message(chat, params, thread_id=thread_id, reply_to=reply_to)
            message.pop("reply_markup", None)
            message["media_group_id"] = group_id
            _put_media(message, media, caption, item)
            self._record(
                chat,
                message,
                kind="media_group_item",
                raw=item.get("caption"),
                parse_mode=item.get("parse_mode"),
                formatted=caption,
                media=media,
            )
            messages.append(message)
        return messages

    async def _send_chat_action(self, req: _Request) -> bool:
        chat = self._target_chat(req.params)
        action = req.params.get("action")
        if action not in CHAT_ACTIONS:
            raise ApiError.bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, str(action)))
        return True

    # -- methods: editing and deleting -------------------------------------------------------

    def _editable(self, params: Mapping[str, Any]) -> tuple[FakeChat, SentMessage]:
        if params.get("inline_message_id"):
            raise ApiError.bad_request("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        message_id = params.get("message_id")
        if message_id in (None, ""):
            raise ApiError.bad_request("message identifier is not specified")
        key = (chat.id, _as_int(message_id))
        sent = self._sent_index.get(key)
        if sent is None or sent.deleted:
            if key in self._messages:
                raise ApiError.bad_request("message can't be edited")
            raise ApiError.bad_request("message to edit not found")
        return chat, sent

    @staticmethod
    def _markup(params: Mapping[str, Any]) -> JsonObject | None:
        """The inline keyboard after an edit: one left out of the request is removed."""
        markup = params.get("reply_markup")
        return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None

    def _apply_edit(
        self,
        sent: SentMessage,
        *,
        text_key: str,
        formatted: FormattedText,
        raw: Any,
        parse_mode: Any,
        markup: JsonObject | None,
        media: _Media | None = None,
    ) -> JsonObject:
        message = sent.message
        entities_key = "entities" if text_key == "text" else "caption_entities"
        unchanged = (
            media is None
            and message.get(text_key, "") == formatted.text
            and message.get(entities_key, []) == formatted.entities
            and message.get("reply_markup") == markup
        )
        if unchanged:
            raise ApiError.bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        if media is not None:
            for key in ("photo", "video", "document", "audio"):
                message.pop(key, None)
            _put_media(message, media, formatted, {})
            _apply_media(sent, media)
        if formatted.text:
            message[text_key] = formatted.text
        else:
            message.pop(text_key, None)
        if formatted.entities:
            message[entities_key] = formatted.entities
        else:
            message.pop(entities_key, None)
        if markup is not None:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(self._wall_clock())
        sent.text = formatted.text
        sent.html = raw if isinstance(raw, str) else None
        sent.parse_mode = parse_mode if isinstance(parse_mode, str) else None
        sent.entities = formatted.entities
        sent.reply_markup = markup
        sent.edit_count += 1
        return message

    async def _edit_message_text(self, req: _Request) -> JsonObject:
        params = req.params
        _, sent = self._editable(params)
        if sent.kind != "text":
            raise ApiError.bad_request("there is no text in the message to edit")
        text = self._format(params.get("text"), params.get("parse_mode"), params.get("entities"))
        if not text.text:
            raise ApiError.bad_request("message text is empty")
        if text.length > MAX_TEXT_LENGTH:
            raise ApiError.bad_request("MESSAGE_TOO_LONG")
        return self._apply_edit(
            sent,
            text_key="text",
            formatted=text,
            raw=params.get("text"),
            parse_mode=params.get("parse_mode"),
            markup=self._markup(params),
        )

    async def _edit_message_caption(self, req: _Request) -> JsonObject:
        params = req.params
        _, sent = self._editable(params)
        if sent.kind == "text":
            raise ApiError.bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        return self._apply_edit(
            sent,
            text_key="caption",
            formatted=caption,
            raw=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            markup=self._markup(params),
        )

    async def _edit_message_media(self, req: _Request) -> JsonObject:
        params = req.params
        _, sent = self._editable(params)
        if sent.kind == "text":
            raise ApiError.bad_request("there is no media in the message to edit")
        item = params.get("media")
        if not isinstance(item, dict):
            raise ApiError.bad_request("can't parse InputMedia JSON object")
        kind = item.get("type")
        if kind not in ("photo", "video", "document", "audio"):
            raise ApiError.bad_request(f'can\'t parse InputMedia: unsupported type "{kind}"')
        if sent.media_group_id is not None and (kind in ("document", "audio")) != (
            sent.media_type in ("document", "audio")
        ):
            raise ApiError.bad_request("can't change media type of a message in an album")
        caption = self._format(
            item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
        )
        if caption.length > MAX_CAPTION_LENGTH:
            raise ApiError.bad_request("message caption is too long")
        ref = item.get("media")
        media = self._resolve_media(
            kind,
            ref,
            self._upload_for(req, "", ref) if ref else None,
            item,
            missing="can't parse InputMedia: media not found",
        )
        return self._apply_edit(
            sent,
            text_key="caption",
            formatted=caption,
            raw=item.get("caption"),
            parse_mode=item.get("parse_mode"),
            markup=self._markup(params),
            media=media,
        )

    async def _edit_message_reply_markup(self, req: _Request) -> JsonObject:
        params = req.params
        _, sent = self._editable(params)
        markup = self._markup(params)
        if sent.message.get("reply_markup") == markup:
            raise ApiError.bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        if markup is None:
            sent.message.pop("reply_markup", None)
        else:
            sent.message["reply_markup"] = markup
        sent.message["edit_date"] = int(self._wall_clock())
        sent.reply_markup = markup
        sent.edit_count += 1
        return sent.message

    async def _delete_message(self, req: _Request) -> bool:
        chat = self._target_chat(req.params)
        message_id = req.params.get("message_id")
        if message_id in (None, ""):
            raise ApiError.bad_request("message identifier is not specified")
        key = (chat.id, _as_int(message_id))
        if self._messages.pop(key, None) is None:
            raise ApiError.bad_request("message to delete not found")
        sent = self._sent_index.get(key)
        if sent is not None:
            sent.deleted = True
        return True

    # -- methods: commands, chats, callbacks, files ------------------------------------------

    def _scope_key(self, scope: Any, language_code: Any) -> ScopeKey:
        if isinstance(scope, str):
            scope = _loose_json(scope)
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, Mapping) or scope.get("type") not in COMMAND_SCOPES:
            raise ApiError.bad_request("unsupported bot command scope type")
        language = language_code if isinstance(language_code, str) else ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError.bad_request("invalid language code specified")
        kind = str(scope["type"])
        chat_id: int | None = None
        user_id: int | None = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = self._resolve_chat(scope.get("chat_id")).id
        if kind == "chat_member":
            user_id = _as_int(scope.get("user_id"), 0)
            if user_id <= 0:
                raise ApiError.bad_request("user not found")
        return (kind, chat_id, user_id, language)

    async def _set_my_commands(self, req: _Request) -> bool:
        commands = req.params.get("commands")
        if not isinstance(commands, list):
            raise ApiError.bad_request('parameter "commands" is required')
        if len(commands) > MAX_COMMANDS:
            raise ApiError.bad_request("too many commands specified")
        cleaned: list[JsonObject] = []
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError.bad_request("can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
                raise ApiError.bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, req: _Request) -> list[JsonObject]:
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        return list(self.commands.get(key, []))

    async def _delete_my_commands(self, req: _Request) -> bool:
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        self.commands.pop(key, None)
        return True

    async def _get_chat(self, req: _Request) -> JsonObject:
        chat = self._target_chat(req.params)
        info = chat.as_chat()
        info.update(
            accent_color_id=chat.id % 7 if chat.id > 0 else 0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        if chat.type == "private":
            info["has_private_forwards"] = False
        return info

    def _member(self, chat: FakeChat, user_id: int) -> JsonObject:
        if user_id == self.bot_id:
            user = self._bot_user()
            if chat.bot_is_admin:
                return _administrator(user, chat, can_be_edited=False)
            return {"status": "member", "user": user}
        user = self.make_user(user_id, language_code=None)
        if user_id == chat.owner_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in chat.admin_ids:
            return _administrator(user, chat, can_be_edited=False)
        return {"status": "member", "user": user}

    async def _get_chat_administrators(self, req: _Request) -> list[JsonObject]:
        chat = self._target_chat(req.params)
        if chat.type == "private":
            raise ApiError.bad_request("there are no administrators in the private chat")
        members = []
        if chat.owner_id is not None:
            members.append(self._member(chat, chat.owner_id))
        members.extend(self._member(chat, admin_id) for admin_id in chat.admin_ids)
        if chat.bot_is_admin:
            members.append(self._member(chat, self.bot_id))
        return members

    async def _get_chat_member(self, req: _Request) -> JsonObject:
        chat = self._target_chat(req.params)
        user_id = _as_int(req.params.get("user_id"), 0)
        if user_id <= 0:
            raise ApiError.bad_request("invalid user_id specified")
        return self._member(chat, user_id)

    async def _answer_callback_query(self, req: _Request) -> bool:
        query_id = str(req.params.get("callback_query_id", ""))
        if query_id not in self._callback_ids:
            raise ApiError.bad_request(
                "query is too old and response timeout expired or query id is invalid"
            )
        self._callback_ids.discard(query_id)
        self.answered_callbacks.append(dict(req.params))
        return True

    async def _get_file(self, req: _Request) -> JsonObject:
        file_id = req.params.get("file_id")
        if not isinstance(file_id, str) or not file_id:
            raise ApiError.bad_request('parameter "file_id" is required')
        stored = self._files.get(file_id)
        if stored is None:
            raise ApiError.bad_request("invalid file_id")
        if stored.file_size is not None and stored.file_size > MAX_DOWNLOAD_BYTES:
            raise ApiError.bad_request("file is too big")
        result: JsonObject = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.file_size is not None:
            result["file_size"] = stored.file_size
        result["file_path"] = stored.file_path
        return result


# --------------------------------------------------------------------------------------------
# Helpers


def _chat_key(ref: Any) -> int | str | None:
    """A chat reference as an int id or a ``@username``; ``None`` if it is neither."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return ref
    if isinstance(ref, str):
        ref = ref.strip()
        if _INTEGER.fullmatch(ref):
            return int(ref)
        if _USERNAME.fullmatch(ref):
            return ref
    return None


def _infer_chat_type(chat_id: int) -> ChatType:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def _kicked_description(chat: FakeChat) -> str:
    if chat.type == "private":
        return "Forbidden: bot was blocked by the user"
    return f"Forbidden: bot was kicked from the {chat.type} chat"


def _as_int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return default


def _as_number(value: Any, default: float = 0.0) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _put_media(
    message: JsonObject, media: _Media, caption: FormattedText, params: Mapping[str, Any]
) -> None:
    message[media.kind] = media.payload
    if caption.text:
        message["caption"] = caption.text
    if caption.entities:
        message["caption_entities"] = caption.entities
    if params.get("show_caption_above_media") is True and media.kind in ("photo", "video"):
        message["show_caption_above_media"] = True
    if params.get("has_spoiler") is True and media.kind in ("photo", "video"):
        message["has_media_spoiler"] = True


def _apply_media(sent: SentMessage, media: _Media) -> None:
    sent.media_type = media.kind
    sent.file_id = media.file_id
    sent.file_size = media.file_size
    sent.width = media.width
    sent.height = media.height
    sent.file_name = media.file_name
    sent.media_url = media.url


def _administrator(user: JsonObject, chat: FakeChat, *, can_be_edited: bool) -> JsonObject:
    member: JsonObject = {
        "status": "administrator",
        "user": user,
        "can_be_edited": can_be_edited,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": True,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": True,
        "can_invite_users": True,
        "can_post_stories": True,
        "can_edit_stories": True,
        "can_delete_stories": True,
    }
    if chat.type == "channel":
        member.update(can_post_messages=True, can_edit_messages=True)
    else:
        member["can_pin_messages"] = True
    if chat.type == "supergroup":
        member["can_manage_topics"] = chat.is_forum
    return member
