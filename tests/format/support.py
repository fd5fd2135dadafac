"""Independent readers of what the renderers produce: Telegram HTML and Discord Markdown."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import Channel, Media, Post
from bot.format.layout import FormatOptions
from bot.format.model import Request

TOKYO = ZoneInfo("Asia/Tokyo")
OPTS = FormatOptions(
    association="Cambodian Students Association in Japan", site_url="https://example.org"
)
TG = Channel("tg", "telegram", chat_id="-100123")
DC = Channel("dc", "discord", channel_id="777")
HOOK = Channel("hook", "discord-webhook", webhook_url_env="X")
STATIC = "/srv/site/static"  # a fixed upload root keeps the requests machine-independent
REPO = Path(__file__).resolve().parents[2]

TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
    "pre", "blockquote",
}  # fmt: skip
TELEGRAM_ATTRS = {"a": {"href"}, "span": {"class"}, "code": {"class"}, "blockquote": {"expandable"}}
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "strict")) // 2


def local_media(n: int, stem: str = "img") -> list[Media]:
    return [
        Media(
            f"/images/posts/{stem}-{i}.jpeg",
            f"{stem}-{i}.jpeg",
            path=f"{STATIC}/images/posts/{stem}-{i}.jpeg",
            width=1280,
            height=960,
            size=200_000,
        )
        for i in range(1, n + 1)
    ]


def media_for(post: Post) -> list[Media]:
    return [
        Media(
            src, src.rsplit("/", 1)[-1], path=f"{STATIC}{src}", width=1280, height=960, size=200_000
        )
        for src in post.images
    ]


def make_post(title: str = "Title", body: str = "Body.", **kw: Any) -> Post:
    base: dict[str, Any] = {
        "key": "sample",
        "source": "posts/sample.md",
        "date": datetime(2023, 1, 23, 9, 0, tzinfo=TOKYO),
        "digest": "0" * 64,
    }
    return Post(title=title, body=body, **{**base, **kw})


# --- Telegram ----------------------------------------------------------------------------------


class TelegramHTML(HTMLParser):
    """Visible text of a Telegram HTML message; refuses what Telegram would refuse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"tag <{tag}> is not allowed")
        for name, _ in attrs:
            if name not in TELEGRAM_ATTRS.get(tag, set()):
                self.errors.append(f"attribute {name!r} on <{tag}>")
        if tag == "a" and not dict(attrs).get("href"):
            self.errors.append("<a> without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "&" in data:
            self.errors.append(f"bare & in {data!r}")
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.errors.append(f"entity &{name};")
        self.parts.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name, ""))

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        self.parts.append(chr(code))

    def handle_comment(self, data: str) -> None:
        self.errors.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.errors.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.errors.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.errors.append("unknown declaration")


def telegram_visible(html: str) -> str:
    """The text a reader sees; fails the test on markup Telegram would reject."""
    parser = TelegramHTML()
    parser.feed(html)
    parser.close()
    if parser.rawdata:  # left unparsed, e.g. an unterminated tag
        parser.errors.append(f"unparsed tail {parser.rawdata[:40]!r}")
    assert not parser.stack, f"unclosed tags {parser.stack} in {html[:200]!r}"
    assert not parser.errors, f"{parser.errors[:5]} in {html[:200]!r}"
    return "".join(parser.parts)


def telegram_texts(requests: Sequence[Request]) -> list[str]:
    """The HTML of every text a post shows, in order: captions and messages."""
    out: list[str] = []
    for r in requests:
        p = r.params
        if r.method == "sendMessage":
            out.append(p["text"])
        elif r.method in ("sendPhoto", "sendDocument") and "caption" in p:
            out.append(p["caption"])
        elif r.method == "sendMediaGroup":
            out.extend(item["caption"] for item in p["media"] if "caption" in item)
    return out


# --- Discord -----------------------------------------------------------------------------------

_DISCORD_ESCAPABLE = set("\\*_~`|[]<>#-+.()!:=")


def discord_visible(md: str) -> str:
    """The text a reader sees for the Markdown the renderer writes.

    Backslash escapes punctuation only (as in Discord's parser): a backslash before a letter or
    digit stays visible. `**`, `*`, `~~` and unescaped backticks are markup, `> ` at a line start
    quotes, a ``` line opens or closes a code block (its language is not shown).
    """
    out: list[str] = []
    i, n = 0, len(md)
    line_start = True
    while i < n:
        ch = md[i]
        if line_start and md.startswith("```", i):
            end = md.find("\n", i)
            close = md.find("\n```", end)
            assert end >= 0 and close >= 0, f"unterminated code block in {md[i : i + 80]!r}"
            out.append(md[end + 1 : close])
            i = close + 4
            line_start = False
            continue
        if line_start and md.startswith("> ", i):
            i += 2
            line_start = False
            continue
        line_start = False
        if ch == "\\" and i + 1 < n and md[i + 1] in _DISCORD_ESCAPABLE:
            out.append(md[i + 1])
            i += 2
        elif ch == "`":
            close = md.find("`", i + 1)
            assert close > i, f"unterminated code span in {md[i : i + 80]!r}"
            out.append(md[i + 1 : close].replace("ˋ", "`"))
            i = close + 1
        elif ch in "*~":
            i += 1
        else:
            out.append(ch)
            line_start = ch == "\n"
            i += 1
    return "".join(out).replace("\u200b", "")


def discord_messages(requests: Sequence[Request]) -> list[dict[str, Any]]:
    return [r.params for r in requests if r.platform == "discord"]


def embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    return total


# --- text streams ------------------------------------------------------------------------------

COENG, ZWJ = "\u17d2", "\u200d"


def squash(text: str) -> str:
    return "".join(text.split())


def is_regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def attaches_to_previous(ch: str) -> bool:
    """True for characters that belong to the one before (combining signs, joiners, modifiers)."""
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch in (ZWJ, COENG)
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
    )


def check_clean_boundaries(pieces: Iterable[str]) -> None:
    """No piece ends or begins in the middle of a user-perceived character."""
    texts = [t.strip() for t in pieces if t.strip()]
    for before, after in pairwise(texts):
        assert before[-1] not in (COENG, ZWJ), f"cut after a joiner: ...{before[-8:]!r}"
        assert not attaches_to_previous(after[0]), f"cut before a combining sign: {after[:8]!r}..."
        run = len(before) - len(before.rstrip("".join(c for c in set(before) if is_regional(c))))
        assert run % 2 == 0, f"flag cut in two: ...{before[-8:]!r} | {after[:8]!r}..."
