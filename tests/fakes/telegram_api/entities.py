"""UTF-16 lengths and a port of the Bot API's HTML entity parser (``parse_mode=HTML``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from .common import ApiError, JsonObject


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
